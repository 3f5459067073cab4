//! Integration tests of `vellum_search`, one module per area, linked into one test binary.

mod cjk;
mod quick;
mod search;
