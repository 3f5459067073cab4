//! Slugs: stable, readable URL segments.
//!
//! A slug is lowercase ASCII letters and digits with single `-` between
//! words ([`url_slug`], [`note_slug`]: `vellum_syntax::url`'s, shared with
//! the checks and `vellum rename`). Two things that would get the same
//! slug are told apart by a suffix (`-2`, `-3`, …) given in a fixed order, so
//! the same vault always gets the same URLs.

pub(crate) use vellum_syntax::url::Slugs;
pub use vellum_syntax::url::{note_slug, url_slug};
