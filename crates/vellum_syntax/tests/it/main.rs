//! Integration tests of `vellum_syntax`, one module per area, linked into one test binary.

mod properties;
mod seed;
