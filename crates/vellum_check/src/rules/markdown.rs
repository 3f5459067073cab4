//! `V301 empty-heading`, `V302 unknown-callout` and `V303 plugin-only-content`.

use super::NoteContext;
use crate::{Code, Diagnostic};

/// Headings and callouts.
pub(crate) fn check(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    let path = cx.note.path.as_str();
    let note = &cx.note.note;
    for h in &note.headings {
        if h.text.is_empty() {
            out.push(
                Diagnostic::new(Code::EmptyHeading, path, Some(h.span), "empty heading")
                    .with_help("a lone `#` renders as an empty title; remove the line or write the heading"),
            );
        }
    }
    let custom = &cx.vault.config.journal.custom_callouts;
    let snippets = &cx.vault.config.snippet_callouts;
    for c in &cx.detail.callouts {
        if c.canonical().is_none()
            && !custom.iter().any(|k| k.eq_ignore_ascii_case(&c.kind))
            && !snippets.contains(&c.kind)
        {
            out.push(
                Diagnostic::new(
                    Code::UnknownCallout,
                    path,
                    Some(c.kind_span),
                    format!("unknown callout type `{}`; Obsidian renders it as `note`", c.kind),
                )
                .with_help("use a built-in type (note, tip, question, warning, …), define it in an enabled CSS snippet (`.callout[data-callout=\"…\"]`) or list it in `[journal] custom_callouts` in vellum.toml"),
            );
        }
    }
    for b in &cx.detail.plugin_blocks {
        let (what, by) = match b.value.as_str() {
            "dataview" | "dataviewjs" => ("a Dataview query", "the Dataview plugin"),
            "tasks" => ("a Tasks query", "the Tasks plugin"),
            _ => ("an embedded search", "Obsidian's search"),
        };
        out.push(
            Diagnostic::new(
                Code::PluginOnly,
                path,
                Some(b.span),
                format!(
                    "`{}` block: {what}, which only {by} shows; the published page shows its source",
                    b.value
                ),
            )
            .with_help("write the result into the note (or link the notes it lists) to publish it"),
        );
    }
}
