//! Integration tests of `vellum_site`, one module per area, linked into one test binary.

mod build;
mod cache;
mod callouts;
mod common;
mod folders;
mod i18n;
mod live;
mod social;
mod urls;
