//! The allocator vellum runs on, and its one tuning.
//!
//! The binary's global allocator is mimalloc (see `crates/vellum/src/main.rs`).
//! mimalloc returns freed memory to the OS only after a *purge delay*, 1 s by
//! default in its v3. A build frees a lot within a second: each batch of pages
//! once written, each note's body once its page is made, so a shorter delay
//! lowers the peak of a build at the cost of some system time. vellum takes
//! 20 ms, the point where the peak stops falling much (measurements in
//! `bench/RESULTS.md`).
//!
//! This is the only crate of the workspace that may use `unsafe`: one call into
//! mimalloc's C API.

use libmimalloc_sys as sys;

pub use mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_e` (`include/mimalloc.h`:
/// the 16th option). `libmimalloc-sys` does not name it; the test below checks
/// that this index is the option whose default is 1000 ms.
const PURGE_DELAY: sys::mi_option_t = 15;

/// The purge delay vellum sets, in milliseconds.
pub const PURGE_DELAY_MS: std::ffi::c_long = 20;

/// Apply vellum's allocator options, unless the environment sets them
/// (`MIMALLOC_PURGE_DELAY` still wins, for measuring).
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    #[allow(unsafe_code)]
    // SAFETY: `mi_option_set` stores a value in mimalloc's option table; it may
    // be called from any thread at any time, and the option is a plain integer.
    unsafe {
        sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
    }
}

/// mimalloc's current purge delay, in milliseconds.
#[must_use]
pub fn purge_delay() -> std::ffi::c_long {
    #[allow(unsafe_code)]
    // SAFETY: `mi_option_get` reads mimalloc's option table (initialising the
    // option from the environment on first use); no pointers are involved.
    unsafe {
        sys::mi_option_get(PURGE_DELAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_index_is_the_purge_delay_and_tune_sets_it() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // v3's default purge delay: no other option defaults to 1000.
        assert_eq!(purge_delay(), 1000, "mimalloc's option table changed: check PURGE_DELAY");
        tune();
        assert_eq!(purge_delay(), PURGE_DELAY_MS);
    }
}
