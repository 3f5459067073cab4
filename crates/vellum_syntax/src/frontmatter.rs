//! Frontmatter: the YAML (or JSON) block between `---` lines at the very top of a
//! note, split from the body and read into typed [`Properties`].
//!
//! 1. [`split`] finds the block: only when `---` is the very first line (after an
//!    optional byte-order mark), closed by a line that is `---` or `...`.
//! 2. The YAML is parsed with `serde-saphyr` into an ordered map of values, each
//!    with the position of its value, so errors point into the file.
//! 3. The schema fields are read into typed slots; a wrong type or a bad date is
//!    a [`SyntaxError`]; every key, schema fields included, is kept as-is in
//!    [`Fields`] (the note's [`crate::NoteDetail::fields`]).

use indexmap::IndexMap;
use jiff::civil::Date;
use serde_json::Value;
use serde_saphyr::Spanned as YamlSpanned;

use crate::text::{LineIndex, Span, Spanned, ceil_char_boundary};
use crate::{ErrorKind, SyntaxError};

/// Where the frontmatter block sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FrontmatterBlock {
    /// The whole block, from the opening `---` to the end of the closing line.
    pub span: Span,
    /// The YAML text between the delimiter lines.
    pub yaml: Span,
    /// 1-based line on which the YAML text starts.
    pub yaml_first_line: usize,
}

/// Find the frontmatter block. Returns `None` when the file does not start with a
/// `---` line or the block is never closed (then the whole file is body, as in Obsidian).
#[must_use]
pub fn split(text: &str) -> Option<FrontmatterBlock> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end_matches('\r').trim_end() != "---" {
        return None;
    }
    let yaml_start = start + first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end_matches('\r').trim_end();
        if line == "---" || line == "..." {
            let block_end = if line_end < text.len() { line_end + 1 } else { line_end };
            return Some(FrontmatterBlock {
                span: Span::new(start, block_end),
                yaml: Span::new(yaml_start, pos),
                yaml_first_line: 2,
            });
        }
        if line_end >= text.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

/// A frontmatter value with the span of the value (or of its key line when the
/// value is empty).
pub type Field = Spanned<Value>;

/// The typed view of a note's frontmatter. Missing fields are `None`/empty; fields
/// of the wrong type are reported and left out.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Properties {
    /// `title`.
    pub title: Option<Spanned<String>>,
    /// `aliases` (a single string is accepted as a one-item list).
    pub aliases: Vec<Spanned<String>>,
    /// `tags`, without a leading `#` (a single string or a comma/space separated
    /// string is accepted, as Obsidian does).
    pub tags: Vec<Spanned<String>>,
    /// `keywords`.
    pub keywords: Vec<Spanned<String>>,
    /// `draft`.
    pub draft: Option<Spanned<bool>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `created` (a date, or the date part of a date-time).
    pub created: Option<Spanned<Date>>,
    /// `updated`.
    pub updated: Option<Spanned<Date>>,
    /// `note_id`, e.g. `220511TJ01`.
    pub note_id: Option<Spanned<String>>,
    /// `cssclasses`.
    pub cssclasses: Vec<Spanned<String>>,
    /// `permalink`: the URL path the published page asks for, as written
    /// (read with [`crate::url::permalink`]).
    pub permalink: Option<Spanned<String>>,
    /// Every other key, in file order, with its raw value: what a published
    /// page shows in its properties table. (A note's
    /// [`crate::NoteDetail::fields`] holds every key, these included.)
    #[serde(with = "fields_serde")]
    pub other: Fields,
}

/// Every key of a frontmatter, schema fields included, in file order, with
/// its raw value.
pub type Fields = IndexMap<String, Field>;

/// [`Fields`] through serde: each value as its JSON text, because a YAML
/// value's shape is only known when it is read back (self-describing), and
/// the compact formats vellum's caches use (postcard) are not self-describing.
pub(crate) mod fields_serde {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Fields;
    use crate::text::{Span, Spanned};

    pub(crate) fn serialize<S: Serializer>(fields: &Fields, s: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<(&str, Span, String)> =
            fields.iter().map(|(k, f)| (k.as_str(), f.span, f.value.to_string())).collect();
        rows.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fields, D::Error> {
        let rows = Vec::<(String, Span, String)>::deserialize(d)?;
        rows.into_iter()
            .map(|(k, span, json)| {
                let value = serde_json::from_str(&json).map_err(D::Error::custom)?;
                Ok((k, Spanned::new(value, span)))
            })
            .collect()
    }
}

impl Properties {
    pub(crate) fn shrink_to_fit(&mut self) {
        self.aliases.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.keywords.shrink_to_fit();
        self.cssclasses.shrink_to_fit();
        self.other.shrink_to_fit();
    }

    /// Whether `draft` is set to true.
    #[must_use]
    pub fn is_draft(&self) -> bool {
        self.draft.as_ref().is_some_and(|d| d.value)
    }
}

/// The keys vellum reads into typed fields.
pub const SCHEMA_KEYS: &[&str] = &[
    "title",
    "aliases",
    "tags",
    "keywords",
    "draft",
    "description",
    "created",
    "updated",
    "note_id",
    "cssclasses",
    "permalink",
];

/// Parse the YAML of `block` within `text` into its typed properties and
/// every raw field. Never fails: problems become errors.
pub(crate) fn parse(
    text: &str,
    block: FrontmatterBlock,
    lines: &LineIndex,
    errors: &mut Vec<SyntaxError>,
) -> (Properties, Fields) {
    let yaml = &text[block.yaml.range()];
    let mut props = Properties::default();
    let mut fields = Fields::new();
    if yaml.trim().is_empty() {
        return (props, fields);
    }
    let parsed: Result<IndexMap<String, YamlSpanned<Value>>, _> =
        serde_saphyr::from_str_with_options(yaml, yaml_options());
    let map = match parsed {
        Ok(map) => map,
        Err(err) => {
            let message = if over_budget(&err) {
                format!(
                    "the frontmatter is too large once its anchors and aliases are expanded \
                     (over {MAX_YAML_NODES} values; a \"billion laughs\" YAML bomb?)"
                )
            } else {
                yaml_message(&err.to_string())
            };
            let span = err
                .location()
                .map(|loc| position_to_span(text, lines, block.yaml_first_line, loc.line(), loc.column()))
                .unwrap_or(Span::new(block.span.start, block.span.start + 3));
            errors.push(SyntaxError::new(ErrorKind::MalformedYaml, span, message));
            return (props, fields);
        }
    };
    for (key, value) in map {
        let loc = value.referenced;
        let mut span = position_to_span(text, lines, block.yaml_first_line, loc.line(), loc.column());
        if let Some(len) = loc.span().byte_len().filter(|&l| l > 0 && l < u64::from(u32::MAX)) {
            let end = ceil_char_boundary(text, span.start + usize::try_from(len).unwrap_or(0));
            span = Span::new(span.start, end.min(block.yaml.end));
        }
        fields.insert(key, Spanned::new(value.value, span));
    }
    read_schema(&mut props, &fields, errors);
    props.other = fields
        .iter()
        .filter(|(k, _)| !SCHEMA_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    refine_item_spans(text, block.yaml, &fields, &mut props);
    fields.shrink_to_fit();
    (props, fields)
}

/// Most YAML values (after alias expansion) a note's frontmatter may hold. A
/// real note has a few dozen; the limit stops alias bombs ("billion laughs")
/// early, in time and memory, instead of at serde-saphyr's general defaults
/// (250,000 nodes, a million replayed alias events).
const MAX_YAML_NODES: usize = 10_000;

/// serde-saphyr's options with frontmatter-sized limits.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: MAX_YAML_NODES,
            max_events: 4 * MAX_YAML_NODES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_YAML_NODES,
        },
    }
}

/// Whether parsing stopped at one of [`yaml_options`]' limits.
fn over_budget(mut err: &serde_saphyr::Error) -> bool {
    // The cause may be wrapped (with a snippet, or with an alias's locations).
    while let serde_saphyr::Error::WithSnippet { error, .. } | serde_saphyr::Error::AliasError { error, .. } =
        err
    {
        err = error;
    }
    matches!(
        err,
        serde_saphyr::Error::Budget { .. }
            | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
            | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
            | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
    )
}

/// serde-saphyr gives positions per top-level value; point each list item at its
/// own text by finding it, in order, within the field's lines.
fn refine_item_spans(text: &str, yaml: Span, fields: &Fields, props: &mut Properties) {
    for list in [&mut props.aliases, &mut props.tags, &mut props.keywords, &mut props.cssclasses] {
        let Some(first) = list.first() else { continue };
        let region = value_region(fields, yaml, first.span);
        let mut cursor = region.start;
        for item in list.iter_mut() {
            let hay = &text[cursor..region.end];
            if let Some(i) = hay.find(item.value.as_str()) {
                let start = cursor + i;
                item.span = Span::new(start, start + item.value.len());
                cursor = item.span.end;
            }
        }
    }
}

/// The YAML text a field's value is written in: from where serde-saphyr
/// placed it (`at`, the value's own span) up to the next field's value, or the
/// end of the YAML. serde-saphyr gives positions of top-level values only;
/// what lies inside one (list items, links) is found within this region.
pub(crate) fn value_region(fields: &Fields, yaml: Span, at: Span) -> Span {
    let end = fields.values().map(|f| f.span.start).filter(|&s| s > at.start).min().unwrap_or(yaml.end);
    Span::new(at.start, end.max(at.start))
}

/// serde-saphyr's message starts with `error: line L column C: ` and carries a
/// snippet; keep only the message itself, since vellum prints its own snippet.
fn yaml_message(display: &str) -> String {
    let first = display.lines().next().unwrap_or(display);
    let msg = first.strip_prefix("error: ").unwrap_or(first);
    let msg = match msg.find(": ") {
        Some(i) if msg.starts_with("line ") => &msg[i + 2..],
        _ => msg,
    };
    format!("malformed YAML frontmatter: {msg}")
}

fn position_to_span(text: &str, lines: &LineIndex, first_line: usize, line: u64, column: u64) -> Span {
    let line = usize::try_from(line).unwrap_or(1).max(1) + first_line - 1;
    let start = lines.line_start(line);
    let line_span = lines.line_span(text, line);
    let col = usize::try_from(column).unwrap_or(1).max(1) - 1;
    let offset = text[line_span.range()].char_indices().nth(col).map_or(line_span.end, |(i, _)| start + i);
    let end = text[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8());
    Span::new(offset, end.min(line_span.end.max(offset)))
}

fn read_schema(props: &mut Properties, fields: &Fields, errors: &mut Vec<SyntaxError>) {
    for (key, field) in fields {
        let span = field.span;
        let value = &field.value;
        match key.as_str() {
            "title" => props.title = scalar_string(key, field, errors),
            "description" => props.description = scalar_string(key, field, errors),
            "note_id" => props.note_id = scalar_string(key, field, errors),
            "permalink" => props.permalink = scalar_string(key, field, errors),
            "aliases" => props.aliases = string_list(key, field, false, errors),
            "tags" => {
                props.tags = string_list(key, field, true, errors)
                    .into_iter()
                    .map(|t| Spanned::new(t.value.trim_start_matches('#').to_owned(), t.span))
                    .filter(|t| !t.value.is_empty())
                    .collect();
            }
            "keywords" => props.keywords = string_list(key, field, false, errors),
            "cssclasses" => props.cssclasses = string_list(key, field, true, errors),
            "draft" => match value {
                Value::Bool(b) => props.draft = Some(Spanned::new(*b, span)),
                Value::Null => {}
                Value::String(s) if matches!(s.as_str(), "true" | "false") => {
                    props.draft = Some(Spanned::new(s == "true", span));
                }
                _ => errors.push(wrong_type(key, "a boolean (true or false)", field)),
            },
            "created" | "updated" => {
                let date = match value {
                    Value::String(s) => match parse_date(s) {
                        Some(d) => Some(d),
                        None => {
                            errors.push(SyntaxError::new(
                                ErrorKind::InvalidDate,
                                span,
                                format!("`{key}` is not a valid date: `{s}` (expected YYYY-MM-DD)"),
                            ));
                            None
                        }
                    },
                    Value::Null => None,
                    _ => {
                        errors.push(wrong_type(key, "a date (YYYY-MM-DD)", field));
                        None
                    }
                };
                let slot = if key == "created" { &mut props.created } else { &mut props.updated };
                *slot = date.map(|d| Spanned::new(d, span));
            }
            _ => {}
        }
    }
}

/// Parse `YYYY-MM-DD`, or the date part of `YYYY-MM-DDTHH:MM[:SS]` / `YYYY-MM-DD HH:MM`.
#[must_use]
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let date_part = s.get(..10)?;
    if s.len() > 10 && !matches!(s.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }
    let b = date_part.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    date_part.parse::<Date>().ok()
}

fn wrong_type(key: &str, expected: &str, field: &Field) -> SyntaxError {
    SyntaxError::new(
        ErrorKind::WrongType,
        field.span,
        format!("`{key}` should be {expected}, found {}", describe(&field.value)),
    )
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn scalar_string(key: &str, field: &Field, errors: &mut Vec<SyntaxError>) -> Option<Spanned<String>> {
    match &field.value {
        Value::String(s) => Some(Spanned::new(s.clone(), field.span)),
        Value::Number(n) => Some(Spanned::new(n.to_string(), field.span)),
        Value::Null => None,
        _ => {
            errors.push(wrong_type(key, "text", field));
            None
        }
    }
}

fn string_list(
    key: &str,
    field: &Field,
    split_words: bool,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Spanned<String>> {
    let span = field.span;
    match &field.value {
        Value::Null => Vec::new(),
        Value::String(s) if split_words => s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| Spanned::new(p.to_owned(), span))
            .collect(),
        Value::String(s) => vec![Spanned::new(s.clone(), span)],
        Value::Number(n) => vec![Spanned::new(n.to_string(), span)],
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    // Obsidian tolerates empty list items (`-` with nothing after it).
                    Value::Null => {}
                    Value::String(s) => out.push(Spanned::new(s.trim().to_owned(), span)),
                    Value::Number(n) => out.push(Spanned::new(n.to_string(), span)),
                    Value::Bool(b) => out.push(Spanned::new(b.to_string(), span)),
                    other => errors.push(SyntaxError::new(
                        ErrorKind::WrongType,
                        span,
                        format!("`{key}` items should be text, found {}", describe(other)),
                    )),
                }
            }
            out.retain(|s| !s.value.is_empty());
            out
        }
        _ => {
            errors.push(wrong_type(key, "a list", field));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(text: &str) -> (Properties, Vec<SyntaxError>) {
        let block = split(text).expect("frontmatter");
        let lines = LineIndex::new(text);
        let mut errors = Vec::new();
        (parse(text, block, &lines, &mut errors).0, errors)
    }

    #[test]
    fn only_when_first_line() {
        assert!(split("\n---\ntitle: x\n---\n").is_none());
        assert!(split("---\ntitle: x\n").is_none(), "unclosed block is body");
        let b = split("---\ntitle: x\n---\nbody").expect("block");
        assert_eq!(b.yaml, Span::new(4, 13));
        assert_eq!(b.span, Span::new(0, 17));
        assert!(split("\u{feff}---\r\na: 1\r\n---\r\n").is_some());
    }

    #[test]
    fn obsidian_forms() {
        let (p, e) = props("---\ntags: [a, '#b']\naliases: One\ncssclasses: x y\n---\n");
        assert!(e.is_empty(), "{e:?}");
        let tags: Vec<_> = p.tags.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(tags, ["a", "b"]);
        assert_eq!(p.aliases[0].value, "One");
        assert_eq!(p.cssclasses.len(), 2);
    }

    #[test]
    fn json_frontmatter_and_empty_items() {
        let (p, e) = props("---\n{\"title\": \"J\", \"tags\": [\"a\"]}\n---\n");
        assert!(e.is_empty());
        assert_eq!(p.title.expect("title").value, "J");
        let (p, e) = props("---\ntags:\n  -\n  - b\n---\n");
        assert!(e.is_empty());
        assert_eq!(p.tags.len(), 1);
    }

    #[test]
    fn year_tag_as_number_and_dates() {
        let text = "---\ntags:\n  - 2022\ncreated: 2022-05-11\nupdated: 2022-13-45\n---\n";
        let (p, e) = props(text);
        assert_eq!(p.tags[0].value, "2022");
        assert_eq!(p.created.expect("created").value, jiff::civil::date(2022, 5, 11));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind, ErrorKind::InvalidDate);
        assert_eq!(&text[e[0].span.range()], "2022-13-45");
    }

    #[test]
    fn malformed_yaml_points_into_file() {
        let text = "---\ntitle: ok\ntags: [a\n---\n";
        let (_, e) = props(text);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind, ErrorKind::MalformedYaml);
        let lines = LineIndex::new(text);
        assert!(lines.line_col(text, e[0].span.start).line >= 3);
    }

    #[test]
    fn alias_bomb_stops_early_with_a_clear_message() {
        let mut yaml = String::from("---\nl0: &l0 \"lol\"\n");
        for level in 1..=9 {
            let refs = vec![format!("*l{}", level - 1); 9].join(", ");
            yaml.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
        }
        yaml.push_str("---\n");
        let started = std::time::Instant::now();
        let (_, errors) = props(&yaml);
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].kind, ErrorKind::MalformedYaml);
        assert!(errors[0].message.contains("billion laughs"), "{}", errors[0].message);
        // A few aliases are fine.
        let (p, errors) = props("---\nbase: &b [x, y]\ntags: *b\n---\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.tags.len(), 2);
    }

    #[test]
    fn wrong_types() {
        let (_, e) = props("---\ntitle: [a]\ndraft: maybe\n---\n");
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|e| e.kind == ErrorKind::WrongType));
    }

    #[test]
    fn dates() {
        assert!(parse_date("2022-05-11T10:30:00").is_some());
        assert!(parse_date("2022-5-11").is_none());
        assert!(parse_date("2022-02-30").is_none());
    }
}
