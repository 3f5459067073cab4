//! Diagnostics with their place in the file worked out: what printing needs,
//! without the file's text.
//!
//! A [`Diagnostic`] holds a byte span. To print it, the CLI needs the 1-based
//! line and column of both ends (JSON) and the lines the snippet shows
//! (human). [`locate`] computes both once from the text; a [`Located`] then
//! prints alone. `vellum check` prints every diagnostic from this form,
//! whether it was just computed or read back from the check cache
//! (`vellum_cache::check`), so both print the same bytes by construction.

use serde::{Deserialize, Serialize};
use vellum_syntax::{LineIndex, Span};
use vellum_vault::Vault;

use crate::Diagnostic;

/// A diagnostic and, when it points into a text vellum read, its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    /// The finding.
    pub diagnostic: Diagnostic,
    /// Where it is, when it has a span and its file's text is known; `None`
    /// prints the file name alone.
    pub place: Option<Place>,
}

/// Where a diagnostic's span lies, and the lines a snippet of it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// 1-based line and column (in characters) of the span's start.
    pub start: (usize, usize),
    /// 1-based line and column (in characters) of the span's end.
    pub end: (usize, usize),
    /// The whole lines the span covers (at most six), without the last line's
    /// terminator.
    pub excerpt: String,
    /// The line number of the excerpt's first line.
    pub first_line: usize,
    /// The span as a byte range into [`Place::excerpt`] (clipped to it).
    pub local: (usize, usize),
}

/// How many lines after the first a snippet shows at most.
const MORE_LINES: usize = 5;

/// Locate `d` in `text` (the text of its file, with its line index): the
/// positions of both ends and the excerpt a snippet shows.
#[must_use]
pub fn locate(d: Diagnostic, text: Option<(&str, &LineIndex)>) -> Located {
    let place = d.span.zip(text).map(|(span, (text, lines))| place(span, text, lines));
    Located { diagnostic: d, place }
}

fn place(span: Span, text: &str, lines: &LineIndex) -> Place {
    let a = lines.line_col(text, span.start);
    let b = lines.line_col(text, span.end);
    let first = a.line;
    let last_offset = if span.end > span.start { span.end - 1 } else { span.end };
    let last = lines.line_col(text, last_offset).line.max(first).min(first + MORE_LINES);
    let from = lines.line_start(first);
    let to = lines.line_span(text, last).end.max(from);
    let excerpt = text.get(from..to).unwrap_or_default().to_owned();
    let local =
        Span::new(span.start.saturating_sub(from), span.end.min(to).max(span.start).saturating_sub(from));
    Place {
        start: (a.line, a.col),
        end: (b.line, b.col),
        excerpt,
        first_line: first,
        local: (local.start, local.end),
    }
}

/// Locate `diagnostics` of `vault` in the texts it holds: its notes' texts
/// and the texts of its load problems (a file that is not UTF-8, read
/// lossily; an invalid `vellum.toml`). Order is kept. A note of a vault
/// loaded to publish has no text kept: its diagnostics get no place.
#[must_use]
pub fn locate_all(vault: &Vault, diagnostics: Vec<Diagnostic>) -> Vec<Located> {
    let sources = Sources::new(vault);
    diagnostics.into_iter().map(|d| sources.locate(d)).collect()
}

/// The text of every file a diagnostic can point into.
struct Sources<'v> {
    files: rustc_hash::FxHashMap<&'v str, (&'v str, &'v LineIndex)>,
    extra: rustc_hash::FxHashMap<&'v str, (&'v str, LineIndex)>,
}

impl<'v> Sources<'v> {
    fn new(vault: &'v Vault) -> Self {
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

    fn locate(&self, d: Diagnostic) -> Located {
        let path = d.file.as_str();
        let text = self
            .files
            .get(path)
            .map(|(t, l)| (*t, *l))
            .or_else(|| self.extra.get(path).map(|(t, l)| (*t, l)));
        locate(d, text)
    }
}

/// Sort located diagnostics as [`crate::check`] sorts diagnostics: by file,
/// then position, then code. Stable, so diagnostics of one file kept in
/// their checked order come back in exactly the order of a full check.
pub fn sort(located: &mut [Located]) {
    located.sort_by(|a, b| crate::order(&a.diagnostic, &b.diagnostic));
}

/// Serde for an optional [`Span`] (as a pair of offsets).
pub(crate) mod span_serde {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use vellum_syntax::Span;

    #[allow(clippy::ref_option)]
    pub(crate) fn serialize<S: Serializer>(span: &Option<Span>, s: S) -> Result<S::Ok, S::Error> {
        span.map(|s| (s.start, s.end)).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Span>, D::Error> {
        Ok(Option::<(usize, usize)>::deserialize(d)?.map(|(a, b)| Span::new(a, b)))
    }
}
