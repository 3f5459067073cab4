//! The tech journal's semantics, read from a parsed note: the keyword row,
//! claims, the core claim, reflective questions, sources, the `signals` and
//! `my take` sections, the brain dump and the linkage tree.

use crate::html::{Element, HtmlTokens};
use crate::html_text::decode_entities;
use crate::markdown::{BlockKind, Markdown};
use crate::text::{Span, Spanned};
use crate::{CalloutKind, Component, ComponentKind, ErrorKind, Link, SyntaxError, Tag, heading_key};

/// The journal's view of a note that publishing reads too; the signals,
/// brain dump and linkage tree are in the note's [`crate::NoteDetail`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Journal {
    /// The `keyword-row` component, if present: its span and keywords.
    pub keyword_row: Option<Spanned<Vec<Spanned<String>>>>,
    /// `inline-claim` spans.
    pub claims: Vec<Spanned<String>>,
    /// The body of the `[!note] Core claim` callout.
    pub core_claim: Option<Spanned<String>>,
    /// Bodies (or titles) of `[!question]` callouts.
    pub questions: Vec<Spanned<String>>,
    /// `[!ref]` callouts.
    pub sources: Vec<Source>,
    /// The paragraphs under the `my take` heading, from the first one's start
    /// to the last one's end (`&text[span]` is their Markdown). Only the span
    /// is kept: it is most of a note's prose, and the text is in the note.
    pub my_take: Option<Span>,
}

/// What parsing reads of the journal: the [`Journal`] every consumer reads,
/// and the parts only checking, querying and editing read (they go to the
/// note's [`crate::NoteDetail`]).
#[derive(Default)]
pub(crate) struct Parts {
    pub keyword_row: Option<Spanned<Vec<Spanned<String>>>>,
    pub claims: Vec<Spanned<String>>,
    pub core_claim: Option<Spanned<String>>,
    pub questions: Vec<Spanned<String>>,
    pub sources: Vec<Source>,
    pub signals: Vec<Spanned<String>>,
    pub my_take: Option<Span>,
    pub brain_dump: Vec<BrainItem>,
    pub linkage: Option<Linkage>,
}

/// A `[!ref]` source.
impl Journal {
    pub(crate) fn shrink_to_fit(&mut self) {
        if let Some(row) = &mut self.keyword_row {
            row.value.shrink_to_fit();
        }
        self.claims.shrink_to_fit();
        self.questions.shrink_to_fit();
        self.sources.shrink_to_fit();
        for s in self.claims.iter_mut().chain(&mut self.questions).chain(&mut self.core_claim) {
            s.value.shrink_to_fit();
        }
        for s in &mut self.sources {
            if let Some(w) = &mut s.why {
                w.shrink_to_fit();
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// The callout title, usually `Publisher - Title`.
    pub title: Option<String>,
    /// The first `http(s)://` URL in the callout.
    pub url: Option<Spanned<String>>,
    /// The text after `Why it matters:`.
    pub why: Option<String>,
    /// The whole callout.
    pub span: Span,
}

/// A brain-dump item, `<li><strong>Label:</strong> text</li>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BrainItem {
    /// The label without its colon.
    pub label: String,
    /// The text after the label.
    pub text: String,
    /// The `<li>` element.
    pub span: Span,
}

/// The `linkage-tree` component.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Linkage {
    /// The whole component.
    pub span: Span,
    /// `#tags` listed in it, without `#`.
    pub tags: Vec<Spanned<String>>,
    /// Indices into [`crate::Note::links`] of the links listed in it.
    pub related: Vec<usize>,
}

pub(crate) fn read(
    text: &str,
    md: &Markdown,
    tokens: Option<&HtmlTokens>,
    links: &[Link],
    tags: &[Tag],
    errors: &mut Vec<SyntaxError>,
) -> (Parts, Vec<Component>) {
    let mut j = Parts::default();
    let mut components = Vec::new();
    callouts(text, md, &mut j);
    sections(md, &mut j);
    if let Some(tokens) = tokens {
        html_components(text, md, tokens, links, tags, &mut j, &mut components, errors);
    }
    (j, components)
}

fn callouts(text: &str, md: &Markdown, j: &mut Parts) {
    for c in &md.callouts {
        match c.canonical() {
            Some(CalloutKind::Note)
                if j.core_claim.is_none()
                    && c.title.as_deref().is_some_and(|t| heading_key(t) == "core claim") =>
            {
                j.core_claim = Some(Spanned::new(c.body.clone(), c.span));
            }
            Some(CalloutKind::Question) => {
                let q = if c.body.is_empty() { c.display_title() } else { c.body.clone() };
                j.questions.push(Spanned::new(q, c.span));
            }
            Some(CalloutKind::Ref) => j.sources.push(source(text, c)),
            _ => {}
        }
    }
}

fn source(text: &str, c: &crate::Callout) -> Source {
    let raw = &text[c.span.range()];
    let url = ["https://", "http://"].iter().filter_map(|p| raw.find(p)).min().map(|i| {
        let len = raw[i..]
            .find(|ch: char| ch.is_whitespace() || matches!(ch, ')' | '>' | '"' | '\'' | ']'))
            .unwrap_or(raw.len() - i);
        let url = raw[i..i + len].trim_end_matches(['.', ',', ';']);
        Spanned::new(url.to_owned(), Span::new(c.span.start + i, c.span.start + i + url.len()))
    });
    let why = c.body.lines().find_map(|line| {
        let lower = line.to_lowercase();
        lower.find("why it matters:").map(|i| line[i + "why it matters:".len()..].trim().to_owned())
    });
    Source { title: c.title.clone(), url, why, span: c.span }
}

fn sections(md: &Markdown, j: &mut Parts) {
    for (i, h) in md.headings.iter().enumerate() {
        let key = heading_key(&h.text);
        if key != "signals" && key != "my take" {
            continue;
        }
        let end =
            md.headings[i + 1..].iter().find(|n| n.level <= h.level).map_or(usize::MAX, |n| n.span.start);
        let range = Span::new(h.span.end, end);
        if key == "signals" {
            j.signals.extend(
                md.top_items.iter().filter(|it| range.contains(it.span) && !it.value.is_empty()).cloned(),
            );
        } else {
            let paras: Vec<_> = md
                .blocks
                .iter()
                .filter(|b| b.kind == BlockKind::Paragraph && range.contains(b.span))
                .collect();
            if let (Some(first), Some(last)) = (paras.first(), paras.last()) {
                j.my_take = Some(Span::new(first.span.start, last.span.end));
            }
        }
    }
}

/// The text of an element: its text chunks, entity-decoded, whitespace collapsed.
fn element_text(text: &str, tokens: &HtmlTokens, inner: Span) -> String {
    let mut raw = String::new();
    // Text chunks come in document order: start at the first one at or after `inner`.
    let first = tokens.texts.partition_point(|t| t.start < inner.start);
    let chunks = tokens.texts[first..].iter().take_while(|t| t.start < inner.end);
    for t in chunks.filter(|t| inner.contains(**t)) {
        raw.push_str(&text[t.range()]);
        raw.push(' ');
    }
    decode_entities(&raw).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The keywords of the first `keyword-row` among `tokens` (closed, non-empty
/// `inline-keyword`s; elements left open end at `limit`). See
/// [`crate::HtmlFragment`].
pub(crate) fn keyword_row(text: &str, tokens: &HtmlTokens, limit: usize) -> Option<Vec<Spanned<String>>> {
    let row = tokens.elements.iter().find(|e| e.has_class(ComponentKind::KeywordRow.class()))?;
    let outer = row.outer(limit);
    let keywords = tokens
        .elements
        .iter()
        .filter(|e| outer.contains(e.start_tag) && e.has_class("inline-keyword") && e.end_tag.is_some())
        .filter_map(|kw| {
            let word = element_text(text, tokens, kw.inner(limit));
            (!word.is_empty()).then(|| Spanned::new(word, kw.inner(limit)))
        })
        .collect();
    Some(keywords)
}

#[allow(clippy::too_many_arguments)]
fn html_components(
    text: &str,
    md: &Markdown,
    tokens: &HtmlTokens,
    links: &[Link],
    tags: &[Tag],
    j: &mut Parts,
    components: &mut Vec<Component>,
    errors: &mut Vec<SyntaxError>,
) {
    // An unclosed element extends to the end of the HTML block it starts in.
    // Both block lists are in document order and their blocks do not overlap,
    // so the only candidate is the last block starting at or before the tag.
    let limit_of = |el: &Element| {
        let at = el.start_tag;
        let i = md.html_blocks.partition_point(|b| b.start <= at.start);
        let html = i.checked_sub(1).map(|i| md.html_blocks[i]).filter(|b| b.contains(at));
        let block = || {
            let i = md.blocks.partition_point(|b| b.span.start <= at.start);
            i.checked_sub(1).map(|i| md.blocks[i].span).filter(|b| b.contains(at))
        };
        html.or_else(block).map_or(at.end, |b| b.end)
    };
    // Elements are in document order, so the ones starting inside a span are
    // one run, found by binary search: no scan of the whole note per component
    // (which was quadratic on a note with thousands of components).
    let run_in = |outer: Span| {
        let from = tokens.elements.partition_point(|e| e.start_tag.start <= outer.start);
        let len = tokens.elements[from..].partition_point(|e| e.start_tag.start < outer.end);
        from..from + len
    };
    let inside =
        |outer: Span| tokens.elements[run_in(outer)].iter().filter(move |e| outer.contains(e.start_tag));
    let kinds = [
        ComponentKind::KeywordRow,
        ComponentKind::InlineClaim,
        ComponentKind::BrainDump,
        ComponentKind::LinkageTree,
    ];
    // Per kind, where the last component of that kind ends: one nested inside
    // another of its kind belongs to the outer one and is not read again (else
    // ten thousand nested unclosed rows would each re-read all the rest).
    let mut covered = [0_usize; 4];
    for el in &tokens.elements {
        let Some(k) = kinds.iter().position(|k| el.has_class(k.class())) else { continue };
        let kind = kinds[k];
        if el.start_tag.start < covered[k] {
            continue;
        }
        let limit = limit_of(el);
        let outer = el.outer(limit);
        covered[k] = outer.end;
        components.push(Component { kind, span: outer });
        if el.end_tag.is_none() {
            errors.push(SyntaxError::new(
                ErrorKind::MalformedComponent,
                el.start_tag,
                format!("`{}` component `<{}>` is never closed", kind.class(), el.name),
            ));
        }
        match kind {
            ComponentKind::KeywordRow => {
                let mut keywords = Vec::new();
                for kw in inside(outer).filter(|e| e.has_class("inline-keyword")) {
                    if kw.end_tag.is_none() {
                        errors.push(SyntaxError::new(
                            ErrorKind::MalformedComponent,
                            kw.start_tag,
                            "`inline-keyword` is never closed",
                        ));
                        continue;
                    }
                    let word = element_text(text, tokens, kw.inner(limit));
                    if !word.is_empty() {
                        keywords.push(Spanned::new(word, kw.inner(limit)));
                    }
                }
                // An empty row is an unfilled skeleton (`vellum new`), not a malformed one.
                if keywords.is_empty() && !element_text(text, tokens, el.inner(limit)).is_empty() {
                    errors.push(SyntaxError::new(
                        ErrorKind::MalformedComponent,
                        el.start_tag,
                        "`keyword-row` holds no `<span class=\"inline-keyword\">`",
                    ));
                }
                if j.keyword_row.is_none() {
                    j.keyword_row = Some(Spanned::new(keywords, outer));
                }
            }
            ComponentKind::InlineClaim => {
                let claim = element_text(text, tokens, el.inner(limit));
                if !claim.is_empty() {
                    j.claims.push(Spanned::new(claim, outer));
                }
            }
            ComponentKind::BrainDump => {
                for at in run_in(outer) {
                    let li = &tokens.elements[at];
                    if li.name != "li" || !outer.contains(li.start_tag) {
                        continue;
                    }
                    // An item ends at its end tag, but never after the next
                    // `<li>`: the tokenizer closes unclosed items only at the
                    // list's `</ul>`, and reading each of ten thousand items
                    // to there was quadratic in time and memory.
                    let end = match li.end_tag {
                        Some(e) => next_item(tokens, at, outer.end).map_or(e.start, |n| n.min(e.start)),
                        None => next_li(tokens, at, outer.end),
                    };
                    let li_inner = Span::new(li.start_tag.end, end);
                    let li_span = Span::new(li.start_tag.start, end);
                    let strong = inside(li_span).find(|e| matches!(e.name.as_str(), "strong" | "b"));
                    let full = element_text(text, tokens, li_inner);
                    match strong {
                        Some(s) if s.end_tag.is_some() => {
                            let label = element_text(text, tokens, s.inner(limit));
                            let rest = full.strip_prefix(label.as_str()).unwrap_or(&full).trim().to_owned();
                            j.brain_dump.push(BrainItem {
                                label: label.trim_end_matches(':').trim().to_owned(),
                                text: rest,
                                span: Span::new(li.start_tag.start, li_inner.end),
                            });
                        }
                        _ => errors.push(SyntaxError::new(
                            ErrorKind::MalformedComponent,
                            li.start_tag,
                            "brain-dump item has no `<strong>Label:</strong>`",
                        )),
                    }
                }
            }
            ComponentKind::LinkageTree => {
                let tag_list = tags
                    .iter()
                    .filter(|t| outer.contains(t.span))
                    .map(|t| Spanned::new(t.name.clone(), t.span))
                    .collect();
                let related = links
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| outer.contains(l.span))
                    .map(|(i, _)| i)
                    .collect();
                if j.linkage.is_none() {
                    j.linkage = Some(Linkage { span: outer, tags: tag_list, related });
                }
            }
        }
    }
}

/// Where the `<li>` at `tokens.elements[at]`, which has no end tag, ends: at
/// the next `<li>` or end tag, or the list's end (`limit`). Elements and end
/// tags are in document order, so this looks only as far as the next one.
fn next_li(tokens: &HtmlTokens, at: usize, limit: usize) -> usize {
    let start = tokens.elements[at].start_tag.start;
    let next_end =
        tokens.end_tags.get(tokens.end_tags.partition_point(|e| e.start <= start)).map(|e| e.start);
    next_item(tokens, at, limit).into_iter().chain(next_end).filter(|&s| s <= limit).min().unwrap_or(limit)
}

/// Where the next `<li>` after `tokens.elements[at]` starts, if before `limit`.
fn next_item(tokens: &HtmlTokens, at: usize, limit: usize) -> Option<usize> {
    tokens.elements[at + 1..]
        .iter()
        .take_while(|e| e.start_tag.start <= limit)
        .find(|e| e.name == "li")
        .map(|e| e.start_tag.start)
}
