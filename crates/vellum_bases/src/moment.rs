//! Moment.js date formatting, as Obsidian writes dates: in bases
//! (`date.format("YYYY-MM-DD")`), daily-note names and template variables.
//!
//! [`format`](fn@format) knows, in English: `YYYY`, `YY`, `Q`, `MMMM`, `MMM`, `MM`,
//! `M`, `DDDD`, `DDD`, `Do`, `DD`, `D`, `dddd`, `ddd`, `dd`, `d`, `GGGG`,
//! `WW`, `W` (ISO week), `HH`, `H`, `hh`, `h`, `mm`, `m`, `ss`, `s`, `SSS`,
//! `SS`, `S`, `A`, `a`, `X`, `x` (Unix seconds and milliseconds), `ZZ`, `Z`
//! (the offset: times are UTC), and `[literal]` text; any other character is
//! written as it is.

use jiff::civil::DateTime;

/// English month names, January first.
pub const MONTHS: [&str; 12] = [
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

/// The tokens [`format`](fn@format) knows, longest first where one is a prefix of another.
const TOKENS: [&str; 36] = [
    "YYYY", "YY", "Q", "MMMM", "MMM", "MM", "M", "DDDD", "DDD", "Do", "DD", "D", "dddd", "ddd", "dd", "d",
    "GGGG", "WW", "W", "HH", "H", "hh", "h", "mm", "m", "ss", "s", "SSS", "SS", "S", "A", "a", "X", "x",
    "ZZ", "Z",
];

/// `at` written with the Moment.js format string `fmt` (English names, UTC).
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
    let millis = || crate::eval::dt_millis(at).unwrap_or(0);
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
        "SSS" => format!("{:03}", at.millisecond()),
        "SS" => format!("{:02}", at.millisecond() / 10),
        "S" => (at.millisecond() / 100).to_string(),
        "A" => if at.hour() < 12 { "AM" } else { "PM" }.to_owned(),
        "a" => if at.hour() < 12 { "am" } else { "pm" }.to_owned(),
        "X" => millis().div_euclid(1000).to_string(),
        "x" => millis().to_string(),
        "ZZ" => "+0000".to_owned(),
        "Z" => "+00:00".to_owned(),
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

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn every_token() {
        let at = date(2024, 3, 1).at(14, 5, 9, 250_000_000);
        assert_eq!(format("YYYY-MM-DD", at), "2024-03-01");
        assert_eq!(format("dddd, MMMM Do YYYY", at), "Friday, March 1st 2024");
        assert_eq!(format("ddd dd d [week] W GGGG-[W]WW Q", at), "Fri Fr 5 week 9 2024-W09 1");
        assert_eq!(format("h:mm:ss A a SSS SS S", at), "2:05:09 PM pm 250 25 2");
        assert_eq!(format("DDD DDDD YY M D H HH hh", at), "61 061 24 3 1 14 14 02");
        assert_eq!(format("X x Z ZZ", at), "1709301909 1709301909250 +00:00 +0000");
        assert_eq!(format("[unclosed", at), "unclosed");
        assert_eq!(format("11Do 12 13", date(2024, 1, 11).at(0, 0, 0, 0)), "1111th 12 13");
        // Midnight and afternoon on the 12-hour clock.
        assert_eq!(format("h:mm A", date(2024, 3, 1).at(0, 30, 0, 0)), "12:30 AM");
        assert_eq!(format("h a", date(2024, 3, 1).at(15, 0, 0, 0)), "3 pm");
        // A daily note's path, the ISO week-year across New Year, text passed through.
        assert_eq!(
            format("YYYY/MMMM/YYYY-MMM-DD", date(2023, 1, 1).at(0, 0, 0, 0)),
            "2023/January/2023-Jan-01"
        );
        assert_eq!(format("GGGG-[W]WW", date(2021, 1, 3).at(0, 0, 0, 0)), "2020-W53");
        assert_eq!(format("[Week] W, [Q]Q 日記", at), "Week 9, Q1 日記");
        let ords: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31]
            .iter()
            .map(|&n| format("Do", date(2024, 1, n).at(0, 0, 0, 0)))
            .collect();
        assert_eq!(
            ords,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
        );
    }
}
