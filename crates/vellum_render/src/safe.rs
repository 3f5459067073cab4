//! Turning the rewritten comrak tree into safe HTML without running ammonia
//! over everything vellum wrote itself.
//!
//! Sanitizing the whole rendered body with ammonia is correct but costly: it
//! parses every highlighted code span, callout and paragraph with html5ever and
//! serializes them again, although none of that came from the note as HTML.
//! This module sanitizes only what needs it, with the same ammonia allowlist
//! ([`crate::sanitize()`]), and keeps the document structure exactly:
//!
//! 1. Every node of the tree is **trusted** or not ([`is_trusted`]). Trusted are
//!    the Markdown constructs whose comrak output is fixed markup around escaped
//!    text (paragraphs, lists, emphasis, code spans…) and the HTML vellum wrote
//!    itself, where every value is escaped: `Raw` nodes and HTML blocks with a
//!    block type comrak never produces ([`TRUSTED_BLOCK`], and the two halves of
//!    a callout, [`TRUSTED_OPEN`] / [`TRUSTED_CLOSE`]). Everything else is not:
//!    raw HTML from the note (even after its links were rewritten), MathML from
//!    pulldown-latex, links and images (their URLs are the note's), footnotes,
//!    tables, and any node kind not listed. A block that is not trusted this
//!    way but whose rendered HTML ammonia would give back unchanged (the
//!    journal's components, mostly: [`crate::inert`]) counts as trusted too.
//! 2. Each top-level block is rendered on its own. A block whose whole subtree
//!    is trusted is balanced HTML (comrak closes what it opens; vellum's own
//!    blocks are balanced, and a callout's halves sit at the same level, so
//!    inside any block they pair up). Top-level callout halves whose content
//!    is all trusted are merged with it into one trusted block.
//! 3. When every block is trusted, the body is their concatenation. Otherwise
//!    ammonia cleans a **skeleton**: the untrusted blocks and unmerged callout
//!    halves as they are, and in place of each trusted block an empty
//!    `<span id="vellum-slot-N-I">`. The nonce `N` is the smallest number whose
//!    prefix occurs nowhere in the skeleton's text, so the note cannot write a
//!    slot (and entity-encoded forgeries are caught by the count below).
//! 4. In ammonia's output each slot is replaced by its trusted block. A slot
//!    that ammonia serialized as an element sits where an element can sit in
//!    normal HTML content: `span` is not allowed in raw-text elements (those are
//!    not on the allowlist anyway), and inside MathML it breaks out to HTML, so
//!    the browser parses the inserted block in the same HTML context the
//!    sanitizer saw. If any slot is missing (swallowed into an attribute or
//!    text by broken raw HTML) or appears more than once, the whole body is
//!    rendered and sanitized at once instead: slower, equally safe.

use std::fmt::Write as _;

use comrak::Options;
use comrak::nodes::{AstNode, NodeValue};

use crate::sanitize;

/// Block type of an HTML block vellum wrote: balanced, values escaped.
/// (comrak's HTML block types are 1 to 7.)
pub(crate) const TRUSTED_BLOCK: u8 = 0;
/// Block type of the opening half of a callout vellum wrote.
pub(crate) const TRUSTED_OPEN: u8 = 200;
/// Block type of the closing half of a callout vellum wrote.
pub(crate) const TRUSTED_CLOSE: u8 = 201;

/// Whether `node` and everything inside it renders to HTML that needs no
/// sanitizing (see the module docs).
pub(crate) fn is_trusted<'a>(node: &'a AstNode<'a>) -> bool {
    node.descendants().all(|d| match &d.data.borrow().value {
        NodeValue::Document
        | NodeValue::BlockQuote
        | NodeValue::List(_)
        | NodeValue::Item(_)
        | NodeValue::Paragraph
        | NodeValue::ThematicBreak
        | NodeValue::Text(_)
        | NodeValue::SoftBreak
        | NodeValue::LineBreak
        | NodeValue::Code(_)
        | NodeValue::Emph
        | NodeValue::Strong
        | NodeValue::Strikethrough
        | NodeValue::Highlight
        | NodeValue::Raw(_) => true,
        NodeValue::HtmlBlock(b) => matches!(b.block_type, TRUSTED_BLOCK | TRUSTED_OPEN | TRUSTED_CLOSE),
        _ => false,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Trusted,
    Untrusted,
    Open,
    Close,
}

/// Render the (rewritten) document to sanitized HTML.
pub(crate) fn to_safe_html<'a>(root: &'a AstNode<'a>, options: &Options<'_>) -> String {
    // Footnotes are rendered at the end of the document by comrak, across
    // blocks: keep the whole-document path for them.
    let footnotes = root.descendants().any(|d| {
        matches!(d.data.borrow().value, NodeValue::FootnoteDefinition(_) | NodeValue::FootnoteReference(_))
    });
    if footnotes {
        return whole(root, options);
    }
    let mut items: Vec<(Kind, String)> = Vec::new();
    let mut opens: Vec<usize> = Vec::new();
    for block in root.children() {
        let mut html = String::new();
        if comrak::format_html(block, options, &mut html).is_err() {
            return whole(root, options);
        }
        let kind = match &block.data.borrow().value {
            NodeValue::HtmlBlock(b) if b.block_type == TRUSTED_OPEN => Kind::Open,
            NodeValue::HtmlBlock(b) if b.block_type == TRUSTED_CLOSE => Kind::Close,
            _ if is_trusted(block) => Kind::Trusted,
            // What ammonia would give back unchanged needs no ammonia.
            _ if crate::inert::is_inert(&html) => Kind::Trusted,
            _ => Kind::Untrusted,
        };
        match kind {
            Kind::Open => {
                opens.push(items.len());
                items.push((kind, html));
            }
            Kind::Close => match opens.pop() {
                Some(o) if items[o + 1..].iter().all(|(k, _)| *k == Kind::Trusted) => {
                    let mut merged: String = items.drain(o..).map(|(_, h)| h).collect();
                    merged.push_str(&html);
                    items.push((Kind::Trusted, merged));
                }
                _ => items.push((kind, html)),
            },
            _ => items.push((kind, html)),
        }
    }
    if items.iter().all(|(k, _)| *k == Kind::Trusted) {
        return items.into_iter().map(|(_, h)| h).collect();
    }

    // The skeleton: everything but the trusted blocks, which become slots.
    let mut nonce = 0usize;
    while items.iter().any(|(k, h)| *k != Kind::Trusted && h.contains(&format!("vellum-slot-{nonce}-"))) {
        nonce += 1;
    }
    let prefix = format!("<span id=\"vellum-slot-{nonce}-");
    let mut skeleton = String::new();
    let mut slots: Vec<String> = Vec::new();
    for (kind, html) in items {
        if kind == Kind::Trusted {
            let _ = write!(skeleton, "{prefix}{}\"></span>", slots.len());
            slots.push(html);
        } else {
            skeleton.push_str(&html);
        }
    }
    let clean = sanitize(&skeleton);
    match fill_slots(&clean, &prefix, &slots) {
        Some(html) => html,
        None => whole(root, options),
    }
}

/// Replace every slot in `clean` by its block; `None` unless each slot occurs
/// exactly once.
fn fill_slots(clean: &str, prefix: &str, slots: &[String]) -> Option<String> {
    let mut out = String::with_capacity(clean.len() + slots.iter().map(String::len).sum::<usize>());
    let mut seen = vec![false; slots.len()];
    let mut rest = clean;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let i: usize = after[..digits].parse().ok()?;
        let tail = after[digits..].strip_prefix("\"></span>")?;
        if std::mem::replace(seen.get_mut(i)?, true) {
            return None;
        }
        out.push_str(&slots[i]);
        rest = tail;
    }
    out.push_str(rest);
    seen.iter().all(|s| *s).then_some(out)
}

/// The plain path: render the whole document, then sanitize all of it.
fn whole<'a>(root: &'a AstNode<'a>, options: &Options<'_>) -> String {
    let mut html = String::new();
    if comrak::format_html(root, options, &mut html).is_err() {
        html.clear();
    }
    sanitize(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_filled_once_each() {
        let slots = vec!["<p>a</p>".to_owned(), "<p>b</p>".to_owned()];
        let p = "<span id=\"vellum-slot-0-";
        let clean = format!("<div>{p}0\"></span></div>{p}1\"></span>");
        assert_eq!(fill_slots(&clean, p, &slots).as_deref(), Some("<div><p>a</p></div><p>b</p>"));
        // A missing or repeated slot means: sanitize the whole body instead.
        assert_eq!(fill_slots(&format!("{p}0\"></span>"), p, &slots), None);
        assert_eq!(fill_slots(&format!("{p}0\"></span>{p}0\"></span>{p}1\"></span>"), p, &slots), None);
        assert_eq!(fill_slots(&format!("{p}7\"></span>"), p, &slots), None);
    }
}
