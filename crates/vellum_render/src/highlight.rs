//! Code highlighting at build time with syntect: `<span class="hl-…">` classes,
//! styled by [`highlight_css`]; no JavaScript.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Blocks longer than this are highlighted every time, never remembered.
const MEMO_CODE_MAX: usize = 16 * 1024;
/// At most this many bytes (code and HTML) are remembered; the memo starts
/// afresh when full.
const MEMO_BYTES_MAX: usize = 8 * 1024 * 1024;

/// Highlighted blocks by `lang NUL code`. Highlighting is a pure function of
/// the two and syntect's regexes are the renderer's most expensive step, while
/// the same snippet recurs across notes (templates, pasted boilerplate) and
/// every re-render of an edited note in `vellum serve` meets its unchanged
/// blocks again. Bounded: blocks of at most [`MEMO_CODE_MAX`] bytes, and
/// [`MEMO_BYTES_MAX`] in all.
static MEMO: LazyLock<Mutex<Memo>> = LazyLock::new(Mutex::default);

#[derive(Default)]
struct Memo {
    html: HashMap<Box<str>, Box<str>>,
    /// Bytes of keys and values held.
    bytes: usize,
}

/// Highlight `code` written in `lang` (a fence info word such as `rust`, `sh`,
/// `py`); `None` when the language is unknown, so the caller prints it plain.
pub(crate) fn highlight(code: &str, lang: &str) -> Option<String> {
    if lang.is_empty() {
        return None;
    }
    if code.len() > MEMO_CODE_MAX {
        return highlight_now(code, lang);
    }
    let key: Box<str> = format!("{lang}\0{code}").into_boxed_str();
    if let Some(html) = MEMO.lock().ok().and_then(|m| m.html.get(&key).map(|h| h.to_string())) {
        return Some(html);
    }
    let html = highlight_now(code, lang)?;
    if let Ok(mut m) = MEMO.lock() {
        let size = key.len() + html.len();
        if m.bytes + size > MEMO_BYTES_MAX {
            *m = Memo::default();
        }
        let key_len = key.len();
        m.bytes += size;
        if let Some(old) = m.html.insert(key, html.clone().into_boxed_str()) {
            m.bytes -= key_len + old.len(); // another thread highlighted it meanwhile
        }
    }
    Some(html)
}

/// [`highlight`] without the memo.
fn highlight_now(code: &str, lang: &str) -> Option<String> {
    let ss = &*SYNTAXES;
    let syntax = ss.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, ss, STYLE);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// CSS for the highlight classes: a light theme, and a dark one under
/// `prefers-color-scheme: dark`.
#[must_use]
pub fn highlight_css() -> String {
    let themes = ThemeSet::load_defaults();
    let mut css = String::new();
    if let Some(light) = themes.themes.get("InspiredGitHub") {
        css.push_str(&css_for_theme_with_class_style(light, STYLE).unwrap_or_default());
    }
    if let Some(dark) = themes.themes.get("base16-ocean.dark") {
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&css_for_theme_with_class_style(dark, STYLE).unwrap_or_default());
        css.push_str("}\n");
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_languages() {
        let html = highlight("fn main() {}\n", "rust").expect("rust is known");
        assert!(html.contains("hl-"), "{html}");
        assert!(highlight("x", "no-such-language").is_none());
        assert!(highlight_css().contains(".hl-"));
    }

    #[test]
    fn the_memo_answers_like_syntect() {
        let code = "def f(x):\n    return x + 1\n";
        let first = highlight(code, "python").expect("python is known");
        let again = highlight(code, "python").expect("remembered");
        assert_eq!(first, again);
        assert_eq!(Some(first.clone()), highlight_now(code, "python"));
        // The language is part of the key.
        let as_rust = highlight(code, "rust").expect("rust is known");
        assert_eq!(Some(as_rust.clone()), highlight_now(code, "rust"));
        assert_ne!(first, as_rust);
        // Long blocks skip the memo and are still highlighted.
        let long = "x = 1\n".repeat(MEMO_CODE_MAX / 6 + 1);
        assert_eq!(highlight(&long, "python"), highlight_now(&long, "python"));
    }
}
