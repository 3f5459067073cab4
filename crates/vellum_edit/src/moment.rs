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
    fn moment_tokens_in_english() {
        let at = date(2024, 3, 1).at(9, 5, 7, 0);
        assert_eq!(format("YYYY-MM-DD", at), "2024-03-01");
        assert_eq!(format("YY/M/D", at), "24/3/1");
        assert_eq!(format("dddd, MMMM Do YYYY", at), "Friday, March 1st YYYY".replace("YYYY", "2024"));
        assert_eq!(format("ddd MMM DD", at), "Fri Mar 01");
        assert_eq!(format("HH:mm:ss", at), "09:05:07");
        assert_eq!(format("h:mm A", date(2024, 3, 1).at(0, 30, 0, 0)), "12:30 AM");
        assert_eq!(format("h a", date(2024, 3, 1).at(15, 0, 0, 0)), "3 pm");
        assert_eq!(format("[Week] W, [Q]Q", at), "Week 9, Q1");
        assert_eq!(
            format("YYYY/MMMM/YYYY-MMM-DD", date(2023, 1, 1).at(0, 0, 0, 0)),
            "2023/January/2023-Jan-01"
        );
        assert_eq!(format("GGGG-[W]WW", date(2021, 1, 3).at(0, 0, 0, 0)), "2020-W53");
        assert_eq!(format("DDDD d dd", at), "061 5 Fr");
        assert_eq!(format("[unclosed", at), "unclosed");
        assert_eq!(format("日記 YYYY", at), "日記 2024");
        let ords: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31]
            .iter()
            .map(|&n| format("Do", date(2024, 1, n).at(0, 0, 0, 0)))
            .collect();
        assert_eq!(
            ords,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
        );
    }

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
