//! JSON Canvas (`.canvas`, <https://jsoncanvas.org> 1.0): Obsidian's boards of
//! text, file, link and group nodes joined by edges.
//!
//! [`parse_canvas`] reads a canvas into a [`Note`] so that the rest of vellum
//! treats it as one more document of the vault: its links are the file nodes
//! (each an embed of the file it shows) and the wikilinks and Markdown links
//! written in its text nodes, with spans into the JSON text, so resolution,
//! backlinks, `check` and `rename` work on them unchanged. The board itself is
//! [`Note::canvas`].
//!
//! The JSON is parsed with `serde_json`; each string a link lives in is read
//! as a borrowed [`RawValue`], whose place in the text gives exact spans. A
//! text node's Markdown is the string unescaped, parsed like a note body, and
//! each of its spans mapped back through the escapes.
//!
//! Bad input is normal input: malformed JSON is one error with its place and
//! an empty board; a node or edge that cannot be read is one error and is
//! left out; a board over [`MAX_NODES`] nodes keeps the first ones.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::text::LineIndex;
use crate::{ErrorKind, Link, LinkKind, Note, NoteDetail, Span, SyntaxError};

/// The most nodes (and edges) a board keeps: enough for any board a person
/// draws, and a bound on the work a hostile file can ask for.
pub const MAX_NODES: usize = 10_000;

/// A parsed board: nodes in file order (later ones drawn above), then edges.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Canvas {
    /// The nodes, in file order.
    pub nodes: Vec<CanvasNode>,
    /// The edges between nodes that exist.
    pub edges: Vec<CanvasEdge>,
}

impl Canvas {
    /// The words the board shows, one node or label a paragraph: its text
    /// nodes' Markdown, group labels, link addresses and edge labels (what
    /// full-text search reads of a canvas).
    #[must_use]
    pub fn text(&self) -> String {
        let nodes = self.nodes.iter().filter_map(|n| match &n.kind {
            NodeKind::Text { text } => Some(text.as_str()),
            NodeKind::Group { label } => label.as_deref(),
            NodeKind::Link { url } => Some(url.as_str()),
            NodeKind::File { .. } => None,
        });
        let edges = self.edges.iter().filter_map(|e| e.label.as_deref());
        nodes.chain(edges).collect::<Vec<&str>>().join("\n\n")
    }
}

/// One node of a board.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CanvasNode {
    /// Its id (edges name it).
    pub id: String,
    /// What it shows.
    pub kind: NodeKind,
    /// Left edge, in board pixels.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width (at least 1).
    pub width: i64,
    /// Height (at least 1).
    pub height: i64,
    /// A preset colour (`"1"` to `"6"`) or a `#rrggbb` colour.
    pub color: Option<String>,
    /// The node's JSON object in the file.
    pub span: Span,
}

/// What a node shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum NodeKind {
    /// Markdown text.
    Text {
        /// The Markdown, unescaped.
        text: String,
    },
    /// A file of the vault (a note, an image, another canvas).
    File {
        /// Its vault path, as written.
        file: String,
        /// `#Heading` or `#^block` within it.
        subpath: Option<String>,
        /// Index of the node's link in [`Note::links`].
        link: usize,
    },
    /// A web page.
    Link {
        /// Its address.
        url: String,
    },
    /// A labelled area holding the nodes drawn inside it.
    Group {
        /// The label shown above it.
        label: Option<String>,
    },
}

/// The side of a node an edge meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    /// Top.
    Top,
    /// Right.
    Right,
    /// Bottom.
    Bottom,
    /// Left.
    Left,
}

impl Side {
    fn of(s: &str) -> Option<Self> {
        Some(match s {
            "top" => Self::Top,
            "right" => Self::Right,
            "bottom" => Self::Bottom,
            "left" => Self::Left,
            _ => return None,
        })
    }
}

/// An edge between two nodes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CanvasEdge {
    /// Index of the node it leaves, in [`Canvas::nodes`].
    pub from: usize,
    /// The side it leaves from, when the file says.
    pub from_side: Option<Side>,
    /// Whether it starts with an arrow (default: no).
    pub from_arrow: bool,
    /// Index of the node it reaches.
    pub to: usize,
    /// The side it reaches.
    pub to_side: Option<Side>,
    /// Whether it ends with an arrow (default: yes).
    pub to_arrow: bool,
    /// A preset or `#rrggbb` colour.
    pub color: Option<String>,
    /// Its label.
    pub label: Option<String>,
}

/// `s` as it is written inside a JSON string (without the quotes): what an
/// edit of a canvas puts in place of a link's text.
#[must_use]
pub fn json_string_content(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("").to_owned()
}

/// Indices in [`Note::links`] of the board's file nodes.
#[must_use]
pub fn file_node_links(canvas: &Canvas) -> Vec<usize> {
    canvas
        .nodes
        .iter()
        .filter_map(|n| if let NodeKind::File { link, .. } = n.kind { Some(link) } else { None })
        .collect()
}

/// Whether a vault path names a canvas (`.canvas`, any case).
#[must_use]
pub fn is_canvas_path(path: &str) -> bool {
    path.len() > 7 && path.get(path.len() - 7..).is_some_and(|e| e.eq_ignore_ascii_case(".canvas"))
}

#[derive(Deserialize)]
struct RawBoard<'a> {
    #[serde(default, borrow)]
    nodes: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    edges: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawNode<'a> {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    x: f64,
    #[serde(default)]
    y: f64,
    #[serde(default)]
    width: f64,
    #[serde(default)]
    height: f64,
    color: Option<String>,
    #[serde(borrow)]
    text: Option<&'a RawValue>,
    #[serde(borrow)]
    file: Option<&'a RawValue>,
    subpath: Option<String>,
    url: Option<String>,
    label: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEdge {
    from_node: Option<String>,
    from_side: Option<String>,
    from_end: Option<String>,
    to_node: Option<String>,
    to_side: Option<String>,
    to_end: Option<String>,
    color: Option<String>,
    label: Option<String>,
}

/// Parse a JSON Canvas file into a [`Note`] whose [`Note::canvas`] is the
/// board and whose links are its file nodes and the links of its text nodes.
#[must_use]
pub fn parse_canvas(text: &str) -> Note {
    let lines = LineIndex::new(text);
    let mut errors = Vec::new();
    let mut links = Vec::new();
    let mut canvas = Canvas::default();
    let mut words = 0;
    let json = text.strip_prefix('\u{feff}').unwrap_or(text);
    let base = text.len() - json.len();
    let board = if json.trim().is_empty() {
        // Obsidian writes an empty file for a new, empty board.
        Some(RawBoard { nodes: Vec::new(), edges: Vec::new() })
    } else {
        match serde_json::from_str::<RawBoard<'_>>(json) {
            Ok(board) => Some(board),
            Err(e) => {
                let at = base + offset_at(json, e.line(), e.column());
                errors.push(malformed(
                    Span::new(at, at),
                    format!("this canvas is not valid JSON Canvas: {}", json_message(&e)),
                ));
                None
            }
        }
    };
    if let Some(board) = board {
        if board.nodes.len() > MAX_NODES {
            errors.push(malformed(
                Span::new(0, 0),
                format!(
                    "this canvas has {} nodes; vellum reads the first {MAX_NODES} and leaves the rest out",
                    board.nodes.len()
                ),
            ));
        }
        let mut ids = std::collections::HashMap::new();
        for raw in board.nodes.iter().take(MAX_NODES) {
            let span = span_of(text, raw);
            match serde_json::from_str::<RawNode<'_>>(raw.get()) {
                Ok(node) => {
                    if let Some(node) = read_node(text, node, span, &mut links, &mut words, &mut errors) {
                        ids.entry(node.id.clone()).or_insert(canvas.nodes.len());
                        canvas.nodes.push(node);
                    }
                }
                Err(e) => {
                    let at = span.start + offset_at(raw.get(), e.line(), e.column());
                    errors.push(malformed(
                        Span::new(at, at),
                        format!("this node cannot be read: {}", json_message(&e)),
                    ));
                }
            }
        }
        for raw in board.edges.iter().take(MAX_NODES) {
            let span = span_of(text, raw);
            match serde_json::from_str::<RawEdge>(raw.get()) {
                Ok(edge) => {
                    let end = |id: &Option<String>| id.as_ref().and_then(|id| ids.get(id).copied());
                    match (end(&edge.from_node), end(&edge.to_node)) {
                        (Some(from), Some(to)) => canvas.edges.push(CanvasEdge {
                            from,
                            from_side: edge.from_side.as_deref().and_then(Side::of),
                            from_arrow: edge.from_end.as_deref() == Some("arrow"),
                            to,
                            to_side: edge.to_side.as_deref().and_then(Side::of),
                            to_arrow: edge.to_end.as_deref() != Some("none"),
                            color: edge.color,
                            label: edge.label.filter(|l| !l.trim().is_empty()),
                        }),
                        _ => errors.push(malformed(
                            span,
                            format!(
                                "this edge joins {} and {}, which are not nodes of the canvas",
                                quoted(edge.from_node.as_deref()),
                                quoted(edge.to_node.as_deref())
                            ),
                        )),
                    }
                }
                Err(e) => {
                    let at = span.start + offset_at(raw.get(), e.line(), e.column());
                    errors.push(malformed(
                        Span::new(at, at),
                        format!("this edge cannot be read: {}", json_message(&e)),
                    ));
                }
            }
        }
    }
    links.sort_by_key(|l: &Link| l.span.start);
    // Each file node keeps the index of its link.
    for node in &mut canvas.nodes {
        if let NodeKind::File { link, .. } = &mut node.kind {
            let start = *link;
            *link = links.iter().position(|l| l.span.start == start).unwrap_or(usize::MAX);
        }
    }
    let mut note = Note {
        body: Span::new(0, text.len()),
        links,
        errors,
        words,
        canvas: Some(Box::new(canvas)),
        detail: Some(Box::new(NoteDetail { lines, ..NoteDetail::default() })),
        ..Note::default()
    };
    note.shrink_to_fit();
    note
}

/// What `serde_json` says, without the line and column it appends (the
/// diagnostic shows the place).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) => message.to_owned(),
        None => text,
    }
}

fn quoted(id: Option<&str>) -> String {
    id.map_or_else(|| "no node".to_owned(), |id| format!("`{id}`"))
}

fn malformed(span: Span, message: String) -> SyntaxError {
    SyntaxError::new(ErrorKind::MalformedCanvas, span, message)
}

/// Read one node; `None` (and an error) when it has no id or an unknown type.
fn read_node(
    text: &str,
    node: RawNode<'_>,
    span: Span,
    links: &mut Vec<Link>,
    words: &mut usize,
    errors: &mut Vec<SyntaxError>,
) -> Option<CanvasNode> {
    let Some(id) = node.id.filter(|id| !id.is_empty()) else {
        errors.push(malformed(span, "this node has no `id`, so it is left out".to_owned()));
        return None;
    };
    let kind = match node.kind.as_deref() {
        Some("text") => {
            let text_value = node.text.map(|raw| (span_of(text, raw).start, unescape(raw.get())));
            let (start, (markdown, map)) = text_value.unwrap_or((0, (String::new(), Vec::new())));
            let parsed = crate::parse(&markdown);
            *words += parsed.words;
            let at = |o: usize| start + map.get(o).copied().unwrap_or(0);
            for mut link in parsed.links.into_iter().filter(|l| l.property.is_none()) {
                link.span = Span::new(at(link.span.start), at(link.span.end));
                link.target_span = Span::new(at(link.target_span.start), at(link.target_span.end));
                links.push(link);
            }
            NodeKind::Text { text: markdown }
        }
        Some("file") => {
            let raw = node.file?;
            let span = span_of(text, raw);
            let Ok(file) = serde_json::from_str::<String>(raw.get()) else { return None };
            let subpath = node.subpath.filter(|s| !s.trim_start_matches('#').is_empty());
            // Inside the quotes: what `rename` replaces (exactly when nothing is escaped).
            let target_span = Span::new(span.start + 1, span.end.saturating_sub(1).max(span.start + 1));
            links.push(Link {
                kind: LinkKind::Embed,
                span,
                target: file.clone(),
                target_span,
                fragment: subpath.as_deref().map(|s| crate::scan::parse_fragment(s.trim_start_matches('#'))),
                display: None,
                in_html: false,
                property: None,
            });
            NodeKind::File { file, subpath, link: span.start }
        }
        Some("link") => NodeKind::Link { url: node.url.unwrap_or_default() },
        Some("group") => NodeKind::Group { label: node.label.filter(|l| !l.trim().is_empty()) },
        other => {
            errors.push(malformed(
                span,
                format!("node `{id}` has type {}, which JSON Canvas does not define", quoted(other)),
            ));
            return None;
        }
    };
    let px = |v: f64| if v.is_finite() { v.round().clamp(-1e9, 1e9) as i64 } else { 0 };
    Some(CanvasNode {
        id,
        kind,
        x: px(node.x),
        y: px(node.y),
        width: px(node.width).max(1),
        height: px(node.height).max(1),
        color: node.color.filter(|c| !c.is_empty()),
        span,
    })
}

/// Where `raw` (a slice of `text`, as `serde_json` borrows it) lies in `text`.
fn span_of(text: &str, raw: &RawValue) -> Span {
    let s = raw.get();
    let start = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    if start <= text.len() && text.get(start..start + s.len()) == Some(s) {
        Span::new(start, start + s.len())
    } else {
        Span::empty(0)
    }
}

/// The byte offset of `serde_json`'s 1-based line and column in `text`.
fn offset_at(text: &str, line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    let rest = &text[line_start..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let mut at = line_start + column.saturating_sub(1).min(line_len);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A JSON string literal (with its quotes) unescaped, and for each byte of
/// the result (and one past the end) the offset in the literal it came from.
fn unescape(literal: &str) -> (String, Vec<usize>) {
    let inner_start = usize::from(literal.starts_with('"'));
    let inner_end =
        if literal.len() > inner_start && literal.ends_with('"') { literal.len() - 1 } else { literal.len() };
    let inner = literal.get(inner_start..inner_end).unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len() + 1);
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = inner_start + i;
        let decoded = if c == '\\' {
            match chars.next().map(|(_, e)| e) {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                Some('u') => {
                    let hex = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
                        let digits: String = (0..4).filter_map(|_| chars.next().map(|(_, d)| d)).collect();
                        u32::from_str_radix(&digits, 16).ok()
                    };
                    let first = hex(&mut chars).unwrap_or(0xFFFD);
                    let code = if (0xD800..0xDC00).contains(&first) {
                        // A surrogate pair: `\uD83D\uDE00`.
                        let mut ahead = chars.clone();
                        if ahead.next().map(|(_, c)| c) == Some('\\')
                            && ahead.next().map(|(_, c)| c) == Some('u')
                        {
                            chars = ahead;
                            let low = hex(&mut chars).unwrap_or(0);
                            0x10000 + ((first - 0xD800) << 10) + low.wrapping_sub(0xDC00)
                        } else {
                            0xFFFD
                        }
                    } else {
                        first
                    };
                    char::from_u32(code).unwrap_or('\u{FFFD}')
                }
                Some(other) => other,
                None => break,
            }
        } else {
            c
        };
        for _ in 0..decoded.len_utf8() {
            map.push(at);
        }
        out.push(decoded);
    }
    map.push(inner_end);
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fragment;

    const BOARD: &str = r##"{
	"nodes":[
		{"id":"t1","type":"text","text":"Start with [[Alpha]]\nthen [b](Beta.md) and \"#tag\"","x":-100,"y":-50,"width":250,"height":60,"color":"4"},
		{"id":"f1","type":"file","file":"Notes/Gamma.md","subpath":"#Intro","x":300,"y":0,"width":400,"height":300},
		{"id":"l1","type":"link","url":"https://example.org","x":0,"y":400,"width":200,"height":100},
		{"id":"g1","type":"group","label":"Area","x":-150,"y":-100,"width":900,"height":700}
	],
	"edges":[
		{"id":"e1","fromNode":"t1","fromSide":"right","toNode":"f1","toSide":"left","label":"leads to"},
		{"id":"e2","fromNode":"f1","toNode":"nowhere"}
	]
}"##;

    #[test]
    fn nodes_edges_and_links_with_exact_spans() {
        let note = parse_canvas(BOARD);
        let canvas = note.canvas.as_deref().expect("a canvas");
        assert_eq!(canvas.nodes.len(), 4);
        assert_eq!(canvas.nodes[0].x, -100);
        assert_eq!(canvas.nodes[0].color.as_deref(), Some("4"));
        assert!(matches!(&canvas.nodes[3].kind, NodeKind::Group { label: Some(l) } if l == "Area"));
        assert_eq!(canvas.edges.len(), 1, "the edge to a missing node is left out");
        assert_eq!(canvas.edges[0].from_side, Some(Side::Right));
        assert!(canvas.edges[0].to_arrow && !canvas.edges[0].from_arrow);
        let targets: Vec<&str> = note.links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["Alpha", "Beta.md", "Notes/Gamma.md"]);
        for l in &note.links {
            assert!(BOARD[l.target_span.range()].contains(&l.target), "{l:?}");
        }
        assert_eq!(&BOARD[note.links[0].span.range()], "[[Alpha]]");
        assert_eq!(&BOARD[note.links[2].span.range()], "\"Notes/Gamma.md\"");
        assert_eq!(note.links[2].kind, LinkKind::Embed);
        assert_eq!(note.links[2].fragment, Some(Fragment::Heading(vec!["Intro".into()])));
        assert!(matches!(canvas.nodes[1].kind, NodeKind::File { link: 2, .. }));
        assert_eq!(note.errors.len(), 1);
        assert!(note.errors[0].message.contains("`nowhere`"), "{:?}", note.errors);
    }

    #[test]
    fn malformed_json_points_at_the_place() {
        let text = "{\n  \"nodes\": [\n    {\"id\": \"a\",, }\n  ]\n}";
        let note = parse_canvas(text);
        assert_eq!(note.errors.len(), 1);
        let e = &note.errors[0];
        assert_eq!(e.kind, ErrorKind::MalformedCanvas);
        assert_eq!(&text[e.span.start..e.span.start + 1], ",");
        assert!(note.canvas.as_deref().is_some_and(|c| c.nodes.is_empty()));
    }

    #[test]
    fn escapes_map_back_to_the_literal() {
        let literal = r#""a\n\u00e9 [[X]] \ud83d\ude00 [[Y]]""#;
        let (out, map) = unescape(literal);
        assert_eq!(out, "a\né [[X]] 😀 [[Y]]");
        let x = out.find("[[X]]").expect("X");
        assert_eq!(&literal[map[x]..map[x + 5]], "[[X]]");
        let y = out.find("[[Y]]").expect("Y");
        assert_eq!(&literal[map[y]..map[y + 5]], "[[Y]]");
    }

    #[test]
    fn a_huge_board_keeps_the_first_nodes_and_says_so() {
        let nodes: Vec<String> = (0..100_000)
            .map(|i| {
                format!(
                    r#"{{"id":"n{i}","type":"text","text":"[[N{i}]]","x":{i},"y":0,"width":10,"height":10}}"#
                )
            })
            .collect();
        let text = format!(r#"{{"nodes":[{}],"edges":[]}}"#, nodes.join(","));
        let note = parse_canvas(&text);
        assert_eq!(note.canvas.as_deref().map(|c| c.nodes.len()), Some(MAX_NODES));
        assert_eq!(note.links.len(), MAX_NODES);
        assert_eq!(note.errors.len(), 1, "one diagnostic");
        assert!(note.errors[0].message.contains("100000 nodes"), "{:?}", note.errors);
    }

    #[test]
    fn an_empty_file_is_an_empty_board() {
        let note = parse_canvas("");
        assert!(note.errors.is_empty());
        assert!(note.canvas.is_some());
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_without_panic(s in "\\PC{0,200}") {
            let note = parse_canvas(&s);
            for l in &note.links {
                proptest::prop_assert!(l.span.end <= s.len());
            }
        }

        #[test]
        fn text_node_links_keep_exact_spans(words in proptest::collection::vec("[a-z\"\\\\\té]{0,6}", 1..6)) {
            // One line each, never indented (four spaces would make code, with no links).
            let markdown: String = words.iter().map(|w| format!("x{w} [[N{}]]\n", w.len())).collect();
            let json = serde_json::json!({"nodes": [{"id": "a", "type": "text", "text": markdown, "x": 0, "y": 0, "width": 10, "height": 10}]});
            let text = json.to_string();
            let note = parse_canvas(&text);
            proptest::prop_assert_eq!(note.links.len(), words.len());
            for l in &note.links {
                let written = &text[l.target_span.range()];
                proptest::prop_assert_eq!(written, l.target.as_str());
            }
        }
    }
}
