//! The Markdown structure of a note body, read with `comrak`: headings,
//! callouts, top-level blocks and list items, internal Markdown links, and the
//! regions where Obsidian syntax does not count (code, math, comments).

use comrak::nodes::{AstNode, NodeValue, Sourcepos};
use comrak::{Arena, Options, parse_document};

use crate::text::{LineIndex, Span, Spanned, ceil_char_boundary};
use crate::{Callout, Fold, Heading, Link, LinkKind, scan};

/// The comrak options vellum parses (and renders) notes with: CommonMark, GFM
/// (tables, strikethrough, task lists, autolinks, footnotes) and the Obsidian
/// dialect (callouts, wikilinks, `%%comments%%`, `==highlight==`, `$math$`).
#[must_use]
pub fn options() -> Options<'static> {
    let mut o = Options::default();
    let e = &mut o.extension;
    e.strikethrough = true;
    e.table = true;
    e.autolink = true;
    e.tasklist = true;
    e.footnotes = true;
    e.inline_footnotes = true;
    e.ofm_callouts = true;
    e.math_dollars = true;
    e.wikilinks_title_after_pipe = true;
    e.ofm_comments = true;
    e.highlight = true;
    o
}

/// A top-level block of the body.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub kind: BlockKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    List,
    Other,
}

/// What the walk collects.
#[derive(Debug, Default)]
pub(crate) struct Markdown {
    pub headings: Vec<Heading>,
    pub callouts: Vec<Callout>,
    /// Fenced code blocks that only a plugin renders ([`PLUGIN_BLOCKS`]): language and span.
    pub plugin_blocks: Vec<Spanned<String>>,
    pub base_blocks: Vec<Span>,
    /// Regions where links, tags and components do not count.
    pub masks: Vec<Span>,
    pub links: Vec<Link>,
    pub external_links: Vec<Spanned<String>>,
    pub html_blocks: Vec<Span>,
    /// Blocks (paragraphs, headings, cells) holding inline HTML.
    pub html_inline_blocks: Vec<Span>,
    pub blocks: Vec<Block>,
    /// Items of top-level lists: span and plain text (nested lists left out).
    pub top_items: Vec<Spanned<String>>,
}

/// Languages of fenced code blocks that Obsidian shows as something else
/// only through a plugin (Dataview, Tasks) or its search (`query`, which
/// Obsidian Publish does not render either): a published page can only show
/// their source.
pub(crate) const PLUGIN_BLOCKS: &[&str] = &["dataview", "dataviewjs", "tasks", "query"];

struct Pos<'t> {
    text: &'t str,
    lines: &'t LineIndex,
    first_line: usize,
}

impl Pos<'_> {
    fn span(&self, sp: Sourcepos) -> Span {
        let start_line = self.first_line + sp.start.line.max(1) - 1;
        let end_line = self.first_line + sp.end.line.max(1) - 1;
        let start = (self.lines.line_start(start_line) + sp.start.column.max(1) - 1).min(self.text.len());
        let end = (self.lines.line_start(end_line) + sp.end.column).min(self.text.len());
        let start = crate::text::floor_char_boundary(self.text, start);
        Span::new(start, ceil_char_boundary(self.text, end))
    }
}

/// Walk the body of `text` starting at `body_start`.
pub(crate) fn walk(text: &str, body_start: usize, lines: &LineIndex) -> Markdown {
    let arena = Arena::new();
    let opts = options();
    let root = parse_document(&arena, &text[body_start..], &opts);
    let pos = Pos { text, lines, first_line: lines.line_col(text, body_start).line };
    let mut md = Markdown::default();
    for node in root.descendants() {
        let data = node.data.borrow();
        let span = pos.span(data.sourcepos);
        match &data.value {
            NodeValue::Heading(h) => md.headings.push(Heading {
                level: h.level,
                text: plain_text(node).trim().to_owned(),
                span: lines.line_span(text, lines.line_col(text, span.start).line),
            }),
            NodeValue::CodeBlock(cb) => {
                md.masks.push(span);
                let lang = cb.info.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
                if cb.fenced && PLUGIN_BLOCKS.contains(&lang.as_str()) {
                    md.plugin_blocks.push(Spanned::new(lang, span));
                } else if cb.fenced && lang == "base" {
                    // The lines between the fences.
                    let block = text.get(span.range()).unwrap_or("");
                    let start = block.find('\n').map_or(block.len(), |n| n + 1);
                    let body = block.trim_end_matches(['\n', '\r']);
                    let end = match body.rfind('\n') {
                        Some(n) if n + 1 >= start && body[n + 1..].trim_start().starts_with(['`', '~']) => {
                            n + 1
                        }
                        _ => block.len(),
                    };
                    md.base_blocks.push(Span::new(span.start + start, span.start + end.max(start)));
                }
            }
            NodeValue::Code(_)
            | NodeValue::Math(_)
            | NodeValue::CommentInline(_)
            | NodeValue::MultilineComment(_) => md.masks.push(span),
            NodeValue::HtmlBlock(_) => md.html_blocks.push(span),
            NodeValue::HtmlInline(_) => {
                let block = node.ancestors().skip(1).find(|a| {
                    matches!(
                        a.data.borrow().value,
                        NodeValue::Paragraph
                            | NodeValue::Heading(_)
                            | NodeValue::TableCell
                            | NodeValue::Document
                    )
                });
                if let Some(b) = block {
                    let bspan = pos.span(b.data.borrow().sourcepos);
                    if md.html_inline_blocks.last() != Some(&bspan) {
                        md.html_inline_blocks.push(bspan);
                    }
                }
            }
            NodeValue::Callout(c) => {
                let depth = node
                    .ancestors()
                    .skip(1)
                    .filter(|a| matches!(a.data.borrow().value, NodeValue::Callout(_)))
                    .count();
                md.callouts.push(callout(text, span, node, &c.callout_type, c.fold, depth));
            }
            NodeValue::Link(l) | NodeValue::Image(l) => {
                let embed = matches!(data.value, NodeValue::Image(_));
                link(text, span, &l.url, embed, &mut md);
            }
            _ => {}
        }
    }
    for child in root.children() {
        let data = child.data.borrow();
        let span = pos.span(data.sourcepos);
        let kind = match data.value {
            NodeValue::Paragraph => BlockKind::Paragraph,
            NodeValue::List(_) => BlockKind::List,
            _ => BlockKind::Other,
        };
        if kind == BlockKind::List {
            for item in child.children() {
                let item_span = pos.span(item.data.borrow().sourcepos);
                let mut item_text = String::new();
                for part in item.children() {
                    if matches!(part.data.borrow().value, NodeValue::Paragraph) {
                        push_line(&mut item_text, &plain_text(part));
                    }
                }
                md.top_items.push(Spanned::new(item_text, item_span));
            }
        }
        md.blocks.push(Block { kind, span });
    }
    md
}

fn push_line(out: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(line);
}

fn callout<'a>(
    text: &str,
    span: Span,
    node: &'a AstNode<'a>,
    kind: &str,
    fold: comrak::nodes::CalloutFold,
    depth: usize,
) -> Callout {
    let mut title = None;
    let mut body = String::new();
    for child in node.children() {
        if matches!(child.data.borrow().value, NodeValue::CalloutTitle) {
            let t = plain_text(child).trim().to_owned();
            if !t.is_empty() {
                title = Some(t);
            }
        } else if !matches!(child.data.borrow().value, NodeValue::Callout(_)) {
            push_line(&mut body, &plain_text(child));
        }
    }
    let first_line_end = text[span.range()].find('\n').map_or(span.end, |i| span.start + i);
    let head = &text[span.start..first_line_end];
    let kind_span = match (head.find("[!"), head.find(']')) {
        (Some(a), Some(b)) if b > a => Span::new(span.start + a + 2, span.start + b),
        _ => span,
    };
    Callout {
        kind: kind.to_lowercase(),
        kind_span,
        title,
        fold: match fold {
            comrak::nodes::CalloutFold::Expanded => Fold::Open,
            comrak::nodes::CalloutFold::Collapsed => Fold::Closed,
            _ => Fold::None,
        },
        span,
        body,
        depth,
    }
}

/// Record a Markdown link or image: internal ones become [`Link`]s, external ones
/// are kept as URLs; the destination part is masked either way (a `#` in a URL
/// is no tag).
fn link(text: &str, span: Span, url: &str, embed: bool, md: &mut Markdown) {
    let slice = &text[span.range()];
    let dest_start = slice.rfind("](").map(|i| i + 2).or_else(|| slice.rfind("][").map(|i| i + 2));
    match dest_start {
        Some(d) => md.masks.push(Span::new(span.start + d - 2, span.end)),
        None => md.masks.push(span),
    }
    if is_external(url) {
        md.external_links.push(Spanned::new(url.to_owned(), span));
        return;
    }
    md.links.extend(internal_link(text, span, url, embed));
}

/// The [`Link`] of the Markdown link or image written at `span` of `text`,
/// whose destination reads `url` (still percent-encoded); `None` for an
/// external URL or an empty destination.
pub(crate) fn internal_link(text: &str, span: Span, url: &str, embed: bool) -> Option<Link> {
    if is_external(url) {
        return None;
    }
    let slice = &text[span.range()];
    let dest_start = slice.rfind("](").map(|i| i + 2).or_else(|| slice.rfind("][").map(|i| i + 2));
    let (path, fragment) = match url.find('#') {
        Some(h) => (&url[..h], Some(scan::parse_fragment(&percent_decode(&url[h + 1..])))),
        None => (url, None),
    };
    if path.is_empty() && fragment.is_none() {
        return None;
    }
    let target_span = dest_start
        .and_then(|d| slice[d..].find(path).map(|i| span.start + d + i))
        .map_or(span, |s| Span::new(s, s + path.len()));
    Some(Link {
        kind: if embed { LinkKind::MarkdownEmbed } else { LinkKind::Markdown },
        span,
        target: path.to_owned(),
        target_span,
        fragment,
        display: Some(plain_text_of_slice(slice)),
        in_html: false,
        property: None,
    })
}

fn plain_text_of_slice(slice: &str) -> String {
    let inner = slice.trim_start_matches('!').trim_start_matches('[');
    inner.find("](").map_or(inner, |i| &inner[..i]).to_owned()
}

/// Whether a link destination is an external URL (has a scheme such as
/// `https:`, `mailto:` or `obsidian:`) rather than a path in the vault.
#[must_use]
pub fn is_external(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decode `%XX` escapes; invalid sequences are kept as written.
#[must_use]
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// The plain text of a node: text and code content, breaks as spaces or
/// newlines, wikilinks as their display text, HTML left out.
fn plain_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data.borrow().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::Math(m) => out.push_str(&m.literal),
            NodeValue::SoftBreak => out.push('\n'),
            NodeValue::LineBreak => out.push('\n'),
            NodeValue::Paragraph if !out.is_empty() && !out.ends_with('\n') => out.push('\n'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_and_decoding() {
        assert!(is_external("https://x.com"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("Other%20Note.md"));
        assert!(!is_external("C:/x"), "one-letter scheme is a drive, not a URL");
        assert_eq!(percent_decode("Other%20Note.md"), "Other Note.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%E6%97%A5"), "日");
    }
}
