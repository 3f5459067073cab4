//! Updating a loaded vault in place when notes are edited (`vellum serve`).
//!
//! [`Vault::replace_texts`] re-parses only the edited notes and re-resolves
//! only the links that can have changed: the edited notes' own links, and the
//! links *into* them (a heading or block may have appeared or gone). Which
//! file a link names depends only on the file index, which an edit does not
//! change, so no other link can resolve differently. Adding, removing or
//! renaming files changes the index; callers rebuild the vault then.
//!
//! **Invariant:** after `replace_texts`, the vault equals (notes, resolved
//! links, backlinks, aliases) what [`Vault::from_texts`] builds from the same
//! texts; the tests compare the two.

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::{NoteIdx, Vault, title_of};

fn linked_notes(targets: &[crate::ResolvedLink]) -> impl Iterator<Item = NoteIdx> + '_ {
    targets.iter().filter_map(|r| r.target.note())
}

impl Vault {
    /// Replace the texts of existing notes (`(index, new text)`), re-parse
    /// them and re-resolve the links that can change. Returns the other notes
    /// whose resolved links changed (a link into an edited note now finds, or
    /// no longer finds, its heading or block), sorted.
    ///
    /// Returns `None` and leaves the vault untouched when an edit cannot be
    /// applied in place: an index out of range, or aliases that take part in
    /// resolution (`resolve_aliases`) changed. Rebuild the vault then.
    pub fn replace_texts(&mut self, edits: Vec<(NoteIdx, String)>) -> Option<Vec<NoteIdx>> {
        if edits.iter().any(|(i, _)| *i >= self.notes.len()) {
            return None;
        }
        let parsed: Vec<(NoteIdx, String, vellum_syntax::Note)> = edits
            .into_par_iter()
            .map(|(i, text)| {
                let note = vellum_syntax::parse_file(&self.notes[i].path, &text);
                (i, text, note)
            })
            .collect();
        let aliases_of = |n: &vellum_syntax::Note| -> Vec<String> {
            n.properties.aliases.iter().map(|a| a.value.clone()).collect()
        };
        if self.config.links.resolve_aliases
            && parsed.iter().any(|(i, _, note)| aliases_of(note) != aliases_of(&self.notes[*i].note))
        {
            return None;
        }
        let edited: FxHashSet<NoteIdx> = parsed.iter().map(|(i, _, _)| *i).collect();
        // Notes whose links are resolved again: the edited ones and those linking into them.
        let mut again: FxHashSet<NoteIdx> = edited.clone();
        for &e in &edited {
            again.extend(self.backlinks(e).iter().map(|&(src, _)| src));
        }
        for (i, text, note) in parsed {
            let n = &mut self.notes[i];
            let old_aliases = aliases_of(&n.note);
            n.title = title_of(&n.path, &note);
            n.text = crate::NoteText::Kept(text);
            n.note = note;
            for a in old_aliases {
                let key = a.to_lowercase();
                if let Some(v) = self.aliases.get_mut(&key) {
                    v.retain(|&x| x != i);
                    if v.is_empty() {
                        self.aliases.remove(&key);
                    }
                }
            }
            for a in &self.notes[i].note.properties.aliases {
                let v = self.aliases.entry(a.value.to_lowercase()).or_default();
                v.push(i);
                v.sort_unstable();
            }
        }
        let mut again: Vec<NoteIdx> = again.into_iter().collect();
        again.sort_unstable();
        let fresh: Vec<Vec<crate::ResolvedLink>> = again
            .par_iter()
            .map(|&i| self.notes[i].note.links.iter().map(|l| self.resolve_link(i, l)).collect())
            .collect();
        let mut changed = Vec::new();
        let mut touched: FxHashSet<NoteIdx> = FxHashSet::default();
        for (&i, new) in again.iter().zip(fresh) {
            let old = std::mem::replace(&mut self.resolved[i], new);
            if !edited.contains(&i) {
                let same = old.len() == self.resolved[i].len()
                    && old.iter().zip(&self.resolved[i]).all(|(a, b)| a.target == b.target);
                if !same {
                    changed.push(i);
                }
            }
            for t in linked_notes(&old) {
                if touched.insert(t) {
                    self.backlinks[t].retain(|(src, _)| again.binary_search(src).is_err());
                }
            }
            for t in linked_notes(&self.resolved[i]) {
                if touched.insert(t) {
                    self.backlinks[t].retain(|(src, _)| again.binary_search(src).is_err());
                }
            }
        }
        for &i in &again {
            for (li, r) in self.resolved[i].iter().enumerate() {
                if let Some(note) = r.target.note() {
                    self.backlinks[note].push((i, li));
                }
            }
        }
        for t in touched {
            self.backlinks[t].sort_unstable();
        }
        Some(changed)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::{Config, Target};

    fn vault(texts: &[(&str, &str)]) -> Vault {
        let paths = texts.iter().map(|(p, _)| (*p).to_owned()).collect();
        let notes = texts.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        Vault::from_texts(PathBuf::from("/v"), Config::default(), paths, notes)
    }

    /// Per note: title, link targets, backlinks.
    type Summary = Vec<(String, Vec<Target>, Vec<(NoteIdx, usize)>)>;

    fn summary(v: &Vault) -> Summary {
        (0..v.notes.len())
            .map(|i| {
                (
                    v.notes[i].title.clone(),
                    v.resolved[i].iter().map(|r| r.target.clone()).collect(),
                    v.backlinks(i).to_vec(),
                )
            })
            .collect()
    }

    #[test]
    fn edits_match_a_fresh_load() {
        let base = [
            ("a.md", "# A\n\n## Part\n\nsee [[b]] and [[c#Gone]]\n"),
            ("b.md", "---\ntitle: Bee\naliases: [bee]\n---\nlinks [[a#Part]] [[a]] [[c]]\n"),
            ("c.md", "# C\n\n## Gone\n\ntext [[b]]\n"),
        ];
        let mut v = vault(&base);
        // c loses the heading a links to; b links to c now instead of a#Part; a's title changes.
        let edits =
            [("c.md", "# C\n\ntext [[b]] [[a#Part]]\n"), ("b.md", "---\ntitle: B2\n---\nonly [[c]]\n")];
        let idx = |p: &str| v.note_by_path(p).expect("note");
        let e: Vec<(NoteIdx, String)> = edits.iter().map(|(p, t)| (idx(p), (*t).to_owned())).collect();
        let a = idx("a.md");
        let changed = v.replace_texts(e).expect("in place");
        assert_eq!(changed, vec![a], "a's link to c#Gone broke");
        let mut after = base.to_vec();
        for (p, t) in edits {
            if let Some(slot) = after.iter_mut().find(|(q, _)| *q == p) {
                slot.1 = t;
            }
        }
        let fresh = vault(&after);
        assert_eq!(summary(&v), summary(&fresh));
        assert_eq!(v.notes_with_alias("bee"), fresh.notes_with_alias("bee"));
        assert_eq!(v.unresolved().len(), fresh.unresolved().len());
    }
}
