//! `vellum_check` checks a loaded vault against the Obsidian dialect and the
//! tech-journal schema, producing structured [`Diagnostic`]s.
//!
//! Rules live in [`rules`], one function per rule family, each documented with
//! its code. Diagnostics stay data (file, span, code, severity, message, help)
//! until the CLI renders them as text or JSON.

pub mod diagnostic;
pub mod rules;

pub use diagnostic::{Code, Diagnostic, Severity};

use vellum_vault::{LoadedToPublish, Vault};

/// Check every note of `vault`. Diagnostics are sorted by file, then position.
///
/// # Errors
/// When `vault` was loaded to publish ([`vellum_vault::Texts::Release`]): it
/// holds neither the texts nor the parts of each parse the rules read, and
/// checking it would report wrong diagnostics.
pub fn check(vault: &Vault) -> Result<Vec<Diagnostic>, LoadedToPublish> {
    let mut out = rules::run(vault)?;
    out.sort_by(|a, b| {
        a.file
            .cmp(&b.file)
            .then(a.span.map(|s| s.start).cmp(&b.span.map(|s| s.start)))
            .then(a.code.as_str().cmp(b.code.as_str()))
    });
    Ok(out)
}
