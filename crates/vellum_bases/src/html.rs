//! Static renderings of a [`ViewResult`]: HTML for the site and aligned text
//! for the terminal.
//!
//! The HTML contains no scripts, no event handlers and no author-controlled
//! markup: every text is escaped, only `http(s)`/`mailto` URLs are emitted as
//! they are, and vault paths become URLs only through the caller's `url`
//! function.

use crate::FileRow;
use crate::base::ViewKind;
use crate::value::{Value, file_basename, format_datetime, format_number, target_matches};
use crate::view::{Group, RowResult, ViewResult};
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn is_external(s: &str) -> bool {
    let lower = s.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

struct Renderer<'a> {
    rows: &'a [FileRow],
    url: &'a dyn Fn(&str) -> Option<String>,
}

impl Renderer<'_> {
    /// Resolves a link target against the rows (so `Dune` finds `Books/Dune.md`)
    /// and asks the caller for its URL.
    fn href(&self, target: &str) -> Option<String> {
        let target = target.split('#').next().unwrap_or(target);
        let path = self
            .rows
            .iter()
            .find(|r| r.path == target)
            .or_else(|| self.rows.iter().find(|r| target_matches(target, &r.path)))
            .map(|r| r.path.as_str())
            .unwrap_or(target);
        (self.url)(path)
    }

    fn internal(&self, target: &str, label: &str) -> String {
        match self.href(target) {
            Some(u) => format!("<a class=\"internal-link\" href=\"{}\">{}</a>", escape(&u), escape(label)),
            None => format!("<span class=\"internal-link unresolved\">{}</span>", escape(label)),
        }
    }

    fn value(&self, v: &Value) -> String {
        match v {
            Value::Null => String::new(),
            Value::Bool(true) => "<input type=\"checkbox\" disabled checked>".into(),
            Value::Bool(false) => "<input type=\"checkbox\" disabled>".into(),
            Value::Number(n) => format_number(*n),
            Value::String(s) | Value::Html(s) => escape(s),
            Value::Date(d) => d.to_string(),
            Value::DateTime(dt) => format_datetime(dt),
            Value::Duration(d) => escape(&d.to_string()),
            Value::List(items) => items.iter().map(|i| self.value(i)).collect::<Vec<_>>().join(", "),
            Value::Object(_) | Value::Regex(_) => escape(&v.to_text()),
            Value::Link { path, .. } if is_external(path) => format!(
                "<a class=\"external-link\" href=\"{}\" rel=\"noopener\">{}</a>",
                escape(path.trim()),
                escape(&v.to_text())
            ),
            Value::Link { path, .. } if has_scheme(path) => escape(&v.to_text()),
            Value::Link { path, .. } => self.internal(path, &v.to_text()),
            Value::File(path) => self.internal(path, file_basename(path)),
            Value::Image(src) => match self.image_src(src) {
                Some(u) => format!("<img class=\"base-image\" src=\"{}\" alt=\"\">", escape(&u)),
                None => escape(src),
            },
            Value::Icon(name) => format!("<span class=\"base-icon\" data-icon=\"{}\"></span>", escape(name)),
            Value::Error(msg) => format!("<span class=\"base-error\" title=\"{}\">Error</span>", escape(msg)),
        }
    }

    fn image_src(&self, src: &str) -> Option<String> {
        let lower = src.trim().to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Some(src.trim().to_owned())
        } else if lower.contains(':') {
            None
        } else {
            self.href(src.trim())
        }
    }

    /// A cell; the `file.name` and `file.basename` columns link to the row's file.
    fn cell(&self, key: &str, row: &RowResult, v: &Value) -> String {
        match (key, v) {
            ("file.name" | "file.basename", Value::String(label)) => match self.rows.get(row.row) {
                Some(r) => self.internal(&r.path, label),
                None => escape(label),
            },
            _ => self.value(v),
        }
    }

    fn cover(&self, v: &Value) -> String {
        let img = |u: String| {
            format!(
                "<div class=\"base-card-cover\"><img src=\"{}\" alt=\"\" loading=\"lazy\"></div>",
                escape(&u)
            )
        };
        match v {
            Value::Link { path, .. } | Value::File(path) | Value::Image(path) => {
                self.image_src(path).map(img).unwrap_or_default()
            }
            Value::String(s) if is_hex_color(s.trim()) => {
                format!("<div class=\"base-card-cover\" style=\"background-color: {}\"></div>", s.trim())
            }
            Value::String(s) => self.image_src(s).map(img).unwrap_or_default(),
            Value::List(items) => items.first().map(|i| self.cover(i)).unwrap_or_default(),
            _ => String::new(),
        }
    }
}

/// True for `scheme:…` targets (`javascript:`, `data:`, `obsidian:`), which are
/// neither vault paths nor allowed external URLs and render as plain text.
fn has_scheme(s: &str) -> bool {
    let s = s.trim_start();
    match s.find(':') {
        Some(i) if i > 1 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| matches!(h.len(), 3 | 4 | 6 | 8) && h.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Renders a view result as static HTML.
///
/// `rows` are the rows given to [`crate::evaluate`]; `url` maps a vault path to
/// the URL of its page or attachment, or `None` when it is not published (the
/// link is then shown as an unresolved span).
///
/// - Table: `<table class="base-table">` with display names in `<thead>`, a
///   `base-group` header row (and group summaries) per group when grouped, and
///   summaries in `<tfoot>`.
/// - Cards: `<div class="base-cards">` of `<article class="base-card">`, the first
///   column as title, the others as a `<dl>`, and a cover image from the view's
///   `image` property (http(s) URLs, local files through `url`, or a hex colour).
/// - List: `<ul class="base-list">`, the first column as the item, the other
///   non-empty values after it separated by commas.
pub fn render_html(result: &ViewResult, rows: &[FileRow], url: &dyn Fn(&str) -> Option<String>) -> String {
    let r = Renderer { rows, url };
    match result.kind {
        ViewKind::Table => table(&r, result),
        ViewKind::Cards => grouped(&r, result, cards),
        ViewKind::List => grouped(&r, result, list),
    }
}

fn summary_cells(r: &Renderer<'_>, result: &ViewResult, values: &[Option<Value>], tag: &str) -> String {
    let mut out = String::new();
    for (i, col) in result.columns.iter().enumerate() {
        match (values.get(i).and_then(Option::as_ref), &col.summary) {
            (Some(v), Some(name)) if !matches!(v, Value::Null) => {
                let _ = write!(
                    out,
                    "<{tag} class=\"base-summary\"><span class=\"base-summary-name\">{}</span> {}</{tag}>",
                    escape(name),
                    r.value(v)
                );
            }
            _ => {
                let _ = write!(out, "<{tag}></{tag}>");
            }
        }
    }
    out
}

fn has_any(values: &[Option<Value>]) -> bool {
    values.iter().any(Option::is_some)
}

fn group_title(r: &Renderer<'_>, g: &Group) -> String {
    match &g.key {
        Some(k) => r.value(k),
        None => "<span class=\"base-group-none\">None</span>".into(),
    }
}

fn table(r: &Renderer<'_>, result: &ViewResult) -> String {
    let mut out = String::from("<table class=\"base-table\">\n<thead><tr>");
    for c in &result.columns {
        let _ = write!(out, "<th>{}</th>", escape(&c.display));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let n = result.columns.len().max(1);
    for g in &result.groups {
        if result.grouped {
            let _ = writeln!(
                out,
                "<tr class=\"base-group\"><th colspan=\"{n}\">{} <span class=\"base-group-count\">{}</span></th></tr>",
                group_title(r, g),
                g.rows.len()
            );
            if has_any(&g.summaries) {
                let _ = writeln!(
                    out,
                    "<tr class=\"base-group-summary\">{}</tr>",
                    summary_cells(r, result, &g.summaries, "td")
                );
            }
        }
        for row in &g.rows {
            out.push_str("<tr>");
            for (c, v) in result.columns.iter().zip(&row.cells) {
                let _ = write!(out, "<td>{}</td>", r.cell(&c.key, row, v));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody>\n");
    if has_any(&result.summaries) {
        let _ =
            writeln!(out, "<tfoot><tr>{}</tr></tfoot>", summary_cells(r, result, &result.summaries, "td"));
    }
    out.push_str("</table>\n");
    out
}

fn grouped(
    r: &Renderer<'_>,
    result: &ViewResult,
    body: fn(&Renderer<'_>, &ViewResult, &[RowResult]) -> String,
) -> String {
    if !result.grouped {
        let rows: Vec<RowResult> = result.groups.iter().flat_map(|g| g.rows.iter().cloned()).collect();
        return body(r, result, &rows);
    }
    let mut out = String::new();
    for g in &result.groups {
        let _ = write!(
            out,
            "<section class=\"base-group\">\n<h3 class=\"base-group-title\">{} <span class=\"base-group-count\">{}</span></h3>\n{}</section>\n",
            group_title(r, g),
            g.rows.len(),
            body(r, result, &g.rows)
        );
    }
    out
}

fn cards(r: &Renderer<'_>, result: &ViewResult, rows: &[RowResult]) -> String {
    let mut out = String::from("<div class=\"base-cards\">\n");
    for row in rows {
        out.push_str("<article class=\"base-card\">");
        if let Some(img) = &row.image {
            out.push_str(&r.cover(img));
        }
        let mut cells = result.columns.iter().zip(&row.cells);
        if let Some((c, v)) = cells.next() {
            let _ = write!(out, "<div class=\"base-card-title\">{}</div>", r.cell(&c.key, row, v));
        }
        let props: Vec<String> = cells
            .filter(|(_, v)| !matches!(v, Value::Null))
            .map(|(c, v)| format!("<dt>{}</dt><dd>{}</dd>", escape(&c.display), r.cell(&c.key, row, v)))
            .collect();
        if !props.is_empty() {
            let _ = write!(out, "<dl class=\"base-card-props\">{}</dl>", props.concat());
        }
        out.push_str("</article>\n");
    }
    out.push_str("</div>\n");
    out
}

fn list(r: &Renderer<'_>, result: &ViewResult, rows: &[RowResult]) -> String {
    let mut out = String::from("<ul class=\"base-list\">\n");
    for row in rows {
        out.push_str("<li>");
        let mut first = true;
        for (c, v) in result.columns.iter().zip(&row.cells) {
            if matches!(v, Value::Null) && !first {
                continue;
            }
            if !first {
                out.push_str(", ");
            }
            let class = if first { "base-list-primary" } else { "base-list-prop" };
            let _ = write!(out, "<span class=\"{class}\">{}</span>", r.cell(&c.key, row, v));
            first = false;
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
    out
}

/// Renders a view result as plain text with aligned columns, for the terminal.
/// Grouped views get a `## key (count)` line before each group; summaries
/// follow the rows as `Name value`. `rows` is the slice given to
/// [`crate::evaluate`]; the text needs no more than the cells, and the
/// parameter keeps the signature parallel to [`render_html`].
pub fn render_text_table(result: &ViewResult, rows: &[FileRow]) -> String {
    let _ = rows;
    let header: Vec<String> = result.columns.iter().map(|c| c.display.clone()).collect();
    let mut lines: Vec<Option<Vec<String>>> = Vec::new();
    let mut group_lines: Vec<(usize, String)> = Vec::new();
    for g in &result.groups {
        if result.grouped {
            let key = g.key.as_ref().map(Value::to_text).unwrap_or_else(|| "None".into());
            group_lines.push((lines.len(), format!("## {key} ({})", g.rows.len())));
        }
        for row in &g.rows {
            lines.push(Some(row.cells.iter().map(cell_text).collect()));
        }
    }
    let summary: Option<Vec<String>> = has_any(&result.summaries).then(|| {
        result
            .columns
            .iter()
            .zip(&result.summaries)
            .map(|(c, s)| match (s, &c.summary) {
                (Some(v), Some(name)) if !matches!(v, Value::Null) => {
                    format!("{name} {}", cell_text(v))
                }
                _ => String::new(),
            })
            .collect()
    });
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for cells in lines.iter().flatten().chain(summary.iter()) {
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
            .collect();
        parts.join(" | ").trim_end().to_owned()
    };
    let mut out = String::new();
    out.push_str(&fmt_row(&header));
    out.push('\n');
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&rule.join("-+-"));
    out.push('\n');
    let mut groups = group_lines.into_iter().peekable();
    for (i, cells) in lines.iter().enumerate() {
        while let Some((_, title)) = groups.next_if(|(at, _)| *at == i) {
            out.push_str(&title);
            out.push('\n');
        }
        if let Some(cells) = cells {
            out.push_str(&fmt_row(cells));
            out.push('\n');
        }
    }
    if let Some(s) = summary {
        out.push_str(&rule.join("-+-"));
        out.push('\n');
        out.push_str(&fmt_row(&s));
        out.push('\n');
    }
    out
}

fn cell_text(v: &Value) -> String {
    let t = match v {
        Value::Bool(true) => "[x]".to_owned(),
        Value::Bool(false) => "[ ]".to_owned(),
        Value::Error(m) => format!("Error: {m}"),
        other => other.to_text(),
    };
    t.replace(['\n', '\r', '\t'], " ")
}
