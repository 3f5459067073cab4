//! `V401`–`V405`: links, as Obsidian resolves them.
//!
//! - `V401 missing-heading-or-block` (error): the note exists, the heading or block does not.
//! - `V402 ambiguous-link` (warning): several files match; says which one Obsidian picks.
//! - `V403 unresolved-link` (note): an unwritten note — normal in a journal. When the
//!   target is another note's alias, the help suggests `[[Real Note|Alias]]`.
//! - `V404 link-to-draft` (warning): a published note links to a draft.
//! - `V405 link-escapes-vault` (error): `../` climbs out of the vault.
//! - `V406 embed-loop` (warning): an embed of the whole note itself, or of a note
//!   or canvas that embeds this one back (a canvas's file nodes are embeds):
//!   the published page shows a link where the loop closes. Longer loops are
//!   cut by the embed depth limit and not reported.
//! - `V304 drawing-without-export` (note): an embedded Excalidraw drawing has
//!   no image exported beside it, so the published page can only link it.

use vellum_syntax::{Fragment, Link, LinkKind};
use vellum_vault::{Rule, Target};

use super::NoteContext;
use crate::{Code, Diagnostic};

/// Whether note `from` embeds note `to` (a whole note or a part of it).
fn embeds(vault: &vellum_vault::Vault, from: vellum_vault::NoteIdx, to: vellum_vault::NoteIdx) -> bool {
    let links = &vault.notes[from].note.links;
    vault.resolved.get(from).is_some_and(|resolved| {
        links.iter().zip(resolved).any(|(l, r)| l.kind.is_embed() && r.target.note() == Some(to))
    })
}

/// How a link was written, for messages: `[[Target#Frag]]` or `[…](dest)`.
#[must_use]
pub fn written(text: &str, link: &Link) -> String {
    text.get(link.span.range()).unwrap_or("").to_owned()
}

/// Link rules.
pub(crate) fn check(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    let vault = cx.vault;
    let path = cx.note.path.as_str();
    let note = &cx.note.note;
    let source_is_draft = cx.note.is_draft();
    for (link, resolved) in note.links.iter().zip(&vault.resolved[cx.idx]) {
        let span = Some(link.span);
        let shown = written(cx.text, link);
        match &resolved.target {
            Target::MissingFragment { note: t } => {
                let target = &vault.notes[*t];
                let what = match &link.fragment {
                    Some(Fragment::Block(id)) => format!("block `^{id}`"),
                    Some(Fragment::Heading(chain)) => format!("heading `{}`", chain.join("#")),
                    None => "part".to_owned(),
                };
                let help = match &link.fragment {
                    Some(Fragment::Heading(_)) if !target.note.headings.is_empty() => format!(
                        "headings in `{}`: {}",
                        target.path,
                        target
                            .note
                            .headings
                            .iter()
                            .filter(|h| !h.text.is_empty())
                            .map(|h| format!("`{}`", h.text))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    _ => format!("add it to `{}` or fix the link", target.path),
                };
                out.push(
                    Diagnostic::new(
                        Code::BrokenFragment,
                        path,
                        span,
                        format!("`{shown}`: `{}` has no {what}", target.path),
                    )
                    .with_help(help),
                );
            }
            Target::Unresolved if super::canvas::is_file_node(cx, link) => {
                out.push(super::canvas::missing_file(cx, link));
            }
            Target::Unresolved => {
                let mut d = Diagnostic::new(
                    Code::UnresolvedLink,
                    path,
                    span,
                    format!("`{shown}` points to a note that is not written yet"),
                );
                let owners = vault.notes_with_alias(&link.target);
                if let Some(&owner) = owners.first() {
                    let real = vault.notes[owner].stem();
                    d = d.with_help(format!(
                        "`{}` is an alias of `{}`; Obsidian does not resolve aliases in links: write `[[{real}|{}]]`",
                        link.target, vault.notes[owner].path, link.target
                    ));
                } else if matches!(link.kind, LinkKind::Wiki) {
                    d = d.with_help("an unwritten note: clicking the link in Obsidian creates it");
                }
                out.push(d);
            }
            Target::EscapesVault => out.push(
                Diagnostic::new(
                    Code::LinkEscapesVault,
                    path,
                    span,
                    format!("`{shown}` points outside the vault"),
                )
                .with_help("links may only reach files inside the vault folder"),
            ),
            Target::Note { note: t, .. } => {
                let target = &vault.notes[*t];
                if !source_is_draft && target.is_draft() && *t != cx.idx {
                    out.push(
                        Diagnostic::new(
                            Code::LinkToDraft,
                            path,
                            span,
                            format!("published note links to the draft `{}`", target.path),
                        )
                        .with_help(
                            "the published page shows the link text only; publish the draft or drop the link",
                        ),
                    );
                }
            }
            Target::Attachment(_) => {}
        }
        // A note embedding a part of itself is no loop (the part does not hold the embed).
        if link.kind.is_embed()
            && let Target::Note { note: t, anchor } = &resolved.target
            && ((*t == cx.idx && *anchor == vellum_vault::Anchor::Note)
                || (*t != cx.idx && embeds(vault, *t, cx.idx)))
        {
            let t = *t;
            let back = if t == cx.idx {
                "it embeds this note itself".to_owned()
            } else {
                format!("`{}` embeds this note back", vault.notes[t].path)
            };
            out.push(Diagnostic::new(Code::EmbedLoop, path, span, format!("`{shown}`: {back}")).with_help(
                "the published page shows a link where the loop closes; embed one way only, or link instead",
            ));
        }
        if link.kind.is_embed()
            && let Some(f) = vault.drawing(&resolved.target)
            && vault.files.excalidraw_export(f).is_none()
        {
            out.push(
                Diagnostic::new(
                    Code::DrawingWithoutExport,
                    path,
                    span,
                    format!("`{shown}`: the drawing `{}` has no SVG or PNG export beside it", vault.files.path(f)),
                )
                .with_help("turn on \"Auto-export SVG\" (or PNG) in the Excalidraw plugin's settings and open the drawing once; the published page shows the export, and a link until then"),
            );
        }
        if resolved.resolution.is_ambiguous()
            && matches!(
                resolved.resolution.rule,
                Rule::SameFolder | Rule::AttachmentFolder | Rule::ShortestPath | Rule::Alias
            )
        {
            let candidates: Vec<String> = resolved
                .resolution
                .candidates
                .iter()
                .map(|&f| format!("`{}`", vault.files.path(f)))
                .collect();
            let chosen = resolved.resolution.target.map_or("nothing", |f| vault.files.path(f));
            out.push(
                Diagnostic::new(
                    Code::AmbiguousLink,
                    path,
                    span,
                    format!("`{shown}` matches {} files: {}", candidates.len(), candidates.join(", ")),
                )
                .with_help(format!(
                    "{} picks `{chosen}` ({}); write the folder path to make it explicit",
                    // The attachment-folder preference is vellum's own (see `vellum_vault::resolve`).
                    if resolved.resolution.rule == Rule::AttachmentFolder { "vellum" } else { "Obsidian" },
                    resolved.resolution.rule.describe()
                )),
            );
        }
    }
}
