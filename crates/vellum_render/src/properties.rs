//! The properties table of a note's page: its frontmatter properties as
//! Obsidian's properties view shows them, one row each — links as links (a
//! draft that is not published as its text), lists as chips, dates as dates,
//! checkboxes as checkboxes, URLs as links out.
//!
//! The journal schema's fields (title, tags, keywords, dates, description,
//! …) are not rows: the theme shows them in places of their own. Which other
//! properties get a row is [`RenderOptions::properties`].

use std::fmt::Write as _;

use serde_json::Value;
use vellum_syntax::LinkKind;
use vellum_syntax::frontmatter::parse_date;
use vellum_syntax::property_links::links_in_value;
use vellum_vault::NoteIdx;

use crate::transform::{Context, default_display, link_html};
use crate::{RenderOptions, escape};

/// Properties Obsidian Publish reads as settings rather than content: no row
/// unless [`RenderOptions::properties`] names them.
const SETTINGS: &[&str] = &["publish", "permalink"];

/// The names of the properties of note `idx` that get a row, in order.
fn shown<'a>(cx: &Context<'a>, idx: NoteIdx, opts: &'a RenderOptions) -> Vec<(&'a str, &'a Value)> {
    let other = &cx.vault.notes[idx].note.properties.other;
    let present = |name: &str| other.get(name).map(|f| &f.value).filter(|v| !is_empty(v));
    match &opts.properties {
        Some(names) => names.iter().filter_map(|n| Some((n.as_str(), present(n)?))).collect(),
        None => other
            .iter()
            .filter(|(k, _)| !k.starts_with('_') && !SETTINGS.contains(&k.as_str()))
            .filter_map(|(k, _)| Some((k.as_str(), present(k)?)))
            .collect(),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.iter().all(is_empty),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// The `<dl class="properties">` of note `idx`, or an empty string when it
/// shows none.
pub(crate) fn table(cx: &Context<'_>, idx: NoteIdx) -> String {
    let rows = shown(cx, idx, cx.opts);
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from("<dl class=\"properties\">\n");
    for (name, value) in rows {
        let (kind, html) = match value {
            Value::Array(items) => {
                let mut chips = String::from("<ul class=\"chips property-chips\">");
                for item in items.iter().filter(|v| !is_empty(v)) {
                    let _ = write!(chips, "<li class=\"chip\">{}</li>", scalar(cx, idx, item).1);
                }
                chips.push_str("</ul>");
                ("list", chips)
            }
            v => scalar(cx, idx, v),
        };
        let _ = writeln!(
            out,
            "<div class=\"property property-{kind}\"><dt>{}</dt><dd>{html}</dd></div>",
            escape(name)
        );
    }
    out.push_str("</dl>");
    out
}

/// One value as HTML, with the kind of value it is (for a CSS class).
fn scalar(cx: &Context<'_>, idx: NoteIdx, v: &Value) -> (&'static str, String) {
    match v {
        Value::Bool(b) => {
            let checked = if *b { " checked" } else { "" };
            ("checkbox", format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{b}\">"))
        }
        Value::Number(n) => ("number", escape(&n.to_string())),
        Value::String(s) => string(cx, idx, s.trim()),
        // The unquoted `[[Note]]`, which YAML reads as a list holding one text.
        Value::Array(items) => match items.as_slice() {
            [Value::String(s)] => string(cx, idx, &format!("[[{}]]", s.trim())),
            _ => ("text", escape(&v.to_string())),
        },
        Value::Object(_) | Value::Null => ("text", escape(&v.to_string())),
    }
}

/// A text value: a date, a URL, or text whose links become links.
fn string(cx: &Context<'_>, idx: NoteIdx, s: &str) -> (&'static str, String) {
    if let Some(d) = parse_date(s) {
        let mut shown = cx.opts.locale.format_date(d);
        if let Some(t) = s.get(10..).map(|t| t.trim_start_matches(['T', 't', ' '])).filter(|t| !t.is_empty())
        {
            shown.push(' ');
            shown.push_str(t);
        }
        return ("date", format!("<time datetime=\"{}\">{}</time>", escape(s), escape(&shown)));
    }
    if (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace) {
        return (
            "url",
            format!("<a class=\"external\" href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>", escape(s)),
        );
    }
    let links = links_in_value(s);
    if links.is_empty() {
        return ("text", escape(s));
    }
    let mut out = String::new();
    let mut last = 0;
    for link in &links {
        out.push_str(&escape(&s[last..link.span.start]));
        let r = crate::transform::resolve(cx, idx, link);
        let display = match link.kind {
            LinkKind::Wiki | LinkKind::Embed => link.display.clone().unwrap_or_else(|| default_display(link)),
            LinkKind::Markdown | LinkKind::MarkdownEmbed => link.display.clone().unwrap_or_default(),
        };
        out.push_str(&link_html(cx, link, &r, &display));
        last = link.span.end;
    }
    out.push_str(&escape(&s[last..]));
    ("link", out)
}
