//! Social cards: the Open Graph image of a page, as a PNG.
//!
//! A card shows a title, a summary (a note's core claim or description),
//! keywords as pills and the site's title on a plain background. The text is
//! laid out here — wrapped at word boundaries (inside a word only when the
//! word alone is wider than a line), at most [`TITLE_LINES`] and
//! [`SUMMARY_LINES`] lines, the last one ended with `…` when text is left
//! over — from the glyph advances of the bundled fonts, then written as an
//! SVG (every string XML-escaped) that `resvg` rasterizes.
//!
//! Only the bundled Noto Sans (regular and bold, SIL Open Font License, from
//! the `notosans` crate) is ever loaded, never a system font, so the same card
//! gives the same bytes on every machine. Noto Sans covers the Latin, Greek
//! and Cyrillic scripts; it has no Chinese, Japanese or Korean glyphs (a font
//! that has them is tens of megabytes). A field holding a character the font
//! cannot draw is left off the card instead of being drawn as empty boxes; a
//! title that cannot be drawn gives way to the site's title.
//!
//! This crate knows nothing of vaults: `vellum_site` decides what a card says.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider as _};
use usvg::fontdb;

/// Width of a card in pixels (what Open Graph and X recommend).
pub const WIDTH: u32 = 1200;
/// Height of a card in pixels.
pub const HEIGHT: u32 = 630;
/// Most lines a title takes.
pub const TITLE_LINES: usize = 3;
/// Most lines a summary takes.
pub const SUMMARY_LINES: usize = 3;
/// Most keyword pills shown.
pub const KEYWORDS: usize = 6;

/// Changes whenever a card's look changes: part of every cache key of a card.
pub const VERSION: &str = concat!("vellum_og ", env!("CARGO_PKG_VERSION"), " layout 1");

/// Characters of a field read at most: enough for any card, and a bound on
/// the work a hostile (megabytes long) title can cause.
const MAX_CHARS: usize = 600;
/// Characters of a keyword read at most.
const MAX_KEYWORD_CHARS: usize = 40;

const FAMILY: &str = "Noto Sans";
const MARGIN: f32 = 72.0;
const TITLE_SIZE: f32 = 60.0;
const TITLE_LEADING: f32 = 1.18;
const SUMMARY_SIZE: f32 = 30.0;
const SUMMARY_LEADING: f32 = 1.4;
const PILL_SIZE: f32 = 22.0;
const PILL_PAD: f32 = 16.0;
const PILL_HEIGHT: f32 = 40.0;
const PILL_GAP: f32 = 12.0;
const SITE_SIZE: f32 = 26.0;

const BACKGROUND: &str = "#fbfaf7";
const BAND: &str = "#2f5fb3";
const INK: &str = "#1d1f23";
const SOFT_INK: &str = "#4a4f57";
const PILL_FILL: &str = "#e4ecfa";
const PILL_INK: &str = "#24487f";

/// What a card says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SocialCard<'a> {
    /// The page's title, in large bold type.
    pub title: &'a str,
    /// A sentence or two under it (a core claim, a description); may be empty.
    pub summary: &'a str,
    /// Keywords, shown as pills (the first [`KEYWORDS`] that fit).
    pub keywords: &'a [String],
    /// The site's title, at the bottom.
    pub site: &'a str,
}

/// Rendering a card failed.
#[derive(Debug)]
pub struct OgError(String);

impl std::fmt::Display for OgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "social card: {}", self.0)
    }
}

impl std::error::Error for OgError {}

/// The bundled fonts, loaded once per process.
struct Fonts {
    db: Arc<fontdb::Database>,
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_source(fontdb::Source::Binary(Arc::new(notosans::REGULAR_TTF)));
        db.load_font_source(fontdb::Source::Binary(Arc::new(notosans::BOLD_TTF)));
        db.set_sans_serif_family(FAMILY);
        Fonts {
            db: Arc::new(db),
            // The bundled fonts are fixed bytes that parse (a unit test holds it).
            regular: FontRef::new(notosans::REGULAR_TTF).unwrap_or_else(|_| unreachable!()),
            bold: FontRef::new(notosans::BOLD_TTF).unwrap_or_else(|_| unreachable!()),
        }
    })
}

/// A font at a size: measures text.
#[derive(Clone)]
struct Metrics {
    charmap: skrifa::charmap::Charmap<'static>,
    glyphs: GlyphMetrics<'static>,
}

impl Metrics {
    fn new(font: &FontRef<'static>, size: f32) -> Self {
        Self { charmap: font.charmap(), glyphs: font.glyph_metrics(Size::new(size), LocationRef::default()) }
    }

    /// Whether the font has a glyph for `c` (white space always counts).
    fn covers(&self, c: char) -> bool {
        c.is_whitespace() || self.charmap.map(c).is_some()
    }

    /// Advance width of `c` in pixels.
    fn advance(&self, c: char) -> f32 {
        self.charmap.map(c).and_then(|g| self.glyphs.advance_width(g)).unwrap_or(0.0)
    }

    fn width(&self, s: &str) -> f32 {
        s.chars().map(|c| self.advance(c)).sum()
    }
}

/// `s` with white space runs made single spaces, trimmed, and cut to `max` characters.
fn clean(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, word) in s.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > max * 4 {
            break;
        }
    }
    match out.char_indices().nth(max) {
        Some((at, _)) => out[..at].to_owned(),
        None => out,
    }
}

/// Whether every character of `s` can be drawn (and it is not empty).
fn drawable(m: &Metrics, s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| m.covers(c) && !c.is_control())
}

/// `text` wrapped into lines no wider than `width`, at most `max` of them;
/// when text is left over, the last line ends with `…`.
fn wrap(m: &Metrics, text: &str, width: f32, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    let space = m.advance(' ');
    let mut words = text.split(' ').filter(|w| !w.is_empty()).peekable();
    let mut left_over = false;
    'words: for word in words.by_ref() {
        let w = m.width(word);
        let gap = if line.is_empty() { 0.0 } else { space };
        if line_w + gap + w <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_w += gap + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
            if lines.len() == max {
                left_over = true;
                break;
            }
        }
        if w <= width {
            line.push_str(word);
            line_w = w;
            continue;
        }
        // A word wider than a line: break it between characters.
        for c in word.chars() {
            let cw = m.advance(c);
            if line_w + cw > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
                if lines.len() == max {
                    left_over = true;
                    break 'words;
                }
            }
            line.push(c);
            line_w += cw;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if left_over || words.peek().is_some() {
        ellipsize(m, &mut lines, width);
    }
    lines
}

/// End the last of `lines` with `…`, dropping characters until it fits.
fn ellipsize(m: &Metrics, lines: &mut [String], width: f32) {
    let Some(last) = lines.last_mut() else { return };
    let dots = m.advance('…');
    while !last.is_empty() && m.width(last) + dots > width {
        last.pop();
    }
    let kept = last.trim_end().len();
    last.truncate(kept);
    last.push('…');
}

/// `s` escaped for XML text and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The card laid out, as an SVG document of [`WIDTH`] × [`HEIGHT`].
#[must_use]
pub fn svg(card: &SocialCard<'_>) -> String {
    let f = fonts();
    let title_m = &Metrics::new(&f.bold, TITLE_SIZE);
    let summary_m = &Metrics::new(&f.regular, SUMMARY_SIZE);
    let pill_m = &Metrics::new(&f.regular, PILL_SIZE);
    let site_m = &Metrics::new(&f.bold, SITE_SIZE);
    let inner = WIDTH as f32 - 2.0 * MARGIN;

    let site = clean(card.site, MAX_CHARS);
    let site = if drawable(site_m, &site) { site } else { String::new() };
    let title = clean(card.title, MAX_CHARS);
    let (title, site_line) = if drawable(title_m, &title) { (title, site) } else { (site, String::new()) };
    let summary = clean(card.summary, MAX_CHARS);
    let summary = if drawable(summary_m, &summary) { summary } else { String::new() };

    let mut out = String::with_capacity(2048);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">"#
    );
    let _ = write!(out, r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>"#);
    let _ = write!(out, r#"<rect width="{WIDTH}" height="14" fill="{BAND}"/>"#);

    let mut y = MARGIN + 14.0;
    let title_lines = wrap(title_m, &title, inner, TITLE_LINES);
    for line in &title_lines {
        y += TITLE_SIZE * TITLE_LEADING;
        text(&mut out, MARGIN, y - TITLE_SIZE * (TITLE_LEADING - 1.0), TITLE_SIZE, 700, INK, line);
    }
    if !summary.is_empty() {
        y += 18.0;
        for line in wrap(summary_m, &summary, inner, SUMMARY_LINES) {
            y += SUMMARY_SIZE * SUMMARY_LEADING;
            text(
                &mut out,
                MARGIN,
                y - SUMMARY_SIZE * (SUMMARY_LEADING - 1.0) / 2.0,
                SUMMARY_SIZE,
                400,
                SOFT_INK,
                &line,
            );
        }
    }

    // Keyword pills in one row above the footer, as many as fit.
    let pill_y = HEIGHT as f32 - MARGIN - SITE_SIZE - 28.0 - PILL_HEIGHT;
    let mut x = MARGIN;
    for k in card.keywords.iter().take(KEYWORDS) {
        let k = clean(k, MAX_KEYWORD_CHARS);
        if !drawable(pill_m, &k) {
            continue;
        }
        let w = pill_m.width(&k) + 2.0 * PILL_PAD;
        if x + w > MARGIN + inner {
            break;
        }
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{pill_y:.1}" width="{w:.1}" height="{PILL_HEIGHT}" rx="{r}" fill="{PILL_FILL}"/>"#,
            r = PILL_HEIGHT / 2.0
        );
        text(
            &mut out,
            x + PILL_PAD,
            pill_y + PILL_HEIGHT / 2.0 + PILL_SIZE * 0.36,
            PILL_SIZE,
            400,
            PILL_INK,
            &k,
        );
        x += w + PILL_GAP;
    }

    if !site_line.is_empty() {
        let base = HEIGHT as f32 - MARGIN + 8.0;
        let _ = write!(
            out,
            r#"<rect x="{MARGIN}" y="{y:.1}" width="6" height="{SITE_SIZE}" fill="{BAND}"/>"#,
            y = base - SITE_SIZE * 0.9
        );
        let line = wrap(site_m, &site_line, inner - 22.0, 1);
        if let Some(line) = line.first() {
            text(&mut out, MARGIN + 22.0, base, SITE_SIZE, 700, BAND, line);
        }
    }
    out.push_str("</svg>");
    out
}

/// One line of text at baseline `(x, y)`.
fn text(out: &mut String, x: f32, y: f32, size: f32, weight: u16, fill: &str, s: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" font-family="{FAMILY}" font-size="{size}" font-weight="{weight}" fill="{fill}" xml:space="preserve">{}</text>"#,
        escape(s)
    );
}

/// The card as a PNG of [`WIDTH`] × [`HEIGHT`] (opaque RGB, 8 bits a channel).
///
/// # Errors
/// When the SVG cannot be read back or the PNG not encoded (neither happens
/// for a card this crate laid out; the error is there so that a bug shows as
/// a message, never as a panic).
pub fn png(card: &SocialCard<'_>) -> Result<Vec<u8>, OgError> {
    render_svg(&svg(card))
}

/// Rasterize an SVG this crate made into a PNG.
fn render_svg(svg: &str) -> Result<Vec<u8>, OgError> {
    let f = fonts();
    let opts =
        usvg::Options { fontdb: f.db.clone(), font_family: FAMILY.to_owned(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &opts).map_err(|e| OgError(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
        .ok_or_else(|| OgError("cannot allocate the image".to_owned()))?;
    resvg::render(&tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
    // The background is opaque: keep the colour channels only.
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let mut bytes = Vec::with_capacity(64 << 10);
    {
        let mut enc = png::Encoder::new(&mut bytes, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header().map_err(|e| OgError(e.to_string()))?;
        w.write_image_data(&rgb).map_err(|e| OgError(e.to_string()))?;
        w.finish().map_err(|e| OgError(e.to_string()))?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
