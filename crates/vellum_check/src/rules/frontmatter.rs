//! `V101`–`V108`: the frontmatter schema.
//!
//! - `V101 malformed-yaml`, `V103 wrong-type`, `V104 invalid-date`: from the parser.
//! - `V102 missing-field`: `title`, `created` and `note_id` are required in journal notes.
//! - `V105 updated-before-created`.
//! - `V106 malformed-note-id`: `YYMMDD` + kind code (capital letters) + two digits.
//! - `V107 note-id-date-mismatch`: the `YYMMDD` must be the `created` date.
//! - `V108 duplicate-note-id`: across the whole vault.
//! - `V109 unquoted-property-link`: `up: [[Note]]` is YAML for a nested list;
//!   Obsidian needs `up: "[[Note]]"` to show a link (vellum counts it either way).
//! - `V110 property-type-mismatch`: a value that does not fit the type
//!   `.obsidian/types.json` gives its property (`rating: high` for a number).
//!   The schema fields have their own checks (`V103`, `V104`) and are left to them.

use rustc_hash::FxHashMap;
use vellum_syntax::{ErrorKind, Span};
use vellum_vault::{NoteIdx, Vault};

use super::NoteContext;
use crate::{Code, Diagnostic};

/// Per-note frontmatter rules.
pub(crate) fn check(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    property_types(cx, out);
    let path = cx.note.path.as_str();
    let note = &cx.note.note;
    for e in &note.errors {
        let code = match e.kind {
            ErrorKind::MalformedYaml => Code::MalformedYaml,
            ErrorKind::WrongType => Code::WrongType,
            ErrorKind::InvalidDate => Code::InvalidDate,
            ErrorKind::UnquotedPropertyLink => Code::UnquotedPropertyLink,
            ErrorKind::MalformedComponent | ErrorKind::MalformedCanvas => continue,
        };
        let mut d = Diagnostic::new(code, path, Some(e.span), e.message.clone());
        if code == Code::MalformedYaml {
            d = d.with_help(
                "fix the YAML between the `---` lines; until then the note's properties are ignored",
            );
        } else if code == Code::UnquotedPropertyLink {
            d = d.with_help("put the link in quotes, as Obsidian writes it: `\"[[Note]]\"`");
        }
        out.push(d);
    }
    let yaml_broken = note.errors.iter().any(|e| e.kind == ErrorKind::MalformedYaml);
    let p = &note.properties;
    let fm_span =
        note.frontmatter.map(|f| Span::new(f.span.start, f.span.start + 3)).or(Some(Span::empty(0)));
    if cx.is_journal() && !yaml_broken {
        let present = |k: &str| cx.detail.fields.get(k).is_some_and(|f| !f.value.is_null());
        for field in ["title", "created", "note_id"] {
            if !present(field) {
                out.push(
                    Diagnostic::new(
                        Code::MissingField,
                        path,
                        fm_span,
                        format!("journal note has no `{field}`"),
                    )
                    .with_help(format!("add `{field}:` to the frontmatter")),
                );
            }
        }
    }
    if let (Some(created), Some(updated)) = (&p.created, &p.updated)
        && updated.value < created.value
    {
        out.push(
            Diagnostic::new(
                Code::UpdatedBeforeCreated,
                path,
                Some(updated.span),
                format!("`updated` ({}) is before `created` ({})", updated.value, created.value),
            )
            .with_help("set `updated` to the date of the last edit, on or after `created`"),
        );
    }
    if let Some(id) = &p.note_id {
        match parse_note_id(&id.value) {
            None => out.push(
                Diagnostic::new(
                    Code::MalformedNoteId,
                    path,
                    Some(id.span),
                    format!("`note_id` `{}` is malformed", id.value),
                )
                .with_help("expected YYMMDD + kind code + two-digit sequence, e.g. `220511TJ01`"),
            ),
            Some(parsed) => {
                if let Some(created) = &p.created {
                    let c = created.value;
                    let expected = format!("{:02}{:02}{:02}", c.year().rem_euclid(100), c.month(), c.day());
                    if parsed.date != expected {
                        out.push(
                            Diagnostic::new(
                                Code::NoteIdDateMismatch,
                                path,
                                Some(id.span),
                                format!("`note_id` date `{}` does not match `created` ({c})", parsed.date),
                            )
                            .with_help(format!("the id of a note created on {c} starts with `{expected}`")),
                        );
                    }
                }
            }
        }
    }
}

/// The parts of a well-formed `note_id`.
#[derive(Debug, PartialEq, Eq)]
pub struct NoteId<'a> {
    /// `YYMMDD`.
    pub date: &'a str,
    /// The kind code, e.g. `TJ`.
    pub kind: &'a str,
    /// The two-digit sequence.
    pub seq: &'a str,
}

/// Split a `note_id` such as `220511TJ01`; `None` when malformed (including a
/// `YYMMDD` that is not a real date).
#[must_use]
pub fn parse_note_id(id: &str) -> Option<NoteId<'_>> {
    let b = id.as_bytes();
    if b.len() < 10 || !id.is_ascii() {
        return None;
    }
    let (date, rest) = id.split_at(6);
    let (kind, seq) = rest.split_at(rest.len() - 2);
    let ok = date.bytes().all(|c| c.is_ascii_digit())
        && seq.bytes().all(|c| c.is_ascii_digit())
        && (2..=4).contains(&kind.len())
        && kind.bytes().all(|c| c.is_ascii_uppercase());
    if !ok {
        return None;
    }
    let year = 2000 + date[..2].parse::<i16>().ok()?;
    let month = date[2..4].parse::<i8>().ok()?;
    let day = date[4..].parse::<i8>().ok()?;
    jiff::civil::Date::new(year, month, day).ok()?;
    Some(NoteId { date, kind, seq })
}

/// `V108`: a `note_id` used by more than one note, over the whole vault.
pub(crate) fn check_vault(vault: &Vault) -> Vec<Diagnostic> {
    duplicate_note_ids(
        vault,
        vault.notes.iter().enumerate().map(|(i, n)| (n.path.as_str(), note_id(n), Some(i))),
    )
}

/// The `note_id` of a note, if it has one.
pub(crate) fn note_id(n: &vellum_vault::NoteFile) -> Option<&str> {
    n.note.properties.note_id.as_ref().map(|id| id.value.as_str())
}

/// `V108` over `ids`: every note of the vault as `(path, note_id, index in
/// vault)`, in path order. A note whose id an earlier note holds is reported
/// when it has an index (it is parsed in `vault`, which gives the id's span);
/// the others only take part by holding ids.
pub(crate) fn duplicate_note_ids<'a>(
    vault: &Vault,
    ids: impl Iterator<Item = (&'a str, Option<&'a str>, Option<NoteIdx>)>,
) -> Vec<Diagnostic> {
    let mut seen: FxHashMap<&str, &str> = FxHashMap::default();
    let mut out = Vec::new();
    for (path, id, idx) in ids {
        // A template's `note_id` is a placeholder, not an id in use.
        let Some(id) = id.filter(|_| !vault.config.obsidian.hides(path)) else { continue };
        match seen.get(id) {
            None => {
                seen.insert(id, path);
            }
            Some(&first) => {
                let Some(n) = idx.and_then(|i| vault.notes.get(i)) else { continue };
                let Some(id) = &n.note.properties.note_id else { continue };
                out.push(
                    Diagnostic::new(
                        Code::DuplicateNoteId,
                        &n.path,
                        Some(id.span),
                        format!("`note_id` `{}` is already used by `{first}`", id.value),
                    )
                    .with_help("give this note the next free sequence number for its date"),
                );
            }
        }
    }
    out
}

/// `V110`: values that do not fit their property's type.
fn property_types(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    let types = &cx.vault.config.property_types;
    if types.is_empty() {
        return;
    }
    for (key, field) in &cx.detail.fields {
        if vellum_syntax::SCHEMA_KEYS.contains(&key.as_str()) {
            continue;
        }
        let Some(ty) = types.get(key) else { continue };
        if !ty.fits(&field.value) {
            let shown =
                field.value.as_str().map_or_else(|| format!("`{}`", field.value), |s| format!("`{s}`"));
            out.push(
                Diagnostic::new(
                    Code::PropertyTypeMismatch,
                    cx.note.path.as_str(),
                    Some(field.span),
                    format!("`{key}` is a {} property, and {shown} is not one", ty.name()),
                )
                .with_help(format!(
                    "write a {} value, or change the type of `{key}` in Obsidian (.obsidian/types.json)",
                    ty.name()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_ids() {
        assert_eq!(parse_note_id("220511TJ01"), Some(NoteId { date: "220511", kind: "TJ", seq: "01" }));
        assert!(parse_note_id("220511TJ1").is_none());
        assert!(parse_note_id("221311TJ01").is_none(), "month 13");
        assert!(parse_note_id("220511tj01").is_none());
        assert!(parse_note_id("2205TJ0101").is_none());
    }
}
