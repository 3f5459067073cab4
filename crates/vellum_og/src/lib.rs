//! Social cards: the Open Graph image of a page, as a PNG.
//!
//! A card shows a title, a summary (a note's core claim or description),
//! keywords as pills and the site's title on a plain background. The text is
//! laid out here — wrapped at word boundaries (inside a word only when the
//! word alone is wider than a line), at most [`TITLE_LINES`] and
//! [`SUMMARY_LINES`] lines, the last one ended with `…` when text is left
//! over — from the glyph advances of the bundled fonts ([`layout`]), then
//! drawn ([`png()`](fn@png)).
//!
//! Drawing is built for thousands of cards a build. A card has a handful of
//! colours, so it is drawn as an 8-bit palette image: the background is
//! palette entry 0 and each ink has a ramp of 15 blends over its ground, so
//! anti-aliased text costs one byte a pixel. Each glyph is rasterized once
//! per thread (per font, size and quarter-pixel offset) by `tiny-skia` from
//! the font's outline, and stamped from then on. The PNG's pixel stream is
//! written by this crate's own deflate encoder (`zlib`), which knows what
//! was stamped where: blank stretches are runs of zeros, and each row of a
//! glyph is encoded once per thread and copied as bits wherever the glyph
//! is drawn again. A card takes about a quarter of a millisecond.
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

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

mod zlib;

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider as _};

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
pub const VERSION: &str = concat!("vellum_og ", env!("CARGO_PKG_VERSION"), " layout 2");

/// Characters of a field read at most: enough for any card, and a bound on
/// the work a hostile (megabytes long) title can cause.
const MAX_CHARS: usize = 600;
/// Characters of a keyword read at most.
const MAX_KEYWORD_CHARS: usize = 40;

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

const BACKGROUND: Rgb = [0xfb, 0xfa, 0xf7];
const BAND: Rgb = [0x2f, 0x5f, 0xb3];
const INK: Rgb = [0x1d, 0x1f, 0x23];
const SOFT_INK: Rgb = [0x4a, 0x4f, 0x57];
const PILL_FILL: Rgb = [0xe4, 0xec, 0xfa];
const PILL_INK: Rgb = [0x24, 0x48, 0x7f];

type Rgb = [u8; 3];

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

/// The bundled fonts, read once per process.
struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Fonts {
    fn get(&self, weight: Weight) -> &FontRef<'static> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        // The bundled fonts are fixed bytes that parse (a unit test holds it).
        regular: FontRef::new(notosans::REGULAR_TTF).unwrap_or_else(|_| unreachable!()),
        bold: FontRef::new(notosans::BOLD_TTF).unwrap_or_else(|_| unreachable!()),
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

    /// The glyph of `c` and its advance width in pixels.
    fn glyph(&self, c: char) -> Option<(GlyphId, f32)> {
        let g = self.charmap.map(c)?;
        Some((g, self.glyphs.advance_width(g).unwrap_or(0.0)))
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

/// A face and size text is set in, and the ink it is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The title: bold, large, dark.
    Title,
    /// The summary: regular, softer ink.
    Summary,
    /// A keyword, on its pill.
    Keyword,
    /// The site's title, in the band's colour.
    Site,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Weight {
    Regular,
    Bold,
}

impl Style {
    fn weight(self) -> Weight {
        match self {
            Self::Title | Self::Site => Weight::Bold,
            Self::Summary | Self::Keyword => Weight::Regular,
        }
    }

    fn size(self) -> f32 {
        match self {
            Self::Title => TITLE_SIZE,
            Self::Summary => SUMMARY_SIZE,
            Self::Keyword => PILL_SIZE,
            Self::Site => SITE_SIZE,
        }
    }

    fn ramp(self) -> Ramp {
        match self {
            Self::Title => Ramp::Ink,
            Self::Summary => Ramp::Soft,
            Self::Keyword => Ramp::PillInk,
            Self::Site => Ramp::Band,
        }
    }

    fn metrics(self) -> Metrics {
        Metrics::new(fonts().get(self.weight()), self.size())
    }
}

/// One thing drawn on a card, in pixels from the top left corner.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Shape {
    /// A rectangle in the band's colour.
    Band { x: f32, y: f32, width: f32, height: f32 },
    /// A keyword's pill: a rectangle 40 pixels high with round ends.
    Pill { x: f32, y: f32, width: f32 },
    /// One line of text, its baseline starting at `(x, y)`.
    Text { x: f32, y: f32, style: Style, text: String },
}

/// A card laid out: what is drawn where, in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Every shape, in drawing order.
    pub shapes: Vec<Shape>,
}

impl Layout {
    /// The text of every line, in drawing order.
    #[must_use]
    pub fn texts(&self) -> Vec<&str> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, .. } => Some(text.as_str()),
                Shape::Band { .. } | Shape::Pill { .. } => None,
            })
            .collect()
    }
}

/// Lay the card out on [`WIDTH`] × [`HEIGHT`] pixels.
#[must_use]
pub fn layout(card: &SocialCard<'_>) -> Layout {
    let title_m = &Style::Title.metrics();
    let summary_m = &Style::Summary.metrics();
    let pill_m = &Style::Keyword.metrics();
    let site_m = &Style::Site.metrics();
    let inner = WIDTH as f32 - 2.0 * MARGIN;

    let site = clean(card.site, MAX_CHARS);
    let site = if drawable(site_m, &site) { site } else { String::new() };
    let title = clean(card.title, MAX_CHARS);
    let (title, site_line) = if drawable(title_m, &title) { (title, site) } else { (site, String::new()) };
    let summary = clean(card.summary, MAX_CHARS);
    let summary = if drawable(summary_m, &summary) { summary } else { String::new() };

    let mut shapes = vec![Shape::Band { x: 0.0, y: 0.0, width: WIDTH as f32, height: 14.0 }];
    let mut y = MARGIN + 14.0;
    for text in wrap(title_m, &title, inner, TITLE_LINES) {
        y += TITLE_SIZE * TITLE_LEADING;
        let baseline = y - TITLE_SIZE * (TITLE_LEADING - 1.0);
        shapes.push(Shape::Text { x: MARGIN, y: baseline, style: Style::Title, text });
    }
    if !summary.is_empty() {
        y += 18.0;
        for text in wrap(summary_m, &summary, inner, SUMMARY_LINES) {
            y += SUMMARY_SIZE * SUMMARY_LEADING;
            let baseline = y - SUMMARY_SIZE * (SUMMARY_LEADING - 1.0) / 2.0;
            shapes.push(Shape::Text { x: MARGIN, y: baseline, style: Style::Summary, text });
        }
    }

    // Keyword pills in one row above the footer, as many as fit.
    let pill_y = HEIGHT as f32 - MARGIN - SITE_SIZE - 28.0 - PILL_HEIGHT;
    let mut x = MARGIN;
    for k in card.keywords.iter().take(KEYWORDS) {
        let text = clean(k, MAX_KEYWORD_CHARS);
        if !drawable(pill_m, &text) {
            continue;
        }
        // In quarter pixels, as the pill's mask is kept.
        let width = ((pill_m.width(&text) + 2.0 * PILL_PAD) * 4.0).ceil() / 4.0;
        if x + width > MARGIN + inner {
            break;
        }
        shapes.push(Shape::Pill { x, y: pill_y, width });
        let baseline = pill_y + PILL_HEIGHT / 2.0 + PILL_SIZE * 0.36;
        shapes.push(Shape::Text { x: x + PILL_PAD, y: baseline, style: Style::Keyword, text });
        x += width + PILL_GAP;
    }

    if !site_line.is_empty() {
        let base = HEIGHT as f32 - MARGIN + 8.0;
        shapes.push(Shape::Band { x: MARGIN, y: base - SITE_SIZE * 0.9, width: 6.0, height: SITE_SIZE });
        if let Some(text) = wrap(site_m, &site_line, inner - 22.0, 1).into_iter().next() {
            shapes.push(Shape::Text { x: MARGIN + 22.0, y: base, style: Style::Site, text });
        }
    }
    Layout { shapes }
}

/// The card as a PNG of [`WIDTH`] × [`HEIGHT`] (8-bit palette colour).
///
/// # Errors
/// When the PNG cannot be encoded (it does not happen for a card this crate
/// laid out; the error is there so that a bug shows as a message, never as a
/// panic).
pub fn png(card: &SocialCard<'_>) -> Result<Vec<u8>, OgError> {
    let layout = layout(card);
    CANVAS.with_borrow_mut(|canvas| {
        // The canvas is blank between cards: each card wipes what it drew.
        canvas.resize(STRIDE * HEIGHT as usize, 0);
        let mut placed = Vec::with_capacity(256);
        for shape in &layout.shapes {
            draw(canvas, &mut placed, shape);
        }
        let png = encode(canvas, &mut placed);
        for p in &placed {
            for y in p.y.0..p.y.1 {
                canvas[y * STRIDE + 1 + p.x.0..y * STRIDE + 1 + p.x.1].fill(0);
            }
        }
        png
    })
}

thread_local! {
    /// Each thread's card, kept blank between cards (it is 0.75 MB): [`HEIGHT`]
    /// rows of [`STRIDE`] bytes, each a PNG filter byte (0, none) and
    /// [`WIDTH`] palette indices.
    static CANVAS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Each thread's rasterized glyphs and shapes.
    static MASKS: RefCell<HashMap<MaskKey, Option<Rc<Coverage>>>> = RefCell::new(HashMap::new());
}

/// The palette ramps: an ink blended over its ground in 15 steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ramp {
    /// A pill's fill over the background (its round edges).
    Fill,
    /// The band's colour over the background.
    Band,
    /// The title's ink over the background.
    Ink,
    /// The summary's ink over the background.
    Soft,
    /// A keyword's ink over its pill.
    PillInk,
}

/// Bytes a row of the canvas takes: the filter byte and the pixels.
const STRIDE: usize = WIDTH as usize + 1;

/// Steps of a ramp: coverage is kept at this many levels besides none.
const LEVELS: u8 = 15;

impl Ramp {
    const ALL: [Self; 5] = [Self::Fill, Self::Band, Self::Ink, Self::Soft, Self::PillInk];

    /// The palette index of `level` (1..=[`LEVELS`]) of this ramp. A ramp
    /// drawn over another's full level comes after it in the palette, so
    /// that the higher index is always the one to keep where shapes meet.
    fn index(self, level: u8) -> u8 {
        1 + self as u8 * LEVELS + (level - 1)
    }

    fn colours(self) -> (Rgb, Rgb) {
        match self {
            Self::Fill => (PILL_FILL, BACKGROUND),
            Self::Band => (BAND, BACKGROUND),
            Self::Ink => (INK, BACKGROUND),
            Self::Soft => (SOFT_INK, BACKGROUND),
            Self::PillInk => (PILL_INK, PILL_FILL),
        }
    }
}

/// The PNG palette: the background, then every ramp's levels.
fn palette() -> &'static [u8] {
    static PALETTE: OnceLock<Vec<u8>> = OnceLock::new();
    PALETTE.get_or_init(|| {
        let mut out = BACKGROUND.to_vec();
        for ramp in Ramp::ALL {
            let (ink, ground) = ramp.colours();
            for level in 1..=LEVELS {
                for (i, g) in ink.iter().zip(ground) {
                    let (i, g, l) = (u32::from(*i), u32::from(g), u32::from(level));
                    let mixed =
                        (i * l + g * (u32::from(LEVELS) - l) + u32::from(LEVELS) / 2) / u32::from(LEVELS);
                    out.push(u8::try_from(mixed).unwrap_or(u8::MAX));
                }
            }
        }
        out
    })
}

/// A coverage mask at a place: levels 0..=[`LEVELS`], row by row.
#[derive(Debug)]
struct Coverage {
    left: i32,
    top: i32,
    width: usize,
    levels: Vec<u8>,
    /// Its rows in a ramp, encoded on first use: the ramp's first index
    /// and the rows.
    encoded: RefCell<Option<(u8, Vec<MaskRow>)>>,
}

/// A row of a mask, encoded: its pixels from `ink.0` to `ink.1` (those past
/// its first and last inked one are zeros, written with the blank around it).
#[derive(Debug)]
struct MaskRow {
    ink: (usize, usize),
    code: zlib::Encoded,
}

impl Coverage {
    /// Fill `path` (in pixels, already placed) anti-aliased.
    fn of(path: &tiny_skia::Path) -> Option<Self> {
        let b = path.bounds();
        let left = b.left().floor();
        let top = b.top().floor();
        let width = (b.right().ceil() - left).max(1.0);
        let height = (b.bottom().ceil() - top).max(1.0);
        let mut mask = tiny_skia::Mask::new(width as u32, height as u32)?;
        mask.fill_path(
            path,
            tiny_skia::FillRule::Winding,
            true,
            tiny_skia::Transform::from_translate(-left, -top),
        );
        let levels = mask.data().iter().map(|&a| level(a)).collect();
        Some(Self {
            left: left as i32,
            top: top as i32,
            width: width as usize,
            levels,
            encoded: RefCell::new(None),
        })
    }

    /// Its rows as palette indices of `ramp`, each encoded on its own, as
    /// if after a zero and under its row before (the first under nothing).
    fn encode_rows(&self, ramp: Ramp) -> Vec<MaskRow> {
        let base = ramp.index(1) - 1;
        let mut above: Option<Vec<u8>> = None;
        self.levels
            .chunks(self.width)
            .map(|row| {
                let row: Vec<u8> = row.iter().map(|&l| if l == 0 { 0 } else { base + l }).collect();
                let start = row.iter().position(|&b| b != 0).unwrap_or(row.len());
                let end = row.iter().rposition(|&b| b != 0).map_or(start, |e| e + 1);
                let code =
                    zlib::Encoded::new(&row[start..end], above.as_ref().map(|a| &a[start..end]), STRIDE);
                above = Some(row);
                MaskRow { ink: (start, end), code }
            })
            .collect()
    }

    /// Draw it on `canvas` in `ramp`, moved by `(dx, dy)`; clipped to the card.
    fn stamp(self: &Rc<Self>, canvas: &mut [u8], placed: &mut Vec<Placed>, ramp: Ramp, dx: i32, dy: i32) {
        let base = ramp.index(1) - 1;
        let (w, h) = (self.width as i32, (self.levels.len() / self.width) as i32);
        let (left, top) = (self.left + dx, self.top + dy);
        let (x0, x1) = (left.max(0), (left + w).min(WIDTH as i32));
        let (y0, y1) = (top.max(0), (top + h).min(HEIGHT as i32));
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        placed.push(Placed {
            coverage: Rc::clone(self),
            ramp,
            x: (x0 as usize, x1 as usize),
            y: (y0 as usize, y1 as usize),
            top: top as usize,
            whole: (x0, x1, y0, y1) == (left, left + w, top, top + h),
            alone: true,
        });
        let (from, to) = ((x0 - left) as usize, (x1 - left) as usize);
        for y in y0..y1 {
            let src = &self.levels[(y - top) as usize * self.width..][from..to];
            let at = y as usize * STRIDE + 1;
            let dst = &mut canvas[at + x0 as usize..at + x1 as usize];
            // Branch-free, so that it compiles to vector instructions.
            for (d, &l) in dst.iter_mut().zip(src) {
                let ink = (base + l) & 0u8.wrapping_sub(u8::from(l != 0));
                *d = (*d).max(ink);
            }
        }
    }
}

/// A coverage byte (0..=255) as a level (0..=[`LEVELS`]).
fn level(alpha: u8) -> u8 {
    let l = (u32::from(alpha) * u32::from(LEVELS) + 127) / 255;
    u8::try_from(l).unwrap_or(LEVELS)
}

/// Which mask: a glyph (font, size, glyph) or a shape (its size), and its
/// offset from the pixel grid in quarter pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum MaskKey {
    Glyph { weight: Weight, size: u32, glyph: u32, quarter: u8 },
    Band { width: u32, height: u32, quarters: (u8, u8) },
    Pill { width: u32, quarters: (u8, u8) },
}

/// The mask of `key`, rasterized on first use in this thread; `None` for
/// one with no ink (a space).
fn mask(key: MaskKey) -> Option<Rc<Coverage>> {
    MASKS.with_borrow_mut(|cache| {
        // Glyphs are few; pills are one per keyword: a bound on the memory
        // a vault of many keywords takes, far above what glyphs need.
        if cache.len() >= MAX_MASKS {
            cache.clear();
        }
        cache.entry(key).or_insert_with(|| rasterize(key).map(Rc::new)).clone()
    })
}

/// Masks a thread keeps at most.
const MAX_MASKS: usize = 8192;

fn rasterize(key: MaskKey) -> Option<Coverage> {
    let quarter = |q: u8| f32::from(q) / 4.0;
    let path = match key {
        MaskKey::Glyph { weight, size, glyph, quarter: q } => {
            let outline = fonts().get(weight).outline_glyphs().get(GlyphId::new(glyph))?;
            let mut pen = Pen { path: tiny_skia::PathBuilder::new(), dx: quarter(q) };
            let size = Size::new(f32::from_bits(size));
            outline.draw(DrawSettings::unhinted(size, LocationRef::default()), &mut pen).ok()?;
            pen.path.finish()?
        }
        MaskKey::Band { width, height, quarters: (qx, qy) } => {
            tiny_skia::PathBuilder::from_rect(tiny_skia::Rect::from_xywh(
                quarter(qx),
                quarter(qy),
                f32::from_bits(width),
                f32::from_bits(height),
            )?)
        }
        MaskKey::Pill { width, quarters: (qx, qy) } => pill(quarter(qx), quarter(qy), f32::from_bits(width))?,
    };
    Coverage::of(&path)
}

/// `v` as a whole pixel and the quarter pixels past it.
fn split(v: f32) -> (i32, u8) {
    let whole = v.floor();
    (whole as i32, ((v - whole) * 4.0) as u8 & 3)
}

/// Collects a glyph outline as a `tiny-skia` path (font units are y-up).
struct Pen {
    path: tiny_skia::PathBuilder,
    dx: f32,
}

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.move_to(x + self.dx, -y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.path.line_to(x + self.dx, -y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.path.quad_to(cx0 + self.dx, -cy0, x + self.dx, -y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.path.cubic_to(cx0 + self.dx, -cy0, cx1 + self.dx, -cy1, x + self.dx, -y);
    }
    fn close(&mut self) {
        self.path.close();
    }
}

fn draw(canvas: &mut [u8], placed: &mut Vec<Placed>, shape: &Shape) {
    match shape {
        Shape::Band { x, y, width, height } => {
            let ((x, qx), (y, qy)) = (split(*x), split(*y));
            let key = MaskKey::Band { width: width.to_bits(), height: height.to_bits(), quarters: (qx, qy) };
            if let Some(m) = mask(key) {
                m.stamp(canvas, placed, Ramp::Band, x, y);
            }
        }
        Shape::Pill { x, y, width } => {
            let ((x, qx), (y, qy)) = (split(*x), split(*y));
            if let Some(m) = mask(MaskKey::Pill { width: width.to_bits(), quarters: (qx, qy) }) {
                m.stamp(canvas, placed, Ramp::Fill, x, y);
            }
        }
        Shape::Text { x, y, style, text } => {
            let m = style.metrics();
            let (size, weight, ramp) = (style.size().to_bits(), style.weight(), style.ramp());
            let baseline = y.round() as i32;
            let mut pen_x = *x;
            for c in text.chars() {
                let Some((g, advance)) = m.glyph(c) else { continue };
                let (x, quarter) = split(pen_x);
                if let Some(glyph) = mask(MaskKey::Glyph { weight, size, glyph: g.to_u32(), quarter }) {
                    glyph.stamp(canvas, placed, ramp, x, baseline);
                }
                pen_x += advance;
            }
        }
    }
}

/// A rectangle [`PILL_HEIGHT`] high with half-circle ends.
fn pill(x: f32, y: f32, width: f32) -> Option<tiny_skia::Path> {
    let r = PILL_HEIGHT / 2.0;
    // Control distance of a quarter circle drawn as one cubic Bézier.
    let k = 0.552_284_8 * r;
    let (right, bottom) = (x + width, y + PILL_HEIGHT);
    let mut p = tiny_skia::PathBuilder::new();
    p.move_to(x + r, y);
    p.line_to(right - r, y);
    p.cubic_to(right - r + k, y, right, y + r - k, right, y + r);
    p.cubic_to(right, y + r + k, right - r + k, bottom, right - r, bottom);
    p.line_to(x + r, bottom);
    p.cubic_to(x + r - k, bottom, x, y + r + k, x, y + r);
    p.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    p.close();
    p.finish()
}

/// A mask stamped on the canvas: where, and whether it is alone there.
struct Placed {
    coverage: Rc<Coverage>,
    ramp: Ramp,
    /// Pixels it covers, clipped to the card: `[x.0, x.1)` × `[y.0, y.1)`.
    x: (usize, usize),
    y: (usize, usize),
    /// The row of the card its first row is on.
    top: usize,
    /// Whether it lies wholly on the card.
    whole: bool,
    /// Whether no other mask's rectangle meets its own: then the card's
    /// pixels there are its own, and its rows encoded once stand for them.
    alone: bool,
}

/// `canvas` (its rows led by filter bytes) as an 8-bit palette PNG.
///
/// The pixels are one zlib stream, written a row at a time: blank stretches
/// as runs of zeros, each mask that lies alone as its rows encoded once per
/// thread (a glyph is drawn many times a card, and in card after card), and
/// where masks meet (a keyword on its pill), the pixels parsed afresh.
fn encode(canvas: &[u8], placed: &mut [Placed]) -> Result<Vec<u8>, OgError> {
    mark_alone(placed);
    placed.sort_by_key(|p| p.y.0);
    let mut z = zlib::Stream::new(STRIDE);
    let mut next = 0;
    let mut active: Vec<usize> = Vec::new();
    for y in 0..HEIGHT as usize {
        let before = active.len();
        active.retain(|&k| placed[k].y.1 > y);
        let mut changed = before != active.len();
        while next < placed.len() && placed[next].y.0 <= y {
            active.push(next);
            next += 1;
            changed = true;
        }
        if changed {
            active.sort_by_key(|&k| placed[k].x.0);
        }
        // The filter byte.
        z.zeros(1);
        let row = y * STRIDE + 1;
        let mut x = 0;
        let mut k = 0;
        while k < active.len() {
            let first = &placed[active[k]];
            let (start, mut end) = first.x;
            k += 1;
            let mut single = true;
            while k < active.len() && placed[active[k]].x.0 < end {
                end = end.max(placed[active[k]].x.1);
                single = false;
                k += 1;
            }
            z.zeros(start.saturating_sub(x));
            let start = start.max(x);
            if start >= end {
                continue;
            }
            let at = row + start;
            if single && first.alone && first.whole && start == first.x.0 && canvas[at - 1] == 0 {
                encoded_row(&mut z, first, y);
            } else {
                let above = y.checked_sub(1).map(|_| &canvas[at - STRIDE..at - STRIDE + end - start]);
                z.span(&canvas[at..row + end], Some(canvas[at - 1]), above);
            }
            x = end;
        }
        z.zeros(WIDTH as usize - x);
    }
    let pixels = z.finish(simd_adler32::adler32(&canvas));
    let mut bytes = Vec::with_capacity(pixels.len() + 512);
    let mut enc = png::Encoder::new(&mut bytes, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_palette(palette());
    let mut w = enc.write_header().map_err(|e| OgError(e.to_string()))?;
    w.write_chunk(png::chunk::IDAT, &pixels).map_err(|e| OgError(e.to_string()))?;
    w.finish().map_err(|e| OgError(e.to_string()))?;
    Ok(bytes)
}

/// Write row `y` of the card from `p`'s rows encoded before (encoding them
/// now when they are not).
fn encoded_row(z: &mut zlib::Stream, p: &Placed, y: usize) {
    let base = p.ramp.index(1);
    let mut memo = p.coverage.encoded.borrow_mut();
    if memo.as_ref().is_none_or(|(b, _)| *b != base) {
        *memo = Some((base, p.coverage.encode_rows(p.ramp)));
    }
    if let Some((_, rows)) = memo.as_ref()
        && let Some(row) = rows.get(y - p.top)
    {
        z.zeros(row.ink.0);
        z.encoded(&row.code);
        z.zeros(p.x.1 - p.x.0 - row.ink.1);
    }
}

/// Mark which of `placed` meet no other's rectangle.
fn mark_alone(placed: &mut [Placed]) {
    placed.sort_by_key(|p| p.x.0);
    for a in 0..placed.len() {
        for b in a + 1..placed.len() {
            if placed[b].x.0 >= placed[a].x.1 {
                break;
            }
            if placed[a].y.0 < placed[b].y.1 && placed[b].y.0 < placed[a].y.1 {
                placed[a].alone = false;
                placed[b].alone = false;
            }
        }
    }
}

#[cfg(test)]
mod tests;
