//! Integration tests of `vellum`, one module per area, linked into one test binary.

mod authoring;
mod build;
mod check_cache;
mod cli;
mod common;
mod edits;
mod graph;
mod hostile;
mod kill;
mod lsp;
mod obsidian;
mod query;
mod serve;
mod snapshots_tables;
mod urls;
