//! `vellum_syntax` parses one tech-journal note: no I/O, no knowledge of other
//! notes. It is the only crate that knows the note's surface syntax.
//!
//! [`parse`] turns the text of a note into a [`Note`]:
//!
//! 1. split and read the YAML frontmatter ([`frontmatter`]) into typed [`Properties`];
//! 2. parse the body as CommonMark + GFM + the Obsidian dialect with `comrak`
//!    (headings, callouts, code, math, comments, Markdown links, lists);
//! 3. build the *scan text*, a copy of the file with everything where Obsidian
//!    syntax does not count blanked out (frontmatter, code, math, `%%comments%%`,
//!    `<!-- -->`, HTML markup), so offsets stay the same;
//! 4. read the HTML tokens with `lol_html` and, from them, the journal components
//!    (keyword row, claims, brain dump, linkage tree);
//! 5. scan for `[[wikilinks]]`, `![[embeds]]`, `#tags` and `^block-ids`
//!    ([`scan`]), which therefore work the same inside HTML components;
//! 6. read the links written in frontmatter properties ([`Link::property`]);
//! 7. derive the journal semantics ([`Journal`]): core claim, questions, sources,
//!    signals, my take.
//!
//! **Invariants.** Parsing never fails and never panics: problems are returned
//! as [`SyntaxError`]s. Every span is a byte range into the original text on
//! char boundaries.

pub mod callout;
pub mod canvas;
pub mod frontmatter;
mod html;
pub mod html_text;
mod journal;
mod markdown;
pub mod property_links;
pub mod scan;
pub mod script;
pub mod text;
pub mod url;

pub use callout::{CalloutKind, canonical_callout};
pub use canvas::{Canvas, CanvasEdge, CanvasNode, NodeKind, is_canvas_path, parse_canvas};
pub use frontmatter::{Fields, FrontmatterBlock, Properties, SCHEMA_KEYS};
pub use journal::{BrainItem, Journal, Linkage, Source};
pub use markdown::{is_external, options as markdown_options, percent_decode};
pub use text::{LineCol, LineIndex, Span, Spanned};

/// Everything vellum knows about one note after parsing it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// The frontmatter block, if the note has one.
    pub frontmatter: Option<FrontmatterBlock>,
    /// Typed frontmatter fields.
    pub properties: Properties,
    /// The body: everything after the frontmatter.
    pub body: Span,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Wikilinks, embeds and internal Markdown links, in document order: those
    /// written in frontmatter properties first ([`Link::property`]), then the
    /// body's.
    pub links: Vec<Link>,
    /// Inline `#tags` in the body, in document order.
    pub tags: Vec<Tag>,
    /// `^block-id` markers.
    pub block_ids: Vec<BlockId>,
    /// The journal's components and sections, read semantically.
    pub journal: Journal,
    /// HTML components found in the body.
    pub components: Vec<Component>,
    /// Problems found while parsing.
    pub errors: Vec<SyntaxError>,
    /// Number of words of prose in the body.
    pub words: usize,
    /// What only checking, querying and editing read; `None` once
    /// [`Note::keep_for_publishing`] dropped it.
    pub detail: Option<Box<NoteDetail>>,
    /// The board, when the document is a JSON Canvas ([`parse_canvas`]).
    #[serde(default)]
    pub canvas: Option<Box<Canvas>>,
    /// Whether the document is an Obsidian base ([`parse_base`]).
    #[serde(default)]
    pub base: bool,
    /// The contents of the note's fenced `base` code blocks (Obsidian bases
    /// written in the note): the lines between the fences.
    #[serde(default)]
    pub base_blocks: Vec<Span>,
}

/// The parts of a note that checking, querying and editing read and
/// publishing does not: a note loaded to publish has none
/// ([`Note::keep_for_publishing`]), so whatever needs them asks for them
/// ([`Note::detail`]) and gets an answer it cannot mistake for an empty note.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct NoteDetail {
    /// Every frontmatter key, schema fields included, in file order, with its
    /// raw value.
    #[serde(with = "frontmatter::fields_serde")]
    pub fields: Fields,
    /// Callouts, outer before inner.
    pub callouts: Vec<Callout>,
    /// Fenced code blocks only a plugin renders (`dataview`, `dataviewjs`, `tasks`, `query`):
    /// their language and span.
    pub plugin_blocks: Vec<Spanned<String>>,
    /// External URLs of Markdown links and autolinks.
    pub external_links: Vec<Spanned<String>>,
    /// Items of the list under the journal's `signals` heading.
    pub signals: Vec<Spanned<String>>,
    /// Items of the journal's `brain-dump` list.
    pub brain_dump: Vec<BrainItem>,
    /// The journal's `linkage-tree` component.
    pub linkage: Option<Linkage>,
    /// Line index of the text, for turning spans into line and column.
    pub lines: LineIndex,
}

impl NoteDetail {
    fn shrink_to_fit(&mut self) {
        self.callouts.shrink_to_fit();
        for c in &mut self.callouts {
            c.body.shrink_to_fit();
        }
        self.external_links.shrink_to_fit();
        self.signals.shrink_to_fit();
        for s in &mut self.signals {
            s.value.shrink_to_fit();
        }
        self.brain_dump.shrink_to_fit();
        for b in &mut self.brain_dump {
            b.text.shrink_to_fit();
            b.label.shrink_to_fit();
        }
    }
}

impl Note {
    /// Give back the spare capacity the parse left in the note's lists and
    /// strings: the model of every note of a vault stays in memory, and the
    /// slack was a sixth of it.
    fn shrink_to_fit(&mut self) {
        self.headings.shrink_to_fit();
        self.links.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.block_ids.shrink_to_fit();
        self.components.shrink_to_fit();
        self.errors.shrink_to_fit();
        self.journal.shrink_to_fit();
        self.properties.shrink_to_fit();
        if let Some(d) = &mut self.detail {
            d.shrink_to_fit();
        }
    }

    /// Drop what only checking, querying and editing read (the
    /// [`NoteDetail`]), keeping what a published page and the site around it
    /// need: the typed properties, body span, headings, links, inline tags,
    /// block ids, components, errors, word count, and the journal's keyword
    /// row, claims, core claim, questions, sources and my take. A renderer
    /// reads the rest from the text itself (and indexes its lines again where
    /// it needs them). At 100,000 notes this is about 430 of the 1,100 MB the
    /// parsed notes take.
    pub fn keep_for_publishing(&mut self) {
        self.detail = None;
    }

    /// What only checking, querying and editing read: `None` for a note kept
    /// for publishing ([`Note::keep_for_publishing`]).
    #[must_use]
    pub fn detail(&self) -> Option<&NoteDetail> {
        self.detail.as_deref()
    }

    /// The first H1, if any.
    #[must_use]
    pub fn h1(&self) -> Option<&Heading> {
        self.headings.iter().find(|h| h.level == 1)
    }

    /// What the note's own parse found inside `span` (a piece of raw HTML of
    /// the note, such as one HTML block), with spans relative to its start:
    /// [`parse_html_fragment`] of `&text[span]` without tokenizing it again.
    #[must_use]
    pub fn html_fragment(&self, span: Span) -> HtmlFragment {
        let shift = |s: Span| Span::new(s.start.saturating_sub(span.start), s.end.saturating_sub(span.start));
        let from = self.links.partition_point(|l| l.span.start < span.start);
        let links = self.links[from..]
            .iter()
            .take_while(|l| l.span.start < span.end)
            .filter(|l| {
                (matches!(l.kind, LinkKind::Wiki | LinkKind::Embed) || l.in_html) && span.contains(l.span)
            })
            .map(|l| Link {
                span: shift(l.span),
                target_span: shift(l.target_span),
                in_html: false,
                ..l.clone()
            })
            .collect();
        let tags = self
            .tags
            .iter()
            .filter(|t| span.contains(t.span))
            .map(|t| Tag { name: t.name.clone(), span: shift(t.span) })
            .collect();
        let keywords = self
            .journal
            .keyword_row
            .as_ref()
            .filter(|row| span.contains(row.span))
            .map(|row| row.value.iter().map(|k| Spanned::new(k.value.clone(), shift(k.span))).collect())
            .unwrap_or_default();
        HtmlFragment { links, tags, keywords }
    }

    /// Every tag of the note, frontmatter and inline, lowercased and deduplicated.
    #[must_use]
    pub fn all_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self
            .properties
            .tags
            .iter()
            .map(|t| t.value.to_lowercase())
            .chain(self.tags.iter().map(|t| t.name.to_lowercase()))
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }
}

/// A heading.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading text as plain text (code spans keep their content).
    pub text: String,
    /// The whole heading line.
    pub span: Span,
}

impl Heading {
    /// The key Obsidian matches heading links on, see [`heading_key`].
    #[must_use]
    pub fn key(&self) -> String {
        heading_key(&self.text)
    }
}

/// Normalise heading text for matching `[[Note#Heading]]`: Obsidian finds a
/// heading even when the link differs in case, punctuation or markup
/// (`[[FAQ#How large is it]]` finds `## How large is it?`). Keeps letters and digits,
/// folds case and collapses everything else into single spaces.
#[must_use]
pub fn heading_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_space = true;
        }
    }
    out
}

/// What kind of reference a [`Link`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    /// `[[Target]]`.
    Wiki,
    /// `![[Target]]`.
    Embed,
    /// `[text](Target.md)`.
    Markdown,
    /// `![alt](image.png)`.
    MarkdownEmbed,
}

impl LinkKind {
    /// Whether the link embeds its target.
    #[must_use]
    pub fn is_embed(self) -> bool {
        matches!(self, Self::Embed | Self::MarkdownEmbed)
    }
}

/// The part of a link after `#`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Fragment {
    /// `#H1#H2`: a chain of headings, outermost first.
    Heading(Vec<String>),
    /// `#^id`: a block.
    Block(String),
}

impl Fragment {
    /// True for `#` with nothing after it.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Heading(h) => h.is_empty(),
            Self::Block(b) => b.is_empty(),
        }
    }
}

/// A reference from this note to a note, heading, block or file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// Syntax used.
    pub kind: LinkKind,
    /// The whole link, `[[…]]` or `[…](…)`.
    pub span: Span,
    /// The target path as written (for Markdown links, still percent-encoded).
    /// Empty for a same-note link such as `[[#Heading]]`.
    pub target: String,
    /// Where the target is written.
    pub target_span: Span,
    /// Heading or block after `#`.
    pub fragment: Option<Fragment>,
    /// Display text after `|` (for embeds, often a size like `300`).
    pub display: Option<String>,
    /// Whether the link sits inside raw HTML (a journal component). A
    /// Markdown-kind link in raw HTML is the local URL of a `src` (embed) or
    /// `href` attribute, spanning the attribute's value.
    pub in_html: bool,
    /// The frontmatter property the link is written in (`up` for
    /// `up: "[[Parent]]"`), or `None` for a link in the body.
    pub property: Option<Box<str>>,
}

impl Link {
    /// Whether the link is written in a frontmatter property.
    #[must_use]
    pub fn in_property(&self) -> bool {
        self.property.is_some()
    }
}

/// An inline `#tag`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tag {
    /// The tag without `#`, as written.
    pub name: String,
    /// The tag including `#`.
    pub span: Span,
}

/// A `^block-id`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlockId {
    /// The id without `^`.
    pub id: String,
    /// `^id`.
    pub span: Span,
    /// Whether it sits on its own line (naming the list, quote or table before it).
    pub own_line: bool,
}

/// Whether a callout starts folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Fold {
    /// No fold marker: always open.
    #[default]
    None,
    /// `+`: foldable, open.
    Open,
    /// `-`: foldable, closed.
    Closed,
}

/// A callout, `> [!type]± Title`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Callout {
    /// The type as written, lowercased (`faq`, `ref`, `note`).
    pub kind: String,
    /// Where the type is written (inside `[!…]`).
    pub kind_span: Span,
    /// The title, if one is written.
    pub title: Option<String>,
    /// Fold state.
    pub fold: Fold,
    /// The whole callout.
    pub span: Span,
    /// The body as plain text, lines joined with `\n`.
    pub body: String,
    /// Nesting depth: 0 for a top-level callout.
    pub depth: usize,
}

impl Callout {
    /// The canonical built-in type this callout's type maps to, if any.
    #[must_use]
    pub fn canonical(&self) -> Option<CalloutKind> {
        canonical_callout(&self.kind)
    }

    /// The title to show: the written title, or the type in title case.
    #[must_use]
    pub fn display_title(&self) -> String {
        self.title.clone().unwrap_or_else(|| callout::default_title(&self.kind))
    }
}

/// Which journal component an HTML element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ComponentKind {
    /// `<div class="keyword-row">` of `inline-keyword` spans.
    KeywordRow,
    /// `<span class="inline-claim">`.
    InlineClaim,
    /// `<ul class="brain-dump">` of labelled items.
    BrainDump,
    /// `<div class="linkage-tree">`.
    LinkageTree,
}

impl ComponentKind {
    /// The class name that marks the component.
    #[must_use]
    pub fn class(self) -> &'static str {
        match self {
            Self::KeywordRow => "keyword-row",
            Self::InlineClaim => "inline-claim",
            Self::BrainDump => "brain-dump",
            Self::LinkageTree => "linkage-tree",
        }
    }
}

/// A journal component found in the body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Component {
    /// Which component.
    pub kind: ComponentKind,
    /// The element, start tag to end tag.
    pub span: Span,
}

/// What went wrong while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ErrorKind {
    /// The frontmatter is not valid YAML.
    MalformedYaml,
    /// A schema field has the wrong type.
    WrongType,
    /// A date field is not a valid date.
    InvalidDate,
    /// A journal component's HTML is malformed (unclosed, or missing parts).
    MalformedComponent,
    /// A wikilink in a property written without quotes (`up: [[Note]]`), which
    /// YAML reads as a list inside a list.
    UnquotedPropertyLink,
    /// A JSON Canvas that is not valid JSON, or a node or edge that cannot be read.
    MalformedCanvas,
}

/// A problem found while parsing, with its place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyntaxError {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// Where.
    pub span: Span,
    /// A sentence for the user.
    pub message: String,
}

impl SyntaxError {
    /// A new error.
    #[must_use]
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> Self {
        Self { kind, span, message: message.into() }
    }
}

/// Parse the full text of a note (frontmatter included). Never fails.
#[must_use]
pub fn parse(text: &str) -> Note {
    parse_note(text)
}

/// Parse the document at vault path `path`: a JSON Canvas
/// ([`parse_canvas`]) when the name ends in `.canvas`, else a note ([`parse`]).
#[must_use]
pub fn parse_file(path: &str, text: &str) -> Note {
    if is_canvas_path(path) {
        parse_canvas(text)
    } else if is_base_path(path) {
        parse_base(text)
    } else {
        parse_note(text)
    }
}

/// Whether a vault path names an Obsidian base (`.base`, any case).
#[must_use]
pub fn is_base_path(path: &str) -> bool {
    path.len() > 5 && path.get(path.len() - 5..).is_some_and(|e| e.eq_ignore_ascii_case(".base"))
}

/// Parse an Obsidian base (`.base`): a [`Note`] with [`Note::base`] set,
/// no links, and one heading per view (its name), so that
/// `![[Reading.base#Unread]]` resolves to a view as a heading link does.
/// The base itself is read again where it is checked or evaluated
/// (`vellum_bases`).
#[must_use]
pub fn parse_base(text: &str) -> Note {
    let parsed = vellum_bases::parse(text);
    let headings = parsed
        .base
        .map(|b| {
            b.views
                .iter()
                .map(|v| Heading {
                    level: 2,
                    text: v.name.clone(),
                    span: Span::new(v.span.start.min(text.len()), v.span.end.min(text.len())),
                })
                .collect()
        })
        .unwrap_or_default();
    Note {
        body: Span::new(0, text.len()),
        headings,
        base: true,
        detail: Some(Box::new(NoteDetail { lines: LineIndex::new(text), ..NoteDetail::default() })),
        ..Note::default()
    }
}

fn parse_note(text: &str) -> Note {
    let lines = LineIndex::new(text);
    let mut errors = Vec::new();
    let block = frontmatter::split(text);
    let (properties, fields) =
        block.map(|b| frontmatter::parse(text, b, &lines, &mut errors)).unwrap_or_default();
    let body_start = block.map_or_else(|| if text.starts_with('\u{feff}') { 3 } else { 0 }, |b| b.span.end);
    let body = Span::new(body_start, text.len());

    // Steps 2 and 3: structure from comrak, and what to blank out.
    let md = markdown::walk(text, body_start, &lines);
    let mut scan = blank(text, body_start, &md.masks);

    // Step 4: HTML tokens and components.
    // Only where comrak saw raw HTML: HTML blocks, and blocks holding inline HTML.
    let tokens = if text[body_start..].contains('<') {
        let mut regions: Vec<Span> = md.html_blocks.iter().chain(&md.html_inline_blocks).copied().collect();
        regions.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut merged: Vec<Span> = Vec::with_capacity(regions.len());
        for r in regions {
            match merged.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Some(html::tokenize_regions(&scan, &merged))
    } else {
        None
    };
    if let Some(tokens) = &tokens {
        blank_in_place(&mut scan, &html_masks(tokens));
    }

    // Step 5: Obsidian inline syntax.
    let mut links = Vec::new();
    scan::wikilinks_in(text, &scan, &mut links);
    let mut tags = Vec::new();
    scan::tags(&scan, &mut tags);
    let mut block_ids = Vec::new();
    scan::block_ids(&scan, &mut block_ids);
    let html_regions: Vec<Span> = md.html_blocks.clone();
    for link in &mut links {
        link.in_html = html_regions.iter().any(|r| r.contains(link.span));
    }
    links.extend(md.links.iter().cloned());
    if let Some(tokens) = &tokens {
        links.extend(html_url_links(text, tokens));
    }
    if let Some(block) = block {
        links.extend(property_links::links(text, block, &fields, &mut errors));
    }
    links.sort_by_key(|l| l.span.start);

    // Step 7: the journal.
    let (parts, components) = journal::read(text, &md, tokens.as_ref(), &links, &tags, &mut errors);
    let words = count_words(&scan[body_start..]);
    let journal::Parts {
        keyword_row,
        claims,
        core_claim,
        questions,
        sources,
        signals,
        my_take,
        brain_dump,
        linkage,
    } = parts;

    let mut note = Note {
        frontmatter: block,
        properties,
        body,
        headings: md.headings,
        links,
        tags,
        block_ids,
        journal: Journal { keyword_row, claims, core_claim, questions, sources, my_take },
        components,
        errors,
        words,
        detail: Some(Box::new(NoteDetail {
            fields,
            callouts: md.callouts,
            plugin_blocks: md.plugin_blocks,
            external_links: md.external_links,
            signals,
            brain_dump,
            linkage,
            lines,
        })),
        canvas: None,
        base: false,
        base_blocks: md.base_blocks,
    };
    note.shrink_to_fit();
    note
}

/// Elements whose `src`/`href` is not a link a reader follows or a file a
/// page shows (and that the sanitizer drops anyway).
const NOT_LINKING: &[&str] = &["script", "link", "style", "base", "meta"];

/// The local files and notes that raw HTML points to with `src` (an embed:
/// `<img>`, `<audio>`, `<video>`, `<source>`, `<iframe>`) or `href` (a link):
/// links like Markdown ones ([`LinkKind::MarkdownEmbed`] / [`LinkKind::Markdown`],
/// [`Link::in_html`] set), spanning the attribute's value. Web addresses,
/// site-absolute paths (`/x`) and in-page anchors (`#x`) are not links to the vault.
fn html_url_links(text: &str, tokens: &html::HtmlTokens) -> Vec<Link> {
    let mut out = Vec::new();
    for el in tokens.elements.iter().filter(|e| !NOT_LINKING.contains(&e.name.as_str())) {
        let Some(tag) = text.get(el.start_tag.range()) else { continue };
        for (src, range) in html::url_attributes(tag) {
            let start = el.start_tag.start + range.start;
            let raw = &tag[range];
            let url = raw.trim();
            if url.is_empty() || url.starts_with(['#', '/', '?']) || markdown::is_external(url) {
                continue;
            }
            let lead = raw.len() - raw.trim_start().len();
            let path_end = url.find(['#', '?']).unwrap_or(url.len());
            let path = &url[..path_end];
            if path.is_empty() {
                continue;
            }
            let fragment = url[path_end..]
                .strip_prefix('#')
                .map(|f| scan::parse_fragment(&markdown::percent_decode(&f.replace("&amp;", "&"))));
            let path_span = Span::new(start + lead, start + lead + path.len());
            out.push(Link {
                kind: if src { LinkKind::MarkdownEmbed } else { LinkKind::Markdown },
                span: Span::new(start + lead, start + lead + url.len()),
                target: path.replace("&amp;", "&"),
                target_span: path_span,
                fragment,
                display: None,
                in_html: true,
                property: None,
            });
        }
    }
    out
}

/// What the scan text hides of HTML: tags, comments, and the insides of
/// elements whose content is not prose (`code`, `pre`, `script`, …).
fn html_masks(tokens: &html::HtmlTokens) -> Vec<Span> {
    let mut masks: Vec<Span> = Vec::new();
    masks.extend(tokens.elements.iter().map(|e| e.start_tag));
    masks.extend(tokens.end_tags.iter().copied());
    masks.extend(tokens.comments.iter().copied());
    for el in &tokens.elements {
        if matches!(el.name.as_str(), "code" | "pre" | "script" | "style" | "textarea") {
            masks.push(el.inner(el.start_tag.end));
        }
    }
    masks
}

/// The Obsidian syntax inside a piece of raw HTML (one HTML block or inline
/// tag of a note), as [`parse`] of the piece alone would find it: its
/// wikilinks and embeds, `#tags`, and the `inline-keyword`s of a
/// `keyword-row`. Spans are byte offsets into `html`.
///
/// The renderer rewrites these inside the journal's components, which
/// Markdown never sees; this reads only HTML tokens and the scanners, not the
/// whole note pipeline (frontmatter, comrak, the journal), which `parse` would
/// run for every component of every rendered note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlFragment {
    /// Wikilinks and embeds, and the local `src`/`href` values of its
    /// elements (the Markdown kinds, see [`Link::in_html`]), in order.
    pub links: Vec<Link>,
    /// `#tags`, in order.
    pub tags: Vec<Tag>,
    /// The keywords of the first `keyword-row`, with the span of each
    /// `inline-keyword`'s content.
    pub keywords: Vec<Spanned<String>>,
}

/// See [`HtmlFragment`].
#[must_use]
pub fn parse_html_fragment(html: &str) -> HtmlFragment {
    let all = Span::new(0, html.len());
    let tokens = html::tokenize_regions(html, &[all]);
    let mut scan = html.to_owned();
    blank_in_place(&mut scan, &html_masks(&tokens));
    let mut links = Vec::new();
    scan::wikilinks_in(html, &scan, &mut links);
    links.extend(html_url_links(html, &tokens));
    links.sort_by_key(|l| l.span.start);
    let mut tags = Vec::new();
    scan::tags(&scan, &mut tags);
    let keywords = journal::keyword_row(html, &tokens, html.len()).unwrap_or_default();
    HtmlFragment { links, tags, keywords }
}

/// Number of whitespace-separated words holding at least one letter or digit:
/// `s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()`,
/// in one pass with an ASCII fast path (this runs over every byte of every note).
fn count_words(s: &str) -> usize {
    let bytes = s.as_bytes();
    let (mut words, mut in_word, mut has_alnum) = (0, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, alnum, len) = if b.is_ascii() {
            // `char::is_whitespace` for ASCII: `\t \n \x0B \x0C \r` and space.
            (matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '), b.is_ascii_alphanumeric(), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.is_alphanumeric(), c.len_utf8())
        };
        if space {
            words += usize::from(in_word && has_alnum);
            in_word = false;
            has_alnum = false;
        } else {
            in_word = true;
            has_alnum |= alnum;
        }
        i += len;
    }
    words + usize::from(in_word && has_alnum)
}

/// A copy of `text` with the frontmatter and `masks` replaced by spaces (newlines kept).
fn blank(text: &str, body_start: usize, masks: &[Span]) -> String {
    let mut scan = text.to_owned();
    blank_in_place(&mut scan, &[Span::new(0, body_start)]);
    blank_in_place(&mut scan, masks);
    scan
}

/// Replace the bytes of `masks` by spaces. Masks are first widened to character
/// boundaries, so replacing whole characters with ASCII keeps the text valid UTF-8
/// and every offset unchanged.
fn blank_in_place(scan: &mut String, masks: &[Span]) {
    let snapped: Vec<Span> = masks
        .iter()
        .map(|m| Span::new(text::floor_char_boundary(scan, m.start), text::ceil_char_boundary(scan, m.end)))
        .collect();
    let mut bytes = std::mem::take(scan).into_bytes();
    for m in snapped {
        let end = m.end.min(bytes.len());
        let start = m.start.min(end);
        for b in &mut bytes[start..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    *scan = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::count_words;

    fn reference(s: &str) -> usize {
        s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
    }

    #[test]
    fn words_examples() {
        for s in
            ["", " ", "a", " a b ", "a\u{a0}b", "— x —", "日本 語\u{3000}🚀", "a\x0Bb\x0Cc", "x\r\ny\u{85}z"]
        {
            assert_eq!(count_words(s), reference(s), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn words_match_split_whitespace(s in "[a-z1 \t\n\r\x0B\x0C.#é日🚀\u{a0}\u{85}\u{2003}\u{3000}—]{0,40}") {
            prop_assert_eq!(count_words(&s), reference(&s));
        }

        #[test]
        fn words_match_split_whitespace_any(s in any::<String>()) {
            prop_assert_eq!(count_words(&s), reference(&s));
        }
    }
}
