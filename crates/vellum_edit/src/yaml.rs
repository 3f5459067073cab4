//! Finding the raw text of a frontmatter value, so it can be replaced in place
//! without re-serializing the YAML (comments, key order and quoting stay).

use vellum_syntax::{FrontmatterBlock, Span};

use crate::names;

/// The raw text of the value of the top-level `key`, from its first character
/// (a quote, a block indicator `|`/`>` or the scalar itself) to the end of the
/// value the parser reported at `value_span`, without trailing whitespace or
/// comment. `None` when the key line cannot be found.
pub(crate) fn value_region(text: &str, fm: FrontmatterBlock, key: &str, value_span: Span) -> Option<Span> {
    let mut pos = fm.yaml.start;
    let mut found = None;
    while pos < fm.yaml.end && pos <= value_span.start {
        let end = text[pos..fm.yaml.end].find('\n').map_or(fm.yaml.end, |i| pos + i);
        let line = &text[pos..end];
        let rest = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
            .iter()
            .find_map(|k| line.strip_prefix(k.as_str()).map(|r| (k.len(), r)));
        if let Some((klen, rest)) = rest
            && rest.trim_start_matches([' ', '\t']).starts_with(':')
        {
            let colon = pos + klen + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
            found = Some((colon + 1, end));
        }
        pos = end + 1;
    }
    let (after_colon, line_end) = found?;
    let blank =
        text[after_colon..line_end].len() - text[after_colon..line_end].trim_start_matches([' ', '\t']).len();
    let mut start = after_colon + blank;
    let on_key_line = start < line_end && !text[start..line_end].trim_end().is_empty();
    if !on_key_line || text[start..].starts_with('#') {
        start = value_span.start;
    }
    let end = start + text[start..value_span.end.max(start)].trim_end().len();
    (end > start).then(|| Span::new(start, end))
}

/// `value` written in the style of `old_raw`, the raw text of `old_value` it
/// replaces: quoted the same way when the old value was quoted by choice
/// (it did not need quotes); otherwise plain when safe, else double-quoted. So
/// renaming `A` to `B: c` and back gives `A` again, and `"A"` stays quoted.
pub(crate) fn scalar_like(old_raw: &str, old_value: &str, value: &str) -> String {
    let chosen = names::yaml_scalar(old_value) == old_value;
    if !chosen {
        names::yaml_scalar(value)
    } else if old_raw.starts_with('"') {
        names::yaml_double_quoted(value)
    } else if old_raw.starts_with('\'') {
        names::yaml_single_quoted(value).unwrap_or_else(|| names::yaml_double_quoted(value))
    } else {
        names::yaml_scalar(value)
    }
}

/// `piece` as it must be written at `at` inside a YAML scalar of the
/// frontmatter (a link target in a property): escaped for the double- or
/// single-quoted string it sits in, or as is in a plain scalar or an unquoted
/// link when nothing in it would end the scalar there. `None` when it cannot be
/// written in place.
pub(crate) fn in_scalar(text: &str, at: usize, piece: &str) -> Option<String> {
    match quote_at(text, at) {
        Some('"') => {
            let quoted = names::yaml_double_quoted(piece);
            Some(quoted[1..quoted.len() - 1].to_owned())
        }
        Some(_) => {
            let quoted = names::yaml_single_quoted(piece)?;
            Some(quoted[1..quoted.len() - 1].to_owned())
        }
        None => {
            let unsafe_plain = piece.contains([',', '[', ']', '{', '}', '"', '\\', '\n'])
                || piece.contains(" #")
                || piece.contains(": ");
            (!unsafe_plain).then(|| piece.to_owned())
        }
    }
}

/// The quote (`"` or `'`) of the YAML string open at `at`, reading its line
/// from the start; `None` outside quotes. A property link's line holds the
/// key and one value or a flow list, so quotes pair up on it.
fn quote_at(text: &str, at: usize) -> Option<char> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut open: Option<char> = None;
    let mut chars = text[line_start..at].chars().peekable();
    while let Some(c) = chars.next() {
        match (open, c) {
            (None, '"' | '\'') => open = Some(c),
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some('"'), '"') => open = None,
            (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
            }
            (Some('\''), '\'') => open = None,
            (None, '#') => return None,
            _ => {}
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(text: &str, key: &str) -> Option<String> {
        let note = vellum_syntax::parse(text);
        let fm = note.frontmatter.expect("frontmatter");
        let field = note.detail().expect("parsed").fields.get(key).expect("field");
        value_region(text, fm, key, field.span).map(|s| text[s.range()].to_owned())
    }

    #[test]
    fn pieces_in_scalars() {
        let t = "k: \"a [[X]]\"\nl: ['it''s [[Y]]']\nm: [[Z]]\n";
        let at = |needle: &str| t.find(needle).expect("needle");
        assert_eq!(in_scalar(t, at("[[X"), "Say \"hi\"").as_deref(), Some("Say \\\"hi\\\""));
        assert_eq!(in_scalar(t, at("[[Y"), "Ender's").as_deref(), Some("Ender''s"));
        assert_eq!(in_scalar(t, at("[[Z"), "Ender's").as_deref(), Some("Ender's"));
        assert_eq!(in_scalar(t, at("[[Z"), "a, b"), None);
    }

    #[test]
    fn regions() {
        let t = "---\ntitle: Plain # comment\r\nother: x\n---\n";
        assert_eq!(region(t, "title").as_deref(), Some("Plain"));
        let t = "---\ntitle: \"Quoted: yes\"\n---\n";
        assert_eq!(region(t, "title").as_deref(), Some("\"Quoted: yes\""));
        let t = "---\ntitle: >-\n  folded\n  title\ntags: [a]\n---\n";
        assert_eq!(region(t, "title").as_deref(), Some(">-\n  folded\n  title"));
        let t = "\u{feff}---\r\ntitle: Plain\r\nx: 1\r\n---\r\n";
        assert_eq!(region(t, "title").as_deref(), Some("Plain"));
        let t = "---\n\"title\" : 'single'\n---\n";
        assert_eq!(region(t, "title").as_deref(), Some("'single'"));
    }

    #[test]
    fn styles() {
        assert_eq!(scalar_like("\"x\"", "x", "New"), "\"New\"");
        assert_eq!(scalar_like("'x'", "x", "It's"), "'It''s'");
        assert_eq!(scalar_like("x", "x", "New: Name"), "\"New: Name\"");
        assert_eq!(scalar_like("\"A: b\"", "A: b", "New"), "New", "quotes that were needed go");
        assert_eq!(scalar_like(">-\n  x", "x", "New"), "New");
    }
}
