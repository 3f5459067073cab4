//! Completion. What to offer is read from the line before the cursor:
//!
//! | typed | offered |
//! |---|---|
//! | `[[na` | notes by their shortest unambiguous link name, and aliases as `[[Name\|Alias]]` |
//! | `![[na` | the same, and attachments |
//! | `[[Note#he` / `[[#he` | the headings of the target (or of this note) |
//! | `[[Note#^bl` | the block ids of the target |
//! | `#ta` | the vault's tags, most used first |
//! | `> [!ty` | callout types (Obsidian's, their aliases, `ref`, `[journal] custom_callouts` and those of enabled CSS snippets) |
//! | frontmatter `ke` / `tags: ` / `- ` | schema keys, `.obsidian/types.json`'s and the vault's other properties; tags, keywords, `true`/`false` (`draft`, checkboxes), the next free `note_id`, and the values other notes give a property |
//!
//! Lists are filtered by what was typed (case-insensitive, prefix matches
//! first) and cut at [`LIMIT`] items, marked incomplete so that the editor
//! asks again as typing goes on: at 10,000 notes an answer stays small.

use lsp_types as lsp;
use vellum_syntax::SCHEMA_KEYS;
use vellum_vault::{FileKind, NoteIdx};

use crate::position::LineMap;
use crate::server::{Answer, Failure, Server};
use crate::state::VaultState;

/// The most items one answer holds.
pub(crate) const LIMIT: usize = 100;

/// Every callout type as it can be written: Obsidian's 13 types and their
/// aliases, and the journal's `ref`.
const CALLOUTS: &[&str] = &[
    "note",
    "abstract",
    "summary",
    "tldr",
    "info",
    "todo",
    "tip",
    "hint",
    "important",
    "success",
    "check",
    "done",
    "question",
    "help",
    "faq",
    "warning",
    "caution",
    "attention",
    "failure",
    "fail",
    "missing",
    "danger",
    "error",
    "bug",
    "example",
    "quote",
    "cite",
    "ref",
];

/// What the cursor is completing; `start` is where the replaced text begins.
#[derive(Debug, PartialEq, Eq)]
enum Want<'t> {
    Note { typed: &'t str, embed: bool },
    Heading { target: &'t str, typed: &'t str },
    Block { target: &'t str, typed: &'t str },
    Tag { typed: &'t str },
    Callout { typed: &'t str },
    Key { typed: &'t str },
    Value { key: &'t str, typed: &'t str },
}

impl Want<'_> {
    fn typed(&self) -> &str {
        match self {
            Want::Note { typed, .. }
            | Want::Heading { typed, .. }
            | Want::Block { typed, .. }
            | Want::Tag { typed }
            | Want::Callout { typed }
            | Want::Key { typed }
            | Want::Value { typed, .. } => typed,
        }
    }
}

/// Read what is being completed at `offset` of `text`; `in_yaml` when the
/// offset lies inside the frontmatter's YAML.
fn want(text: &str, offset: usize, in_yaml: bool) -> Option<Want<'_>> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    if in_yaml {
        return yaml_want(text, line_start, prefix);
    }
    if let Some(open) = prefix.rfind("[[")
        && !prefix[open..].contains("]]")
    {
        let inner = &prefix[open + 2..];
        if inner.contains('|') {
            return None;
        }
        return Some(match inner.split_once('#') {
            Some((target, rest)) => match rest.strip_prefix('^') {
                Some(typed) => Want::Block { target, typed },
                None => Want::Heading { target, typed: rest.rsplit('#').next().unwrap_or(rest) },
            },
            None => Want::Note { typed: inner, embed: prefix[..open].ends_with('!') },
        });
    }
    let quoted = prefix.trim_start();
    if quoted.starts_with('>') {
        let rest = quoted.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        if let Some(typed) = rest.strip_prefix("[!")
            && typed.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Some(Want::Callout { typed });
        }
    }
    if let Some(hash) = prefix.rfind('#') {
        let typed = &prefix[hash + 1..];
        let before = &prefix[..hash];
        let tag_chars = typed.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/'));
        if tag_chars && (before.is_empty() || before.ends_with(char::is_whitespace)) {
            return Some(Want::Tag { typed });
        }
    }
    None
}

/// Completion inside the frontmatter: a key at the start of a line, or a
/// value after `key:` or in a `- ` item under it.
fn yaml_want<'t>(text: &'t str, line_start: usize, prefix: &'t str) -> Option<Want<'t>> {
    if let Some((key, value)) = prefix.split_once(':')
        && !key.starts_with(char::is_whitespace)
        && !key.starts_with('-')
    {
        let typed = value.trim_start().trim_start_matches(['[', '"', '\'']);
        let typed =
            typed.rsplit([',', '[']).next().unwrap_or(typed).trim_start().trim_start_matches(['"', '\'']);
        return Some(Want::Value { key: key.trim(), typed });
    }
    let trimmed = prefix.trim_start();
    if let Some(item) = trimmed.strip_prefix('-') {
        // The key of the list: the nearest line above that starts unindented.
        let key = text[..line_start]
            .lines()
            .rev()
            .find(|l| !l.starts_with(char::is_whitespace) && !l.starts_with('-') && l.contains(':'))
            .and_then(|l| l.split_once(':'))
            .map(|(k, _)| k.trim())?;
        return Some(Want::Value { key, typed: item.trim_start().trim_start_matches(['"', '\'']) });
    }
    if !prefix.starts_with(char::is_whitespace) && prefix.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Some(Want::Key { typed: prefix });
    }
    None
}

/// How well `candidate` matches `typed` (lowercased): 0 a prefix, 1 a
/// substring, `None` no match.
fn rank(candidate: &str, typed: &str) -> Option<u8> {
    if typed.is_empty() {
        return Some(0);
    }
    let c = candidate.to_lowercase();
    if c.starts_with(typed) {
        Some(0)
    } else if c.contains(typed) {
        Some(1)
    } else {
        None
    }
}

struct Items {
    edit_range: lsp::Range,
    typed: String,
    found: Vec<(u8, lsp::CompletionItem)>,
    /// Matches left out before they were made into items.
    dropped: usize,
}

impl Items {
    fn offer(
        &mut self,
        match_on: &str,
        label: String,
        kind: lsp::CompletionItemKind,
        detail: Option<String>,
        insert: String,
    ) {
        let Some(r) = rank(match_on, &self.typed) else { return };
        self.found.push((
            r,
            lsp::CompletionItem {
                label,
                kind: Some(kind),
                detail,
                filter_text: Some(match_on.to_owned()),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(self.edit_range, insert))),
                ..lsp::CompletionItem::default()
            },
        ));
    }

    fn finish(mut self) -> lsp::CompletionList {
        let total = self.found.len() + self.dropped;
        self.found.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.label.len().cmp(&b.1.label.len()))
                .then_with(|| a.1.label.cmp(&b.1.label))
        });
        self.found.truncate(LIMIT);
        let items = self
            .found
            .into_iter()
            .enumerate()
            .map(|(i, (_, mut item))| {
                // Keep the server's order: the client sorts by `sortText`.
                item.sort_text = Some(format!("{i:04}"));
                item
            })
            .collect();
        lsp::CompletionList { is_incomplete: total > LIMIT, items }
    }
}

/// `textDocument/completion`.
pub(crate) fn completion(
    server: &mut Server,
    p: &lsp::CompletionParams,
) -> Answer<Option<lsp::CompletionResponse>> {
    let doc = server.doc(&p.text_document_position.text_document.uri)?;
    let state = &mut server.ws.vaults[doc.vault];
    let text = state.text(doc.note).to_owned();
    let map = LineMap::new(&text);
    let offset = map
        .offset(&text, p.text_document_position.position)
        .ok_or_else(|| Failure::invalid("the position is past the end of the document"))?;
    let note = &state.vault.notes[doc.note].note;
    let in_yaml = note.frontmatter.is_some_and(|fm| fm.yaml.start <= offset && offset <= fm.yaml.end);
    let Some(want) = want(&text, offset, in_yaml) else { return Ok(None) };
    let typed = want.typed();
    let start = offset - typed.len();
    let mut items = Items {
        edit_range: lsp::Range::new(map.position(&text, start), map.position(&text, offset)),
        typed: typed.to_lowercase(),
        found: Vec::new(),
        dropped: 0,
    };
    match want {
        Want::Note { embed, .. } => notes(state, doc.note, embed, &mut items),
        Want::Heading { target, .. } => {
            if let Some(t) = target_note(state, doc.note, target) {
                for h in &state.vault.notes[t].note.headings {
                    let detail = Some(format!("{} {}", "#".repeat(usize::from(h.level)), h.text));
                    items.offer(
                        &h.text,
                        h.text.clone(),
                        lsp::CompletionItemKind::REFERENCE,
                        detail,
                        h.text.clone(),
                    );
                }
            }
        }
        Want::Block { target, .. } => {
            if let Some(t) = target_note(state, doc.note, target) {
                let t_text = state.text(t);
                for b in &state.vault.notes[t].note.block_ids {
                    let line_start =
                        t_text[..b.span.start.min(t_text.len())].rfind('\n').map_or(0, |i| i + 1);
                    let context = t_text.get(line_start..b.span.start).unwrap_or("").trim();
                    let detail = Some(context.chars().take(80).collect());
                    items.offer(
                        &b.id,
                        b.id.clone(),
                        lsp::CompletionItemKind::REFERENCE,
                        detail,
                        b.id.clone(),
                    );
                }
            }
        }
        Want::Tag { typed } => {
            let typed = typed.to_lowercase();
            for (tag, count) in state.tags() {
                // The tag being typed counts as a tag of this note: not a suggestion.
                if *count == 1 && tag.to_lowercase() == typed {
                    continue;
                }
                let detail = Some(format!("{count} note{}", if *count == 1 { "" } else { "s" }));
                items.offer(tag, tag.clone(), lsp::CompletionItemKind::KEYWORD, detail, tag.clone());
            }
        }
        Want::Callout { .. } => {
            let config = &state.vault.config;
            let custom = config.journal.custom_callouts.iter().cloned();
            let snippets = config.snippet_callouts.iter().map(|c| c.name.clone());
            let mut seen = rustc_hash::FxHashSet::default();
            for c in CALLOUTS.iter().map(|c| (*c).to_owned()).chain(custom).chain(snippets) {
                if !seen.insert(c.to_lowercase()) {
                    continue;
                }
                items.offer(&c, c.clone(), lsp::CompletionItemKind::ENUM_MEMBER, None, format!("{c}]"));
            }
        }
        Want::Key { .. } => {
            for k in SCHEMA_KEYS {
                items.offer(k, (*k).to_owned(), lsp::CompletionItemKind::PROPERTY, None, format!("{k}: "));
            }
            // Obsidian's property types (`.obsidian/types.json`), then the
            // other properties the vault's notes use.
            let types = &state.vault.config.property_types;
            let mut seen: rustc_hash::FxHashSet<String> =
                SCHEMA_KEYS.iter().map(|k| (*k).to_owned()).collect();
            let used =
                state.vault.notes.iter().flat_map(|n| n.note.properties.other.keys().map(String::as_str));
            for k in types.iter().map(|(k, _)| k).chain(used) {
                if seen.insert(k.to_owned()) {
                    let detail = types.get(k).map(|t| t.name().to_owned());
                    items.offer(k, k.to_owned(), lsp::CompletionItemKind::PROPERTY, detail, format!("{k}: "));
                }
            }
        }
        Want::Value { key, .. } => values(state, doc.note, key, &mut items),
    }
    Ok(Some(lsp::CompletionResponse::List(items.finish())))
}

/// The note a `[[target#…` names from note `from` (this note when empty).
fn target_note(state: &VaultState, from: NoteIdx, target: &str) -> Option<NoteIdx> {
    if target.is_empty() {
        return Some(from);
    }
    let v = &state.vault;
    let r = v.files.resolve_wikilink(target, &v.notes[from].path, v.config.links.resolve_aliases);
    r.target.and_then(|f| v.note_of_file(f))
}

fn notes(state: &VaultState, from: NoteIdx, embed: bool, items: &mut Items) {
    let v = &state.vault;
    // Rank every name cheaply first; full items only for the best `LIMIT`.
    let mut found: Vec<(u8, String, NoteIdx, Option<usize>)> = Vec::new();
    for (i, n) in v.notes.iter().enumerate() {
        if i == from {
            continue;
        }
        let name = state.link_name(i);
        if let Some(r) = rank(&name, &items.typed) {
            found.push((r, name, i, None));
        }
        for (a, alias) in n.note.properties.aliases.iter().enumerate() {
            if let Some(r) = rank(&alias.value, &items.typed) {
                found.push((r, alias.value.clone(), i, Some(a)));
            }
        }
    }
    let best = |a: &(u8, String, NoteIdx, Option<usize>), b: &(u8, String, NoteIdx, Option<usize>)| {
        a.0.cmp(&b.0).then_with(|| a.1.len().cmp(&b.1.len())).then_with(|| a.1.cmp(&b.1))
    };
    if found.len() > LIMIT {
        found.select_nth_unstable_by(LIMIT, best);
        items.dropped += found.len() - LIMIT;
        found.truncate(LIMIT);
    }
    for (_, label, i, alias) in found {
        let n = &v.notes[i];
        match alias {
            None => {
                let detail =
                    if n.title == n.stem() { n.path.clone() } else { format!("{} ({})", n.title, n.path) };
                let insert = state.link_to(from, i);
                items.offer(&label, label.clone(), lsp::CompletionItemKind::FILE, Some(detail), insert);
            }
            Some(_) => {
                let insert = format!("{}|{label}", state.link_to(from, i));
                let detail = Some(format!("alias of {}", n.title));
                items.offer(&label, label.clone(), lsp::CompletionItemKind::REFERENCE, detail, insert);
            }
        }
    }
    if embed {
        for (id, path) in v.files.iter() {
            if v.files.kind(id) != FileKind::Note {
                let name = path.rsplit('/').next().unwrap_or(path);
                items.offer(
                    name,
                    name.to_owned(),
                    lsp::CompletionItemKind::FILE,
                    Some(path.to_owned()),
                    name.to_owned(),
                );
            }
        }
    }
}

fn values(state: &mut VaultState, note: NoteIdx, key: &str, items: &mut Items) {
    match key {
        "note_id" => {
            // The next free id for the note's `created` date (else today) and its kind.
            let v = &state.vault;
            let p = &v.notes[note].note.properties;
            let date = p.created.as_ref().map_or_else(|| jiff::ZonedDateTime::now().date(), |c| c.value);
            let kinds = &v.config.journal.kind_tags;
            let kind = p
                .tags
                .iter()
                .chain(&p.cssclasses)
                .map(|t| t.value.as_str())
                .find(|t| kinds.iter().any(|k| k.eq_ignore_ascii_case(t)))
                .or_else(|| kinds.first().map(String::as_str));
            if let Some(code) = kind.and_then(vellum_edit::new::kind_code)
                && let Ok(id) = vellum_edit::new::next_note_id(v, date, &code)
            {
                items.offer(
                    &id,
                    id.clone(),
                    lsp::CompletionItemKind::VALUE,
                    Some("the next free note_id".to_owned()),
                    id.clone(),
                );
            }
        }
        "tags" => {
            for (tag, count) in state.tags() {
                items.offer(
                    tag,
                    tag.clone(),
                    lsp::CompletionItemKind::KEYWORD,
                    Some(format!("{count} notes")),
                    tag.clone(),
                );
            }
        }
        "keywords" => {
            let mut seen = rustc_hash::FxHashSet::default();
            let v = &state.vault;
            for k in v.notes.iter().flat_map(|n| &n.note.properties.keywords) {
                if seen.insert(k.value.to_lowercase()) {
                    items.offer(
                        &k.value,
                        k.value.clone(),
                        lsp::CompletionItemKind::KEYWORD,
                        None,
                        k.value.clone(),
                    );
                }
            }
        }
        "draft" => {
            for b in ["true", "false"] {
                items.offer(b, b.to_owned(), lsp::CompletionItemKind::VALUE, None, b.to_owned());
            }
        }
        key if state.vault.config.property_types.get(key) == Some(vellum_vault::PropertyType::Checkbox) => {
            for b in ["true", "false"] {
                items.offer(b, b.to_owned(), lsp::CompletionItemKind::VALUE, None, b.to_owned());
            }
        }
        key => {
            // The values other notes give this property.
            let mut seen = rustc_hash::FxHashSet::default();
            let fields = state.vault.notes.iter().filter_map(|n| n.note.properties.other.get(key));
            for value in fields.flat_map(|f| text_values(&f.value)) {
                if seen.insert(value.to_lowercase()) {
                    items.offer(&value, value.clone(), lsp::CompletionItemKind::VALUE, None, value.clone());
                }
            }
        }
    }
}

/// The text values of a property: the value itself or each item of a list.
fn text_values(value: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    let one = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        v => one(v).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Option<Want<'_>> {
        want(text, text.len(), false)
    }

    #[test]
    fn reads_what_is_being_typed() {
        assert_eq!(at_end("see [[Kern"), Some(Want::Note { typed: "Kern", embed: false }));
        assert_eq!(at_end("see ![[im"), Some(Want::Note { typed: "im", embed: true }));
        assert_eq!(at_end("[[a]] and [["), Some(Want::Note { typed: "", embed: false }));
        assert_eq!(at_end("[[Note#Intro"), Some(Want::Heading { target: "Note", typed: "Intro" }));
        assert_eq!(at_end("[[Note#A#B"), Some(Want::Heading { target: "Note", typed: "B" }));
        assert_eq!(at_end("[[#"), Some(Want::Heading { target: "", typed: "" }));
        assert_eq!(at_end("[[Note#^ab"), Some(Want::Block { target: "Note", typed: "ab" }));
        assert_eq!(at_end("[[Note|ali"), None);
        assert_eq!(at_end("[[Note]] done"), None);
        assert_eq!(at_end("text #har"), Some(Want::Tag { typed: "har" }));
        assert_eq!(at_end("#"), Some(Want::Tag { typed: "" }));
        assert_eq!(at_end("a#b"), None, "not a tag inside a word");
        assert_eq!(at_end("> [!ti"), Some(Want::Callout { typed: "ti" }));
        assert_eq!(at_end("> > [!"), Some(Want::Callout { typed: "" }));
        assert_eq!(at_end("> [!tip] x"), None);
    }

    #[test]
    fn reads_frontmatter() {
        fn y(text: &str) -> Option<Want<'_>> {
            want(text, text.len(), true)
        }
        assert_eq!(y("---\nti"), Some(Want::Key { typed: "ti" }));
        assert_eq!(y("---\ntags: [a, ha"), Some(Want::Value { key: "tags", typed: "ha" }));
        assert_eq!(y("---\ndraft: t"), Some(Want::Value { key: "draft", typed: "t" }));
        assert_eq!(y("---\ntags:\n  - a\n  - ha"), Some(Want::Value { key: "tags", typed: "ha" }));
    }

    #[test]
    fn callouts_are_all_known() {
        for c in CALLOUTS {
            assert!(vellum_syntax::canonical_callout(c).is_some(), "{c}");
        }
    }

    #[test]
    fn ranks_prefixes_first() {
        assert_eq!(rank("Kernel Notes", "kern"), Some(0));
        assert_eq!(rank("Linux Kernel", "kern"), Some(1));
        assert_eq!(rank("Linux", "kern"), None);
    }
}
