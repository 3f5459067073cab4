//! `V601`–`V602`: JSON Canvas boards (`.canvas`).
//!
//! - `V601 malformed-canvas` (error): the file is not valid JSON (pointing at
//!   the place the JSON parser stopped), or a node or edge cannot be read (no
//!   `id`, an unknown `type`, an edge to a node that is not there), or the
//!   board is over the size vellum reads.
//! - `V602 canvas-file-missing` (warning): a file node shows a file that is
//!   not in the vault; Obsidian shows an empty node, the published page shows
//!   the name.
//!
//! The links written in text nodes get the link rules (`V4xx`) like any note's.

use vellum_syntax::{ErrorKind, Link};

use super::NoteContext;
use crate::{Code, Diagnostic};

/// Rules over one board.
pub(crate) fn check(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.note.note.errors.iter().filter(|e| e.kind == ErrorKind::MalformedCanvas) {
        out.push(
            Diagnostic::new(Code::MalformedCanvas, &cx.note.path, Some(e.span), e.message.clone())
                .with_help("fix the JSON or open the canvas in Obsidian and save it again; until then the page leaves this out"),
        );
    }
}

/// Whether `link` is a file node of the board being checked.
pub(crate) fn is_file_node(cx: &NoteContext<'_>, link: &Link) -> bool {
    let links = &cx.note.note.links;
    cx.note.note.canvas.as_deref().is_some_and(|c| {
        vellum_syntax::canvas::file_node_links(c)
            .iter()
            .any(|&l| links.get(l).is_some_and(|f| f.span == link.span))
    })
}

/// `V602` for a file node whose file is not in the vault.
pub(crate) fn missing_file(cx: &NoteContext<'_>, link: &Link) -> Diagnostic {
    Diagnostic::new(
        Code::MissingCanvasFile,
        &cx.note.path,
        Some(link.span),
        format!("this file node shows `{}`, which is not in the vault", link.target),
    )
    .with_help("move the file back, or point the node at the file's new path (`vellum rename` keeps canvases up to date)")
}
