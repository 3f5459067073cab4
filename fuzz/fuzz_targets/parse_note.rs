//! Fuzz `vellum_syntax::parse`: it must never panic, and every span it returns
//! must be a valid range of the input on char boundaries (the same invariants
//! as `crates/vellum_syntax/tests/properties.rs`).
//!
//! The bytes are decoded lossily, so invalid UTF-8 still reaches the parser as
//! U+FFFD, as it would after `vellum`'s loader reports it.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/vellum_syntax/tests/invariants/mod.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let note = vellum_syntax::parse(&text);
    if let Err(broken) = invariants::check_note(&text, &note) {
        panic!("{broken}\ninput: {text:?}");
    }
});
