//! Turning a title into the text that goes in each place: a file name, a YAML
//! scalar, Markdown heading text, HTML text, a Markdown link destination.

/// The longest file name vellum creates, in bytes, `.md` included. File systems
/// allow 255; the margin leaves room for sync tools' conflict suffixes.
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// Names Windows refuses whatever the extension.
const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The file name (without `.md`) for a note titled `title`, safe on every
/// file system and in every link form:
///
/// - `:` becomes ` -` (`Why: A` → `Why - A`); `/`, `\` and `|` become `-`;
///   `"` becomes `'`;
/// - `*`, `?`, `<`, `>` (forbidden on Windows) and `#`, `^`, `[`, `]` (they end
///   a wikilink target) are dropped, as are control characters;
/// - runs of whitespace become one space; leading dots, and trailing dots and
///   spaces, are removed; a Windows device name (`CON`, `nul`) gets a `_`;
/// - the name is cut to [`MAX_FILE_NAME_BYTES`] (on a character boundary);
/// - an empty result is `Untitled`.
///
/// The note keeps the title as written in its `title` field.
#[must_use]
pub fn safe_file_name(title: &str) -> String {
    let mut s = String::with_capacity(title.len());
    for c in title.chars() {
        match c {
            ':' => s.push_str(" -"),
            '/' | '\\' | '|' => s.push('-'),
            '"' => s.push('\''),
            '*' | '?' | '<' | '>' | '#' | '^' | '[' | ']' => {}
            c if c.is_whitespace() => s.push(' '),
            c if c.is_control() || c == '\u{feff}' => {}
            c => s.push(c),
        }
    }
    let mut name = s.split_whitespace().collect::<Vec<_>>().join(" ");
    name = name.trim_start_matches('.').trim_start().to_owned();
    let max = MAX_FILE_NAME_BYTES - ".md".len();
    if name.len() > max {
        let mut end = max;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    let name = name.trim_end_matches(['.', ' ']).to_owned();
    if name.is_empty() {
        return "Untitled".to_owned();
    }
    let base = name.split('.').next().unwrap_or(&name).to_ascii_lowercase();
    if WINDOWS_RESERVED.contains(&base.as_str()) {
        return format!("{name}_");
    }
    name
}

/// `title` as a YAML scalar: plain when that reads back as the same string,
/// else double-quoted with escapes.
#[must_use]
pub fn yaml_scalar(s: &str) -> String {
    if yaml_plain_ok(s) { s.to_owned() } else { yaml_double_quoted(s) }
}

/// `s` as a YAML double-quoted scalar.
#[must_use]
pub fn yaml_double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as a YAML single-quoted scalar, or `None` when it cannot be one
/// (line breaks and control characters need double quotes).
#[must_use]
pub fn yaml_single_quoted(s: &str) -> Option<String> {
    if s.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return None;
    }
    Some(format!("'{}'", s.replace('\'', "''")))
}

/// Whether `s` can be written as a plain YAML scalar and read back as the same
/// string (conservative: letters, digits, spaces and harmless punctuation, not
/// a YAML 1.1 boolean, null or number).
fn yaml_plain_ok(s: &str) -> bool {
    if s.is_empty() || s != s.trim() {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_alphabetic() || first == '_' || (first.is_ascii_digit() && !looks_numeric(s))) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let keywords =
        ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".nan", ".inf", "-.inf", ".na"];
    if keywords.contains(&lower.as_str()) {
        return false;
    }
    s.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')' | '\'' | '/' | '+' | '?' | ';' | '=')
            || (!c.is_ascii() && !c.is_whitespace() && !c.is_control() && c != '\u{feff}')
    }) && !looks_numeric(s)
        && !looks_like_date(s)
}

fn looks_numeric(s: &str) -> bool {
    let t = s.replace('_', "");
    t.parse::<f64>().is_ok() || t.starts_with("0x") || t.starts_with("0o") || t.contains(':')
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// Escape `s` for Markdown inline text (an H1), so it renders as written and
/// holds no link, tag, emphasis, math, comment or block id: a backslash before
/// each ASCII punctuation character that can start one (parentheses and `!`
/// mean nothing once `[` is escaped, so they stay).
#[must_use]
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '=' | '$' | '%' | '^' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escape `s` as HTML text.
#[must_use]
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encode a vault path for a Markdown link destination: spaces and
/// the characters that end or confuse a destination; `/` stays. Non-ASCII is
/// encoded only when `encode_non_ascii` (Obsidian itself leaves it as is).
#[must_use]
pub fn percent_encode_path(path: &str, encode_non_ascii: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let encode = if c.is_ascii() {
            c.is_ascii_control()
                || matches!(
                    c,
                    ' ' | '"'
                        | '#'
                        | '%'
                        | '<'
                        | '>'
                        | '?'
                        | '`'
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | '|'
                        | '\\'
                        | '^'
                )
        } else {
            encode_non_ascii || c.is_whitespace() || c.is_control()
        };
        if encode {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(safe_file_name("Why: A/B testing?"), "Why - A-B testing");
        assert_eq!(safe_file_name("C# and \"quotes\" <x> | y"), "C and 'quotes' x - y");
        assert_eq!(safe_file_name("...hidden"), "hidden");
        assert_eq!(safe_file_name("trailing. "), "trailing");
        assert_eq!(safe_file_name("tab\there\u{7}bell"), "tab herebell");
        assert_eq!(safe_file_name("CON"), "CON_");
        assert_eq!(safe_file_name("nul.txt"), "nul.txt_");
        assert_eq!(safe_file_name("???"), "Untitled");
        assert_eq!(safe_file_name("[[Link]] ^id"), "Link id");
        let long = "é".repeat(300);
        let name = safe_file_name(&long);
        assert!(name.len() + 3 <= MAX_FILE_NAME_BYTES && name.chars().all(|c| c == 'é'));
        assert_eq!(safe_file_name("日本語 メモ 🚀"), "日本語 メモ 🚀");
    }

    #[test]
    fn yaml_scalars() {
        assert_eq!(yaml_scalar("CUDA Moat"), "CUDA Moat");
        assert_eq!(yaml_scalar("Why: A"), "\"Why: A\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("2022"), "\"2022\"");
        assert_eq!(yaml_scalar("2022-05-11"), "\"2022-05-11\"");
        assert_eq!(yaml_scalar("#tag"), "\"#tag\"");
        assert_eq!(yaml_scalar("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(yaml_scalar("- item"), "\"- item\"");
        assert_eq!(yaml_single_quoted("it's"), Some("'it''s'".to_owned()));
    }

    #[test]
    fn escapes() {
        assert_eq!(markdown_escape("C# [[x]] *y*"), "C\\# \\[\\[x\\]\\] \\*y\\*");
        assert_eq!(html_escape("a<b & c>"), "a&lt;b &amp; c&gt;");
        assert_eq!(percent_encode_path("hardware/CUDA Moat.md", false), "hardware/CUDA%20Moat.md");
        assert_eq!(percent_encode_path("日本 (x).md", false), "日本%20%28x%29.md");
        assert_eq!(percent_encode_path("日.md", true), "%E6%97%A5.md");
    }
}
