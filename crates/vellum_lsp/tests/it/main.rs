//! Integration tests of `vellum_lsp`, one module per area, linked into one test
//! binary. Each test writes a small vault into a temporary folder and talks
//! JSON-RPC to the server through an in-memory connection (the same messages
//! an editor sends over stdio; the stdio transport and the real binary are
//! tested in `crates/vellum/tests/it/lsp.rs`).

mod client;
mod edits;
mod navigation;
mod robustness;
mod sync;
