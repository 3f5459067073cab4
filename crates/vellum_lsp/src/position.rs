//! Byte offsets ↔ LSP positions.
//!
//! vellum's spans are byte ranges into a note's UTF-8 text; LSP positions are
//! `(line, character)` with `character` counted in UTF-16 code units (the
//! protocol's default and the only encoding every client supports). This is the
//! one place that converts between them.
//!
//! Lines end at `\n` (a `\r` before it belongs to the line break), as
//! everywhere else in vellum. Conversions never panic: an offset past the end
//! or inside a character is moved back to a character boundary, a character
//! past the end of its line means the line's end (as the protocol asks), and
//! only a line past the end of the text has no offset.

use lsp_types::{Position, Range};
use vellum_syntax::Span;

/// The line starts of one text, to convert positions both ways in `O(log n)`
/// plus the length of one line.
#[derive(Debug, Clone)]
pub struct LineMap {
    starts: Vec<usize>,
}

impl LineMap {
    /// Index the lines of `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The LSP position of byte `offset` of `text` (the text this map was built from).
    #[must_use]
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let character = text.get(start..offset).map_or(0, |s| s.encode_utf16().count());
        Position::new(to_u32(line), to_u32(character))
    }

    /// The LSP range of a byte span.
    #[must_use]
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start), self.position(text, span.end))
    }

    /// The byte offset of `pos` in `text`: `None` when its line is past the
    /// end; a character past the line's end gives the line's end, one inside
    /// a surrogate pair the start of that character.
    #[must_use]
    pub fn offset(&self, text: &str, pos: Position) -> Option<usize> {
        let line = usize::try_from(pos.line).ok()?;
        let start = *self.starts.get(line)?;
        let end = self.starts.get(line + 1).map_or(text.len(), |&next| {
            let mut end = next - 1;
            if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
            end
        });
        let line_text = text.get(start..end)?;
        let mut units = 0usize;
        let want = usize::try_from(pos.character).unwrap_or(usize::MAX);
        for (i, c) in line_text.char_indices() {
            let next = units + c.len_utf16();
            if next > want {
                return Some(start + i);
            }
            units = next;
        }
        Some(end)
    }

    /// The byte span of an LSP range; `None` when either end is past the text.
    #[must_use]
    pub fn span(&self, text: &str, range: Range) -> Option<Span> {
        let start = self.offset(text, range.start)?;
        let end = self.offset(text, range.end)?;
        (start <= end).then(|| Span::new(start, end))
    }

    /// Number of lines (a trailing newline starts a last, empty line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn ascii_round_trips() {
        let text = "ab\ncd\r\n\nlast";
        let m = LineMap::new(text);
        assert_eq!(m.line_count(), 4);
        for offset in 0..=text.len() {
            let p = m.position(text, offset);
            // `\r` is the line's end, so its offset maps back to the offset before it.
            if text.as_bytes().get(offset) == Some(&b'\n') && offset > 0 && &text[offset - 1..offset] == "\r"
            {
                continue;
            }
            assert_eq!(m.offset(text, p), Some(offset), "offset {offset} via {p:?}");
        }
        assert_eq!(m.position(text, 3), pos(1, 0));
        assert_eq!(m.position(text, 8), pos(3, 0));
    }

    #[test]
    fn counts_utf16_units() {
        // é is 2 bytes / 1 unit, 😀 is 4 bytes / 2 units, 中 is 3 bytes / 1 unit.
        let text = "é😀中x\n😀";
        let m = LineMap::new(text);
        assert_eq!(m.position(text, 2), pos(0, 1));
        assert_eq!(m.position(text, 6), pos(0, 3));
        assert_eq!(m.position(text, 9), pos(0, 4));
        assert_eq!(m.position(text, 10), pos(0, 5));
        assert_eq!(m.position(text, 15), pos(1, 2));
        assert_eq!(m.offset(text, pos(0, 3)), Some(6));
        assert_eq!(m.offset(text, pos(0, 4)), Some(9));
        assert_eq!(m.offset(text, pos(1, 2)), Some(15));
    }

    #[test]
    fn out_of_range_and_split_characters_never_panic() {
        let text = "a😀b\nxy";
        let m = LineMap::new(text);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(m.offset(text, pos(0, 2)), Some(1));
        // Past the line's end: the line's end.
        assert_eq!(m.offset(text, pos(0, 99)), Some(6));
        assert_eq!(m.offset(text, pos(1, u32::MAX)), Some(text.len()));
        // Past the last line: nothing.
        assert_eq!(m.offset(text, pos(2, 0)), None);
        assert_eq!(m.offset(text, pos(u32::MAX, 0)), None);
        // Offsets inside a character or past the end move back.
        assert_eq!(m.position(text, 3), pos(0, 1));
        assert_eq!(m.position(text, 1000), pos(1, 2));
        assert_eq!(m.span(text, Range::new(pos(1, 1), pos(0, 0))), None, "reversed range");
        let empty = LineMap::new("");
        assert_eq!(empty.position("", 5), pos(0, 0));
        assert_eq!(empty.offset("", pos(0, 3)), Some(0));
    }

    #[test]
    fn every_offset_round_trips_on_mixed_text() {
        let text = "# Tïtle 😀\r\n\n[[Nöte|ali]] #tag 中文\n\u{1F600}\u{1F600}";
        let m = LineMap::new(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let p = m.position(text, offset);
            let back = m.offset(text, p).expect("in range");
            let is_crlf_newline = text[offset..].starts_with('\n') && text[..offset].ends_with('\r');
            if !is_crlf_newline {
                assert_eq!(back, offset, "{offset} -> {p:?}");
            }
        }
    }
}
