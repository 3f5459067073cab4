//! Span edits: replace byte ranges of the original text, leave every other
//! byte alone.

use std::fmt;

use vellum_syntax::Span;

/// Replace the bytes of `span` (in the original text) with `text`. An empty
/// span inserts; an empty `text` deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The bytes to replace, in the original text.
    pub span: Span,
    /// What to put there.
    pub text: String,
}

impl Edit {
    /// Replace `span` with `text`.
    #[must_use]
    pub fn replace(span: Span, text: impl Into<String>) -> Self {
        Self { span, text: text.into() }
    }

    /// Insert `text` at `offset`.
    #[must_use]
    pub fn insert(offset: usize, text: impl Into<String>) -> Self {
        Self { span: Span::empty(offset), text: text.into() }
    }

    /// Delete `span`.
    #[must_use]
    pub fn delete(span: Span) -> Self {
        Self { span, text: String::new() }
    }
}

/// Why a set of edits cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// Two edits touch the same bytes.
    Overlap(Span, Span),
    /// An edit lies outside the text or splits a character.
    OutOfBounds(Span),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Overlap(a, b) => {
                write!(f, "edits overlap: {}..{} and {}..{}", a.start, a.end, b.start, b.end)
            }
            Self::OutOfBounds(s) => write!(f, "edit {}..{} is outside the text", s.start, s.end),
        }
    }
}

impl std::error::Error for EditError {}

/// Apply `edits` to `text`. Edits may come in any order; insertions at the same
/// offset keep their relative order and come before a replacement starting there.
///
/// # Errors
/// When edits overlap or fall outside `text` (or off a character boundary).
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut pos = 0;
    let mut prev: Option<Span> = None;
    for e in sorted {
        let s = e.span;
        if s.end > text.len() || !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            return Err(EditError::OutOfBounds(s));
        }
        if let Some(p) = prev
            && s.start < p.end
        {
            return Err(EditError::Overlap(p, s));
        }
        out.push_str(&text[pos..s.start]);
        out.push_str(&e.text);
        pos = s.end;
        prev = Some(s);
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

/// The line ending the text uses: `\r\n` when its first line break is one.
#[must_use]
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The start of the line holding `offset`.
#[must_use]
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `offset`, past its line break (or the text end).
#[must_use]
pub fn next_line_start(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1)
}

/// The end of the line holding `offset`, before its line break.
#[must_use]
pub fn line_end(text: &str, offset: usize) -> usize {
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if end > offset && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end }
}

/// The leading whitespace of the line holding `offset`.
#[must_use]
pub fn indentation(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let line = &text[start..line_end(text, start)];
    &line[..line.len() - line.trim_start().len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order_and_keeps_the_rest() {
        let text = "abcdef";
        let edits = [
            Edit::replace(Span::new(4, 5), "E"),
            Edit::insert(0, "^"),
            Edit::delete(Span::new(1, 2)),
            Edit::insert(4, "+"),
        ];
        assert_eq!(apply_edits(text, &edits).expect("applies"), "^acd+Ef");
    }

    #[test]
    fn rejects_overlaps_and_bad_spans() {
        let overlap = [Edit::delete(Span::new(0, 3)), Edit::delete(Span::new(2, 4))];
        assert!(matches!(apply_edits("abcdef", &overlap), Err(EditError::Overlap(..))));
        assert!(matches!(apply_edits("é", &[Edit::delete(Span::new(0, 1))]), Err(EditError::OutOfBounds(_))));
        assert!(apply_edits("ab", &[Edit::delete(Span::new(1, 3))]).is_err());
    }

    #[test]
    fn lines() {
        let t = "a\r\n  b\r\nc";
        assert_eq!(line_ending(t), "\r\n");
        assert_eq!(line_start(t, 5), 3);
        assert_eq!(line_end(t, 3), 6);
        assert_eq!(next_line_start(t, 3), 8);
        assert_eq!(indentation(t, 5), "  ");
        assert_eq!(line_ending("x\ny"), "\n");
    }
}
