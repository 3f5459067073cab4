//! The `.base` document model and how it is read from YAML.

use crate::expr::{Expr, SyntaxError, parse_expr};
use crate::yaml::{Node, NodeKind};
use crate::{Problem, ProblemKind, Severity};
use indexmap::IndexMap;
use std::ops::Range;

/// A parsed base: global filters, formulas, property settings, custom summaries
/// and views.
#[derive(Debug, Clone, Default)]
pub struct Base {
    /// Filters every view applies (`filters:` at the top level).
    pub filters: Option<Filter>,
    /// Formula properties by name (`formulas:`), in file order.
    pub formulas: IndexMap<String, Expression>,
    /// Per-property settings (`properties:`), keyed as written (`status`,
    /// `note.status`, `formula.price`, `file.ext`).
    pub properties: IndexMap<String, PropertyConfig>,
    /// Custom summary formulas by name (`summaries:`), evaluated over `values`.
    pub summaries: IndexMap<String, Expression>,
    /// The views, in file order; the first is the default.
    pub views: Vec<View>,
}

/// Settings of one property.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PropertyConfig {
    /// `displayName:` — the column header.
    pub display_name: Option<String>,
}

/// An expression written in the base file, with where it came from.
#[derive(Debug, Clone)]
pub struct Expression {
    /// The expression text (the YAML scalar's value).
    pub source: String,
    /// The syntax tree, or `None` when the text did not parse.
    pub ast: Option<Expr>,
    /// Byte range of the YAML scalar holding the expression.
    pub span: Range<usize>,
    /// For each byte of `source` (plus one past the end), its byte offset in the
    /// file; `None` when the scalar could not be mapped back exactly (for example
    /// a folded multi-line scalar), in which case problems point at `span`.
    offsets: Option<Vec<usize>>,
}

impl Expression {
    /// Parses `source` standing alone (offset 0), as used for expressions not
    /// read from a file.
    pub fn standalone(source: &str) -> (Expression, Option<SyntaxError>) {
        let offsets = Some((0..=source.len()).collect());
        Expression::new(source.to_owned(), 0..source.len(), offsets)
    }

    fn new(
        source: String,
        span: Range<usize>,
        offsets: Option<Vec<usize>>,
    ) -> (Expression, Option<SyntaxError>) {
        let (ast, err) = match parse_expr(&source) {
            Ok(e) => (Some(e), None),
            Err(e) => (None, Some(e)),
        };
        (Expression { source, ast, span, offsets }, err)
    }

    /// Maps a byte range inside [`Expression::source`] to a byte range in the file.
    pub fn file_span(&self, local: Range<usize>) -> Range<usize> {
        match &self.offsets {
            Some(map) => {
                let at = |i: usize| map.get(i.min(map.len().saturating_sub(1))).copied();
                match (at(local.start), at(local.end)) {
                    (Some(s), Some(e)) => s..e.max(s),
                    _ => self.span.clone(),
                }
            }
            None => self.span.start..self.span.start,
        }
    }
}

/// A filter: one expression, or `and` / `or` / `not` over nested filters.
#[derive(Debug, Clone)]
pub enum Filter {
    /// A filter statement; truthy keeps the file.
    Expr(Expression),
    /// Every child must hold.
    And(Vec<Filter>),
    /// At least one child must hold.
    Or(Vec<Filter>),
    /// No child may hold ("None of the following are true").
    Not(Vec<Filter>),
}

/// Layout of a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    /// `type: table`
    Table,
    /// `type: cards`
    Cards,
    /// `type: list`
    List,
}

/// Namespace of a property key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// Frontmatter (`note.x` or bare `x`).
    Note,
    /// File property (`file.x`).
    File,
    /// Formula (`formula.x`).
    Formula,
}

/// A property named in `order`, `sort`, `groupBy`, `summaries` or `image`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyKey {
    /// Which namespace.
    pub namespace: Namespace,
    /// Name inside the namespace.
    pub name: String,
    /// The key as written.
    pub raw: String,
    /// Where it was written.
    pub span: Range<usize>,
}

impl PropertyKey {
    /// Splits `note.x`, `file.x`, `formula.x`; anything else is a note property.
    pub fn parse(raw: &str, span: Range<usize>) -> PropertyKey {
        let (namespace, name) = match raw.split_once('.') {
            Some(("note", n)) => (Namespace::Note, n),
            Some(("file", n)) => (Namespace::File, n),
            Some(("formula", n)) => (Namespace::Formula, n),
            _ => (Namespace::Note, raw),
        };
        PropertyKey { namespace, name: name.to_owned(), raw: raw.to_owned(), span }
    }

    /// Canonical id: `note.x`, `file.x`, `formula.x`.
    pub fn id(&self) -> String {
        let ns = match self.namespace {
            Namespace::Note => "note",
            Namespace::File => "file",
            Namespace::Formula => "formula",
        };
        format!("{ns}.{}", self.name)
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Smallest first (`ASC`, the default).
    #[default]
    Asc,
    /// Largest first (`DESC`).
    Desc,
}

/// One sort key or the group key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortSpec {
    /// The property sorted by.
    pub property: PropertyKey,
    /// Direction.
    pub direction: Direction,
}

/// One entry of `views:`.
#[derive(Debug, Clone)]
pub struct View {
    /// `type:` as written (`table`, `cards`, `list`, or a plugin type such as `map`).
    pub type_name: String,
    /// Layout used to render; unknown types render as a table.
    pub kind: ViewKind,
    /// `name:`; views without a name are called after their type.
    pub name: String,
    /// `limit:` — at most this many rows.
    pub limit: Option<usize>,
    /// View filters, combined with the global ones by AND.
    pub filters: Option<Filter>,
    /// `order:` — the columns shown, in order.
    pub order: Vec<PropertyKey>,
    /// `sort:` — a list of `{property, direction}`.
    pub sort: Vec<SortSpec>,
    /// `groupBy:` — `{property, direction}`.
    pub group_by: Option<SortSpec>,
    /// `summaries:` — property key to summary name.
    pub summaries: Vec<(PropertyKey, String)>,
    /// `image:` (cards) — the property holding the cover image.
    pub image: Option<PropertyKey>,
    /// Byte range of the view's mapping.
    pub span: Range<usize>,
}

/// The built-in summary names (`Bases syntax.md`, Default Summary Formulas).
pub const BUILTIN_SUMMARIES: &[&str] = &[
    "Average",
    "Min",
    "Max",
    "Sum",
    "Range",
    "Median",
    "Stddev",
    "Earliest",
    "Latest",
    "Checked",
    "Unchecked",
    "Empty",
    "Filled",
    "Unique",
];

pub(crate) struct Reader<'a> {
    pub(crate) source: &'a str,
    pub(crate) problems: Vec<Problem>,
}

impl Reader<'_> {
    fn problem(&mut self, kind: ProblemKind, severity: Severity, span: Range<usize>, message: String) {
        self.problems.push(Problem { span, severity, kind, message });
    }

    fn schema(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problem(ProblemKind::Schema, Severity::Error, span, message.into());
    }

    pub(crate) fn read_base(&mut self, root: &Node) -> Base {
        let mut base = Base::default();
        let entries = match &root.kind {
            NodeKind::Map(entries) => entries.as_slice(),
            NodeKind::Null => &[],
            _ => {
                self.schema(root.span.clone(), "a base must be a YAML mapping");
                return base;
            }
        };
        for (key, value) in entries {
            match key.as_str() {
                Some("filters") => base.filters = self.read_filter(value),
                Some("formulas") => base.formulas = self.read_expr_map(value, "formulas"),
                Some("summaries") => base.summaries = self.read_expr_map(value, "summaries"),
                Some("properties") => base.properties = self.read_properties(value),
                Some("views") => base.views = self.read_views(value),
                Some(other) => self.problem(
                    ProblemKind::Schema,
                    Severity::Warning,
                    key.span.clone(),
                    format!("unknown top-level key `{other}`"),
                ),
                None => self.schema(key.span.clone(), "keys must be strings"),
            }
        }
        base
    }

    fn expression(&mut self, node: &Node) -> Option<Expression> {
        let Some(text) = node.scalar_text() else {
            self.schema(node.span.clone(), "expected an expression (a string)");
            return None;
        };
        let offsets = scalar_offsets(self.source, &node.span, &text);
        let (expr, err) = Expression::new(text, node.span.clone(), offsets);
        if let Some(err) = err {
            let kind = if err.too_large { ProblemKind::TooLarge } else { ProblemKind::Syntax };
            let span = expr.file_span(err.span.clone());
            self.problem(kind, Severity::Error, span, err.message);
        }
        Some(expr)
    }

    pub(crate) fn read_filter(&mut self, node: &Node) -> Option<Filter> {
        self.read_filter_depth(node, 0)
    }

    fn read_filter_depth(&mut self, node: &Node, depth: usize) -> Option<Filter> {
        if depth > crate::expr::MAX_DEPTH {
            self.problem(
                ProblemKind::TooLarge,
                Severity::Error,
                node.span.clone(),
                "filters are nested too deeply".into(),
            );
            return None;
        }
        match &node.kind {
            NodeKind::Map(entries) => {
                if entries.len() != 1 {
                    self.schema(
                        node.span.clone(),
                        "a filter object must have exactly one of `and`, `or`, `not`",
                    );
                }
                let (key, value) = entries.first()?;
                let items: Vec<Filter> = match &value.kind {
                    NodeKind::Seq(items) => {
                        items.iter().filter_map(|i| self.read_filter_depth(i, depth + 1)).collect()
                    }
                    NodeKind::Null => Vec::new(),
                    _ => self.read_filter_depth(value, depth + 1).into_iter().collect(),
                };
                match key.as_str() {
                    Some("and") => Some(Filter::And(items)),
                    Some("or") => Some(Filter::Or(items)),
                    Some("not") => Some(Filter::Not(items)),
                    _ => {
                        self.schema(key.span.clone(), "expected `and`, `or` or `not`");
                        None
                    }
                }
            }
            NodeKind::Seq(_) => {
                self.schema(node.span.clone(), "a filter is a string or an `and`/`or`/`not` object");
                None
            }
            NodeKind::Null => None,
            _ => self.expression(node).map(Filter::Expr),
        }
    }

    fn read_expr_map(&mut self, node: &Node, what: &str) -> IndexMap<String, Expression> {
        let mut out = IndexMap::new();
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let Some(name) = k.scalar_text() else {
                        self.schema(k.span.clone(), format!("{what} names must be strings"));
                        continue;
                    };
                    if let Some(e) = self.expression(v) {
                        out.insert(name, e);
                    }
                }
            }
            NodeKind::Null => {}
            _ => self.schema(node.span.clone(), format!("`{what}` must be a mapping")),
        }
        out
    }

    fn read_properties(&mut self, node: &Node) -> IndexMap<String, PropertyConfig> {
        let mut out = IndexMap::new();
        let NodeKind::Map(entries) = &node.kind else {
            if !matches!(node.kind, NodeKind::Null) {
                self.schema(node.span.clone(), "`properties` must be a mapping");
            }
            return out;
        };
        for (k, v) in entries {
            let Some(name) = k.scalar_text() else {
                continue;
            };
            let display_name = v.get("displayName").and_then(Node::scalar_text);
            out.insert(name, PropertyConfig { display_name });
        }
        out
    }

    fn read_views(&mut self, node: &Node) -> Vec<View> {
        let NodeKind::Seq(items) = &node.kind else {
            if !matches!(node.kind, NodeKind::Null) {
                self.schema(node.span.clone(), "`views` must be a list");
            }
            return Vec::new();
        };
        items.iter().filter_map(|i| self.read_view(i)).collect()
    }

    fn property_key(&mut self, node: &Node) -> Option<PropertyKey> {
        match node.scalar_text() {
            Some(raw) => Some(PropertyKey::parse(&raw, node.span.clone())),
            None => {
                self.schema(node.span.clone(), "expected a property name");
                None
            }
        }
    }

    fn sort_spec(&mut self, node: &Node) -> Option<SortSpec> {
        let (prop_node, dir_node) = match &node.kind {
            NodeKind::Map(_) => (node.get("property")?, node.get("direction")),
            _ => (node, None),
        };
        let property = self.property_key(prop_node)?;
        let direction = match dir_node.and_then(Node::scalar_text) {
            None => Direction::Asc,
            Some(d) if d.eq_ignore_ascii_case("asc") => Direction::Asc,
            Some(d) if d.eq_ignore_ascii_case("desc") => Direction::Desc,
            Some(d) => {
                let span = dir_node.map(|n| n.span.clone()).unwrap_or_default();
                self.schema(span, format!("unknown sort direction `{d}` (expected ASC or DESC)"));
                Direction::Asc
            }
        };
        Some(SortSpec { property, direction })
    }

    fn read_view(&mut self, node: &Node) -> Option<View> {
        let NodeKind::Map(entries) = &node.kind else {
            self.schema(node.span.clone(), "a view must be a mapping");
            return None;
        };
        let span = entries.first().map(|(k, _)| k.span.clone()).unwrap_or_else(|| node.span.clone());
        let type_node = node.get("type");
        let type_name = type_node.and_then(Node::scalar_text).unwrap_or_else(|| "table".to_owned());
        let kind = match type_name.as_str() {
            "table" => ViewKind::Table,
            "cards" => ViewKind::Cards,
            "list" => ViewKind::List,
            other => {
                let span = type_node.map(|n| n.span.clone()).unwrap_or(span.clone());
                self.problem(
                    ProblemKind::UnknownView,
                    Severity::Warning,
                    span,
                    format!("view type `{other}` is not built in; it is rendered as a table"),
                );
                ViewKind::Table
            }
        };
        let name = node.get("name").and_then(Node::scalar_text).unwrap_or_else(|| type_name.clone());
        let limit = match node.get("limit") {
            None => None,
            Some(n) => match n.kind {
                NodeKind::Number(x) if x >= 0.0 && x.fract() == 0.0 => Some(x.min(1e12) as usize),
                NodeKind::Null => None,
                _ => {
                    self.schema(n.span.clone(), "`limit` must be a whole number");
                    None
                }
            },
        };
        let filters = node.get("filters").and_then(|f| self.read_filter(f));
        let mut order = Vec::new();
        if let Some(o) = node.get("order") {
            match &o.kind {
                NodeKind::Seq(items) => {
                    for i in items {
                        if let Some(k) = self.property_key(i) {
                            order.push(k);
                        }
                    }
                }
                NodeKind::Null => {}
                _ => self.schema(o.span.clone(), "`order` must be a list of properties"),
            }
        }
        let mut sort = Vec::new();
        if let Some(s) = node.get("sort") {
            match &s.kind {
                NodeKind::Seq(items) => {
                    for i in items {
                        if let Some(k) = self.sort_spec(i) {
                            sort.push(k);
                        }
                    }
                }
                NodeKind::Null => {}
                _ => self.schema(s.span.clone(), "`sort` must be a list of {property, direction}"),
            }
        }
        let group_by = node.get("groupBy").and_then(|g| self.sort_spec(g));
        let mut summaries = Vec::new();
        if let Some(s) = node.get("summaries") {
            if let NodeKind::Map(entries) = &s.kind {
                for (k, v) in entries {
                    let Some(key) = self.property_key(k) else {
                        continue;
                    };
                    match v.scalar_text() {
                        Some(name) => summaries.push((key, name)),
                        None => self.schema(v.span.clone(), "expected a summary name"),
                    }
                }
            } else if !matches!(s.kind, NodeKind::Null) {
                self.schema(s.span.clone(), "view `summaries` must map properties to summary names");
            }
        }
        let image = node.get("image").and_then(|i| self.property_key(i));
        Some(View { type_name, kind, name, limit, filters, order, sort, group_by, summaries, image, span })
    }
}

/// Maps each byte of a scalar's decoded value back to the file.
///
/// Handles plain, single-quoted (`''` escapes) and double-quoted (backslash
/// escapes) scalars and block scalars whose lines keep their text, by walking
/// the source alongside the value. Returns `None` when the walk cannot
/// reproduce the value, and problems then point at the scalar start.
fn scalar_offsets(source: &str, span: &Range<usize>, value: &str) -> Option<Vec<usize>> {
    let src = source.get(span.start..)?;
    let quote = src.chars().next()?;
    let mut map = Vec::with_capacity(value.len() + 1);
    let sb = src.as_bytes();
    let mut i = 0usize;
    if quote == '\'' || quote == '"' {
        i = 1;
    }
    let indent_of_line = {
        let line_start = source[..span.start].rfind('\n').map(|p| p + 1).unwrap_or(0);
        span.start - line_start
    };
    for ch in value.chars() {
        let here = i;
        let matched = match quote {
            '\'' if ch == '\'' && src[i..].starts_with("''") => {
                i += 2;
                true
            }
            '"' if sb.get(i) == Some(&b'\\') => {
                let esc = *sb.get(i + 1)?;
                let expect = match esc {
                    b'n' => '\n',
                    b't' => '\t',
                    b'r' => '\r',
                    b'0' => '\0',
                    b'\\' => '\\',
                    b'"' => '"',
                    b'/' => '/',
                    b' ' => ' ',
                    _ => return None,
                };
                if expect != ch {
                    return None;
                }
                i += 2;
                true
            }
            _ => {
                let quoted = quote == '\'' || quote == '"';
                if ch != '\n' && src[i..].starts_with(ch) {
                    i += ch.len_utf8();
                    true
                } else if ch == '\n' && !quoted && src[i..].starts_with('\n') {
                    // A line break inside a block scalar: skip the next line's indentation.
                    i += 1;
                    let mut skipped = 0;
                    while sb.get(i) == Some(&b' ') && skipped < indent_of_line {
                        i += 1;
                        skipped += 1;
                    }
                    true
                } else {
                    false
                }
            }
        };
        if !matched {
            return None;
        }
        for _ in 0..ch.len_utf8() {
            map.push(span.start + here);
        }
    }
    // Fix up multi-byte characters so interior bytes map to their own bytes.
    let mut k = 0;
    for ch in value.chars() {
        let base = map.get(k).copied()?;
        for b in 0..ch.len_utf8() {
            if let Some(slot) = map.get_mut(k + b) {
                *slot = base + b;
            }
        }
        k += ch.len_utf8();
    }
    map.push(span.start + i);
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(src: &str, start: usize, value: &str) -> Option<Vec<usize>> {
        scalar_offsets(src, &(start..src.len()), value)
    }

    #[test]
    fn plain_and_quoted_scalars_map_exactly() {
        let src = "a: price > 2\n";
        let m = offsets(src, 3, "price > 2");
        assert_eq!(m.as_ref().map(|m| m[8]), Some(11));
        let src = "a: 'it''s x'";
        let m = offsets(src, 3, "it's x").unwrap_or_default();
        assert_eq!(m[0], 4);
        assert_eq!(m[3], 8, "after the '' escape");
        assert_eq!(m[5], 10);
        let src = "a: \"x \\\"y\\\" z\"";
        let m = offsets(src, 3, "x \"y\" z").unwrap_or_default();
        assert_eq!(m[2], 6);
        assert_eq!(m[3], 8);
        assert_eq!(m[6], 12);
        let src = "a: \"é b\"";
        let m = offsets(src, 3, "é b").unwrap_or_default();
        assert_eq!(&m[..4], &[4, 5, 6, 7]);
    }

    #[test]
    fn unmappable_scalars_fall_back() {
        let src = "a: \"\\u0041\"";
        assert_eq!(offsets(src, 3, "A"), None);
    }
}
