//! Rendering diagnostics: human (rustc-style, via annotate-snippets) and JSON.

//!
//! Both print a [`Located`] diagnostic: its lines, columns and snippet were
//! worked out from the file's text beforehand (`vellum_check::locate`), so a
//! diagnostic read back from the check cache prints exactly as a fresh one.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;
use vellum_check::{Located, Severity};

/// Whether to colour human output: a terminal, and `NO_COLOR` unset.
pub(crate) fn use_color() -> bool {
    use std::io::IsTerminal as _;
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// rustc-style text: `error[V101]: message`, `--> file:line:col`, the source
/// line with a caret under the span, and `help:`.
pub(crate) fn human(l: &Located, color: bool) -> String {
    let d = &l.diagnostic;
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let title = level(d.severity).primary_title(d.message.as_str()).id(d.code.as_str());
    let mut groups = Vec::new();
    let mut header = None;
    match &l.place {
        Some(place) => {
            groups.push(
                title.element(
                    Snippet::source(place.excerpt.as_str())
                        .line_start(place.first_line)
                        .path(d.file.as_str())
                        .annotation(AnnotationKind::Primary.span(place.local.0..place.local.1)),
                ),
            );
        }
        None => {
            header = Some(format!(" --> {}", d.file));
            groups.push(Group::with_title(title));
        }
    }
    if let Some(help) = &d.help {
        groups.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
    }
    let mut rendered = renderer.render(&groups).to_string();
    if let Some(h) = header {
        // No place in the file: still name it, the way rustc does.
        let mut lines: Vec<&str> = rendered.lines().collect();
        lines.insert(1.min(lines.len()), &h);
        rendered = lines.join("\n");
    }
    rendered.push('\n');
    rendered
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
}

/// One JSON object: file (vault-relative), 1-based line/column (characters), end, code, severity, message.
pub(crate) fn json(l: &Located) -> String {
    let d = &l.diagnostic;
    let pos = l.place.as_ref().map(|p| (p.start, p.end));
    let j = JsonDiagnostic {
        file: &d.file,
        line: pos.map(|p| p.0.0),
        column: pos.map(|p| p.0.1),
        end_line: pos.map(|p| p.1.0),
        end_column: pos.map(|p| p.1.1),
        code: d.code.as_str(),
        name: d.code.name(),
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
    };
    serde_json::to_string(&j).unwrap_or_default()
}

/// `one` or `many`, whichever goes with `n`.
pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
