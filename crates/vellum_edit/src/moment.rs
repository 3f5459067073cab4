//! Obsidian's date formats and template variables, for the notes vellum
//! creates from Obsidian's templates (`vellum new` with a template of the core
//! Templates folder, daily notes).
//!
//! - [`format`](fn@format) writes a date and time with a Moment.js format string
//!   (`vellum_bases::moment`, the one formatter bases' `format()` uses too).
//! - [`fill`] replaces the core Templates plugin's variables: `{{title}}`,
//!   `{{date}}`, `{{time}}`, `{{date:FORMAT}}` and `{{time:FORMAT}}` (names
//!   in any case); any other `{{…}}` is left as written, as Obsidian does.

use jiff::civil::DateTime;

pub use vellum_bases::moment::format;

/// What a template's variables stand for.
#[derive(Debug, Clone)]
pub struct Variables<'a> {
    /// `{{title}}`: the new note's title (its file name).
    pub title: &'a str,
    /// The date and time `{{date}}` and `{{time}}` write.
    pub at: DateTime,
    /// The format of `{{date}}`.
    pub date_format: &'a str,
    /// The format of `{{time}}`.
    pub time_format: &'a str,
}

/// `text` with the core Templates plugin's variables replaced.
#[must_use]
pub fn fill(text: &str, vars: &Variables<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            rest = &rest[open..];
            break;
        };
        let inner = &after[..close];
        let (name, fmt) = match inner.split_once(':') {
            Some((n, f)) => (n, Some(f)),
            None => (inner, None),
        };
        let value = match (name.to_ascii_lowercase().as_str(), fmt) {
            ("title", None) => Some(vars.title.to_owned()),
            ("date", None) => Some(format(vars.date_format, vars.at)),
            ("time", None) => Some(format(vars.time_format, vars.at)),
            ("date" | "time", Some(f)) => Some(format(f.trim(), vars.at)),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn template_variables_as_obsidian_fills_them() {
        let vars = Variables {
            title: "My note",
            at: date(2024, 3, 1).at(14, 7, 0, 0),
            date_format: "YYYY-MM-DD",
            time_format: "HH:mm",
        };
        let text = "---\ncreated: {{date}}\nday: {{date:dddd}}\n---\n# {{title}}\n{{time}} {{TIME:h A}} {{other}} {{ date }} {{x";
        assert_eq!(
            fill(text, &vars),
            "---\ncreated: 2024-03-01\nday: Friday\n---\n# My note\n14:07 2 PM {{other}} {{ date }} {{x"
        );
    }
}
