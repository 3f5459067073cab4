//! Changing notes from the editor: rename and code actions.
//!
//! The plans come from `vellum_edit`, exactly as the CLI makes them (`vellum
//! rename`, `vellum check --fix`, `vellum new`); this module only turns their
//! file changes into a `WorkspaceEdit` and lets the editor apply it (so the
//! edits land in open buffers and the editor's undo). Nothing here writes a
//! file.

use lsp_types as lsp;
use rustc_hash::FxHashMap;
use vellum_edit::rename::RenameError;
use vellum_edit::{Change, Edit, FixKind};
use vellum_syntax::{LinkKind, Span};
use vellum_vault::{Anchor, NoteIdx, Rule, Target};

use crate::navigate::{heading_at, link_at, offset_of};
use crate::position::LineMap;
use crate::server::{Answer, Failure, Server};
use crate::state::{DocRef, VaultState};

/// What a rename at the cursor renames.
enum Renamed {
    /// A note (from a link to it, or its H1): the file moves, links follow.
    Note { note: NoteIdx, span: Span },
    /// A heading below the H1 (from the heading, or a link to it): the heading
    /// text changes, and every link into it.
    Heading { note: NoteIdx, heading: usize, span: Span },
    /// A block id (from `^id` or a link's `#^id`): the id and every link to it.
    Block { note: NoteIdx, id: String, span: Span },
    /// A tag (from `#tag` in the text or a frontmatter `tags` entry): every
    /// use of it and of its nested tags (`tag/sub`) in the vault.
    Tag { name: String, span: Span },
}

fn renamed(state: &VaultState, doc: DocRef, offset: usize) -> Option<Renamed> {
    if let Some(li) = link_at(state, doc.note, offset) {
        let link = &state.vault.notes[doc.note].note.links[li];
        let r = &state.vault.resolved[doc.note][li];
        // On the fragment of a link to a block: the block id.
        if let Target::Note { note, anchor: Anchor::Block(id) } = &r.target
            && offset > link.target_span.end
        {
            let b = state.vault.notes[*note].note.block_ids.iter().find(|b| b.id == *id)?;
            return Some(Renamed::Block {
                note: *note,
                id: id.clone(),
                span: Span::new(b.span.start + 1, b.span.end),
            });
        }
        // On the fragment of a link to a heading below the H1: the heading.
        if let Target::Note { note, anchor: Anchor::Heading(h) } = r.target
            && offset > link.target_span.end
            && state.vault.notes[note].note.headings[h].level > 1
        {
            let span = heading_text(state.text(note), state.vault.notes[note].note.headings[h].span);
            return Some(Renamed::Heading { note, heading: h, span });
        }
        if let Target::Note { note, .. } | Target::MissingFragment { note } = r.target
            && !link.target_span.is_empty()
        {
            return Some(Renamed::Note { note, span: link.target_span });
        }
        return None;
    }
    let n = &state.vault.notes[doc.note].note;
    if let Some(b) = n.block_ids.iter().find(|b| b.span.start <= offset && offset <= b.span.end) {
        return Some(Renamed::Block {
            note: doc.note,
            id: b.id.clone(),
            span: Span::new(b.span.start + 1, b.span.end),
        });
    }
    if let Some((name, span)) = tag_at(state, doc.note, offset) {
        return Some(Renamed::Tag { name, span });
    }
    let h = heading_at(state, doc.note, offset)?;
    let heading = &state.vault.notes[doc.note].note.headings[h];
    let span = heading_text(state.text(doc.note), heading.span);
    if heading.level == 1 {
        Some(Renamed::Note { note: doc.note, span })
    } else {
        Some(Renamed::Heading { note: doc.note, heading: h, span })
    }
}

/// The text of an ATX heading without its `#`s and spaces.
fn heading_text(text: &str, span: Span) -> Span {
    let line = text.get(span.range()).unwrap_or("");
    let after_marks = line.trim_start().trim_start_matches('#');
    let content = after_marks.trim_start();
    let start = span.start + (line.len() - content.len());
    let end = start + content.trim_end().trim_end_matches('#').trim_end().len();
    Span::new(start, end)
}

/// `textDocument/prepareRename`: what would be renamed, and its name now.
pub(crate) fn prepare_rename(
    server: &mut Server,
    p: &lsp::TextDocumentPositionParams,
) -> Answer<Option<lsp::PrepareRenameResponse>> {
    let doc = server.doc(&p.text_document.uri)?;
    let state = &server.ws.vaults[doc.vault];
    let offset = offset_of(state, doc.note, p.position)?;
    let text = state.text(doc.note);
    let map = LineMap::new(text);
    match renamed(state, doc, offset) {
        Some(Renamed::Note { note, span }) => Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: map.range(text, span),
            placeholder: state.vault.notes[note].title.clone(),
        })),
        Some(Renamed::Heading { note, heading, span }) => {
            let placeholder = state.vault.notes[note].note.headings[heading].text.clone();
            // From a link, the range is the link's fragment; the heading itself is elsewhere.
            let range = match link_at(state, doc.note, offset) {
                Some(li) => {
                    let link = &state.vault.notes[doc.note].note.links[li];
                    map.range(text, Span::new(link.target_span.end, link.span.end))
                }
                None => map.range(text, span),
            };
            Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder { range, placeholder }))
        }
        Some(Renamed::Block { id, span, note }) => {
            let range = match link_at(state, doc.note, offset) {
                Some(li) => {
                    let link = &state.vault.notes[doc.note].note.links[li];
                    let at = block_in_link(text, link.span, &id).unwrap_or(link.span);
                    map.range(text, at)
                }
                None if note == doc.note => map.range(text, span),
                None => lsp::Range::default(),
            };
            Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder { range, placeholder: id }))
        }
        Some(Renamed::Tag { name, span }) => Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: map.range(text, span),
            placeholder: name,
        })),
        None => Err(Failure::failed(NOTHING_TO_RENAME)),
    }
}

/// `textDocument/rename`: a note from a link or its H1, as `vellum rename`
/// does; a heading from itself or from a link's fragment.
pub(crate) fn rename(server: &mut Server, p: &lsp::RenameParams) -> Answer<Option<lsp::WorkspaceEdit>> {
    let doc = server.doc(&p.text_document_position.text_document.uri)?;
    let state = &server.ws.vaults[doc.vault];
    let offset = offset_of(state, doc.note, p.text_document_position.position)?;
    let note = match renamed(state, doc, offset) {
        Some(Renamed::Note { note, .. }) => note,
        Some(Renamed::Heading { note, heading, .. }) => {
            let changes = rename_heading(state, note, heading, &p.new_name)?;
            if changes.is_empty() {
                return Ok(None);
            }
            return workspace_edit(server, state, &changes).map(Some);
        }
        Some(Renamed::Block { note, id, span }) => {
            let changes = rename_block(state, note, &id, span, &p.new_name)?;
            if changes.is_empty() {
                return Ok(None);
            }
            return workspace_edit(server, state, &changes).map(Some);
        }
        Some(Renamed::Tag { name, .. }) => {
            let changes = rename_tag(state, &name, &p.new_name)?;
            return workspace_edit(server, state, &changes).map(Some);
        }
        None => return Err(Failure::failed(NOTHING_TO_RENAME)),
    };
    let plan = match vellum_edit::rename::plan(&state.vault, note, &p.new_name) {
        Ok(plan) => plan,
        Err(RenameError::NothingToDo) => return Ok(None),
        Err(e) => return Err(Failure::failed(e.to_string())),
    };
    workspace_edit(server, state, &plan.changes).map(Some)
}

const NOTHING_TO_RENAME: &str = "nothing to rename here: put the cursor on a heading, a block id, a tag, or a link to a note, heading or block";

/// Where the block id `id` is written after `#^` inside a link's text.
fn block_in_link(text: &str, link: Span, id: &str) -> Option<Span> {
    let region = text.get(link.range())?;
    let at = region.find("#^")? + 2;
    let len = region[at..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-').count();
    region[at..at + len].eq_ignore_ascii_case(id).then(|| Span::new(link.start + at, link.start + at + len))
}

/// Rename block id `id` (at `span`, without `^`) of `note` to `new`, and
/// every link to it. Refused when the note has another block with that id,
/// or a link's id cannot be found in its text.
fn rename_block(state: &VaultState, note: NoteIdx, id: &str, span: Span, new: &str) -> Answer<Vec<Change>> {
    let new = new.trim().trim_start_matches('^');
    if new.is_empty() || !new.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Failure::invalid(format!("`{new}` is not a block id (letters, digits and `-`)")));
    }
    if new == id {
        return Ok(Vec::new());
    }
    let n = &state.vault.notes[note].note;
    if n.block_ids.iter().any(|b| b.id != id && b.id.eq_ignore_ascii_case(new)) {
        return Err(Failure::failed(format!("this note already has a block `^{new}`")));
    }
    let mut edits: FxHashMap<NoteIdx, Vec<Edit>> = FxHashMap::default();
    edits.entry(note).or_default().push(Edit::replace(span, new));
    let mut cannot = Vec::new();
    for &(src, li) in state.vault.backlinks(note) {
        let Target::Note { anchor: Anchor::Block(b), .. } = &state.vault.resolved[src][li].target else {
            continue;
        };
        if b != id {
            continue;
        }
        let link = &state.vault.notes[src].note.links[li];
        let text = state.text(src);
        match block_in_link(text, link.span, id) {
            Some(at) => edits.entry(src).or_default().push(Edit::replace(at, new)),
            None => cannot.push(format!(
                "{}: `{}`",
                state.vault.notes[src].path,
                text.get(link.span.range()).unwrap_or("")
            )),
        }
    }
    if !cannot.is_empty() {
        return Err(Failure::failed(format!(
            "these links cannot be rewritten; nothing was changed: {}",
            cannot.join(", ")
        )));
    }
    let mut notes: Vec<NoteIdx> = edits.keys().copied().collect();
    notes.sort_unstable();
    notes
        .into_iter()
        .map(|i| {
            let original = state.text(i).to_owned();
            let text = vellum_edit::apply_edits(&original, &edits[&i])
                .map_err(|e| Failure::failed(e.to_string()))?;
            Ok(Change::Modify { path: state.vault.notes[i].path.clone(), original, text })
        })
        .collect()
}

/// The tag at `offset`: an inline `#tag` (the span without `#`), or a
/// frontmatter `tags` entry (the span of its name as written).
fn tag_at(state: &VaultState, note: NoteIdx, offset: usize) -> Option<(String, Span)> {
    let n = &state.vault.notes[note].note;
    let text = state.text(note);
    if let Some(t) = n.tags.iter().find(|t| t.span.start <= offset && offset <= t.span.end) {
        return Some((t.name.clone(), Span::new(t.span.start + 1, t.span.end)));
    }
    n.properties.tags.iter().find_map(|t| {
        let at = written_in(text, t.span, &t.value)?;
        (at.start <= offset && offset <= at.end).then(|| (t.value.clone(), at))
    })
}

/// Where `name` is written, once and as a whole tag, inside `span` of `text`.
fn written_in(text: &str, span: Span, name: &str) -> Option<Span> {
    let region = text.get(span.range())?;
    let bounded = |i: usize| {
        let before = region[..i].chars().next_back();
        let after = region[i + name.len()..].chars().next();
        before.is_none_or(|c| !vellum_syntax::scan::is_tag_char(c))
            && after.is_none_or(|c| !vellum_syntax::scan::is_tag_char(c))
    };
    let mut found = region.match_indices(name).map(|(i, _)| i).filter(|&i| bounded(i));
    let first = found.next()?;
    found.next().is_none().then(|| Span::new(span.start + first, span.start + first + name.len()))
}

/// How many bytes of `name` are the tag `old` when `name` is `old` or nested
/// under it (`old/sub`), any case.
fn tag_prefix(name: &str, old: &str) -> Option<usize> {
    let head = name.get(..old.len())?;
    let rest = &name[old.len()..];
    (head.to_lowercase() == old.to_lowercase() && (rest.is_empty() || rest.starts_with('/')))
        .then_some(old.len())
}

/// Rename tag `old` to `new` across the vault: inline `#tags` (in prose and in
/// the journal's components) and frontmatter `tags`, nested tags included.
/// Refused when a frontmatter entry's text cannot be found where the parse
/// says (nothing is then changed).
fn rename_tag(state: &VaultState, old: &str, new: &str) -> Answer<Vec<Change>> {
    let new = new.trim().trim_start_matches('#');
    if new.is_empty()
        || !new.chars().all(vellum_syntax::scan::is_tag_char)
        || new.chars().all(|c| c.is_ascii_digit())
    {
        return Err(Failure::invalid(format!("`{new}` is not a tag name")));
    }
    let mut changes = Vec::new();
    let mut cannot = Vec::new();
    for (i, n) in state.vault.notes.iter().enumerate() {
        let text = state.text(i);
        let mut edits = Vec::new();
        for t in &n.note.tags {
            if let Some(len) = tag_prefix(&t.name, old) {
                edits.push(Edit::replace(Span::new(t.span.start + 1, t.span.start + 1 + len), new));
            }
        }
        for t in &n.note.properties.tags {
            if let Some(len) = tag_prefix(&t.value, old) {
                match written_in(text, t.span, &t.value) {
                    Some(at) => edits.push(Edit::replace(Span::new(at.start, at.start + len), new)),
                    None => cannot.push(format!("{}: frontmatter tag `{}`", n.path, t.value)),
                }
            }
        }
        if !edits.is_empty() {
            let changed =
                vellum_edit::apply_edits(text, &edits).map_err(|e| Failure::failed(e.to_string()))?;
            changes.push(Change::Modify { path: n.path.clone(), original: text.to_owned(), text: changed });
        }
    }
    if !cannot.is_empty() {
        return Err(Failure::failed(format!(
            "these tags cannot be rewritten; nothing was changed: {}",
            cannot.join(", ")
        )));
    }
    Ok(changes)
}

/// Rename heading `h` of `note` to `new` and rewrite every link into it
/// (`vellum_edit::rename::fragment_edit`, as a note rename rewrites links to
/// its H1). Refused when the note already has a heading of that name (links
/// would lead to the first) or a link names the heading as a parent in a
/// chain (`[[Note#Renamed#Child]]`), which cannot be rewritten safely.
fn rename_heading(state: &VaultState, note: NoteIdx, h: usize, new: &str) -> Answer<Vec<Change>> {
    let new = new.trim();
    if new.is_empty() || new.contains(['\n', '\r']) {
        return Err(Failure::invalid("a heading is one non-empty line"));
    }
    let n = &state.vault.notes[note].note;
    let old = &n.headings[h];
    let new_key = vellum_syntax::heading_key(new);
    if old.text == new {
        return Ok(Vec::new());
    }
    if n.headings.iter().enumerate().any(|(i, o)| i != h && o.key() == new_key) {
        return Err(Failure::failed(format!(
            "this note already has a heading `{new}`; links would lead there"
        )));
    }
    let old_key = old.key();
    let mut edits: FxHashMap<NoteIdx, Vec<Edit>> = FxHashMap::default();
    edits.entry(note).or_default().push(Edit::replace(
        heading_text(state.text(note), old.span),
        vellum_edit::names::markdown_escape(new),
    ));
    let mut cannot = Vec::new();
    for &(src, li) in state.vault.backlinks(note) {
        let link = &state.vault.notes[src].note.links[li];
        let text = state.text(src);
        let Target::Note { anchor: Anchor::Heading(a), .. } = state.vault.resolved[src][li].target else {
            continue;
        };
        let parent_named = match &link.fragment {
            Some(vellum_syntax::Fragment::Heading(chain)) => chain
                .split_last()
                .is_some_and(|(_, parents)| parents.iter().any(|p| vellum_syntax::heading_key(p) == old_key)),
            _ => false,
        };
        if a == h || parent_named {
            match vellum_edit::rename::fragment_edit(text, link, new).filter(|_| a == h && !parent_named) {
                Some(e) => edits.entry(src).or_default().push(e),
                None => cannot.push(format!(
                    "{}: `{}`",
                    state.vault.notes[src].path,
                    text.get(link.span.range()).unwrap_or("")
                )),
            }
        }
    }
    if !cannot.is_empty() {
        return Err(Failure::failed(format!(
            "these links cannot be rewritten; nothing was changed: {}",
            cannot.join(", ")
        )));
    }
    let mut notes: Vec<NoteIdx> = edits.keys().copied().collect();
    notes.sort_unstable();
    notes
        .into_iter()
        .map(|i| {
            let original = state.text(i).to_owned();
            let text = vellum_edit::apply_edits(&original, &edits[&i])
                .map_err(|e| Failure::failed(e.to_string()))?;
            Ok(Change::Modify { path: state.vault.notes[i].path.clone(), original, text })
        })
        .collect()
}

/// The edits that turn `original` into `new`, one per changed run of lines.
pub(crate) fn diff_edits(original: &str, new: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(original, new);
    let old_lines = diff.old_slices();
    let new_lines = diff.new_slices();
    let mut offsets = Vec::with_capacity(old_lines.len() + 1);
    offsets.push(0);
    for l in old_lines {
        offsets.push(offsets.last().copied().unwrap_or(0) + l.len());
    }
    diff.ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (o, n) = (op.old_range(), op.new_range());
            let span = Span::new(offsets[o.start], offsets[o.end]);
            Edit::replace(span, new_lines[n].concat())
        })
        .collect()
}

fn text_edits(text: &str, edits: &[Edit]) -> Vec<lsp::TextEdit> {
    let map = LineMap::new(text);
    edits.iter().map(|e| lsp::TextEdit::new(map.range(text, e.span), e.text.clone())).collect()
}

/// A `WorkspaceEdit` doing `changes`: text edits per file (against the text
/// the server holds, with the open buffer's version), file moves and creations
/// as resource operations when the editor supports them.
#[allow(
    clippy::mutable_key_type,
    reason = "the protocol's `WorkspaceEdit::changes` is keyed by `Uri`, whose lazily parsed parts clippy sees as mutable; they never change its hash"
)]
fn workspace_edit(server: &Server, state: &VaultState, changes: &[Change]) -> Answer<lsp::WorkspaceEdit> {
    let we = server.caps.workspace.as_ref().and_then(|w| w.workspace_edit.as_ref());
    let document_changes = we.and_then(|w| w.document_changes).unwrap_or(false);
    let ops = we.and_then(|w| w.resource_operations.clone()).unwrap_or_default();
    let uri =
        |path: &str| state.uri_of(path).ok_or_else(|| Failure::failed(format!("`{path}` has no file URI")));
    let versioned = |path: &str| -> Answer<lsp::OptionalVersionedTextDocumentIdentifier> {
        Ok(lsp::OptionalVersionedTextDocumentIdentifier {
            uri: uri(path)?,
            version: state.open.get(path).copied(),
        })
    };
    let needs = |op: lsp::ResourceOperationKind, what: &str| -> Answer<()> {
        if document_changes && ops.contains(&op) {
            Ok(())
        } else {
            Err(Failure::failed(format!(
                "this editor cannot {what} through the language server; use the vellum command line"
            )))
        }
    };
    let mut out: Vec<lsp::DocumentChangeOperation> = Vec::new();
    let mut plain: std::collections::HashMap<lsp::Uri, Vec<lsp::TextEdit>> = std::collections::HashMap::new();
    for c in changes {
        match c {
            Change::Modify { path, original, text } => {
                let edits = text_edits(original, &diff_edits(original, text));
                if document_changes {
                    out.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                        text_document: versioned(path)?,
                        edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                    }));
                } else {
                    plain.insert(uri(path)?, edits);
                }
            }
            Change::Move { from, to, original, text } => {
                needs(lsp::ResourceOperationKind::Rename, "rename files")?;
                let edits = text_edits(original, &diff_edits(original, text));
                out.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: versioned(from)?,
                    edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
                }));
                out.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Rename(lsp::RenameFile {
                    old_uri: uri(from)?,
                    new_uri: uri(to)?,
                    options: Some(lsp::RenameFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(false),
                    }),
                    annotation_id: None,
                })));
            }
            Change::Create { path, text } => {
                needs(lsp::ResourceOperationKind::Create, "create files")?;
                let new_uri = uri(path)?;
                out.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                    uri: new_uri.clone(),
                    options: Some(lsp::CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(false),
                    }),
                    annotation_id: None,
                })));
                out.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri: new_uri,
                        version: None,
                    },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit::new(lsp::Range::default(), text.clone()))],
                }));
            }
        }
    }
    Ok(if document_changes {
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(out)),
            ..lsp::WorkspaceEdit::default()
        }
    } else {
        lsp::WorkspaceEdit { changes: Some(plain), ..lsp::WorkspaceEdit::default() }
    })
}

/// `textDocument/codeAction`: each `check --fix` fix of this note whose
/// diagnostic is in the request (all of them as `source.fixAll`), creating an
/// unwritten note a link under the cursor names, and `[[Alias]]` →
/// `[[Note|Alias]]`.
#[allow(
    clippy::mutable_key_type,
    reason = "the protocol's `WorkspaceEdit::changes` is keyed by `Uri`, whose lazily parsed parts clippy sees as mutable; they never change its hash"
)]
pub(crate) fn code_actions(
    server: &mut Server,
    p: &lsp::CodeActionParams,
) -> Answer<Option<lsp::CodeActionResponse>> {
    let doc = server.doc(&p.text_document.uri)?;
    let state = &server.ws.vaults[doc.vault];
    let text = state.text(doc.note);
    let map = LineMap::new(text);
    let span = map
        .span(text, p.range)
        .ok_or_else(|| Failure::invalid("the range is past the end of the document"))?;
    let path = &state.vault.notes[doc.note].path;
    let uri = p.text_document.uri.clone();
    let codes: Vec<&str> = p
        .context
        .diagnostics
        .iter()
        .filter_map(|d| match &d.code {
            Some(lsp::NumberOrString::String(c)) => Some(c.as_str()),
            _ => None,
        })
        .collect();
    let wants = |kind: lsp::CodeActionKind| {
        p.context.only.as_ref().is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
    };
    let mut out: Vec<lsp::CodeActionOrCommand> = Vec::new();
    let edit_of = |edits: Vec<lsp::TextEdit>| {
        let mut changes = std::collections::HashMap::new();
        changes.insert(uri.clone(), edits);
        lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() }
    };

    let fix = vellum_edit::fix::fix_text(path, text, &state.vault.config.journal.kind_tags);
    let mut by_kind: FxHashMap<FixKind, Vec<Edit>> = FxHashMap::default();
    for (k, e) in &fix.edits {
        by_kind.entry(*k).or_default().push(e.clone());
    }
    if wants(lsp::CodeActionKind::QUICKFIX) {
        for k in fix.kinds() {
            let edits = by_kind.remove(&k).unwrap_or_default();
            let asked = match k.code() {
                Some(code) => codes.contains(&code.as_str()),
                None => edits.iter().any(|e| e.span.start <= span.end && span.start <= e.span.end),
            };
            if asked {
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!("vellum: {}", k.describe()),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(
                        p.context
                            .diagnostics
                            .iter()
                            .filter(|d| {
                                k.code().is_some_and(|c| {
                                    d.code == Some(lsp::NumberOrString::String(c.as_str().to_owned()))
                                })
                            })
                            .cloned()
                            .collect(),
                    ),
                    edit: Some(edit_of(text_edits(text, &edits))),
                    is_preferred: Some(true),
                    ..lsp::CodeAction::default()
                }));
            }
        }
    }
    if wants(lsp::CodeActionKind::SOURCE_FIX_ALL) && fix.changes_text() {
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: "vellum: apply every safe fix (check --fix)".to_owned(),
            kind: Some(lsp::CodeActionKind::SOURCE_FIX_ALL),
            edit: Some(edit_of(text_edits(text, &diff_edits(text, &fix.text)))),
            ..lsp::CodeAction::default()
        }));
    }
    if wants(lsp::CodeActionKind::QUICKFIX)
        && let Some(li) = link_at(state, doc.note, span.start)
    {
        let link = &state.vault.notes[doc.note].note.links[li];
        let r = &state.vault.resolved[doc.note][li];
        if r.target == Target::Unresolved
            && matches!(link.kind, LinkKind::Wiki | LinkKind::Embed)
            && let Some(action) = create_note(server, state, &link.target)
        {
            out.push(action);
        }
        if r.resolution.rule == Rule::Alias
            && link.display.is_none()
            && link.fragment.is_none()
            && let Target::Note { note, anchor: Anchor::Note } = r.target
        {
            let name = state.link_to(doc.note, note);
            let new_text = format!("{name}|{}", link.target);
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("vellum: link to the note itself: [[{new_text}]]"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                edit: Some(edit_of(vec![lsp::TextEdit::new(map.range(text, link.target_span), new_text)])),
                ..lsp::CodeAction::default()
            }));
        }
    }
    Ok(Some(out))
}

/// "Create the note `title`" from the vault's template for its first kind,
/// as `vellum new` would.
fn create_note(server: &Server, state: &VaultState, title: &str) -> Option<lsp::CodeActionOrCommand> {
    let kind =
        state.vault.config.journal.kind_tags.first().cloned().unwrap_or_else(|| "tech-journal".to_owned());
    let now = jiff::ZonedDateTime::now();
    let req = vellum_edit::NewNote {
        title: title.to_owned(),
        date: now.date(),
        kind,
        code: None,
        dir: None,
        time: now.time(),
    };
    let plan = vellum_edit::new::plan(&state.vault, &req).ok()?;
    let edit = workspace_edit(server, state, &[plan.change()]).ok()?;
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: format!("vellum: create the note `{}`", plan.path),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        edit: Some(edit),
        ..lsp::CodeAction::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_edits_rebuild_the_new_text() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb\nc", "a\nb\nc\nd\n"),
            ("x [[Old]]\ny\nz [[Old|o]]\n", "x [[New]]\ny\nz [[New|o]]\n"),
            ("same\n", "same\n"),
            ("", "new\n"),
            ("gone\n", ""),
        ];
        for (old, new) in cases {
            let edits = diff_edits(old, new);
            assert_eq!(vellum_edit::apply_edits(old, &edits).expect("applies"), new, "{old:?} -> {new:?}");
        }
        assert_eq!(diff_edits("a\nb\nc\n", "a\nB\nc\n"), vec![Edit::replace(Span::new(2, 4), "B\n")]);
    }

    #[test]
    fn tags_are_found_whole_and_nested() {
        assert_eq!(tag_prefix("hw", "HW"), Some(2));
        assert_eq!(tag_prefix("hw/cpu", "hw"), Some(2));
        assert_eq!(tag_prefix("hwx", "hw"), None);
        assert_eq!(tag_prefix("h", "hw"), None);
        let t = "tags: [hw, '#hw/cpu', hwx]";
        let at = |name| written_in(t, Span::new(6, t.len()), name).map(|s| &t[s.range()]);
        assert_eq!(at("hw"), Some("hw"), "the whole tag, not inside hw/cpu or hwx");
        assert_eq!(at("hw/cpu"), Some("hw/cpu"));
        assert_eq!(written_in("a a", Span::new(0, 3), "a"), None, "twice: not sure which");
    }

    #[test]
    fn heading_text_skips_the_marks() {
        let t = "## Intro  ##\n";
        assert_eq!(&t[heading_text(t, Span::new(0, 12)).range()], "Intro");
        let t = "# Title";
        assert_eq!(&t[heading_text(t, Span::new(0, 7)).range()], "Title");
    }
}
