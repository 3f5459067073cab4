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
//! per thread (per style and half-pixel offset) by `tiny-skia` from the
//! font's outline; each word of a line is drawn from its glyphs once per
//! thread as one mask (per style and half-pixel start), and each keyword on
//! its pill too: a journal's cards repeat their words. The PNG's pixel
//! stream is written by this crate's own deflate encoder (`zlib`), which
//! knows what is drawn where: blank stretches are runs of zeros, and each row
//! of a mask is encoded once per thread and copied as bits wherever the mask
//! is drawn again (a word's rows are its glyphs' rows joined, so a word met
//! for the first time costs about what its glyphs do). Only where masks meet
//! (glyphs or words whose boxes overlap) are pixels drawn and parsed; the
//! checksum is kept from the pieces, so the blank card is never read. A card
//! of words met before takes about a sixteenth of a millisecond.
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

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

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
pub const VERSION: &str = concat!("vellum_og ", env!("CARGO_PKG_VERSION"), " layout 4");

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// A keyword on its pill (a rectangle 40 pixels high with round ends),
    /// the text 16 pixels in.
    Pill { x: f32, y: f32, width: f32, text: String },
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
                Shape::Text { text, .. } | Shape::Pill { text, .. } => Some(text.as_str()),
                Shape::Band { .. } => None,
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
        shapes.push(Shape::Pill { x, y: pill_y, width, text });
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
    let mut placed = place(&layout(card));
    mark_alone(&mut placed);
    CANVAS.with_borrow_mut(|canvas| {
        // The canvas is blank between cards: each card wipes what it drew.
        canvas.resize(STRIDE * HEIGHT as usize, 0);
        // Masks that meet others are drawn, to be parsed where they meet;
        // the encoder writes the rest from the masks' own codes.
        for p in &placed {
            p.stamp(canvas, p.drawn_rows());
        }
        let png = encode(canvas, &mut placed);
        for p in &placed {
            for y in p.drawn_rows() {
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
    /// Each thread's buffer a card's PNG is written into.
    static OUT: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    /// Each thread's rasterized glyphs and shapes.
    static MASKS: RefCell<Masks> = RefCell::new(Masks::default());
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

    /// The palette index of `level` (1..=[`LEVELS`]) of this ramp, 0 (the
    /// background) for level 0. A ramp drawn over another's full level
    /// comes after it in the palette, so that the higher index is always
    /// the one to keep where shapes meet.
    fn index(self, level: u8) -> u8 {
        if level == 0 { 0 } else { 1 + self as u8 * LEVELS + (level - 1) }
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

/// A rasterized glyph or shape at a place: palette indices, row by row.
#[derive(Debug)]
struct Mask {
    left: i32,
    top: i32,
    width: usize,
    height: usize,
    pixels: Vec<u8>,
    /// Its rows encoded, on first use.
    rows: OnceCell<zlib::Rows>,
}

impl Mask {
    /// `path` (in pixels, already placed) filled anti-aliased in `ramp`.
    fn of(path: &tiny_skia::Path, ramp: Ramp) -> Option<Self> {
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
        let pixels = mask.data().iter().map(|&a| ramp.index(level(a))).collect();
        Some(Self {
            left: left as i32,
            top: top as i32,
            width: width as usize,
            height: height as usize,
            pixels,
            rows: OnceCell::new(),
        })
    }

    fn height(&self) -> usize {
        self.height
    }

    /// Its rows encoded, for a stream of [`STRIDE`].
    fn rows(&self) -> &zlib::Rows {
        self.rows.get_or_init(|| zlib::Rows::new(&self.pixels, self.width, STRIDE))
    }

    /// `other` drawn over it, moved by `(dx, dy)` from its own place, where
    /// the two overlap.
    fn draw_over(&mut self, other: &Self, dx: i32, dy: i32) {
        let (left, top) = (other.left + dx - self.left, other.top + dy - self.top);
        // The columns of `other` that fall on it, and where.
        let skip = usize::try_from(-left).unwrap_or(0);
        let Ok(to) = usize::try_from(left.max(0)) else { return };
        if skip >= other.width || to >= self.width {
            return;
        }
        let n = (other.width - skip).min(self.width - to);
        for (r, row) in other.pixels.chunks(other.width).enumerate() {
            let Ok(y) = usize::try_from(top + r as i32) else { continue };
            if y >= self.height() {
                break;
            }
            let (dst, src) = (&mut self.pixels[y * self.width + to..][..n], &row[skip..][..n]);
            for i in 0..n {
                dst[i] = dst[i].max(src[i]);
            }
        }
    }
}

/// A coverage byte (0..=255) as a level (0..=[`LEVELS`]).
fn level(alpha: u8) -> u8 {
    let l = (u32::from(alpha) * u32::from(LEVELS) + 127) / 255;
    u8::try_from(l).unwrap_or(LEVELS)
}

/// Which mask: a glyph (of a style), a band, a word (of a style) or a
/// keyword on its pill; and its offset from the pixel grid in quarter
/// pixels (half pixels for a word: whether it starts half a pixel in).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum MaskKey {
    Glyph { style: Style, glyph: u32, quarter: u8 },
    Band { width: u32, height: u32, quarters: (u8, u8) },
    Pill { width: u32, quarters: (u8, u8), text: String },
    Word { style: Style, half: bool, text: String },
}

/// The mask of `key`, rasterized on first use in this thread; `None` for
/// one with no ink (a space).
fn mask(key: MaskKey) -> Option<Rc<Mask>> {
    if let Some(found) = MASKS.with_borrow(|cache| cache.masks.get(&key).cloned()) {
        return found;
    }
    // Rasterized outside the borrow: a pill or a word draws its glyphs.
    let made = rasterize(&key).map(Rc::new);
    MASKS.with_borrow_mut(|cache| {
        // Glyphs are few and kept; words and pills are many in a large
        // vault: a bound on the memory they take. Emptied, they fill again
        // with what the next cards use.
        if matches!(key, MaskKey::Pill { .. } | MaskKey::Word { .. }) {
            let bytes = made.as_ref().map_or(0, |m| m.pixels.len() * 2) + 64;
            if cache.bytes + bytes > MAX_MASK_BYTES {
                cache.masks.retain(|k, _| matches!(k, MaskKey::Glyph { .. } | MaskKey::Band { .. }));
                cache.bytes = 0;
            }
            cache.bytes += bytes;
        }
        cache.masks.insert(key, made.clone());
    });
    made
}

/// A thread's masks, and about how many bytes its pills take (pixels and
/// codes).
#[derive(Default)]
struct Masks {
    masks: FxHashMap<MaskKey, Option<Rc<Mask>>>,
    bytes: usize,
}

/// Bytes of masks a thread keeps at most.
const MAX_MASK_BYTES: usize = 48 << 20;

fn rasterize(key: &MaskKey) -> Option<Mask> {
    let quarter = |q: u8| f32::from(q) / 4.0;
    match *key {
        MaskKey::Glyph { style, glyph, quarter: q } => {
            let outline = fonts().get(style.weight()).outline_glyphs().get(GlyphId::new(glyph))?;
            let mut pen = Pen { path: tiny_skia::PathBuilder::new(), dx: quarter(q) };
            let size = Size::new(style.size());
            outline.draw(DrawSettings::unhinted(size, LocationRef::default()), &mut pen).ok()?;
            Mask::of(&pen.path.finish()?, style.ramp())
        }
        MaskKey::Band { width, height, quarters: (qx, qy) } => {
            let rect = tiny_skia::Rect::from_xywh(
                quarter(qx),
                quarter(qy),
                f32::from_bits(width),
                f32::from_bits(height),
            )?;
            Mask::of(&tiny_skia::PathBuilder::from_rect(rect), Ramp::Band)
        }
        MaskKey::Pill { width, quarters: (qx, qy), ref text } => {
            let (x, y) = (quarter(qx), quarter(qy));
            let baseline = (y + PILL_HEIGHT / 2.0 + PILL_SIZE * 0.36).round() as i32;
            let glyphs = line(Style::Keyword, x + PILL_PAD, text);
            let fill = Mask::of(&pill(x, y, f32::from_bits(width))?, Ramp::Fill)?;
            let mut parts = vec![(&fill, 0, 0)];
            parts.extend(glyphs.iter().map(|(g, gx)| (&**g, *gx, baseline)));
            composite(&parts)
        }
        MaskKey::Word { style, half, ref text } => word(style, half, text),
    }
}

/// The mask of `text`, a word in `style` set from a whole pixel (`half`:
/// from half a pixel past it): its glyphs drawn together, its rows' codes
/// joined from theirs, parsed only where glyphs meet.
fn word(style: Style, half: bool, text: &str) -> Option<Mask> {
    let glyphs = line(style, if half { 0.5 } else { 0.0 }, text);
    let parts: Vec<_> = glyphs.iter().map(|(g, gx)| (&**g, *gx, 0)).collect();
    let mut out = composite(&parts)?;
    let (width, height) = (out.width, out.height);
    let mut placed: Vec<Placed> = glyphs
        .into_iter()
        .filter_map(|(g, gx)| Placed::new(g, gx - out.left, -out.top, (width, height)))
        .collect();
    mark_alone(&mut placed);
    placed.sort_by_key(|p| p.y.0);
    let mut rows = zlib::Rows::with_width(width);
    let mut z = zlib::Stream::bare(STRIDE);
    let mut sweep = Sweep::default();
    for y in 0..height {
        let active = sweep.row(&placed, y);
        let row = &out.pixels[y * width..][..width];
        let above = y.checked_sub(1).map(|a| &out.pixels[a * width..][..width]);
        write_line(&mut z, &placed, active, y, row, above);
        rows.push(&mut z);
    }
    out.rows = OnceCell::from(rows);
    Some(out)
}

/// `parts` drawn together, each moved by its offset, as one mask (the
/// higher index kept where they meet, as on the card).
fn composite(parts: &[(&Mask, i32, i32)]) -> Option<Mask> {
    let (mut l, mut t, mut r, mut b) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
    for (m, dx, dy) in parts {
        l = l.min(m.left + dx);
        t = t.min(m.top + dy);
        r = r.max(m.left + dx + m.width as i32);
        b = b.max(m.top + dy + m.height() as i32);
    }
    let (w, h) = (usize::try_from(r - l).ok()?, usize::try_from(b - t).ok()?);
    let mut out =
        Mask { left: l, top: t, width: w, height: h, pixels: vec![0; w * h], rows: OnceCell::new() };
    for (m, dx, dy) in parts {
        out.draw_over(m, *dx, *dy);
    }
    (w > 0 && h > 0).then_some(out)
}

/// The glyphs of `text` in `style` set from `x` on: each glyph's mask
/// and the whole pixel it is placed at.
fn line(style: Style, x: f32, text: &str) -> Vec<(Rc<Mask>, i32)> {
    let m = style.metrics();
    let mut pen_x = x;
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let Some((g, advance)) = m.glyph(c) else { continue };
        let (x, quarter) = split(pen_x);
        // Glyphs are placed to the half pixel: finer than the eye tells
        // apart at these sizes, and a letter met again is more often the
        // same mask.
        out.extend(mask(MaskKey::Glyph { style, glyph: g.to_u32(), quarter: quarter & !1 }).map(|m| (m, x)));
        pen_x += advance;
    }
    out
}

/// The words of `text` in `style` set from `x` on: each word's mask key
/// and the whole pixel it is placed at.
fn words(style: Style, x: f32, text: &str, mut each: impl FnMut(MaskKey, i32)) {
    let m = style.metrics();
    let mut pen_x = x;
    for (n, word) in text.split(' ').enumerate() {
        if n > 0 {
            pen_x += m.advance(' ');
        }
        if !word.is_empty() {
            let (x, quarter) = split(pen_x);
            each(MaskKey::Word { style, half: quarter >= 2, text: word.to_owned() }, x);
            pen_x += m.width(word);
        }
    }
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

/// Every mask of `layout`, placed on the card, in drawing order.
fn place(layout: &Layout) -> Vec<Placed> {
    let mut placed = Vec::with_capacity(256);
    let mut put = |key: MaskKey, x: i32, y: i32| {
        if let Some(m) = mask(key) {
            placed.extend(Placed::new(m, x, y, (WIDTH as usize, HEIGHT as usize)));
        }
    };
    for shape in &layout.shapes {
        match shape {
            Shape::Band { x, y, width, height } => {
                let ((x, qx), (y, qy)) = (split(*x), split(*y));
                put(
                    MaskKey::Band { width: width.to_bits(), height: height.to_bits(), quarters: (qx, qy) },
                    x,
                    y,
                );
            }
            Shape::Pill { x, y, width, text } => {
                let ((x, qx), (y, qy)) = (split(*x), split(*y));
                put(MaskKey::Pill { width: width.to_bits(), quarters: (qx, qy), text: text.clone() }, x, y);
            }
            Shape::Text { x, y, style, text } => {
                let baseline = y.round() as i32;
                words(*style, *x, text, |key, x| put(key, x, baseline));
            }
        }
    }
    placed
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

/// A mask placed on the card: where, and whether it is alone there.
struct Placed {
    mask: Rc<Mask>,
    /// Pixels it covers, clipped to the card: `[x.0, x.1)` × `[y.0, y.1)`.
    x: (usize, usize),
    y: (usize, usize),
    /// Where its first row and column are on its grid (they may be off it).
    left: i32,
    top: i32,
    /// Whether it lies wholly on its grid and no other mask's rectangle
    /// meets its own: then the grid's pixels there are its own, and its
    /// rows' codes stand for them.
    alone: bool,
    /// For a mask alone, how far to its left the same mask lies alone on
    /// the same rows (a letter again in a word, a word again on a line):
    /// its rows are repeats.
    twin: Option<zlib::Distance>,
}

impl Placed {
    /// `mask` moved by `(dx, dy)`, clipped to a grid of `(width, height)`
    /// pixels (the card, a word); `None` when off it.
    fn new(mask: Rc<Mask>, dx: i32, dy: i32, (width, height): (usize, usize)) -> Option<Self> {
        let (w, h) = (mask.width as i32, mask.height() as i32);
        let (left, top) = (mask.left + dx, mask.top + dy);
        let (width, height) = (i32::try_from(width).ok()?, i32::try_from(height).ok()?);
        let (x0, x1) = (left.max(0), (left + w).min(width));
        let (y0, y1) = (top.max(0), (top + h).min(height));
        if x0 >= x1 || y0 >= y1 {
            return None;
        }
        let whole = (x0, x1, y0, y1) == (left, left + w, top, top + h);
        Some(Self {
            mask,
            x: (x0 as usize, x1 as usize),
            y: (y0 as usize, y1 as usize),
            left,
            top,
            alone: whole,
            twin: None,
        })
    }

    /// The rows of the card it is drawn on before encoding: all of them
    /// where it meets another mask, else its last (the row under it may
    /// repeat it).
    fn drawn_rows(&self) -> std::ops::Range<usize> {
        if self.alone { self.y.1 - 1..self.y.1 } else { self.y.0..self.y.1 }
    }

    /// Draw its `rows` (of the card) on `canvas`, keeping the higher index
    /// where masks meet.
    fn stamp(&self, canvas: &mut [u8], rows: std::ops::Range<usize>) {
        let m = &self.mask;
        let from = (self.x.0 as i32 - self.left) as usize;
        let to = from + self.x.1 - self.x.0;
        for y in rows {
            let src = &m.pixels[(y as i32 - self.top) as usize * m.width..][from..to];
            let at = y * STRIDE + 1;
            for (d, &p) in canvas[at + self.x.0..at + self.x.1].iter_mut().zip(src) {
                *d = (*d).max(p);
            }
        }
    }

    /// Write its row on card row `y` from the codes of its rows; parsed
    /// afresh when the byte before is ink.
    fn write_row(&self, z: &mut zlib::Stream, y: usize) {
        let m = &self.mask;
        let r = (y as i32 - self.top) as usize;
        let written = match &self.twin {
            Some(dist) => z.copy(m.rows(), r, dist),
            None => z.row(m.rows(), r),
        };
        if !written {
            let row = &m.pixels[r * m.width..][..m.width];
            let above = r.checked_sub(1).map(|a| &m.pixels[a * m.width..][..m.width]);
            z.span(row, above);
        }
    }
}

/// `canvas` (its rows led by filter bytes) as an 8-bit palette PNG, where
/// `placed` are the card's masks and only the rows the encoder parses are
/// drawn on the canvas (see [`png()`](fn@png)).
///
/// The pixels are one zlib stream, written a row at a time: blank stretches
/// as runs of zeros, each mask that lies alone as its rows encoded once per
/// thread (a glyph is drawn many times a card, and in card after card), and
/// where masks meet, the pixels parsed afresh.
fn encode(canvas: &[u8], placed: &mut [Placed]) -> Result<Vec<u8>, OgError> {
    placed.sort_by_key(|p| p.y.0);
    // A card's PNG is written in place in a buffer kept by the thread,
    // then copied out at its size: a fresh buffer for each card would be
    // fresh pages of memory for each (and shrunk again when queued).
    let mut out = OUT.take();
    out.clear();
    png_head(&mut out);
    // The pixels' chunk, its length filled in at the end.
    let idat = out.len();
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(b"IDAT");
    let mut z = zlib::Stream::new(STRIDE, out);
    let mut sweep = Sweep::default();
    for y in 0..HEIGHT as usize {
        let active = sweep.row(placed, y);
        // The filter byte.
        z.zeros(1);
        let row = &canvas[y * STRIDE + 1..][..WIDTH as usize];
        let above = y.checked_sub(1).map(|a| &canvas[a * STRIDE + 1..][..WIDTH as usize]);
        let x = write_line(&mut z, placed, active, y, row, above);
        z.zeros(WIDTH as usize - x);
    }
    let mut out = z.finish();
    let len = u32::try_from(out.len() - idat - 8).map_err(|_| OgError("image data too large".to_owned()))?;
    out[idat..idat + 4].copy_from_slice(&len.to_be_bytes());
    let crc = crc32fast::hash(&out[idat + 4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    chunk(&mut out, b"IEND", &[]);
    let png = out.as_slice().to_vec();
    OUT.set(out);
    Ok(png)
}

/// The masks on each row of a grid in turn, from the top.
#[derive(Default)]
struct Sweep {
    /// The next mask (in order of first row) not yet met.
    next: usize,
    /// The masks on the row, in order of `x`.
    active: Vec<usize>,
}

impl Sweep {
    /// The masks of `placed` (sorted by their first row) on row `y` (rows
    /// asked in order), sorted by their first column.
    fn row(&mut self, placed: &[Placed], y: usize) -> &[usize] {
        let before = self.active.len();
        self.active.retain(|&k| placed[k].y.1 > y);
        let mut changed = before != self.active.len();
        while self.next < placed.len() && placed[self.next].y.0 <= y {
            self.active.push(self.next);
            self.next += 1;
            changed = true;
        }
        if changed {
            self.active.sort_by_key(|&k| placed[k].x.0);
        }
        &self.active
    }
}

/// Write row `y` of a grid into `z`, up to the last column a mask covers
/// (returned): blank stretches as zeros, each mask alone there from its
/// rows' codes, and masks that meet parsed from `row`, the row's drawn
/// pixels (`above`, the row before, for repeats of it). `active` are the
/// masks of `placed` on the row, in order of `x`.
fn write_line(
    z: &mut zlib::Stream,
    placed: &[Placed],
    active: &[usize],
    y: usize,
    row: &[u8],
    above: Option<&[u8]>,
) -> usize {
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
        if single && first.alone && start == first.x.0 {
            first.write_row(z, y);
        } else {
            z.span(&row[start..end], above.map(|a| &a[start..end]));
        }
        x = end;
    }
    x
}

/// The PNG's signature and its chunks before the pixels: the header (8-bit
/// palette colour, no interlacing) and the palette.
fn png_head(out: &mut Vec<u8>) {
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = [0; 13];
    header[..4].copy_from_slice(&WIDTH.to_be_bytes());
    header[4..8].copy_from_slice(&HEIGHT.to_be_bytes());
    // Bit depth 8, colour type 3 (palette); compression, filter and
    // interlace methods 0.
    header[8..10].copy_from_slice(&[8, 3]);
    chunk(out, b"IHDR", &header);
    chunk(out, b"PLTE", palette());
}

/// A PNG chunk: its length, type, data and the CRC of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    let at = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[at..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// Mark which of `placed` meet another's rectangle: those are not alone;
/// and give each mask alone the nearest copy of itself alone to its left
/// on the same rows, its twin.
fn mark_alone(placed: &mut [Placed]) {
    mark_overlaps(placed);
    let mut last: FxHashMap<(*const Mask, i32), i32> = FxHashMap::default();
    // In order of `x` (as `mark_overlaps` leaves them): a twin is met first.
    for p in placed.iter_mut().filter(|p| p.alone) {
        if let Some(before) = last.insert((Rc::as_ptr(&p.mask), p.top), p.left) {
            p.twin = usize::try_from(p.left - before).ok().map(zlib::Distance::new);
        }
    }
}

/// Mark which of `placed` meet another's rectangle, sorting them by `x`.
fn mark_overlaps(placed: &mut [Placed]) {
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
