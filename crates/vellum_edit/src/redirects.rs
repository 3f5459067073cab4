//! What `vellum rename` adds to the redirect record (`.vellum-redirects`,
//! see `vellum_vault::redirects`): the URL the note leaves, leading to its
//! new path, so the next build keeps a redirect from it.
//!
//! Chains collapse: every recorded redirect to the note's old path follows
//! it to the new one (A→B, then B→C gives A→C and B→C), and a recorded URL
//! the note takes back (renamed back) is dropped. Every other line, comments
//! and lines vellum cannot read included, is kept as it is. The change is
//! one more [`Change`] of the rename, so it is written atomically with the
//! notes, all or nothing.

use vellum_syntax::url::{SECTIONS, Slugs, claim_notes, note_slug, permalink};
use vellum_vault::{HEADER_LINES, NoteIdx, REDIRECTS_FILE, Vault};

use crate::edit::line_ending;
use crate::write::Change;

/// The record's change for renaming note `idx` to `to`; `None` when the
/// record stays as it is (the note keeps its URL: a `permalink`, or a title
/// change that leaves the file name).
#[must_use]
pub fn record_rename(vault: &Vault, idx: NoteIdx, to: &str) -> Option<Change> {
    let from = vault.notes[idx].path.as_str();
    if from == to {
        return None;
    }
    let old_url = url_of(vault, from, None);
    let new_url = url_of(vault, to, Some((from, to)));
    let original = vault.redirects.text.as_deref();
    let text = original.unwrap_or("");
    let nl = line_ending(if text.is_empty() { "\n" } else { text });
    let mut out = String::with_capacity(text.len() + 64);
    for (k, line) in text.split_inclusive('\n').enumerate() {
        let Some(e) = vault.redirects.entries.iter().find(|e| e.line == k + 1) else {
            out.push_str(line);
            continue;
        };
        let target = if e.to == from { to } else { e.to.as_str() };
        if e.from == old_url || (e.from == new_url && target == to) {
            continue;
        }
        if target == e.to {
            out.push_str(line);
        } else {
            out.push_str(&vellum_vault::redirects::line(&e.from, target));
            out.push_str(if line.ends_with('\n') { nl } else { "" });
        }
    }
    if old_url != new_url {
        if original.is_none() {
            out.push_str(&HEADER_LINES.join(nl));
            out.push_str(nl);
        } else if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(nl);
        }
        out.push_str(&vellum_vault::redirects::line(&old_url, to));
        out.push_str(nl);
    }
    match original {
        Some(was) if was == out => None,
        Some(was) => {
            Some(Change::Modify { path: REDIRECTS_FILE.to_owned(), original: was.to_owned(), text: out })
        }
        None if out.is_empty() => None,
        None => Some(Change::Create { path: REDIRECTS_FILE.to_owned(), text: out }),
    }
}

/// The URL (without slashes around) the note at `path` has on the site,
/// with `moved` (`from`, `to`) applied to the vault's paths first: its place
/// among the published notes in path order, as the site claims them
/// (`vellum_syntax::url::claim_notes`); a note that is not published gets
/// the URL its `permalink` or path gives it.
fn url_of(vault: &Vault, path: &str, moved: Option<(&str, &str)>) -> String {
    let mut notes: Vec<(&str, Option<&str>, bool)> = vault
        .notes
        .iter()
        .map(|n| {
            let p = match moved {
                Some((from, to)) if n.path == from => to,
                _ => n.path.as_str(),
            };
            let link = n.note.properties.permalink.as_ref().map(|l| l.value.as_str());
            (p, link, vellum_check::rules::urls::published(&n.note))
        })
        .collect();
    notes.sort_by_key(|n| n.0);
    let published: Vec<(&str, Option<&str>)> = notes.iter().filter(|n| n.2).map(|n| (n.0, n.1)).collect();
    if let Some(k) = published.iter().position(|n| n.0 == path) {
        let mut slugs = Slugs::default();
        for s in SECTIONS {
            slugs.reserve(s);
        }
        if let Some(u) = claim_notes(&mut slugs, &published).into_iter().nth(k) {
            return u.rel;
        }
    }
    let own = notes.iter().find(|n| n.0 == path).and_then(|n| n.1).and_then(|l| permalink(l).ok());
    own.unwrap_or_else(|| note_slug(path))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use vellum_vault::{Config, Vault};

    use super::*;

    fn vault(notes: &[(&str, &str)], record: Option<&str>) -> Vault {
        let paths = notes.iter().map(|(p, _)| (*p).to_owned()).collect();
        let texts = notes.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        let mut v = Vault::from_texts(PathBuf::from("/v"), Config::default(), paths, texts);
        if let Some(r) = record {
            v.redirects = vellum_vault::redirects::parse(r).0;
        }
        v
    }

    fn text(c: Option<Change>) -> String {
        c.map(|c| c.text().to_owned()).unwrap_or_default()
    }

    #[test]
    fn a_rename_records_the_old_url_and_chains_collapse() {
        let v = vault(&[("B.md", "# B\n"), ("dir/X.md", "# X\n")], None);
        let idx = v.note_by_path("B.md").expect("B");
        let created = record_rename(&v, idx, "C.md");
        assert!(matches!(created, Some(Change::Create { .. })), "{created:?}");
        assert!(text(created).ends_with("\nb/ -> C.md\n"));
        // A→B recorded, then B→C: both lead to C; the unrelated line and the comment stay.
        let record = "# mine\r\na/ -> B.md\r\nbad line\r\nz/ -> dir/X.md\r\n";
        let v = vault(&[("B.md", "# B\n"), ("dir/X.md", "# X\n")], Some(record));
        let idx = v.note_by_path("B.md").expect("B");
        assert_eq!(
            text(record_rename(&v, idx, "C.md")),
            "# mine\r\na/ -> C.md\r\nbad line\r\nz/ -> dir/X.md\r\nb/ -> C.md\r\n"
        );
    }

    #[test]
    fn renamed_back_drops_the_line_and_a_permalink_records_nothing() {
        let v = vault(&[("B.md", "# B\n")], Some("a/ -> B.md\n"));
        let idx = v.note_by_path("B.md").expect("B");
        assert_eq!(text(record_rename(&v, idx, "A.md")), "b/ -> A.md\n");
        let v = vault(&[("B.md", "---\npermalink: stays\n---\n# B\n")], None);
        let idx = v.note_by_path("B.md").expect("B");
        assert!(record_rename(&v, idx, "C.md").is_none(), "the URL is the permalink's");
    }
}
