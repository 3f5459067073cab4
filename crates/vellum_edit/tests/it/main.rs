//! Integration tests of `vellum_edit`, one module per area, linked into one test binary.

mod common;
mod fix;
mod new;
mod rename;
