//! `vellum check --fix`: the safe fixes for what `vellum check` reports.
//!
//! | fix | code | what it does |
//! |---|---|---|
//! | [`FixKind::KeywordRow`] | `V201` | rewrites the `keyword-row` spans from frontmatter `keywords` (the frontmatter is the source of truth): a word not in `keywords` is replaced by a missing one or removed, missing ones are appended in the style of the last span |
//! | [`FixKind::LinkageTags`] | `V202` | the same for the `linkage-tree`'s `#tags` and `tags` less the kind tags and year tags; an empty tree gets its items under `<li>tags <ul>` |
//! | [`FixKind::EmptyHeading`] | `V301` | removes the line of an empty heading (the seed's stray `#`), and the blank line it would leave doubled |
//! | [`FixKind::UpdatedBeforeCreated`] | `V105` | sets the date of `updated` to `created` |
//! | [`FixKind::TagForm`] | – | `'#tag'` in frontmatter `tags` becomes `'tag'` |
//! | [`FixKind::QuotePropertyLink`] | `V109` | `up: [[Note]]` becomes `up: "[[Note]]"`, the form Obsidian reads as a link |
//!
//! How: each fix is a set of [`Edit`]s on the original text, at byte ranges
//! taken from the parsed note; nothing is re-serialized, so every other byte
//! (key order, comments, quoting, CRLF, BOM, trailing newline) is kept. The
//! result is parsed again and checked: the fixed problems are gone and
//! everything else the parser sees (other fields, headings, links, callouts,
//! components) is unchanged. A fix that fails this check is not applied and is
//! reported as skipped, with the reason, as is a fix that would need a
//! judgement call (an empty `keywords` list, a tag that cannot be written
//! inline, unusual markup).

use std::fmt;

use rayon::prelude::*;
use vellum_check::Code;
use vellum_syntax::{ErrorKind, Note, NoteDetail, Span};
use vellum_vault::{LoadedToPublish, Vault};

use crate::edit::{
    Edit, EditError, apply_edits, indentation, line_end, line_ending, line_start, next_line_start,
};
use crate::names::html_escape;
use crate::write::Change;

/// The fixes `--fix` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FixKind {
    /// `'#tag'` in frontmatter `tags` → `'tag'`.
    TagForm,
    /// `V105`: `updated` set to `created`.
    UpdatedBeforeCreated,
    /// `V201`: the keyword row rewritten from `keywords`.
    KeywordRow,
    /// `V202`: the linkage tree's tags rewritten from `tags`.
    LinkageTags,
    /// `V301`: empty headings removed.
    EmptyHeading,
    /// `V109`: unquoted links in properties put in quotes.
    QuotePropertyLink,
}

impl FixKind {
    /// Every fix, in the order they are listed.
    pub const ALL: [FixKind; 6] = [
        Self::TagForm,
        Self::UpdatedBeforeCreated,
        Self::KeywordRow,
        Self::LinkageTags,
        Self::EmptyHeading,
        Self::QuotePropertyLink,
    ];

    /// The diagnostic the fix removes, if it has one.
    #[must_use]
    pub fn code(self) -> Option<Code> {
        match self {
            Self::TagForm => None,
            Self::UpdatedBeforeCreated => Some(Code::UpdatedBeforeCreated),
            Self::KeywordRow => Some(Code::KeywordsMismatch),
            Self::LinkageTags => Some(Code::TagsMismatch),
            Self::EmptyHeading => Some(Code::EmptyHeading),
            Self::QuotePropertyLink => Some(Code::UnquotedPropertyLink),
        }
    }

    /// A short name: the rule name, or `tag-form`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.code().map_or("tag-form", Code::name)
    }

    /// What the fix does, for the summary.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::TagForm => "removed `#` from frontmatter tags",
            Self::UpdatedBeforeCreated => "set `updated` to `created`",
            Self::KeywordRow => "synced the keyword row with `keywords`",
            Self::LinkageTags => "synced the linkage tree's tags with `tags`",
            Self::EmptyHeading => "removed empty headings",
            Self::QuotePropertyLink => "quoted links in properties",
        }
    }
}

/// A fix that was needed but not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Which fix.
    pub kind: FixKind,
    /// Why it was left to the writer.
    pub reason: SkipReason,
}

/// Why a needed fix was left to the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Applying the edits failed: a fix planned edits that do not fit the text.
    Edits(EditError),
    /// The date of `updated` is not where the frontmatter says.
    UpdatedNotFound,
    /// There is no list to add the items to.
    NoList,
    /// The items to sync are not next to each other.
    ItemsApart,
    /// `keywords` is empty, and an empty keyword row is malformed.
    NoKeywords,
    /// The keyword row holds malformed or empty `inline-keyword` spans.
    MalformedKeywords,
    /// The keyword row has markup the fix does not rewrite.
    UnusualKeywordRow,
    /// This tag cannot be written as an inline `#tag`.
    NotInlineTag(String),
    /// The linkage tree has no `<li>tags <ul>` list.
    NoLinkageTagList,
    /// The empty heading on this line is inside a quote or list.
    NestedEmptyHeading {
        /// 1-based line.
        line: usize,
    },
    /// The fixed note would differ in more than the fix: in this part.
    WouldChange(&'static str),
    /// The fixed note would differ in this frontmatter field.
    WouldChangeField(String),
    /// The note was parsed without the parts fixes read (loaded to publish).
    LoadedToPublish,
    /// This unquoted link in a property holds a `"`, so quotes cannot be put around it as is.
    QuoteInLink(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Edits(e) => write!(f, "internal: {e}"),
            Self::UpdatedNotFound => f.write_str("cannot find the date in `updated`"),
            Self::NoList => f.write_str("there is no list to add the items to"),
            Self::ItemsApart => f.write_str("the items are not next to each other"),
            Self::NoKeywords => f.write_str(
                "`keywords` is empty and an empty keyword row is malformed: add keywords, or remove the row",
            ),
            Self::MalformedKeywords => f.write_str(
                "the keyword row holds malformed or empty `inline-keyword` spans; fix them by hand",
            ),
            Self::UnusualKeywordRow => f.write_str("the keyword row has unusual markup; fix it by hand"),
            Self::NotInlineTag(tag) => write!(f, "tag `{tag}` cannot be written as an inline `#tag`"),
            Self::NoLinkageTagList => {
                f.write_str("the linkage tree has no `<li>tags <ul>` list to add the tags to")
            }
            Self::NestedEmptyHeading { line } => {
                write!(f, "the empty heading on line {line} is inside a quote or list; remove it by hand")
            }
            Self::WouldChange(what) => write!(f, "the fix would change {what}; left as is"),
            Self::WouldChangeField(key) => write!(f, "the fix would change frontmatter `{key}`; left as is"),
            Self::LoadedToPublish => f.write_str("internal: the note was loaded to publish"),
            Self::QuoteInLink(link) => write!(f, "the link `{link}` holds a `\"`; quote it by hand"),
        }
    }
}

impl std::error::Error for SkipReason {}

/// The fixes of one note.
#[derive(Debug, Clone)]
pub struct NoteFix {
    /// Vault-relative path.
    pub path: String,
    /// The text the fixes were planned from.
    pub original: String,
    /// The text with the fixes applied (equal to `original` when none apply).
    pub text: String,
    /// The edits applied, by fix.
    pub edits: Vec<(FixKind, Edit)>,
    /// Fixes that were needed but not applied.
    pub skipped: Vec<Skipped>,
}

impl NoteFix {
    /// The fixes applied, each once, in [`FixKind`] order.
    #[must_use]
    pub fn kinds(&self) -> Vec<FixKind> {
        let mut k: Vec<FixKind> = self.edits.iter().map(|(k, _)| *k).collect();
        k.sort();
        k.dedup();
        k
    }

    /// Whether the text changes.
    #[must_use]
    pub fn changes_text(&self) -> bool {
        self.text != self.original
    }
}

/// The fixes of a whole vault: every note with a fix applied or skipped.
#[derive(Debug, Clone, Default)]
pub struct FixPlan {
    /// Notes in path order.
    pub notes: Vec<NoteFix>,
}

impl FixPlan {
    /// The file changes to write.
    #[must_use]
    pub fn changes(&self) -> Vec<Change> {
        self.notes
            .iter()
            .filter(|n| n.changes_text())
            .map(|n| Change::Modify {
                path: n.path.clone(),
                original: n.original.clone(),
                text: n.text.clone(),
            })
            .collect()
    }
}

/// Plan the fixes for every note of `vault`.
///
/// # Errors
/// When `vault` was loaded to publish: it holds no texts to fix.
pub fn plan(vault: &Vault) -> Result<FixPlan, LoadedToPublish> {
    let kinds = &vault.config.journal.kind_tags;
    let kept = vault.kept()?;
    let notes = vault
        .notes
        .par_iter()
        .zip(kept)
        .map(|(n, k)| fix_parsed(&n.path, k.text, &n.note, kinds))
        .filter(|f| !f.edits.is_empty() || !f.skipped.is_empty())
        .collect();
    Ok(FixPlan { notes })
}

/// What a fix reads of a note's parse besides the typed parts; every note
/// fixed here has it (parsed here, or from a vault checked to hold it).
fn detail(note: &Note) -> Result<&NoteDetail, SkipReason> {
    note.detail().ok_or(SkipReason::LoadedToPublish)
}

/// Plan the fixes for one note's text. `kind_tags` are the vault's kind tags
/// (`[journal] kind_tags`), which the linkage tree leaves out.
#[must_use]
pub fn fix_text(path: &str, text: &str, kind_tags: &[String]) -> NoteFix {
    fix_parsed(path, text, &vellum_syntax::parse(text), kind_tags)
}

fn fix_parsed(path: &str, text: &str, note: &Note, kind_tags: &[String]) -> NoteFix {
    let (groups, mut skipped) = propose(text, note, kind_tags);
    // Try every fix at once; if the result does not verify, add them one by one.
    let mut kept: Vec<(FixKind, Vec<Edit>)> = Vec::new();
    let mut result = text.to_owned();
    let all_ok = match try_apply(text, note, kind_tags, &groups) {
        Ok(t) => {
            result = t;
            kept.clone_from(&groups);
            true
        }
        Err(_) => false,
    };
    if !all_ok {
        for g in &groups {
            let mut candidate = kept.clone();
            candidate.push(g.clone());
            match try_apply(text, note, kind_tags, &candidate) {
                Ok(t) => {
                    result = t;
                    kept = candidate;
                }
                Err(why) => skipped.push(Skipped { kind: g.0, reason: why }),
            }
        }
    }
    let edits = kept.into_iter().flat_map(|(k, es)| es.into_iter().map(move |e| (k, e))).collect();
    NoteFix { path: path.to_owned(), original: text.to_owned(), text: result, edits, skipped }
}

fn try_apply(
    text: &str,
    note: &Note,
    kind_tags: &[String],
    groups: &[(FixKind, Vec<Edit>)],
) -> Result<String, SkipReason> {
    let edits: Vec<Edit> = groups.iter().flat_map(|(_, e)| e.iter().cloned()).collect();
    let new = apply_edits(text, &edits).map_err(SkipReason::Edits)?;
    let kinds: Vec<FixKind> = groups.iter().map(|(k, _)| *k).collect();
    verify(note, &vellum_syntax::parse(&new), &kinds, kind_tags)?;
    Ok(new)
}

/// Every fix that applies to the note, as edits of the original text.
fn propose(text: &str, note: &Note, kind_tags: &[String]) -> (Vec<(FixKind, Vec<Edit>)>, Vec<Skipped>) {
    let mut groups = Vec::new();
    let mut skipped = Vec::new();
    let results = [
        (FixKind::TagForm, tag_form(text, note)),
        (FixKind::UpdatedBeforeCreated, updated(text, note)),
        (FixKind::KeywordRow, keyword_row(text, note)),
        (FixKind::LinkageTags, linkage_tags(text, note, kind_tags)),
        (FixKind::EmptyHeading, empty_headings(text, note)),
        (FixKind::QuotePropertyLink, quote_property_links(text, note)),
    ];
    for (kind, r) in results {
        match r {
            Ok(edits) if edits.is_empty() => {}
            Ok(edits) => groups.push((kind, edits)),
            Err(reason) => skipped.push(Skipped { kind, reason }),
        }
    }
    (groups, skipped)
}

/// Lowercased, without `#` and surrounding space: how the check compares.
fn norm(s: &str) -> String {
    s.trim().trim_start_matches('#').to_lowercase()
}

fn is_year(tag: &str) -> bool {
    tag.len() == 4 && tag.bytes().all(|b| b.is_ascii_digit())
}

fn is_kind(tag: &str, kind_tags: &[String]) -> bool {
    kind_tags.iter().any(|k| k.eq_ignore_ascii_case(tag))
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

// --- tag form ---------------------------------------------------------------

fn tag_form(text: &str, note: &Note) -> Result<Vec<Edit>, SkipReason> {
    let props = &note.properties;
    let string_form = detail(note)?.fields.get("tags").is_some_and(|f| f.value.is_string());
    let mut edits: Vec<Edit> = Vec::new();
    for t in &props.tags {
        if text.get(t.span.range()) != Some(t.value.as_str()) {
            continue;
        }
        let hashes = text[..t.span.start].bytes().rev().take_while(|&b| b == b'#').count();
        if hashes == 0 {
            continue;
        }
        let start = t.span.start - hashes;
        let before = text[..start].chars().next_back().unwrap_or('\n');
        let quoted = matches!(before, '\'' | '"') || (string_form && before == ' ');
        if quoted && !edits.iter().any(|e| e.span.start == start) {
            edits.push(Edit::delete(Span::new(start, t.span.start)));
        }
    }
    Ok(edits)
}

// --- updated ----------------------------------------------------------------

fn updated(text: &str, note: &Note) -> Result<Vec<Edit>, SkipReason> {
    let p = &note.properties;
    let (Some(created), Some(updated)) = (&p.created, &p.updated) else { return Ok(Vec::new()) };
    if updated.value >= created.value {
        return Ok(Vec::new());
    }
    let raw = &text[updated.span.range()];
    let c = created.value;
    let new = format!("{:04}-{:02}-{:02}", c.year(), c.month(), c.day());
    let at = raw.char_indices().map(|(i, _)| i).find(|&i| {
        raw.get(i..i + 10).and_then(vellum_syntax::frontmatter::parse_date) == Some(updated.value)
    });
    match at {
        Some(i) => {
            Ok(vec![Edit::replace(Span::new(updated.span.start + i, updated.span.start + i + 10), new)])
        }
        None => Err(SkipReason::UpdatedNotFound),
    }
}

// --- unquoted links in properties --------------------------------------------

/// `up: [[Note]]` → `up: "[[Note]]"`: quotes around each link the parser
/// reported as unquoted, nothing else touched.
fn quote_property_links(text: &str, note: &Note) -> Result<Vec<Edit>, SkipReason> {
    let mut edits = Vec::new();
    for e in note.errors.iter().filter(|e| e.kind == ErrorKind::UnquotedPropertyLink) {
        let raw = &text[e.span.range()];
        if raw.contains(['"', '\\']) {
            return Err(SkipReason::QuoteInLink(raw.to_owned()));
        }
        edits.push(Edit::replace(e.span, format!("\"{raw}\"")));
    }
    Ok(edits)
}

// --- list sync (keyword row, linkage tags) -----------------------------------

/// An item of a list in a component: the whole item and the part holding the value.
#[derive(Debug, Clone)]
struct Item {
    outer: Span,
    value: Span,
    key: String,
}

/// A list as laid out in the file.
struct Shape {
    items: Vec<Item>,
    /// Written before each new item (line break and indentation, or a space).
    sep: String,
    /// Written around each new value (copied from the last item).
    prefix: String,
    suffix: String,
    /// Where new items go when there are none.
    anchor: Option<usize>,
    /// Whether every item fills its own line(s).
    whole_lines: bool,
}

/// The separator between the last two items, or `fallback`.
fn separator(text: &str, items: &[Item], before_first: Option<usize>, fallback: String) -> String {
    let gap = match items {
        [.., a, b] => Some(&text[a.outer.end..b.outer.start]),
        [only] => before_first.map(|s| &text[s.min(only.outer.start)..only.outer.start]),
        [] => None,
    };
    match gap {
        Some(g) if !g.is_empty() && is_blank(g) => g.to_owned(),
        _ => fallback,
    }
}

/// Edits that make the list hold the `wanted` (key, rendered value) pairs:
/// items whose key is wanted stay; the others take the missing values in
/// order, or are removed; missing values left over are appended.
fn sync_list(text: &str, shape: &Shape, wanted: &[(String, String)]) -> Result<Vec<Edit>, SkipReason> {
    let items = &shape.items;
    let render = |v: &str| format!("{}{}{}{}", shape.sep, shape.prefix, v, shape.suffix);
    if items.is_empty() {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let Some(at) = shape.anchor else { return Err(SkipReason::NoList) };
        return Ok(vec![Edit::insert(at, wanted.iter().map(|w| render(&w.1)).collect::<String>())]);
    }
    let gap_ok = |a: usize, b: usize| is_blank(&text[a..b]);
    let mut edits = Vec::new();
    let mut missing = wanted.iter().filter(|w| !items.iter().any(|it| it.key == w.0));
    let mut removed = vec![false; items.len()];
    for (i, it) in items.iter().enumerate() {
        if !wanted.iter().any(|w| w.0 == it.key) {
            match missing.next() {
                Some(w) => edits.push(Edit::replace(it.value, w.1.clone())),
                None => removed[i] = true,
            }
        }
    }
    let rest: Vec<&(String, String)> = missing.collect();
    let Some(first_kept) = removed.iter().position(|r| !r) else {
        // Every item goes.
        if shape.whole_lines {
            for it in items {
                let s = line_start(text, it.outer.start);
                edits.push(Edit::delete(Span::new(s, next_line_start(text, it.outer.end))));
            }
        } else {
            let (first, last) = (items[0].outer, items[items.len() - 1].outer);
            if !items.windows(2).all(|w| gap_ok(w[0].outer.end, w[1].outer.start)) {
                return Err(SkipReason::ItemsApart);
            }
            edits.push(Edit::delete(Span::new(first.start, last.end)));
        }
        return Ok(edits);
    };
    if first_kept > 0 {
        let span = Span::new(items[0].outer.start, items[first_kept].outer.start);
        if !items[..=first_kept].windows(2).all(|w| gap_ok(w[0].outer.end, w[1].outer.start)) {
            return Err(SkipReason::ItemsApart);
        }
        edits.push(Edit::delete(span));
    }
    for i in first_kept + 1..items.len() {
        if removed[i] {
            if !gap_ok(items[i - 1].outer.end, items[i].outer.start) {
                return Err(SkipReason::ItemsApart);
            }
            edits.push(Edit::delete(Span::new(items[i - 1].outer.end, items[i].outer.end)));
        }
    }
    if !rest.is_empty() {
        let last_kept = removed.iter().rposition(|r| !r).unwrap_or(first_kept);
        edits.push(Edit::insert(
            items[last_kept].outer.end,
            rest.iter().map(|w| render(&w.1)).collect::<String>(),
        ));
    }
    Ok(edits)
}

/// Wanted (key, rendered) pairs, first occurrence of each key.
fn dedup_wanted(pairs: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        if !k.is_empty() && !out.iter().any(|(ok, _)| *ok == k) {
            out.push((k, v));
        }
    }
    out
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}

/// Where the start tag beginning at `start` ends (after its `>`).
fn start_tag_end(text: &str, start: usize, limit: usize) -> Option<usize> {
    text[start..limit].find('>').map(|i| start + i + 1)
}

fn keyword_row(text: &str, note: &Note) -> Result<Vec<Edit>, SkipReason> {
    let Some(row) = &note.journal.keyword_row else { return Ok(Vec::new()) };
    let wanted = dedup_wanted(
        note.properties.keywords.iter().map(|k| (norm(&k.value), html_escape(&collapse(k.value.trim())))),
    );
    let want_keys: Vec<String> = wanted.iter().map(|w| w.0.clone()).collect();
    let have: Vec<String> = row.value.iter().map(|k| norm(&k.value)).collect();
    if same_set(&want_keys, &have) {
        return Ok(Vec::new());
    }
    if wanted.is_empty() {
        return Err(SkipReason::NoKeywords);
    }
    let row_text = &text[row.span.range()];
    let lower = row_text.to_ascii_lowercase();
    if lower.matches("inline-keyword").count() != row.value.len() || !closed(row_text) {
        return Err(SkipReason::MalformedKeywords);
    }
    let mut items = Vec::new();
    for kw in &row.value {
        let inner = kw.span;
        let start = text[row.span.start..inner.start].rfind('<').map(|i| row.span.start + i);
        let end = text[inner.end..row.span.end]
            .starts_with("</")
            .then(|| text[inner.end..row.span.end].find('>').map(|i| inner.end + i + 1))
            .flatten();
        let (Some(start), Some(end)) = (start, end) else {
            return Err(SkipReason::UnusualKeywordRow);
        };
        if !text[start..inner.start].contains("inline-keyword") {
            return Err(SkipReason::UnusualKeywordRow);
        }
        items.push(Item { outer: Span::new(start, end), value: inner, key: norm(&kw.value) });
    }
    let eol = line_ending(text);
    let tag_end = start_tag_end(text, row.span.start, row.span.end).unwrap_or(row.span.start);
    let multiline = text[tag_end..row.span.end].split('<').next().is_some_and(|g| g.contains('\n'));
    let indent = indentation(text, row.span.start);
    let fallback = if multiline { format!("{eol}{indent}  ") } else { " ".to_owned() };
    let (prefix, suffix) = match items.last() {
        Some(last) => (
            text[last.outer.start..last.value.start].to_owned(),
            text[last.value.end..last.outer.end].to_owned(),
        ),
        None => ("<span class=\"inline-keyword\">".to_owned(), "</span>".to_owned()),
    };
    let sep = separator(text, &items, Some(tag_end), fallback);
    let shape = Shape { items, sep, prefix, suffix, anchor: Some(tag_end), whole_lines: false };
    sync_list(text, &shape, &wanted)
}

/// Whether a component's text ends with an end tag.
fn closed(component: &str) -> bool {
    let t = component.trim_end();
    t.ends_with('>')
        && t.rfind("</").is_some_and(|i| !t[i..].contains(char::is_whitespace) || t[i..].ends_with('>'))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn linkage_tags(text: &str, note: &Note, kind_tags: &[String]) -> Result<Vec<Edit>, SkipReason> {
    let Some(linkage) = &detail(note)?.linkage else { return Ok(Vec::new()) };
    let topical: Vec<&str> = note
        .properties
        .tags
        .iter()
        .map(|t| t.value.trim())
        .filter(|t| !is_kind(&norm(t), kind_tags) && !is_year(&norm(t)))
        .collect();
    let wanted = dedup_wanted(topical.iter().map(|t| (norm(t), format!("#{t}"))));
    let want_keys: Vec<String> = wanted.iter().map(|w| w.0.clone()).collect();
    let have: Vec<String> = linkage.tags.iter().map(|t| norm(&t.value)).collect();
    if same_set(&want_keys, &have) {
        return Ok(Vec::new());
    }
    if let Some(bad) = topical.iter().find(|t| !inline_tag_ok(t)) {
        return Err(SkipReason::NotInlineTag((*bad).to_owned()));
    }
    let mut items = Vec::new();
    let mut all_lines = true;
    for t in &linkage.tags {
        let ls = line_start(text, t.span.start);
        let le = line_end(text, ls);
        let line = &text[ls..le];
        let cstart = ls + (line.len() - line.trim_start().len());
        let cend = ls + line.trim_end().len();
        let content = text[cstart..cend].to_ascii_lowercase();
        let alone = linkage.tags.iter().filter(|o| o.span.start >= ls && o.span.start < le).count() == 1;
        let outer = if content.starts_with("<li") && content.ends_with("</li>") && alone {
            Span::new(cstart, cend)
        } else {
            all_lines = false;
            t.span
        };
        items.push(Item { outer, value: t.span, key: norm(&t.value) });
    }
    let eol = line_ending(text);
    let (prefix, suffix, fallback) = match items.last() {
        Some(last) => {
            let fallback =
                if all_lines { format!("{eol}{}", indentation(text, last.outer.start)) } else { " ".into() };
            (
                text[last.outer.start..last.value.start].to_owned(),
                text[last.value.end..last.outer.end].to_owned(),
                fallback,
            )
        }
        None => ("<li>".to_owned(), "</li>".to_owned(), String::new()),
    };
    let (anchor, sep) = if items.is_empty() {
        match tags_list(text, linkage.span) {
            Some((at, indent)) => (Some(at), format!("{eol}{indent}  ")),
            None => return Err(SkipReason::NoLinkageTagList),
        }
    } else {
        (None, separator(text, &items, None, fallback))
    };
    let shape = Shape { items, sep, prefix, suffix, anchor, whole_lines: all_lines };
    sync_list(text, &shape, &wanted)
}

/// Whether `#tag` would be read back as the tag `tag`.
fn inline_tag_ok(tag: &str) -> bool {
    !tag.is_empty()
        && tag.chars().all(vellum_syntax::scan::is_tag_char)
        && !tag.starts_with('/')
        && !tag.ends_with('/')
        && !tag.chars().all(|c| c.is_ascii_digit() || c == '/')
}

/// In an empty linkage tree: the offset just after the `<ul>` that follows
/// `<li>tags`, and that `<ul>`'s indentation.
fn tags_list(text: &str, span: Span) -> Option<(usize, String)> {
    let mut pos = span.start;
    while pos < span.end {
        let end = line_end(text, pos);
        let line = text[pos..end].trim();
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("<li")
            && let Some(gt) = line.find('>')
            && line[gt + 1..].trim().eq_ignore_ascii_case("tags")
        {
            let after = next_line_start(text, pos).min(span.end);
            let rest = &text[after..span.end];
            let ul = rest.find('<')?;
            if !is_blank(&rest[..ul]) || !rest[ul..].to_ascii_lowercase().starts_with("<ul") {
                return None;
            }
            let at = start_tag_end(text, after + ul, span.end)?;
            return Some((at, indentation(text, after + ul).to_owned()));
        }
        pos = next_line_start(text, pos);
        if pos == end {
            break;
        }
    }
    None
}

// --- empty headings ---------------------------------------------------------

fn empty_headings(text: &str, note: &Note) -> Result<Vec<Edit>, SkipReason> {
    let mut spans: Vec<Span> = Vec::new();
    for h in note.headings.iter().filter(|h| h.text.is_empty()) {
        let ls = line_start(text, h.span.start);
        let le = line_end(text, ls);
        if !empty_atx(&text[ls..le]) {
            return Err(SkipReason::NestedEmptyHeading { line: detail(note)?.lines.line_col(text, ls).line });
        }
        let mut start = ls;
        let mut end = next_line_start(text, ls);
        let body_start = note.body.start;
        let prev_blank = |at: usize| at > body_start && is_blank(&text[line_start(text, at - 1)..at]);
        if end == text.len() {
            // The last line: take the blank lines before it too.
            while prev_blank(start) {
                start = line_start(text, start - 1);
            }
        } else if (start == body_start || prev_blank(start))
            && is_blank(&text[end..next_line_start(text, end)])
        {
            end = next_line_start(text, end);
        }
        spans.push(Span::new(start, end));
    }
    spans.sort();
    let mut merged: Vec<Span> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    Ok(merged.into_iter().map(Edit::delete).collect())
}

/// `#`, `##  ` or `# #`: an ATX heading with no text, indented at most 3 spaces.
fn empty_atx(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return false;
    }
    let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
    (1..=6).contains(&hashes) && trimmed[hashes..].chars().all(|c| matches!(c, ' ' | '\t' | '#' | '\r'))
}

// --- verification -----------------------------------------------------------

/// Check that `new` (the fixed note) differs from `old` only by the fixes in `kinds`.
fn verify(old: &Note, new: &Note, kinds: &[FixKind], kind_tags: &[String]) -> Result<(), SkipReason> {
    let fixes = |k| kinds.contains(&k);
    let fail = |what: &'static str| Err(SkipReason::WouldChange(what));
    for kind in [
        ErrorKind::MalformedYaml,
        ErrorKind::WrongType,
        ErrorKind::InvalidDate,
        ErrorKind::MalformedComponent,
        ErrorKind::UnquotedPropertyLink,
    ] {
        let count = |n: &Note| n.errors.iter().filter(|e| e.kind == kind).count();
        if count(new) > count(old) {
            return fail("the note so that it no longer parses cleanly");
        }
    }
    let (po, pn) = (&old.properties, &new.properties);
    let (dold, dnew) = (detail(old)?, detail(new)?);
    if !dold.fields.keys().eq(dnew.fields.keys()) {
        return fail("the frontmatter keys");
    }
    for (k, v) in &dold.fields {
        let touched = (k == "updated" && fixes(FixKind::UpdatedBeforeCreated))
            || (k == "tags" && fixes(FixKind::TagForm))
            || (fixes(FixKind::QuotePropertyLink) && quoted_here(old, k));
        if !touched && dnew.fields.get(k).is_none_or(|n| n.value != v.value) {
            return Err(SkipReason::WouldChangeField(k.clone()));
        }
    }
    if fixes(FixKind::UpdatedBeforeCreated)
        && pn.updated.as_ref().map(|d| d.value) != po.created.as_ref().map(|d| d.value)
    {
        return fail("`updated` to something other than `created`");
    }
    let tag_values =
        |p: &vellum_syntax::Properties| p.tags.iter().map(|t| t.value.clone()).collect::<Vec<_>>();
    if tag_values(po) != tag_values(pn) {
        return fail("the frontmatter tags");
    }
    let headings = |n: &Note, drop_empty: bool| {
        n.headings
            .iter()
            .filter(|h| !(drop_empty && h.text.is_empty()))
            .map(|h| (h.level, h.text.clone()))
            .collect::<Vec<_>>()
    };
    if headings(old, fixes(FixKind::EmptyHeading)) != headings(new, false) {
        return fail("the headings");
    }
    let links = |n: &Note| {
        n.links
            .iter()
            .map(|l| (l.kind, l.target.clone(), l.fragment.clone(), l.display.clone()))
            .collect::<Vec<_>>()
    };
    if links(old) != links(new) {
        return fail("the links");
    }
    let callouts = |d: &NoteDetail| {
        d.callouts.iter().map(|c| (c.kind.clone(), c.title.clone(), c.body.clone())).collect::<Vec<_>>()
    };
    if callouts(dold) != callouts(dnew) {
        return fail("the callouts");
    }
    let components = |n: &Note| n.components.iter().map(|c| c.kind).collect::<Vec<_>>();
    if components(old) != components(new) {
        return fail("the journal components");
    }
    let claims = |n: &Note| n.journal.claims.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
    if claims(old) != claims(new) || old.journal.sources.len() != new.journal.sources.len() {
        return fail("the claims or sources");
    }
    let row = |n: &Note| {
        n.journal.keyword_row.as_ref().map(|r| r.value.iter().map(|k| norm(&k.value)).collect::<Vec<_>>())
    };
    if fixes(FixKind::KeywordRow) {
        let want: Vec<String> = pn.keywords.iter().map(|k| norm(&k.value)).collect();
        if !row(new).is_some_and(|r| same_set(&r, &want)) {
            return fail("the keyword row without making it match `keywords`");
        }
    } else if row(old) != row(new) {
        return fail("the keyword row");
    }
    let tree = |d: &NoteDetail| {
        d.linkage.as_ref().map(|l| l.tags.iter().map(|t| norm(&t.value)).collect::<Vec<_>>())
    };
    if fixes(FixKind::LinkageTags) {
        let want: Vec<String> = pn
            .tags
            .iter()
            .map(|t| norm(&t.value))
            .filter(|t| !is_kind(t, kind_tags) && !is_year(t))
            .collect();
        if !tree(dnew).is_some_and(|r| same_set(&r, &want)) {
            return fail("the linkage tree without making it match `tags`");
        }
    } else if tree(dold) != tree(dnew) {
        return fail("the linkage tree");
    }
    let outside = |n: &Note, d: &NoteDetail| {
        let l = d.linkage.as_ref().map(|l| l.span);
        n.tags
            .iter()
            .filter(|t| !l.is_some_and(|l| l.contains(t.span)))
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
    };
    if outside(old, dold) != outside(new, dnew) {
        return fail("the inline tags");
    }
    if fixes(FixKind::TagForm) && has_hash_tag(&dnew.fields) {
        return fail("the frontmatter tags without removing their `#`");
    }
    Ok(())
}

/// Whether property `key` of `note` holds a link written without quotes.
fn quoted_here(note: &Note, key: &str) -> bool {
    let unquoted: Vec<Span> =
        note.errors.iter().filter(|e| e.kind == ErrorKind::UnquotedPropertyLink).map(|e| e.span).collect();
    note.links.iter().any(|l| l.property.as_deref() == Some(key) && unquoted.contains(&l.span))
}

fn has_hash_tag(fields: &vellum_syntax::Fields) -> bool {
    let Some(f) = fields.get("tags") else { return false };
    let starts = |s: &str| s.split_whitespace().any(|w| w.starts_with('#'));
    match &f.value {
        v if v.is_string() => v.as_str().is_some_and(starts),
        v => v
            .as_array()
            .is_some_and(|a| a.iter().filter_map(|x| x.as_str()).any(|s| s.trim().starts_with('#'))),
    }
}

#[cfg(test)]
mod tests;
