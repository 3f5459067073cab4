//! The rules. Each submodule owns a family of codes and documents them:
//!
//! - [`load`]: files that could not be loaded (`V0xx`);
//! - [`frontmatter`]: the schema fields (`V1xx`);
//! - [`journal`]: the journal components (`V2xx`);
//! - [`markdown`]: headings and callouts (`V3xx`);
//! - [`links`]: link resolution (`V4xx`).

pub mod frontmatter;
pub mod journal;
pub mod links;
pub mod load;
pub mod markdown;

use rayon::prelude::*;
use vellum_syntax::NoteDetail;
use vellum_vault::{LoadedToPublish, NoteFile, NoteIdx, Vault};

use crate::Diagnostic;

/// What a per-note rule sees.
pub struct NoteContext<'a> {
    /// The whole vault (for lookups across notes).
    pub vault: &'a Vault,
    /// Index of the note being checked.
    pub idx: NoteIdx,
    /// The note being checked.
    pub note: &'a NoteFile,
    /// Its text.
    pub text: &'a str,
    /// What its parse holds for checking.
    pub detail: &'a NoteDetail,
}

impl NoteContext<'_> {
    /// Whether the note is of a configured kind (`tech-journal`): then the
    /// journal's required fields and components apply.
    #[must_use]
    pub fn is_journal(&self) -> bool {
        let kinds = &self.vault.config.journal.kind_tags;
        let p = &self.note.note.properties;
        p.tags.iter().chain(&p.cssclasses).any(|t| kinds.iter().any(|k| k.eq_ignore_ascii_case(&t.value)))
    }
}

/// Run every rule over the vault.
pub(crate) fn run(vault: &Vault) -> Result<Vec<Diagnostic>, LoadedToPublish> {
    let kept = vault.kept()?;
    let mut out = load::check(vault);
    out.extend(frontmatter::check_vault(vault));
    let per_note: Vec<Vec<Diagnostic>> = (0..vault.notes.len())
        .into_par_iter()
        .map(|idx| {
            let k = kept[idx];
            let cx = NoteContext { vault, idx, note: &vault.notes[idx], text: k.text, detail: k.detail };
            let mut d = Vec::new();
            frontmatter::check(&cx, &mut d);
            journal::check(&cx, &mut d);
            markdown::check(&cx, &mut d);
            links::check(&cx, &mut d);
            d
        })
        .collect();
    out.extend(per_note.into_iter().flatten());
    Ok(out)
}
