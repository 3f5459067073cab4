//! The comrak tree rewrite at the heart of rendering (see the crate docs).

use std::borrow::Cow;
use std::fmt::Write as _;

use comrak::nodes::{AstNode, NodeHtmlBlock, NodeValue};
use comrak::{Arena, parse_document};
use vellum_syntax::{Fragment, Link, LinkKind, heading_key};
use vellum_vault::{Anchor, NoteIdx, ResolvedLink, Target, TextError, Vault};

use crate::media::{self, Media, Written};
use crate::{RenderOptions, TocEntry, Urls, escape, heading_ids, safe};

/// Everything rendering needs besides the text.
pub(crate) struct Context<'a> {
    pub vault: &'a Vault,
    pub urls: &'a dyn Urls,
    pub opts: &'a RenderOptions,
}

/// `rel` of every link vellum writes (ammonia adds the same to links in raw HTML).
const REL: &str = " rel=\"noopener noreferrer\"";

/// Heading ids of a note aligned with its headings; `None` for the title H1
/// that the page shows as its title instead.
pub(crate) fn note_heading_ids(vault: &Vault, idx: NoteIdx) -> Vec<Option<String>> {
    let n = &vault.notes[idx];
    let title = title_h1(&n.note.headings, &n.title);
    let ids = heading_ids(
        n.note.headings.iter().enumerate().filter(|(i, _)| Some(*i) != title).map(|(_, h)| h.text.as_str()),
    );
    let mut ids = ids.into_iter();
    (0..n.note.headings.len()).map(|i| if Some(i) == title { None } else { ids.next() }).collect()
}

/// Index of the first H1 if it repeats the title.
fn title_h1(headings: &[vellum_syntax::Heading], title: &str) -> Option<usize> {
    let key = heading_key(title);
    headings.iter().position(|h| h.level == 1).filter(|&i| headings[i].key() == key)
}

fn new_node<'a>(arena: &'a Arena<'a>, value: NodeValue) -> &'a AstNode<'a> {
    arena.alloc(AstNode::from(value))
}

/// Inline HTML that vellum wrote (every value escaped): trusted, see [`crate::safe`].
fn html_inline<'a>(arena: &'a Arena<'a>, html: String) -> &'a AstNode<'a> {
    new_node(arena, NodeValue::Raw(html))
}

/// A balanced block of HTML that vellum wrote: trusted, see [`crate::safe`].
fn html_block<'a>(arena: &'a Arena<'a>, html: String) -> &'a AstNode<'a> {
    new_node(arena, NodeValue::HtmlBlock(NodeHtmlBlock { block_type: safe::TRUSTED_BLOCK, literal: html }))
}

/// The opening or closing half of a wrapper vellum wrote (a callout): trusted,
/// but only balanced together with its other half.
fn html_half<'a>(arena: &'a Arena<'a>, html: String, open: bool) -> &'a AstNode<'a> {
    let block_type = if open { safe::TRUSTED_OPEN } else { safe::TRUSTED_CLOSE };
    new_node(arena, NodeValue::HtmlBlock(NodeHtmlBlock { block_type, literal: html }))
}

/// HTML from a library that is not vellum's own escaping (MathML): sanitized
/// like raw HTML from the note.
fn untrusted_inline<'a>(arena: &'a Arena<'a>, html: String) -> &'a AstNode<'a> {
    new_node(arena, NodeValue::HtmlInline(html))
}

fn plain_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data.borrow().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// Render Markdown `src` written in note `idx` to sanitized HTML. `title`: drop a leading H1
/// repeating it. `stack`: the notes being embedded, to stop cycles.
/// `note_text` is note `idx`'s whole text (see [`Vault::text`]) and `src` the
/// part of it to render, or any other Markdown (then nothing is looked up in
/// the note's parse by position).
///
/// Fails when an embedded note's text cannot be read as it was parsed
/// ([`Vault::text`]).
pub(crate) fn render_markdown(
    cx: &Context<'_>,
    idx: NoteIdx,
    note_text: &str,
    src: &str,
    title: Option<&str>,
    stack: &mut Vec<NoteIdx>,
) -> Result<(String, Vec<TocEntry>), TextError> {
    let arena = Arena::new();
    let mut options = vellum_syntax::markdown_options();
    options.render.r#unsafe = true;
    let root = parse_document(&arena, src, &options);
    let origin = Origin::of(&cx.vault.notes[idx], note_text, src);
    let nodes: Vec<&AstNode<'_>> = root.descendants().collect();

    // Headings: drop the title H1, give the others ids (through markers the
    // post-pass turns into `id` attributes).
    let mut headings = Vec::new();
    let mut title_dropped = title.is_none();
    for node in &nodes {
        let level = match &node.data.borrow().value {
            NodeValue::Heading(h) => h.level,
            _ => continue,
        };
        let text = plain_text(node).trim().to_owned();
        if text.is_empty() {
            // An empty heading (the seed's stray `#`): `check` reports it; the page skips it.
            node.detach();
            continue;
        }
        if !title_dropped && level == 1 {
            title_dropped = true;
            if title.is_some_and(|t| heading_key(t) == heading_key(&text)) {
                node.detach();
                continue;
            }
        }
        headings.push((*node, level, text));
    }
    let ids = heading_ids(headings.iter().map(|(_, _, t)| t.as_str()));
    let mut toc = Vec::new();
    let mut heading_nodes = Vec::with_capacity(headings.len());
    for ((node, level, text), id) in headings.into_iter().zip(ids) {
        heading_nodes.push((node, level, id.clone()));
        toc.push(TocEntry { level, text, id });
    }

    for node in nodes {
        if node.parent().is_none() && !matches!(node.data.borrow().value, NodeValue::Document) {
            continue; // detached above
        }
        let value = node.data.borrow().value.clone();
        match value {
            NodeValue::CommentInline(_) | NodeValue::MultilineComment(_) => node.detach(),
            NodeValue::WikiLink(w) => wikilink(cx, idx, &arena, node, &w.url, w.embed, stack)?,
            NodeValue::Link(l) => markdown_link(cx, idx, &arena, node, &l.url, false),
            NodeValue::Image(l) => markdown_link(cx, idx, &arena, node, &l.url, true),
            NodeValue::Callout(c) => callout(cx, &arena, node, &c.callout_type, c.fold),
            NodeValue::CodeBlock(cb) => {
                let lang = cb.info.split_whitespace().next().unwrap_or("").to_lowercase();
                let html = if lang == "base" {
                    crate::bases::render(cx, &cb.literal, Some(idx), &crate::bases::Views::One(0)).0
                } else if lang == "mermaid" {
                    match crate::mermaid::draw(&cb.literal) {
                        Some(svg) => format!("<figure class=\"mermaid\">{svg}</figure>"),
                        None => format!("<pre class=\"mermaid\">{}</pre>", escape(&cb.literal)),
                    }
                } else {
                    let body = crate::highlight::highlight(&cb.literal, &lang)
                        .unwrap_or_else(|| escape(&cb.literal));
                    let lang_attr = if lang.is_empty() {
                        String::new()
                    } else {
                        format!(" data-lang=\"{}\"", escape(&lang))
                    };
                    format!("<pre class=\"code\"{lang_attr}><code>{body}</code></pre>")
                };
                replace(node, html_block(&arena, html));
            }
            NodeValue::Math(m) => replace(node, untrusted_inline(&arena, math(&m.literal, m.display_math))),
            NodeValue::Text(t) => text(cx, &arena, node, &t),
            NodeValue::HtmlBlock(b) => {
                let at =
                    origin.as_ref().and_then(|o| Some((o.text, o.offset(node.data.borrow().sourcepos)?)));
                if let Some(html) = rewrite_html(cx, idx, &b.literal, at) {
                    node.data.borrow_mut().value =
                        NodeValue::HtmlBlock(NodeHtmlBlock { block_type: b.block_type, literal: html });
                }
            }
            NodeValue::HtmlInline(h) => {
                let at =
                    origin.as_ref().and_then(|o| Some((o.text, o.offset(node.data.borrow().sourcepos)?)));
                if let Some(html) = rewrite_html(cx, idx, &h, at) {
                    node.data.borrow_mut().value = NodeValue::HtmlInline(html);
                }
            }
            _ => {}
        }
    }

    // Headings get their ids: each is rendered on its own and put back as a
    // block of HTML, trusted when nothing inside it comes from raw HTML.
    for (node, level, id) in heading_nodes {
        if node.parent().is_none() {
            continue; // inside something an embed or a callout replaced
        }
        let mut h = String::new();
        if comrak::format_html(node, &options, &mut h).is_err() {
            continue;
        }
        let open = format!("<h{level}>");
        let Some(rest) = h.strip_prefix(open.as_str()) else { continue };
        let literal = format!("<h{level} id=\"{}\">{rest}", escape(&id));
        let block_type = if safe::is_trusted(node) { safe::TRUSTED_BLOCK } else { 6 };
        replace(node, new_node(&arena, NodeValue::HtmlBlock(NodeHtmlBlock { block_type, literal })));
    }

    Ok((safe::to_safe_html(root, &options), toc))
}

fn replace<'a>(node: &'a AstNode<'a>, with: &'a AstNode<'a>) {
    node.insert_before(with);
    node.detach();
}

fn math(tex: &str, display: bool) -> String {
    use pulldown_latex::{Parser, RenderConfig, Storage, config::DisplayMode, push_mathml};
    // The MathML writer asserts on a few impossible characters; never let a
    // note take the build down.
    let out = std::panic::catch_unwind(|| {
        let storage = Storage::new();
        let parser = Parser::new(tex, &storage);
        let config = RenderConfig {
            display_mode: if display { DisplayMode::Block } else { DisplayMode::Inline },
            ..RenderConfig::default()
        };
        let mut s = String::new();
        push_mathml(&mut s, parser, config).ok().map(|()| s)
    });
    match out {
        Ok(Some(s)) => s,
        _ => format!("<code class=\"math-error\">{}</code>", escape(tex)),
    }
}

/// Build the vellum Link for a comrak wikilink url (`target#fragment`).
fn link_of(url: &str, embed: bool, display: Option<String>) -> Link {
    let (target, fragment) = match url.find('#') {
        Some(h) => (&url[..h], Some(vellum_syntax::scan::parse_fragment(&url[h + 1..]))),
        None => (url, None),
    };
    Link {
        kind: if embed { LinkKind::Embed } else { LinkKind::Wiki },
        span: vellum_syntax::Span::default(),
        target: target.trim().to_owned(),
        target_span: vellum_syntax::Span::default(),
        fragment,
        display,
        in_html: false,
        property: None,
    }
}

/// The text Obsidian shows for a link without an alias: `Note`, `Note > Heading`.
pub(crate) fn default_display(link: &Link) -> String {
    let base = link.target.rsplit('/').next().unwrap_or(&link.target);
    let base = base.strip_suffix(".md").unwrap_or(base);
    match &link.fragment {
        Some(Fragment::Heading(h)) if !h.is_empty() => {
            let last = h.last().map_or("", String::as_str);
            if base.is_empty() { last.to_owned() } else { format!("{base} > {last}") }
        }
        Some(Fragment::Block(b)) if base.is_empty() => format!("^{b}"),
        _ => base.to_owned(),
    }
}

/// `link`, written in note `from`, resolved; the file name it was looked up
/// by is told to the site first ([`crate::Urls::looked_up`]). Every link the
/// renderer resolves goes through here.
pub(crate) fn resolve(cx: &Context<'_>, from: NoteIdx, link: &Link) -> ResolvedLink {
    looked_up(cx, link);
    cx.vault.resolve_link(from, link)
}

/// Tell the site the file name `link` is resolved by.
pub(crate) fn looked_up(cx: &Context<'_>, link: &Link) {
    if let Some(name) = vellum_vault::lookup_name(link) {
        cx.urls.looked_up(&name);
    }
}

/// The image exported beside the Excalidraw drawing `f`, the names it may
/// have told to the site first.
fn export_of(cx: &Context<'_>, f: vellum_vault::FileId) -> Option<vellum_vault::FileId> {
    for name in cx.vault.files.excalidraw_export_names(f) {
        cx.urls.looked_up(&name);
    }
    cx.vault.files.excalidraw_export(f)
}

/// HTML for a (non-embed) link that resolved to `r`.
pub(crate) fn link_html(cx: &Context<'_>, link: &Link, r: &ResolvedLink, display: &str) -> String {
    let text = escape(display);
    // A link to an Excalidraw drawing opens the image exported beside it
    // (the drawing itself has no page).
    if let Some(export) = cx.vault.drawing(&r.target).and_then(|f| export_of(cx, f)) {
        return format!(
            "<a class=\"attachment\" href=\"{}\"{REL}>{text}</a>",
            escape(&cx.urls.attachment(export))
        );
    }
    match &r.target {
        Target::Note { note, anchor } => match cx.urls.note(*note) {
            Some(url) => {
                let frag = match anchor {
                    Anchor::Note => String::new(),
                    Anchor::Heading(h) => note_heading_ids(cx.vault, *note)
                        .get(*h)
                        .cloned()
                        .flatten()
                        .map_or(String::new(), |id| format!("#{id}")),
                    Anchor::Block(b) => format!("#^{b}"),
                };
                format!("<a class=\"internal\" href=\"{}{}\"{REL}>{text}</a>", escape(&url), escape(&frag))
            }
            None => format!("<span class=\"draft-link\">{text}</span>"),
        },
        Target::MissingFragment { note } => match cx.urls.note(*note) {
            Some(url) => {
                format!("<a class=\"internal broken-fragment\" href=\"{}\"{REL}>{text}</a>", escape(&url))
            }
            None => format!("<span class=\"draft-link\">{text}</span>"),
        },
        Target::Attachment(f) => {
            format!("<a class=\"attachment\" href=\"{}\"{REL}>{text}</a>", escape(&cx.urls.attachment(*f)))
        }
        Target::Unresolved => {
            format!(
                "<a class=\"unwritten\" href=\"{}\"{REL}>{text}</a>",
                escape(&cx.urls.unwritten(&link.target))
            )
        }
        Target::EscapesVault => format!("<span class=\"broken-link\">{text}</span>"),
    }
}

fn wikilink<'a>(
    cx: &Context<'_>,
    idx: NoteIdx,
    arena: &'a Arena<'a>,
    node: &'a AstNode<'a>,
    url: &str,
    embed: bool,
    stack: &mut Vec<NoteIdx>,
) -> Result<(), TextError> {
    let shown = plain_text(node);
    let alias = (shown != url && !shown.is_empty()).then(|| shown.clone());
    let link = link_of(url, embed, alias);
    let resolved = resolve(cx, idx, &link);
    let display = link.display.clone().unwrap_or_else(|| default_display(&link));
    if !embed {
        replace(node, html_inline(arena, link_html(cx, &link, &resolved, &display)));
        return Ok(());
    }
    let html = embed_html(cx, &link, &resolved, &display, stack)?;
    // An embed alone in its paragraph replaces the paragraph (block content).
    let parent = node.parent();
    let alone = parent.is_some_and(|p| {
        matches!(p.data.borrow().value, NodeValue::Paragraph)
            && p.children().all(|c| {
                std::ptr::eq(c, node)
                    || matches!(&c.data.borrow().value, NodeValue::Text(t) if t.trim().is_empty())
            })
    });
    match parent {
        Some(p) if alone && html.starts_with("<div") => replace(p, html_block(arena, html)),
        _ => replace(node, html_inline(arena, html)),
    }
    Ok(())
}

pub(crate) fn embed_html(
    cx: &Context<'_>,
    link: &Link,
    r: &ResolvedLink,
    display: &str,
    stack: &mut Vec<NoteIdx>,
) -> Result<String, TextError> {
    // An Excalidraw drawing shows as the image the plugin exported beside it;
    // without one, as a link (its file is the plugin's JSON, not a page).
    if let Some(f) = cx.vault.drawing(&r.target) {
        return Ok(match export_of(cx, f) {
            Some(export) => {
                let path = cx.vault.files.path(f);
                let name = path.rsplit('/').next().unwrap_or(path);
                let written = Written { display: link.display.as_deref(), fragment: None, shown: display };
                media::attachment(Media::Image, &cx.urls.attachment(export), name, &written)
            }
            None => link_html(cx, link, r, display),
        });
    }
    Ok(match &r.target {
        Target::Attachment(f) => {
            let path = cx.vault.files.path(*f);
            let url = cx.urls.attachment(*f);
            match Media::of(path) {
                Some(media) => {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    let written = Written {
                        display: link.display.as_deref(),
                        fragment: link.fragment.as_ref(),
                        shown: display,
                    };
                    media::attachment(media, &url, name, &written)
                }
                None => {
                    format!("<a class=\"embed-file\" href=\"{}\"{REL}>{}</a>", escape(&url), escape(display))
                }
            }
        }
        Target::Note { note, anchor } => {
            let Some(url) = cx.urls.note(*note) else {
                return Ok(format!("<span class=\"draft-link\">{}</span>", escape(display)));
            };
            if stack.contains(note) || stack.len() > cx.opts.max_embed_depth {
                return Ok(link_html(cx, link, r, display));
            }
            let n = &cx.vault.notes[*note];
            if n.note.base {
                let text = cx.vault.text(*note)?;
                let (inner, _) =
                    crate::bases::render(cx, &text, stack.last().copied(), &crate::bases::view_of(anchor));
                return Ok(format!(
                    "<div class=\"embed embed-base\"><div class=\"embed-title\"><a class=\"internal\" href=\"{}\"{REL}>{}</a></div>{inner}</div>",
                    escape(&url),
                    escape(&n.title)
                ));
            }
            if n.note.canvas.is_some() {
                stack.push(*note);
                let inner = crate::canvas::board(cx, *note, stack)?;
                stack.pop();
                return Ok(format!(
                    "<div class=\"embed embed-canvas\"><div class=\"embed-title\"><a class=\"internal\" href=\"{}\"{REL}>{}</a></div>{inner}</div>",
                    escape(&url),
                    escape(&n.title)
                ));
            }
            let text = cx.vault.text(*note)?;
            let src = match anchor {
                Anchor::Note => text.get(n.note.body.range()).unwrap_or(""),
                Anchor::Heading(h) => section(n, &text, *h),
                Anchor::Block(id) => block(n, &text, id),
            };
            stack.push(*note);
            let title = matches!(anchor, Anchor::Note).then_some(n.title.as_str());
            let (inner, _) = render_markdown(cx, *note, &text, src, title, stack)?;
            stack.pop();
            format!(
                "<div class=\"embed\"><div class=\"embed-title\"><a class=\"internal\" href=\"{}\"{REL}>{}</a></div>{inner}</div>",
                escape(&url),
                escape(&n.title)
            )
        }
        _ => link_html(cx, link, r, display),
    })
}

/// The Markdown of heading `h` and everything under it, up to the next heading
/// of the same or a higher level.
/// `text` is the note's text.
fn section<'t>(n: &vellum_vault::NoteFile, text: &'t str, h: usize) -> &'t str {
    let hs = &n.note.headings;
    let start = hs[h].span.start;
    let end = hs[h + 1..].iter().find(|x| x.level <= hs[h].level).map_or(text.len(), |x| x.span.start);
    text.get(start..end).unwrap_or("")
}

/// The Markdown of the block a `^id` names: the paragraph holding it, or for an
/// id on its own line, the block just before it.
/// `text` is the note's text.
fn block<'t>(n: &vellum_vault::NoteFile, text: &'t str, id: &str) -> &'t str {
    let Some(b) = n.note.block_ids.iter().find(|b| b.id.eq_ignore_ascii_case(id)) else { return "" };
    let body_start = n.note.body.start;
    let para_start =
        |from: usize| text[body_start..from].rfind("\n\n").map_or(body_start, |i| body_start + i + 2);
    if b.own_line {
        let before = text[body_start..b.span.start].trim_end();
        let end = body_start + before.len();
        &text[para_start(end)..end]
    } else {
        let end = text[b.span.end..].find("\n\n").map_or(text.len(), |i| b.span.end + i);
        &text[para_start(b.span.start)..end]
    }
}

fn markdown_link<'a>(
    cx: &Context<'_>,
    idx: NoteIdx,
    arena: &'a Arena<'a>,
    node: &'a AstNode<'a>,
    url: &str,
    image: bool,
) {
    if image
        && vellum_syntax::is_external(url)
        && let Some(html) = media::web_embed(url, &plain_text(node))
    {
        replace(node, html_inline(arena, html));
        return;
    }
    if url.is_empty()
        || vellum_syntax::is_external(url)
        || url.starts_with('#') && !url.contains('/') && url.len() == 1
    {
        return;
    }
    let (path, fragment) = match url.find('#') {
        Some(h) => (
            &url[..h],
            Some(vellum_syntax::scan::parse_fragment(&vellum_syntax::percent_decode(&url[h + 1..]))),
        ),
        None => (url, None),
    };
    let link = Link {
        kind: if image { LinkKind::MarkdownEmbed } else { LinkKind::Markdown },
        span: vellum_syntax::Span::default(),
        target: path.to_owned(),
        target_span: vellum_syntax::Span::default(),
        fragment,
        display: None,
        in_html: false,
        property: None,
    };
    let r = resolve(cx, idx, &link);
    let new_url = published_url(cx, &r, path);
    match new_url {
        Some(u) => {
            if let NodeValue::Link(l) | NodeValue::Image(l) = &mut node.data.borrow_mut().value {
                l.url = u;
            }
        }
        None => {
            // Not published (or outside the vault): keep the words, drop the link.
            let text = plain_text(node);
            replace(node, html_inline(arena, format!("<span class=\"draft-link\">{}</span>", escape(&text))));
        }
    }
}

/// Where a Markdown-style link (written `path`, resolved to `r`) points on
/// the site: the note's page (with the heading's or block's anchor), the
/// attachment's copy, or the unwritten note's page; `None` for a note that
/// is not published or a path that leaves the vault.
fn published_url(cx: &Context<'_>, r: &ResolvedLink, path: &str) -> Option<String> {
    match &r.target {
        Target::Attachment(f) => Some(cx.urls.attachment(*f)),
        Target::Note { note, anchor } => cx.urls.note(*note).map(|u| match anchor {
            Anchor::Heading(h) => {
                let id = note_heading_ids(cx.vault, *note).get(*h).cloned().flatten();
                id.map_or(u.clone(), |id| format!("{u}#{id}"))
            }
            Anchor::Block(b) => format!("{u}#^{b}"),
            Anchor::Note => u,
        }),
        Target::MissingFragment { note } => cx.urls.note(*note),
        Target::Unresolved => Some(cx.urls.unwritten(&vellum_syntax::percent_decode(path))),
        Target::EscapesVault => None,
    }
}

/// Text with line breaks kept.
fn lines_of<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data.borrow().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => s.push('\n'),
            NodeValue::Paragraph if !s.is_empty() => s.push('\n'),
            _ => {}
        }
    }
    s
}

/// A `[!ref]` source as a card: title, the link, and "Why it matters".
fn source_card<'a>(arena: &'a Arena<'a>, node: &'a AstNode<'a>, title: &str, why_label: &str) {
    let body = lines_of(node);
    let mut url = None;
    let mut why = None;
    let mut rest = Vec::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let lower = line.to_lowercase();
        if url.is_none() && (line.starts_with("https://") || line.starts_with("http://")) {
            url = Some(line.split_whitespace().next().unwrap_or(line).to_owned());
        } else if let Some(i) = lower.find("why it matters:") {
            why = Some(line[i + "why it matters:".len()..].trim().to_owned());
        } else {
            rest.push(escape(line));
        }
    }
    let mut html = format!(
        "<div class=\"callout callout-ref source-card\" data-callout=\"ref\"><div class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span><span class=\"callout-title-inner\">{}</span></div><div class=\"callout-content\">",
        escape(title)
    );
    if let Some(u) = &url {
        let shown = u.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
        let _ = write!(
            html,
            "<p class=\"source-url\"><a class=\"external\" href=\"{}\"{REL}>{}</a></p>",
            escape(u),
            escape(shown)
        );
    }
    if let Some(w) = &why {
        let _ =
            write!(html, "<p class=\"source-why\"><strong>{}</strong> {}</p>", escape(why_label), escape(w));
    }
    if !rest.is_empty() {
        let _ = write!(html, "<p>{}</p>", rest.join("<br>"));
    }
    html.push_str("</div></div>");
    replace(node, html_block(arena, html));
}

fn callout<'a>(
    cx: &Context<'_>,
    arena: &'a Arena<'a>,
    node: &'a AstNode<'a>,
    kind: &str,
    fold: comrak::nodes::CalloutFold,
) {
    let kind = kind.to_lowercase();
    let mut title = None;
    let children: Vec<_> = node.children().collect();
    for c in &children {
        if matches!(c.data.borrow().value, NodeValue::CalloutTitle) {
            let t = plain_text(c).trim().to_owned();
            if !t.is_empty() {
                title = Some(t);
            }
            c.detach();
        }
    }
    let title = title.unwrap_or_else(|| vellum_syntax::callout::default_title(&kind));
    if kind == "ref" && fold == comrak::nodes::CalloutFold::None {
        source_card(arena, node, &title, &cx.opts.locale.source_why);
        return;
    }
    let title = escape(&title);
    let data = escape(&kind);
    let canonical = vellum_syntax::canonical_callout(&kind).map_or("note", |k| k.name());
    let (open, close) = match fold {
        comrak::nodes::CalloutFold::None => (
            format!(
                "<div class=\"callout callout-{canonical}\" data-callout=\"{data}\"><div class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span><span class=\"callout-title-inner\">{title}</span></div><div class=\"callout-content\">"
            ),
            "</div></div>",
        ),
        f => (
            format!(
                "<details class=\"callout callout-{canonical}\" data-callout=\"{data}\"{}><summary class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span><span class=\"callout-title-inner\">{title}</span></summary><div class=\"callout-content\">",
                if f == comrak::nodes::CalloutFold::Expanded { " open" } else { "" }
            ),
            "</div></details>",
        ),
    };
    node.insert_before(html_half(arena, open, true));
    for c in node.children().collect::<Vec<_>>() {
        node.insert_before(c);
    }
    node.insert_before(html_half(arena, close.to_owned(), false));
    node.detach();
}

/// Inline `#tags` become links; a trailing `^block-id` becomes an anchor.
fn text<'a>(cx: &Context<'_>, arena: &'a Arena<'a>, node: &'a AstNode<'a>, t: &str) {
    if !t.contains('#') && !t.contains('^') {
        return;
    }
    if node.ancestors().any(|a| matches!(a.data.borrow().value, NodeValue::Link(_) | NodeValue::Image(_))) {
        return;
    }
    let mut tags = Vec::new();
    vellum_syntax::scan::tags(t, &mut tags);
    let mut ids = Vec::new();
    let at_line_end = node
        .next_sibling()
        .is_none_or(|s| matches!(s.data.borrow().value, NodeValue::SoftBreak | NodeValue::LineBreak));
    if at_line_end {
        vellum_syntax::scan::block_ids(t, &mut ids);
        ids.retain(|b| b.span.end == t.trim_end().len());
    }
    if tags.is_empty() && ids.is_empty() {
        return;
    }
    let mut pos = 0;
    let push_text = |s: &str| {
        if !s.is_empty() {
            node.insert_before(new_node(arena, NodeValue::Text(Cow::Owned(s.to_owned()))));
        }
    };
    let mut pieces: Vec<(usize, usize, String)> = tags
        .iter()
        .map(|tag| {
            (
                tag.span.start,
                tag.span.end,
                format!(
                    "<a class=\"tag\" href=\"{}\"{REL}>#{}</a>",
                    escape(&cx.urls.tag(&tag.name)),
                    escape(&tag.name)
                ),
            )
        })
        .collect();
    pieces.extend(ids.iter().map(|b| {
        (b.span.start, b.span.end, format!("<span class=\"block-anchor\" id=\"^{}\"></span>", escape(&b.id)))
    }));
    pieces.sort_by_key(|p| p.0);
    for (start, end, html) in pieces {
        if start < pos {
            continue;
        }
        push_text(&t[pos..start]);
        node.insert_before(html_inline(arena, html));
        pos = end;
    }
    push_text(&t[pos..]);
    node.detach();
}

/// Where the text being rendered (`src`, a slice of a note's text: its body,
/// a section or a block) starts in the note, so that a node's source position
/// can be looked up in the note's own parse.
struct Origin<'v> {
    /// The note's text.
    text: &'v str,
    /// Byte offset of `src` in the note's text.
    base: usize,
    /// 1-based line of the note's text on which `src` starts.
    first_line: usize,
    /// The line index of the note's text: its parse's, or made here when
    /// the note was loaded to publish and has no [`vellum_syntax::NoteDetail`].
    lines: Cow<'v, vellum_syntax::LineIndex>,
}

impl<'v> Origin<'v> {
    fn of(note: &'v vellum_vault::NoteFile, text: &'v str, src: &str) -> Option<Self> {
        let base = src.as_ptr().addr().checked_sub(text.as_ptr().addr())?;
        if base.checked_add(src.len())? > text.len() {
            return None; // not a slice of the note's text
        }
        let lines = match note.note.detail() {
            Some(detail) => Cow::Borrowed(&detail.lines),
            None => Cow::Owned(vellum_syntax::LineIndex::new(text)),
        };
        let first_line = lines.line_col(text, base).line;
        Some(Self { text, base, first_line, lines })
    }

    /// Byte offset in the note's text of the start of a node at `pos`.
    fn offset(&self, pos: comrak::nodes::Sourcepos) -> Option<usize> {
        let (line, col) = (pos.start.line, pos.start.column.checked_sub(1)?);
        let line_start = match line {
            0 => return None,
            1 => self.base,
            l => self.lines.line_start(self.first_line + l - 1),
        };
        Some(line_start + col)
    }
}

/// Rewrite `[[links]]`, `#tags` and `inline-keyword`s inside raw HTML (the
/// journal components), which Markdown never sees. `None` when nothing changes.
/// `at` is note `idx`'s text and where `html` starts in it, when known: if
/// the text there is `html` itself (a block outside lists and quotes), the
/// note's own parse says what it holds; otherwise the piece is scanned on
/// its own.
fn rewrite_html(cx: &Context<'_>, idx: NoteIdx, html: &str, at: Option<(&str, usize)>) -> Option<String> {
    if !html.contains("[[")
        && !html.contains('#')
        && !html.contains("inline-keyword")
        && !html.contains("src")
        && !html.contains("href")
    {
        return None;
    }
    let n = &cx.vault.notes[idx];
    let own =
        at.map(|(text, s)| (text, vellum_syntax::Span::new(s, s + html.len()))).filter(|(text, span)| {
            text.get(span.range()) == Some(html)
            // The journal keeps the first keyword row only.
            && (!html.contains("inline-keyword")
                || n.note.journal.keyword_row.as_ref().is_some_and(|r| span.contains(r.span)))
        });
    let sub = match own {
        Some((_, span)) => n.note.html_fragment(span),
        None => vellum_syntax::parse_html_fragment(html),
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for l in &sub.links {
        let r = resolve(cx, idx, l);
        if matches!(l.kind, LinkKind::Wiki | LinkKind::Embed) {
            let display = l.display.clone().unwrap_or_else(|| default_display(l));
            edits.push((l.span.start, l.span.end, link_html(cx, l, &r, &display)));
        } else {
            // A `src` or `href` value: the file or page it names, as published;
            // emptied when that is a draft or outside the vault, so the page
            // neither names the draft nor points above the site.
            let url = published_url(cx, &r, &l.target).unwrap_or_default();
            edits.push((l.span.start, l.span.end, escape(&url)));
        }
    }
    for t in &sub.tags {
        edits.push((
            t.span.start,
            t.span.end,
            format!(
                "<a class=\"tag\" href=\"{}\"{REL}>#{}</a>",
                escape(&cx.urls.tag(&t.name)),
                escape(&t.name)
            ),
        ));
    }
    for k in &sub.keywords {
        let inner = &html[k.span.range()];
        edits.push((
            k.span.start,
            k.span.end,
            format!(
                "<a class=\"keyword-link\" href=\"{}\"{REL}>{inner}</a>",
                escape(&cx.urls.keyword(&k.value))
            ),
        ));
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(html.len() + edits.len() * 40);
    let mut pos = 0;
    for (start, end, rep) in edits {
        if start < pos {
            continue;
        }
        out.push_str(&html[pos..start]);
        out.push_str(&rep);
        pos = end;
    }
    out.push_str(&html[pos..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use comrak::nodes::NodeValue;
    use comrak::{Arena, parse_document};
    use vellum_vault::{Config, Vault};

    use super::{Origin, section};

    const NOTE: &str = "---\ntitle: T\n---\n# T\n\n<div class=\"keyword-row\"><span class=\"inline-keyword\">k</span></div>\n\n\
                        ## linkage\n\nSome *text*.\n\n<div class=\"linkage-tree\">\n  <li>[[A]] #tag</li>\n</div>\n\n\
                        - item\n\n  <div class=\"in-a-list\">\n  [[B]]</div>\n";

    /// The start of every HTML block of `src` that `Origin` locates, and
    /// whether the note's text there is the block's literal.
    fn located(n: &vellum_vault::NoteFile, src: &str) -> Vec<(String, bool)> {
        let arena = Arena::new();
        let options = vellum_syntax::markdown_options();
        let root = parse_document(&arena, src, &options);
        let text = n.text.as_kept().expect("kept");
        let origin = Origin::of(n, text, src).expect("src is a slice of the note");
        root.descendants()
            .filter_map(|node| {
                let data = node.data.borrow();
                let NodeValue::HtmlBlock(b) = &data.value else { return None };
                let at = origin.offset(data.sourcepos)?;
                Some((b.literal.clone(), text.get(at..at + b.literal.len()) == Some(b.literal.as_str())))
            })
            .collect()
    }

    #[test]
    fn origin_finds_html_blocks_in_the_notes_text() {
        let v = Vault::from_texts(
            PathBuf::from("/v"),
            Config::default(),
            vec!["n.md".into()],
            vec![("n.md".into(), NOTE.into())],
        );
        let n = &v.notes[0];
        let text = n.text.as_kept().expect("kept");
        let body = &text[n.note.body.range()];
        let blocks = located(n, body);
        assert_eq!(blocks.len(), 3, "{blocks:?}");
        assert!(blocks[0].1 && blocks[0].0.starts_with("<div class=\"keyword-row\">"), "{blocks:?}");
        assert!(blocks[1].1 && blocks[1].0.starts_with("<div class=\"linkage-tree\">"), "{blocks:?}");
        // Inside a list item the block's later lines lose their indent: the
        // literal is not the note's text there (so it is scanned on its own).
        assert!(!blocks[2].1, "{blocks:?}");
        // A section (as an embed renders it) starts mid-text.
        let h = n.note.headings.iter().position(|h| h.text == "linkage").expect("heading");
        let blocks = located(n, section(n, text, h));
        assert!(
            blocks.iter().any(|(l, ok)| *ok && l.starts_with("<div class=\"linkage-tree\">")),
            "{blocks:?}"
        );
        // Text that is not the note's has no origin.
        assert!(Origin::of(n, text, "elsewhere").is_none());
    }
}
