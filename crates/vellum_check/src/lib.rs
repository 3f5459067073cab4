//! `vellum_check` checks a loaded vault against the Obsidian dialect and the
//! tech-journal schema, producing structured [`Diagnostic`]s.
//!
//! Rules live in [`rules`], one function per rule family, each documented with
//! its code. Diagnostics stay data (file, span, code, severity, message, help)
//! until the CLI renders them as text or JSON.

pub mod diagnostic;
pub mod located;
pub mod rules;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use located::{Located, Place, locate, locate_all};

use vellum_syntax::Note;
use vellum_vault::{LoadedToPublish, NoteIdx, Vault};

/// What the rules over the whole vault read of each note: `V108` its
/// `note_id`, `V502` its `permalink` and whether it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteKeys<'a> {
    /// Vault-relative path.
    pub path: &'a str,
    /// `note_id`, if any.
    pub note_id: Option<&'a str>,
    /// `permalink` as written, if any.
    pub permalink: Option<&'a str>,
    /// Whether a default build publishes it ([`rules::urls::published`]).
    pub published: bool,
}

impl<'a> NoteKeys<'a> {
    /// The keys of note `note` at `path`.
    #[must_use]
    pub fn of(path: &'a str, note: &'a Note) -> Self {
        let p = &note.properties;
        Self {
            path,
            note_id: p.note_id.as_ref().map(|id| id.value.as_str()),
            permalink: p.permalink.as_ref().map(|l| l.value.as_str()),
            published: rules::urls::published(note),
        }
    }
}

/// Check every note of `vault`. Diagnostics are sorted by file, then position.
///
/// # Errors
/// When `vault` was loaded to publish ([`vellum_vault::Texts::Release`]): it
/// holds neither the texts nor the parts of each parse the rules read, and
/// checking it would report wrong diagnostics.
pub fn check(vault: &Vault) -> Result<Vec<Diagnostic>, LoadedToPublish> {
    let mut out = rules::run(vault)?;
    sort(&mut out);
    Ok(out)
}

/// Check only the notes `notes` (indices into [`Vault::notes`]): exactly the
/// diagnostics [`check`] reports for their files, sorted the same way, in time
/// proportional to these notes (plus one cheap pass over every `note_id` for
/// `V108`). What an editor needs on each keystroke; indices out of range are
/// skipped.
///
/// # Errors
/// As [`check`], when a note was loaded to publish.
pub fn check_notes(vault: &Vault, notes: &[NoteIdx]) -> Result<Vec<Diagnostic>, LoadedToPublish> {
    let mut out = rules::run_notes(vault, notes, None)?;
    sort(&mut out);
    Ok(out)
}

/// [`check_notes`] over a vault that holds only some of the notes of a
/// larger one (`vellum_vault::load_partial`): `all` is every note of the
/// whole vault as its [`NoteKeys`], in path order, so that `V108` (a
/// `note_id` used twice) and `V502` (a URL claimed twice) see them all. The diagnostics of `notes` are then
/// those a full check of the whole vault reports for them, as long as the
/// partial vault resolves their links as the whole one does.
///
/// # Errors
/// As [`check`], when a note was loaded to publish.
pub fn check_notes_among(
    vault: &Vault,
    notes: &[NoteIdx],
    all: &[NoteKeys<'_>],
) -> Result<Vec<Diagnostic>, LoadedToPublish> {
    let mut out = rules::run_notes(vault, notes, Some(all))?;
    sort(&mut out);
    Ok(out)
}

/// By file, then position, then code (stable: ties keep their order).
fn sort(out: &mut [Diagnostic]) {
    out.sort_by(order);
}

/// The order of diagnostics in a report: by file, then position, then code.
fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    a.file
        .cmp(&b.file)
        .then(a.span.map(|s| s.start).cmp(&b.span.map(|s| s.start)))
        .then(a.code.as_str().cmp(b.code.as_str()))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use vellum_vault::Config;

    use super::*;

    #[test]
    fn check_notes_reports_what_check_reports_for_those_notes() {
        let texts = [
            ("a.md", "---\nnote_id: 220511TJ01\n---\n# A\n\n#\n\n[[b#Nope]] [[c]] [[gone]]\n"),
            ("b.md", "---\nnote_id: 220511TJ01\nupdated: 2020-01-01\ncreated: 2021-01-01\n---\n# B\n"),
            ("c.md", "> [!madeup]\n> text\n\n[[a]]\n"),
        ];
        let paths = texts.iter().map(|(p, _)| (*p).to_owned()).collect();
        let notes = texts.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        let vault = Vault::from_texts(PathBuf::from("/v"), Config::default(), paths, notes);
        let all = check(&vault).expect("kept");
        for pick in [vec![0], vec![1], vec![2], vec![0, 2], vec![2, 0, 1]] {
            let files: Vec<&str> = pick.iter().map(|&i| vault.notes[i].path.as_str()).collect();
            let expected: Vec<&Diagnostic> =
                all.iter().filter(|d| files.contains(&d.file.as_str())).collect();
            let got = check_notes(&vault, &pick).expect("kept");
            assert_eq!(got.iter().collect::<Vec<_>>(), expected, "notes {pick:?}");
        }
        assert!(check_notes(&vault, &[7]).expect("kept").is_empty(), "out of range is skipped");
        assert!(all.iter().any(|d| d.code == Code::DuplicateNoteId), "the fixture holds a V108");
    }
}
