//! Obsidian's date formats and template variables, for the notes vellum
//! creates from Obsidian's templates (`vellum new` with a template of the core
//! Templates folder, daily notes).
//!
//! - [`format`](fn@format) writes a date and time with a Moment.js format string, in
//!   English: `YYYY`, `YY`, `Q`, `MMMM`, `MMM`, `MM`, `M`, `DDDD`, `DDD`,
//!   `Do`, `DD`, `D`, `dddd`, `ddd`, `dd`, `d`, `GGGG`, `WW`, `W` (ISO week),
//!   `HH`, `H`, `hh`, `h`, `mm`, `m`, `ss`, `s`, `A`, `a`, and `[literal]`
//!   text; any other character is written as it is.
//! - [`fill`] replaces the core Templates plugin's variables: `{{title}}`,
//!   `{{date}}`, `{{time}}`, `{{date:FORMAT}}` and `{{time:FORMAT}}` (names
//!   in any case); any other `{{…}}` is left as written, as Obsidian does.

use jiff::civil::DateTime;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// The tokens [`format`] knows, longest first where one is a prefix of another.
const TOKENS: [&str; 29] = [
    "YYYY", "YY", "Q", "MMMM", "MMM", "MM", "M", "DDDD", "DDD", "Do", "DD", "D", "dddd", "ddd", "dd", "d",
    "GGGG", "WW", "W", "HH", "H", "hh", "h", "mm", "m", "ss", "s", "A", "a",
];

/// `at` written with the Moment.js format string `fmt` (English names).
#[must_use]
pub fn format(fmt: &str, at: DateTime) -> String {
    let mut out = String::new();
    let mut rest = fmt;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            match rest[1..].find(']') {
                Some(end) => {
                    out.push_str(&rest[1..=end]);
                    rest = &rest[end + 2..];
                }
                None => {
                    out.push_str(&rest[1..]);
                    rest = "";
                }
            }
            continue;
        }
        match TOKENS.iter().find(|t| rest.starts_with(**t)) {
            Some(token) => {
                out.push_str(&field(token, at));
                rest = &rest[token.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// One token's text.
fn field(token: &str, at: DateTime) -> String {
    let d = at.date();
    let month = usize::try_from(d.month() - 1).unwrap_or(0);
    let weekday = usize::try_from(d.weekday().to_sunday_zero_offset()).unwrap_or(0);
    let hour12 = match at.hour() % 12 {
        0 => 12,
        h => h,
    };
    let iso = d.iso_week_date();
    match token {
        "YYYY" => format!("{:04}", d.year()),
        "YY" => format!("{:02}", d.year().rem_euclid(100)),
        "Q" => ((d.month() - 1) / 3 + 1).to_string(),
        "MMMM" => MONTHS[month].to_owned(),
        "MMM" => MONTHS[month][..3].to_owned(),
        "MM" => format!("{:02}", d.month()),
        "M" => d.month().to_string(),
        "DDDD" => format!("{:03}", d.day_of_year()),
        "DDD" => d.day_of_year().to_string(),
        "Do" => ordinal(d.day()),
        "DD" => format!("{:02}", d.day()),
        "D" => d.day().to_string(),
        "dddd" => WEEKDAYS[weekday].to_owned(),
        "ddd" => WEEKDAYS[weekday][..3].to_owned(),
        "dd" => WEEKDAYS[weekday][..2].to_owned(),
        "d" => weekday.to_string(),
        "GGGG" => format!("{:04}", iso.year()),
        "WW" => format!("{:02}", iso.week()),
        "W" => iso.week().to_string(),
        "HH" => format!("{:02}", at.hour()),
        "H" => at.hour().to_string(),
        "hh" => format!("{hour12:02}"),
        "h" => hour12.to_string(),
        "mm" => format!("{:02}", at.minute()),
        "m" => at.minute().to_string(),
        "ss" => format!("{:02}", at.second()),
        "s" => at.second().to_string(),
        "A" => if at.hour() < 12 { "AM" } else { "PM" }.to_owned(),
        "a" => if at.hour() < 12 { "am" } else { "pm" }.to_owned(),
        _ => token.to_owned(),
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`.
fn ordinal(n: i8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

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
        let ords: Vec<String> =
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].iter().map(|&n| ordinal(n)).collect();
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
