//! `vellum_render` turns one parsed note into sanitized HTML: wikilinks and
//! embeds resolved through the vault, callouts, journal components, code
//! highlighting and math. The site crate decides URLs through [`Urls`].
//!
//! The pipeline for one note ([`render_note`]):
//!
//! 1. parse the body with comrak (the same options as `vellum_syntax`);
//! 2. rewrite the tree (`transform`): wikilinks and Markdown links become
//!    links to resolved URLs (unwritten notes get their own style, drafts that are
//!    not published become plain text), embeds are inlined (note, heading
//!    section, block, image; nested up to a depth, cycles stopped), callouts become
//!    `<div class="callout">` or `<details>`, code is highlighted with syntect
//!    (CSS classes, no JS), math becomes MathML, `%%comments%%` are dropped, inline
//!    `#tags` link to their pages, and links and tags inside the HTML components
//!    are rewritten like any other;
//!    headings get their `id`s (and `inline-keyword` spans in the components
//!    become links to keyword pages);
//! 3. render HTML with comrak and sanitize it with ammonia ([`sanitize()`]): the
//!    journal's components and classes survive, scripts, event handlers,
//!    `javascript:` URLs and iframes do not. Only what can hold the note's own
//!    HTML or URLs goes through ammonia; the blocks vellum rendered from
//!    Markdown and escaped itself are put back around it (the `safe` module
//!    explains why that is exactly as safe).

mod bases;
mod canvas;
mod highlight;
mod inert;
mod media;
mod mermaid;
mod properties;
mod safe;
mod sanitize;
mod transform;

pub use bases::{base_now, base_row, base_rows};
pub use highlight::highlight_css;
pub use sanitize::sanitize;

use vellum_vault::{FileId, NoteIdx, TextError, Vault};

/// Where things live in the output. The site implements this; the renderer
/// never invents a URL.
pub trait Urls: Sync {
    /// The URL of a note's page, or `None` when the note is not published
    /// (a draft in a build without `--drafts`): links to it render as text.
    fn note(&self, idx: NoteIdx) -> Option<String>;
    /// The URL of an attachment (image, PDF) copied to the output.
    fn attachment(&self, file: FileId) -> String;
    /// The URL of the page of an unwritten note.
    fn unwritten(&self, name: &str) -> String;
    /// The URL of a tag's page.
    fn tag(&self, tag: &str) -> String;
    /// The URL of a keyword's page.
    fn keyword(&self, keyword: &str) -> String;
    /// The renderer is about to look files up by this file name (a link's
    /// target, an Excalidraw export): what it renders depends on which files
    /// carry the name, which a site that keeps rendered bodies records. The
    /// default does nothing.
    fn looked_up(&self, _name: &str) {}
    /// The renderer read the vault's whole list of notes (a base chooses
    /// its rows from it): what it renders depends on every file there is.
    fn listed_all(&self) {}
}

/// English month names, January first: the months of [`Locale::default`]
/// (the same names Moment.js formats write). A site in another language
/// takes its names from its catalogue.
pub use vellum_bases::moment::MONTHS;

/// The words the renderer writes itself, in the site's language: how a date
/// reads (the properties table) and the label of a source card's "why it
/// matters" line. The site fills it from its catalogue; the default is
/// English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// Month names, January first, as they stand inside a date (`März`,
    /// `mars`, `3月`).
    pub months: [String; 12],
    /// How a date reads: `{day}`, `{month}` (a name from `months`) and
    /// `{year}` in the language's order (`{day} {month} {year}`,
    /// `{year}年{month}{day}日`).
    pub date: String,
    /// The label before a source card's "why it matters" text, with its
    /// punctuation (`Why it matters:`).
    pub source_why: String,
}

impl Default for Locale {
    fn default() -> Self {
        Self {
            months: MONTHS.map(str::to_owned),
            date: "{day} {month} {year}".to_owned(),
            source_why: "Why it matters:".to_owned(),
        }
    }
}

impl Locale {
    /// `date` as the language writes it: `1 March 2024`, `1. März 2024`,
    /// `2024年3月1日`. The one place a date becomes words (see [`fill`]).
    #[must_use]
    pub fn format_date(&self, date: jiff::civil::Date) -> String {
        let month = usize::try_from(date.month() - 1).ok().and_then(|m| self.months.get(m));
        fill(
            &self.date,
            &[("day", &date.day()), ("month", &month.map_or("", String::as_str)), ("year", &date.year())],
        )
    }
}

/// `text` with each `{name}` replaced by the value `values` gives for
/// `name`; unknown placeholders and lone braces stay as they are. How every
/// string of a site's catalogue gets its numbers and names (`{count} notes`).
#[must_use]
pub fn fill(text: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            rest = after;
            break;
        };
        match values.iter().find(|(name, _)| *name == &after[1..close]) {
            Some((_, value)) => {
                let _ = write!(out, "{value}");
            }
            None => out.push_str(&after[..=close]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Rendering settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RenderOptions {
    /// How deep `![[embeds]]` may nest before they render as links.
    pub max_embed_depth: usize,
    /// Which frontmatter properties the properties table shows, in order
    /// (`[site] properties`); `None`: every one outside the journal schema,
    /// except Publish's `publish` and `permalink` and names starting with `_`.
    pub properties: Option<Vec<String>>,
    /// Dates and labels in the site's language.
    pub locale: Locale,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { max_embed_depth: 3, properties: None, locale: Locale::default() }
    }
}

impl RenderOptions {
    /// The default options with the properties table set to `properties`.
    #[must_use]
    pub fn with_properties(mut self, properties: Option<Vec<String>>) -> Self {
        self.properties = properties;
        self
    }

    /// The default options with dates and labels in `locale`'s language.
    #[must_use]
    pub fn with_locale(mut self, locale: Locale) -> Self {
        self.locale = locale;
        self
    }
}

/// An entry of a note's table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading as plain text.
    pub text: String,
    /// The `id` of the heading element.
    pub id: String,
}

/// A rendered note body.
#[derive(Debug, Clone, Default)]
pub struct RenderedNote {
    /// The body as sanitized HTML (without the H1 title when it repeats the title).
    pub html: String,
    /// Headings below the title, for a table of contents.
    pub toc: Vec<TocEntry>,
    /// The properties table (a `<dl class="properties">`), empty when the
    /// note shows no properties; its links are rendered like the body's.
    pub properties: String,
}

/// Render the body of note `idx` (its text is [`Vault::text`]: in memory, or
/// read again when the vault was loaded with released texts).
///
/// # Errors
/// When the text of the note, or of a note it embeds, was released and is
/// no longer on disk as it was parsed (see [`Vault::text`]): a page made from
/// another text could not be trusted.
pub fn render_note(
    vault: &Vault,
    idx: NoteIdx,
    urls: &dyn Urls,
    opts: &RenderOptions,
) -> Result<RenderedNote, TextError> {
    let n = &vault.notes[idx];
    let cx = transform::Context { vault, urls, opts };
    let mut stack = vec![idx];
    if n.note.canvas.is_some() {
        // Its text is the JSON the board was parsed from: read again only to
        // be sure it is still the file that was parsed.
        vault.text(idx)?;
        let html = canvas::board(&cx, idx, &mut stack)?;
        return Ok(RenderedNote { html, toc: Vec::new(), properties: String::new() });
    }
    let text = vault.text(idx)?;
    if n.note.base {
        let (html, toc) = bases::render(&cx, &text, Some(idx), &bases::Views::All);
        return Ok(RenderedNote { html, toc, properties: String::new() });
    }
    let body = text.get(n.note.body.range()).unwrap_or("");
    let (html, toc) = transform::render_markdown(&cx, idx, &text, body, Some(&n.title), &mut stack)?;
    let properties = properties::table(&cx, idx);
    Ok(RenderedNote { html, toc, properties })
}

/// The anchor a heading gets in the output: the `id` of the heading and the
/// fragment of links to it. Its letters and digits (any script), lowercase,
/// with `-` between words; `section` for a heading with neither.
#[must_use]
pub fn heading_anchor(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let words = out.trim_end_matches('-');
    if words.is_empty() { "section".to_owned() } else { words.to_owned() }
}

/// Heading ids for a list of heading texts in document order, with `-1`, `-2`
/// suffixes for repeats, as the renderer assigns them.
#[must_use]
pub fn heading_ids<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    texts
        .into_iter()
        .map(|t| {
            let base = heading_anchor(t);
            let n = seen.entry(base.clone()).or_insert(0);
            let id = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
            *n += 1;
            id
        })
        .collect()
}

/// Escape text for HTML element content and attribute values.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    // Writing to a `String` cannot fail.
    let _ = write_escaped(&mut out, s);
    out
}

/// [`escape`] into `out`.
///
/// # Errors
/// Whatever `out` returns.
pub fn write_escaped<W: std::fmt::Write + ?Sized>(out: &mut W, s: &str) -> std::fmt::Result {
    write_replacing(out, s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    })
}

/// `s` into `out` with each ASCII byte that `replace` maps written as its
/// replacement, in runs: the text between two replaced bytes is written in one
/// piece. Non-ASCII bytes must map to `None` (they are never split).
///
/// # Errors
/// Whatever `out` returns.
pub fn write_replacing<W: std::fmt::Write + ?Sized>(
    out: &mut W,
    s: &str,
    replace: impl Fn(u8) -> Option<&'static str>,
) -> std::fmt::Result {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let Some(with) = replace(b).filter(|_| b.is_ascii()) else { continue };
        // `i` is an ASCII byte, so both slices end on character boundaries.
        out.write_str(&s[last..i])?;
        out.write_str(with)?;
        last = i + 1;
    }
    out.write_str(&s[last..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_locale_pattern() {
        let d = jiff::civil::date(2024, 3, 1);
        assert_eq!(Locale::default().format_date(d), "1 March 2024");
        let mut zh = Locale {
            months: std::array::from_fn(|m| format!("{}月", m + 1)),
            date: "{year}年{month}{day}日".to_owned(),
            ..Locale::default()
        };
        assert_eq!(zh.format_date(d), "2024年3月1日");
        zh.date = "{day}. {unknown} {year".to_owned();
        assert_eq!(zh.format_date(d), "1. {unknown} {year");
    }

    struct Plain;

    impl Urls for Plain {
        fn note(&self, idx: NoteIdx) -> Option<String> {
            Some(format!("/{idx}/"))
        }
        fn attachment(&self, _: FileId) -> String {
            "/a".to_owned()
        }
        fn unwritten(&self, _: &str) -> String {
            "/u".to_owned()
        }
        fn tag(&self, _: &str) -> String {
            "/t".to_owned()
        }
        fn keyword(&self, _: &str) -> String {
            "/k".to_owned()
        }
    }

    /// A released note whose file changed fails its own render and the
    /// render of every note that embeds it (a section of it too), naming it;
    /// a plain link to it reads no text and renders.
    #[test]
    fn a_changed_released_text_is_an_error_not_an_empty_body() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let files = [
            ("a.md", "# A\n\n![[b]]\n"),
            ("b.md", "# B\n\n## Part\n\nbody\n"),
            ("c.md", "# C\n\n![[b#Part]]\n"),
            ("d.md", "# D\n\n[[b]]\n"),
        ];
        for (name, text) in files {
            std::fs::write(tmp.path().join(name), text).expect("write");
        }
        let v = vellum_vault::load_with(tmp.path(), vellum_vault::Texts::Release).expect("loads");
        let idx = |p: &str| v.note_by_path(p).expect("note");
        let render = |p: &str| render_note(&v, idx(p), &Plain, &RenderOptions::default());
        assert!(render("a.md").expect("unchanged").html.contains("body"));
        std::fs::write(tmp.path().join("b.md"), "# B\n\n## Part\n\nedited\n").expect("write");
        for p in ["a.md", "b.md", "c.md"] {
            let e = render(p).expect_err("b changed");
            assert_eq!((e.path.as_str(), &e.kind), ("b.md", &vellum_vault::TextErrorKind::Changed), "{p}");
        }
        assert!(render("d.md").expect("a link reads no text").html.contains("href=\"/1/\""));
    }

    #[test]
    fn escape_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("plain — ünïcode"), "plain — ünïcode");
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("é<é>"), "é&lt;é&gt;");
        let mut s = String::from("pre:");
        write_escaped(&mut s, "&&").expect("a String accepts writes");
        assert_eq!(s, "pre:&amp;&amp;");
    }

    #[test]
    fn heading_anchors_keep_every_script_and_number_repeats() {
        assert_eq!(heading_anchor("How large is the moat?"), "how-large-is-the-moat");
        assert_eq!(heading_anchor("  Using `cargo` -- today "), "using-cargo-today");
        assert_eq!(heading_anchor("日本語ノート"), "日本語ノート");
        assert_eq!(heading_anchor("???"), "section");
        assert_eq!(heading_ids(["A", "a", "", "?"]), ["a", "a-1", "section", "section-1"]);
    }
}
