//! Reading the graph from the editor: definition, references, hover,
//! document and workspace symbols, document links. Every answer comes from the
//! resolved model (`Vault::resolved`, `Vault::backlinks`), so a link leads
//! where `vellum check` and the published site say it leads.

use lsp_types as lsp;
use vellum_syntax::Span;
use vellum_vault::{Anchor, NoteIdx, Target};

use crate::position::LineMap;
use crate::server::{Answer, Failure, Server};
use crate::state::{DocRef, VaultState};

/// Most symbols one `workspace/symbol` answer holds.
const SYMBOL_LIMIT: usize = 256;

/// The byte offset of a request's position in its document.
pub(crate) fn offset_of(state: &VaultState, note: NoteIdx, pos: lsp::Position) -> Answer<usize> {
    let text = state.text(note);
    LineMap::new(text)
        .offset(text, pos)
        .ok_or_else(|| Failure::invalid("the position is past the end of the document"))
}

/// The link (index into the note's links) whose text holds `offset`.
pub(crate) fn link_at(state: &VaultState, note: NoteIdx, offset: usize) -> Option<usize> {
    state.vault.notes[note].note.links.iter().position(|l| l.span.start <= offset && offset <= l.span.end)
}

/// The heading (index) whose line holds `offset`.
pub(crate) fn heading_at(state: &VaultState, note: NoteIdx, offset: usize) -> Option<usize> {
    state.vault.notes[note].note.headings.iter().position(|h| h.span.start <= offset && offset <= h.span.end)
}

/// Where in note `t` an anchor is.
fn anchor_span(state: &VaultState, t: NoteIdx, anchor: &Anchor) -> Span {
    let n = &state.vault.notes[t].note;
    match anchor {
        Anchor::Note => Span::empty(0),
        Anchor::Heading(h) => n.headings.get(*h).map_or(Span::empty(0), |h| h.span),
        Anchor::Block(id) => n.block_ids.iter().find(|b| b.id == *id).map_or(Span::empty(0), |b| b.span),
    }
}

fn location(state: &VaultState, note: NoteIdx, span: Span) -> Option<lsp::Location> {
    let text = state.text(note);
    let uri = state.uri_of(&state.vault.notes[note].path)?;
    Some(lsp::Location::new(uri, LineMap::new(text).range(text, span)))
}

/// Where a resolved link leads, as a location.
fn target_location(state: &VaultState, target: &Target) -> Option<lsp::Location> {
    match target {
        Target::Note { note, anchor } => location(state, *note, anchor_span(state, *note, anchor)),
        Target::MissingFragment { note } => location(state, *note, Span::empty(0)),
        Target::Attachment(f) => {
            let uri = state.uri_of(state.vault.files.path(*f))?;
            Some(lsp::Location::new(uri, lsp::Range::default()))
        }
        Target::Unresolved | Target::EscapesVault => None,
    }
}

fn at(server: &Server, p: &lsp::TextDocumentPositionParams) -> Answer<(DocRef, usize)> {
    let doc = server.doc(&p.text_document.uri)?;
    let offset = offset_of(&server.ws.vaults[doc.vault], doc.note, p.position)?;
    Ok((doc, offset))
}

/// `textDocument/definition`: where the link under the cursor leads.
pub(crate) fn definition(
    server: &mut Server,
    p: &lsp::GotoDefinitionParams,
) -> Answer<Option<lsp::GotoDefinitionResponse>> {
    let (doc, offset) = at(server, &p.text_document_position_params)?;
    let state = &server.ws.vaults[doc.vault];
    let Some(li) = link_at(state, doc.note, offset) else { return Ok(None) };
    let target = &state.vault.resolved[doc.note][li].target;
    Ok(target_location(state, target).map(lsp::GotoDefinitionResponse::Scalar))
}

/// `textDocument/references`: the links into what is under the cursor: the
/// target of a link, a heading of this note, a block id, else this note.
pub(crate) fn references(
    server: &mut Server,
    p: &lsp::ReferenceParams,
) -> Answer<Option<Vec<lsp::Location>>> {
    let (doc, offset) = at(server, &p.text_document_position)?;
    let state = &server.ws.vaults[doc.vault];
    let n = &state.vault.notes[doc.note].note;
    let (note, anchor) = if let Some(li) = link_at(state, doc.note, offset) {
        match &state.vault.resolved[doc.note][li].target {
            Target::Note { note, anchor } => (*note, Some(anchor.clone())),
            Target::MissingFragment { note } => (*note, None),
            _ => return Ok(None),
        }
    } else if let Some(h) = heading_at(state, doc.note, offset) {
        // The H1 stands for the note.
        if n.headings[h].level == 1 { (doc.note, None) } else { (doc.note, Some(Anchor::Heading(h))) }
    } else if let Some(b) = n.block_ids.iter().find(|b| b.span.start <= offset && offset <= b.span.end) {
        (doc.note, Some(Anchor::Block(b.id.clone())))
    } else {
        (doc.note, None)
    };
    let mut out = Vec::new();
    for &(src, li) in state.vault.backlinks(note) {
        let r = &state.vault.resolved[src][li];
        let wanted = match (&anchor, &r.target) {
            (None, _) => true,
            (Some(a), Target::Note { anchor: b, .. }) => a == b,
            _ => false,
        };
        if wanted && let Some(loc) = location(state, src, state.vault.notes[src].note.links[li].span) {
            out.push(loc);
        }
    }
    Ok(Some(out))
}

/// `textDocument/hover`: a preview of the link's target (title, description,
/// the heading's section, or what an unwritten note is wanted by).
pub(crate) fn hover(server: &mut Server, p: &lsp::HoverParams) -> Answer<Option<lsp::Hover>> {
    let (doc, offset) = at(server, &p.text_document_position_params)?;
    let state = &server.ws.vaults[doc.vault];
    let Some(li) = link_at(state, doc.note, offset) else { return Ok(None) };
    let link = &state.vault.notes[doc.note].note.links[li];
    let value = match &state.vault.resolved[doc.note][li].target {
        Target::Note { note, anchor } => preview(state, *note, anchor),
        Target::MissingFragment { note } => {
            format!("{}\n\n*No such heading or block in this note.*", preview(state, *note, &Anchor::Note))
        }
        Target::Attachment(f) => format!("Attachment `{}`", state.vault.files.path(*f)),
        Target::Unresolved => {
            let key = link.target.to_lowercase();
            let wanted =
                state.vault.unresolved().into_iter().find(|(k, _)| *k == key).map_or(0, |(_, l)| l.len());
            format!(
                "**{}** is not written yet ({wanted} link{} want it)",
                link.target,
                if wanted == 1 { "" } else { "s" }
            )
        }
        Target::EscapesVault => "This link climbs out of the vault.".to_owned(),
    };
    let text = state.text(doc.note);
    let range = Some(LineMap::new(text).range(text, link.span));
    Ok(Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }),
        range,
    }))
}

/// Longest preview of a section, in bytes.
const SECTION_PREVIEW: usize = 1500;

fn preview(state: &VaultState, note: NoteIdx, anchor: &Anchor) -> String {
    let n = &state.vault.notes[note];
    let mut out = format!("**{}**", n.title);
    if n.is_draft() {
        out.push_str(" *(draft)*");
    }
    if let Some(d) = &n.note.properties.description {
        out.push_str("\n\n");
        out.push_str(&d.value);
    }
    let text = state.text(note);
    let section = match anchor {
        Anchor::Heading(h) => n.note.headings.get(*h).map(|head| {
            let end = n.note.headings[*h + 1..]
                .iter()
                .find(|o| o.level <= head.level)
                .map_or(text.len(), |o| o.span.start);
            Span::new(head.span.start, end)
        }),
        Anchor::Block(id) => n.note.block_ids.iter().find(|b| b.id == *id).map(|b| {
            let start = text[..b.span.start.min(text.len())].rfind("\n\n").map_or(0, |i| i + 2);
            Span::new(start, b.span.end)
        }),
        Anchor::Note => None,
    };
    if let Some(s) = section {
        let mut end = s.end.min(s.start + SECTION_PREVIEW).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let body = text.get(s.start..end).unwrap_or("").trim_end();
        out.push_str("\n\n---\n\n");
        out.push_str(body);
        if end < s.end {
            out.push_str("\n\n…");
        }
    }
    out.push_str(&format!("\n\n`{}`", n.path));
    out
}

/// `textDocument/documentSymbol`: the headings, nested by level.
pub(crate) fn document_symbols(
    server: &mut Server,
    p: &lsp::DocumentSymbolParams,
) -> Answer<Option<lsp::DocumentSymbolResponse>> {
    let doc = server.doc(&p.text_document.uri)?;
    let state = &server.ws.vaults[doc.vault];
    let text = state.text(doc.note);
    let map = LineMap::new(text);
    let headings = &state.vault.notes[doc.note].note.headings;
    // Each heading's section runs to the next heading of its level or above.
    let flat: Vec<(u8, lsp::DocumentSymbol)> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let end =
                headings[i + 1..].iter().find(|o| o.level <= h.level).map_or(text.len(), |o| o.span.start);
            #[allow(deprecated, reason = "`deprecated` is a required field of the protocol's type")]
            let sym = lsp::DocumentSymbol {
                name: if h.text.trim().is_empty() { "(empty heading)".to_owned() } else { h.text.clone() },
                detail: Some("#".repeat(usize::from(h.level))),
                kind: lsp::SymbolKind::STRING,
                tags: None,
                deprecated: None,
                range: map.range(text, Span::new(h.span.start, end)),
                selection_range: map.range(text, h.span),
                children: None,
            };
            (h.level, sym)
        })
        .collect();
    Ok(Some(lsp::DocumentSymbolResponse::Nested(nest(flat))))
}

/// Nest symbols by heading level: each goes under the last one of a lower level.
fn nest(flat: Vec<(u8, lsp::DocumentSymbol)>) -> Vec<lsp::DocumentSymbol> {
    let mut stack: Vec<(u8, lsp::DocumentSymbol)> = Vec::new();
    let mut roots = Vec::new();
    fn close(stack: &mut Vec<(u8, lsp::DocumentSymbol)>, roots: &mut Vec<lsp::DocumentSymbol>) {
        if let Some((_, done)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.children.get_or_insert_with(Vec::new).push(done),
                None => roots.push(done),
            }
        }
    }
    for (level, sym) in flat {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            close(&mut stack, &mut roots);
        }
        stack.push((level, sym));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

/// `workspace/symbol`: notes whose title, alias, file name or `note_id`
/// holds the query (case-insensitive), in every vault.
pub(crate) fn workspace_symbols(
    server: &mut Server,
    p: &lsp::WorkspaceSymbolParams,
) -> Answer<Option<lsp::WorkspaceSymbolResponse>> {
    let q = p.query.to_lowercase();
    let mut out = Vec::new();
    'vaults: for state in &server.ws.vaults {
        for (i, n) in state.vault.notes.iter().enumerate() {
            let p = &n.note.properties;
            let id = p.note_id.as_ref().map(|x| x.value.as_str());
            let hit = [Some(n.title.as_str()), Some(n.stem()), id]
                .into_iter()
                .flatten()
                .chain(p.aliases.iter().map(|a| a.value.as_str()))
                .any(|s| s.to_lowercase().contains(&q));
            if !hit {
                continue;
            }
            let Some(loc) = location(state, i, Span::empty(0)) else { continue };
            #[allow(deprecated, reason = "`deprecated` is a required field of the protocol's type")]
            out.push(lsp::SymbolInformation {
                name: n.title.clone(),
                kind: lsp::SymbolKind::FILE,
                tags: None,
                deprecated: None,
                location: loc,
                container_name: id.map(str::to_owned).or_else(|| Some(n.path.clone())),
            });
            if out.len() >= SYMBOL_LIMIT {
                break 'vaults;
            }
        }
    }
    Ok(Some(lsp::WorkspaceSymbolResponse::Flat(out)))
}

/// `textDocument/documentLink`: every link that leads to a file, over its target text.
pub(crate) fn document_links(
    server: &mut Server,
    p: &lsp::DocumentLinkParams,
) -> Answer<Option<Vec<lsp::DocumentLink>>> {
    let doc = server.doc(&p.text_document.uri)?;
    let state = &server.ws.vaults[doc.vault];
    let text = state.text(doc.note);
    let map = LineMap::new(text);
    let n = &state.vault.notes[doc.note].note;
    let out = n
        .links
        .iter()
        .zip(&state.vault.resolved[doc.note])
        .filter_map(|(l, r)| {
            let loc = target_location(state, &r.target)?;
            let span = if l.target_span.is_empty() { l.span } else { l.target_span };
            Some(lsp::DocumentLink {
                range: map.range(text, span),
                target: Some(loc.uri),
                tooltip: r.target.note().map(|t| state.vault.notes[t].title.clone()),
                data: None,
            })
        })
        .collect();
    Ok(Some(out))
}

/// `textDocument/inlayHint`: after a link, what its text does not say: the
/// target's title when the link names the note otherwise (a file name, a
/// path) and shows no text of its own, and `draft` when the target is a
/// draft (it will not be published).
pub(crate) fn inlay_hints(
    server: &mut Server,
    p: &lsp::InlayHintParams,
) -> Answer<Option<Vec<lsp::InlayHint>>> {
    let doc = server.doc(&p.text_document.uri)?;
    let state = &server.ws.vaults[doc.vault];
    let text = state.text(doc.note);
    let map = LineMap::new(text);
    let within = map.span(text, p.range).unwrap_or(Span::new(0, text.len()));
    let n = &state.vault.notes[doc.note].note;
    let hints = n
        .links
        .iter()
        .zip(&state.vault.resolved[doc.note])
        .filter(|(l, _)| within.start <= l.span.start && l.span.end <= within.end)
        .filter_map(|(l, r)| {
            let t = &state.vault.notes[r.target.note()?];
            let written = l.target.rsplit('/').next().unwrap_or(&l.target);
            let written = written.strip_suffix(".md").unwrap_or(written);
            let mut parts = Vec::new();
            if l.display.is_none() && !written.is_empty() && !t.title.eq_ignore_ascii_case(written) {
                parts.push(t.title.clone());
            }
            if t.is_draft() {
                parts.push("draft".to_owned());
            }
            (!parts.is_empty()).then(|| lsp::InlayHint {
                position: map.position(text, l.span.end),
                label: lsp::InlayHintLabel::String(parts.join(" · ")),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect();
    Ok(Some(hints))
}
