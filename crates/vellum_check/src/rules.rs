//! The rules. Each submodule owns a family of codes and documents them:
//!
//! - [`load`]: files that could not be loaded (`V0xx`);
//! - [`frontmatter`]: the schema fields (`V1xx`);
//! - [`journal`]: the journal components (`V2xx`);
//! - [`markdown`]: headings and callouts (`V3xx`);
//! - [`links`]: link resolution (`V4xx`);
//! - [`urls`]: the published site's URLs (`V5xx`);
//! - [`canvas`]: JSON Canvas boards (`V6xx`);
//! - [`bases`]: Obsidian bases, in `.base` files and `base` code blocks (`V7xx`).

pub mod bases;
pub mod canvas;
pub mod frontmatter;
pub mod journal;
pub mod links;
pub mod load;
pub mod markdown;
pub mod urls;

use rayon::prelude::*;
use vellum_syntax::NoteDetail;
use vellum_vault::{LoadedToPublish, NoteFile, NoteIdx, Vault};

use crate::{Diagnostic, NoteKeys};

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
    out.extend(urls::check_vault(vault));
    let per_note: Vec<Vec<Diagnostic>> = (0..vault.notes.len())
        .into_par_iter()
        .filter(|&idx| !vault.is_hidden(idx))
        .map(|idx| note_rules(vault, idx, kept[idx]))
        .collect();
    out.extend(per_note.into_iter().flatten());
    drop_hidden(vault, &mut out);
    Ok(out)
}

/// Hidden notes (template folders, Obsidian's excluded files) are not
/// checked: nothing is reported in them.
fn drop_hidden(vault: &Vault, out: &mut Vec<Diagnostic>) {
    if !vault.config.obsidian.hides_nothing() {
        out.retain(|d| !vault.config.obsidian.hides(&d.file));
    }
}

/// Run every rule over some notes of the vault: what [`run`] reports for
/// their files, without checking the others (an editor re-checking the notes
/// being typed). Indices out of range are skipped. `all` is every note's
/// [`NoteKeys`] in path order, for `V108` and `V502`, when `vault` does not
/// hold every note (a partial vault); `None` reads them from `vault`.
pub(crate) fn run_notes(
    vault: &Vault,
    notes: &[NoteIdx],
    all: Option<&[NoteKeys<'_>]>,
) -> Result<Vec<Diagnostic>, LoadedToPublish> {
    let notes: Vec<NoteIdx> = notes.iter().copied().filter(|&i| i < vault.notes.len()).collect();
    let kept = notes.iter().map(|&i| vault.notes[i].kept()).collect::<Result<Vec<_>, _>>()?;
    let wanted: rustc_hash::FxHashSet<&str> = notes.iter().map(|&i| vault.notes[i].path.as_str()).collect();
    let mut out: Vec<Diagnostic> = load::check(vault);
    // `V108` compares every note's `note_id`: one pass over the vault, kept to the wanted files.
    match all {
        None => {
            out.extend(frontmatter::check_vault(vault));
            out.extend(urls::check_vault(vault));
        }
        Some(keys) => {
            out.extend(frontmatter::duplicate_note_ids(
                vault,
                keys.iter().map(|k| (k.path, k.note_id, vault.note_by_path(k.path))),
            ));
            out.extend(urls::duplicate_urls(vault, keys));
        }
    }
    out.retain(|d| wanted.contains(d.file.as_str()));
    let per_note: Vec<Vec<Diagnostic>> = notes
        .par_iter()
        .zip(kept)
        .filter(|&(&idx, _)| !vault.is_hidden(idx))
        .map(|(&idx, k)| note_rules(vault, idx, k))
        .collect();
    out.extend(per_note.into_iter().flatten());
    drop_hidden(vault, &mut out);
    Ok(out)
}

/// The per-note rules over note `idx`.
fn note_rules(vault: &Vault, idx: NoteIdx, k: vellum_vault::Kept<'_>) -> Vec<Diagnostic> {
    let cx = NoteContext { vault, idx, note: &vault.notes[idx], text: k.text, detail: k.detail };
    let mut d = Vec::new();
    if cx.note.note.canvas.is_some() {
        // A board has no frontmatter, journal or Markdown structure of its
        // own: its rules, and the link rules over its file nodes and text.
        canvas::check(&cx, &mut d);
        links::check(&cx, &mut d);
        return d;
    }
    if cx.note.note.base {
        bases::check(&cx, &mut d);
        return d;
    }
    bases::check_blocks(&cx, &mut d);
    frontmatter::check(&cx, &mut d);
    journal::check(&cx, &mut d);
    markdown::check(&cx, &mut d);
    links::check(&cx, &mut d);
    urls::check(&cx, &mut d);
    d
}
