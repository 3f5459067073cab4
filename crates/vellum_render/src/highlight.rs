//! Code highlighting at build time with syntect: `<span class="hl-…">` classes,
//! styled by [`highlight_css`]; no JavaScript.

use std::sync::LazyLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Highlight `code` written in `lang` (a fence info word such as `rust`, `sh`,
/// `py`); `None` when the language is unknown, so the caller prints it plain.
pub(crate) fn highlight(code: &str, lang: &str) -> Option<String> {
    if lang.is_empty() {
        return None;
    }
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
}
