//! Integration tests of `vellum_index`, one module per area, linked into one test binary.

mod quick;
mod search;
