//! Integration tests of `vellum_vault`, one module per area, linked into one test binary.

mod edge;
mod properties;
mod released;
mod typed_query;
