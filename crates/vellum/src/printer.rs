//! Rendering diagnostics: human (rustc-style, via annotate-snippets) and JSON.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use rustc_hash::FxHashMap;
use serde::Serialize;
use vellum_check::{Diagnostic, Severity};
use vellum_syntax::{LineIndex, Span};
use vellum_vault::Vault;

/// The text of every file a diagnostic can point into.
pub(crate) struct Sources<'v> {
    files: FxHashMap<&'v str, (&'v str, &'v LineIndex)>,
    extra: FxHashMap<&'v str, (&'v str, LineIndex)>,
}

impl<'v> Sources<'v> {
    pub(crate) fn new(vault: &'v Vault) -> Self {
        // A vault loaded to publish keeps no texts: diagnostics in its notes show no snippet.
        let files = vault
            .notes
            .iter()
            .filter_map(|n| n.kept().ok().map(|k| (n.path.as_str(), (k.text, &k.detail.lines))))
            .collect();
        let extra = vault
            .problems
            .iter()
            .filter_map(|p| p.text.as_deref().map(|t| (p.path.as_str(), (t, LineIndex::new(t)))))
            .collect();
        Self { files, extra }
    }

    fn get(&self, path: &str) -> Option<(&'v str, &LineIndex)> {
        self.files.get(path).map(|(t, l)| (*t, *l)).or_else(|| self.extra.get(path).map(|(t, l)| (*t, l)))
    }

    /// 1-based (line, column) of both ends, columns in characters.
    fn positions(&self, d: &Diagnostic) -> Option<((usize, usize), (usize, usize))> {
        let span = d.span?;
        let (text, lines) = self.get(&d.file)?;
        let a = lines.line_col(text, span.start);
        let b = lines.line_col(text, span.end);
        Some(((a.line, a.col), (b.line, b.col)))
    }
}

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
pub(crate) fn human(sources: &Sources<'_>, d: &Diagnostic, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let title = level(d.severity).primary_title(d.message.as_str()).id(d.code.as_str());
    let located = d.span.and_then(|span| sources.get(&d.file).map(|(text, lines)| (span, text, lines)));
    let mut groups = Vec::new();
    let mut header = None;
    match located {
        Some((span, text, lines)) => {
            let first = lines.line_col(text, span.start).line;
            let last_offset = if span.end > span.start { span.end - 1 } else { span.end };
            let last = lines.line_col(text, last_offset).line.max(first).min(first + 5);
            let from = lines.line_start(first);
            let to = lines.line_span(text, last).end.max(from);
            let excerpt = &text[from..to];
            let local = Span::new(span.start - from, span.end.min(to).max(span.start) - from);
            groups.push(
                title.element(
                    Snippet::source(excerpt)
                        .line_start(first)
                        .path(d.file.as_str())
                        .annotation(AnnotationKind::Primary.span(local.range())),
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
pub(crate) fn json(sources: &Sources<'_>, d: &Diagnostic) -> String {
    let pos = sources.positions(d);
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
