//! Positions: byte spans into the original file and the line index that turns
//! them into 1-based line and character columns.
//!
//! **Invariant:** every [`Span`] in vellum is a half-open byte range into the
//! original text of one file, and both ends lie on UTF-8 character boundaries.

use std::ops::Range;

/// A half-open byte range `start..end` into the original text of a file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`; `end` is clamped to be at least `start`.
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end: end.max(start) }
    }

    /// An empty span at `offset`.
    #[must_use]
    pub fn empty(offset: usize) -> Self {
        Self { start: offset, end: offset }
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when `other` lies entirely within `self`.
    #[must_use]
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The span as a `Range` for slicing.
    #[must_use]
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// Shift both ends by `delta` bytes.
    #[must_use]
    pub fn shift(self, delta: usize) -> Self {
        Self { start: self.start + delta, end: self.end + delta }
    }
}

/// A value together with the span it was read from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was read from.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pair a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// A 1-based line and column; the column counts characters (Unicode scalar values),
/// not bytes, so editors and terminals agree with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column in characters.
    pub col: usize,
}

/// Maps byte offsets to lines and columns. Built once per file in `O(n)`.
///
/// Line starts are kept as `u32` (every loaded note is far below 4 GiB; see
/// `vellum_vault::load::MAX_NOTE_BYTES`): the index of every note of a vault
/// stays in memory, and this halves it. Offsets past `u32::MAX` clamp there.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: usize,
}

fn narrow(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl LineIndex {
    /// Index the line starts of `text`. `\n` ends a line (a preceding `\r` belongs to it).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| narrow(i + 1)));
        Self { line_starts, len: text.len() }
    }

    /// Number of lines (a trailing newline starts a final, empty line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts, or the text length past the end.
    #[must_use]
    pub fn line_start(&self, line: usize) -> usize {
        line.checked_sub(1).and_then(|i| self.line_starts.get(i)).map_or(self.len, |&s| s as usize)
    }

    /// Byte range of 1-based `line`, without its line terminator.
    #[must_use]
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// 0-based index of the line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&narrow(offset)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Line and character column of a byte offset (clamped to the text).
    #[must_use]
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let col = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        LineCol { line: line + 1, col }
    }
}

/// The largest char boundary `<= offset`.
#[must_use]
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest char boundary `>= offset`.
#[must_use]
pub fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nCafé [[x]]\r\nz";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, col: 1 });
        let x = text.find("[[").expect("present");
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, col: 6 });
        assert_eq!(idx.line_col(text, text.len()), LineCol { line: 3, col: 2 });
        assert_eq!(idx.line_span(text, 2), Span::new(3, 3 + "Café [[x]]".len()));
    }

    #[test]
    fn char_boundaries() {
        let text = "é";
        assert_eq!(floor_char_boundary(text, 1), 0);
        assert_eq!(ceil_char_boundary(text, 1), 2);
    }
}
