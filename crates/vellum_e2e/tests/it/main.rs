//! Integration tests of `vellum_e2e`, one module per area, linked into one test binary.

mod cjk;
mod serve;
mod site;
