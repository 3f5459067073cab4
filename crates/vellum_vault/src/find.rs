//! Finding notes by what a person types: a vault path, a file name, a title,
//! an alias or a `note_id`.
//!
//! The loaded model ([`Vault`]) and the query facts ([`VaultFacts`]) both
//! answer through [`FindNotes`], whose one provided method holds the rule, so
//! that `vellum backlinks X` and `vellum query 'links-to:"X"'` always name the
//! same notes.

use crate::facts::VaultFacts;
use crate::{NoteIdx, Vault, stem_of};

/// Notes that can be found by name: the implementor lists each note's path,
/// title, `note_id` and aliases, and [`FindNotes::find_notes`] matches them.
pub trait FindNotes {
    /// How many notes there are (indices `0..note_count()`).
    fn note_count(&self) -> usize;

    /// Note `i`'s vault path, with `/` separators.
    fn note_path(&self, i: NoteIdx) -> &str;

    /// Note `i`'s title ([`crate::title_of`]).
    fn note_title(&self, i: NoteIdx) -> &str;

    /// Note `i`'s `note_id`, as written.
    fn note_id(&self, i: NoteIdx) -> Option<&str>;

    /// Note `i`'s `aliases`, as written.
    fn note_aliases(&self, i: NoteIdx) -> impl Iterator<Item = &str>;

    /// Find notes by what a person would type: a vault path (with or without
    /// `.md`, `./` in front allowed), a file name, a `title`, an alias or a
    /// `note_id`, all compared case-insensitively as the resolver compares
    /// names. A path match wins and is the only answer (a path spelled exactly
    /// as on disk before one that differs only in case); otherwise every note
    /// that matches by name, in note order.
    #[must_use]
    fn find_notes(&self, query: &str) -> Vec<NoteIdx> {
        let q = query.trim().trim_start_matches("./").replace('\\', "/");
        let with_md = if q.to_ascii_lowercase().ends_with(".md") { q.clone() } else { format!("{q}.md") };
        let all = 0..self.note_count();
        let by_path = all
            .clone()
            .find(|&i| self.note_path(i) == with_md)
            .or_else(|| all.clone().find(|&i| same_folded(self.note_path(i), &with_md)));
        if let Some(i) = by_path {
            return vec![i];
        }
        all.filter(|&i| {
            same_folded(stem_of(self.note_path(i)), &q)
                || same_folded(self.note_title(i), &q)
                || self.note_id(i).is_some_and(|id| same_folded(id, &q))
                || self.note_aliases(i).any(|a| same_folded(a, &q))
        })
        .collect()
    }
}

/// Whether `a` and `b` are equal once each character is lowercased (the
/// folding [`crate::resolve`] uses for names), without allocating.
fn same_folded(a: &str, b: &str) -> bool {
    a == b || a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
}

impl FindNotes for Vault {
    fn note_count(&self) -> usize {
        self.notes.len()
    }

    fn note_path(&self, i: NoteIdx) -> &str {
        &self.notes[i].path
    }

    fn note_title(&self, i: NoteIdx) -> &str {
        &self.notes[i].title
    }

    fn note_id(&self, i: NoteIdx) -> Option<&str> {
        self.notes[i].note.properties.note_id.as_ref().map(|id| id.value.as_str())
    }

    fn note_aliases(&self, i: NoteIdx) -> impl Iterator<Item = &str> {
        self.notes[i].note.properties.aliases.iter().map(|a| a.value.as_str())
    }
}

impl FindNotes for VaultFacts {
    fn note_count(&self) -> usize {
        self.notes.len()
    }

    fn note_path(&self, i: NoteIdx) -> &str {
        &self.notes[i].path
    }

    fn note_title(&self, i: NoteIdx) -> &str {
        &self.notes[i].title
    }

    fn note_id(&self, i: NoteIdx) -> Option<&str> {
        self.notes[i].note_id.as_deref()
    }

    fn note_aliases(&self, i: NoteIdx) -> impl Iterator<Item = &str> {
        self.notes[i].aliases.iter().map(String::as_str)
    }
}
