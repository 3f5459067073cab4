//! Runtime values of the expression language and their conversions.

use indexmap::IndexMap;
use jiff::civil::{Date, DateTime};
use serde::ser::{SerializeMap, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// A span of time as Bases uses it: calendar months (years are 12 months) plus
/// an exact number of milliseconds (weeks, days, hours, minutes, seconds).
///
/// Months are kept apart because adding `"1M"` to January 31st is a calendar
/// operation, not a fixed number of milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    /// Whole calendar months.
    pub months: i64,
    /// Milliseconds.
    pub millis: i64,
}

impl Duration {
    /// Approximate length in milliseconds, counting a month as 30 days. Used to
    /// compare and to convert durations with a month part to numbers.
    pub fn approx_millis(&self) -> f64 {
        self.months as f64 * 30.0 * 86_400_000.0 + self.millis as f64
    }

    /// Parses a duration string such as `"1d"`, `"2 weeks"`, `"1M 4h"`, `"-3 days"`.
    ///
    /// Units (from the Bases syntax page): `y year years`, `M month months`,
    /// `d day days`, `w week weeks`, `h hour hours`, `m minute minutes`,
    /// `s second seconds`. Several `number unit` pairs add up.
    pub fn parse(text: &str) -> Option<Duration> {
        let mut rest = text.trim();
        if rest.is_empty() {
            return None;
        }
        let mut sign = 1i64;
        if let Some(r) = rest.strip_prefix('-') {
            sign = -1;
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix('+') {
            rest = r.trim_start();
        }
        let mut total = Duration::default();
        let mut any = false;
        while !rest.is_empty() {
            let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            if num_len == 0 {
                return None;
            }
            let n: f64 = rest[..num_len].parse().ok()?;
            rest = rest[num_len..].trim_start();
            let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
            let unit = &rest[..unit_len];
            rest = rest[unit_len..].trim_start_matches([' ', ',']);
            let ms = |per: f64| -> Option<i64> {
                let v = n * per;
                (v.is_finite() && v.abs() < 9.0e15).then_some(v.round() as i64)
            };
            match unit {
                "y" | "year" | "years" => total.months += ms(12.0)?,
                "M" | "month" | "months" => total.months += ms(1.0)?,
                "w" | "week" | "weeks" => total.millis += ms(7.0 * 86_400_000.0)?,
                "d" | "day" | "days" => total.millis += ms(86_400_000.0)?,
                "h" | "hour" | "hours" => total.millis += ms(3_600_000.0)?,
                "m" | "minute" | "minutes" => total.millis += ms(60_000.0)?,
                "s" | "second" | "seconds" => total.millis += ms(1000.0)?,
                "ms" | "millisecond" | "milliseconds" => total.millis += ms(1.0)?,
                _ => return None,
            }
            any = true;
        }
        any.then_some(Duration { months: total.months * sign, millis: total.millis * sign })
    }
}

impl fmt::Display for Duration {
    /// Compact form: `1y 2M 3d 4h 5m 6s`, largest units first; zero is `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let neg = self.months < 0 || (self.months == 0 && self.millis < 0);
        let months = self.months.unsigned_abs();
        let mut ms = self.millis.unsigned_abs();
        if months / 12 > 0 {
            parts.push(format!("{}y", months / 12));
        }
        if !months.is_multiple_of(12) {
            parts.push(format!("{}M", months % 12));
        }
        for (unit, per) in [("d", 86_400_000u64), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] {
            if ms >= per {
                parts.push(format!("{}{unit}", ms / per));
                ms %= per;
            }
        }
        if ms > 0 {
            parts.push(format!("{ms}ms"));
        }
        if parts.is_empty() {
            return f.write_str("0s");
        }
        if neg {
            f.write_str("-")?;
        }
        f.write_str(&parts.join(" "))
    }
}

/// A compiled regular expression literal (`/pattern/flags`).
///
/// The pattern is compiled with the `regex` crate, which runs in linear time, so
/// a hostile pattern cannot stall evaluation. JavaScript look-around and
/// back-references are not supported and make the literal a syntax problem.
#[derive(Debug, Clone)]
pub struct RegexValue {
    /// The pattern as written.
    pub source: String,
    /// The flags as written (`g`, `i`, `m`, `s`, `u`, `y`).
    pub flags: String,
    pub(crate) compiled: regex::Regex,
}

impl RegexValue {
    /// Compiles `pattern` with JavaScript-style `flags`.
    pub fn new(pattern: &str, flags: &str) -> Result<RegexValue, String> {
        let mut builder = regex::RegexBuilder::new(pattern);
        builder.size_limit(1 << 20).dfa_size_limit(1 << 20);
        for f in flags.chars() {
            match f {
                'i' => {
                    builder.case_insensitive(true);
                }
                'm' => {
                    builder.multi_line(true);
                }
                's' => {
                    builder.dot_matches_new_line(true);
                }
                'g' | 'u' | 'y' | 'd' => {}
                other => return Err(format!("unknown regular expression flag `{other}`")),
            }
        }
        let compiled = builder.build().map_err(|e| e.to_string())?;
        Ok(RegexValue { source: pattern.to_owned(), flags: flags.to_owned(), compiled })
    }

    /// True when the `g` flag is set.
    pub fn global(&self) -> bool {
        self.flags.contains('g')
    }
}

impl PartialEq for RegexValue {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.flags == other.flags
    }
}

/// A value produced by evaluating an expression or read from frontmatter.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// No value: a missing property, `null`, or an empty YAML value.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Every number is a 64-bit float, as in JavaScript.
    Number(f64),
    /// Text.
    String(String),
    /// A calendar date without time.
    Date(Date),
    /// A date with time of day (interpreted in UTC; see the crate docs).
    DateTime(DateTime),
    /// A span of time.
    Duration(Duration),
    /// An ordered list.
    List(Vec<Value>),
    /// String keys to values, in insertion order.
    Object(IndexMap<String, Value>),
    /// An internal or external link. `path` is the link target as written
    /// (`Books/Dune`, `Dune.md`, `https://…`), `display` the optional label.
    Link {
        /// Target as written.
        path: String,
        /// Label, when set.
        display: Option<String>,
    },
    /// A file of the vault, by vault path.
    File(String),
    /// A regular expression.
    Regex(RegexValue),
    /// An image to show (`image()`), by URL or vault path.
    Image(String),
    /// A Lucide icon name (`icon()`).
    Icon(String),
    /// Text the author marked as HTML (`html()`). Rendered escaped: the static
    /// site never emits author-controlled markup from a base.
    Html(String),
    /// The result of a failed evaluation; shown as an error cell.
    Error(String),
}

/// Formats a number the way JavaScript prints it for ordinary magnitudes:
/// integers without `.0`, `NaN`, `Infinity`.
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if n == 0.0 {
        "0".to_owned()
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm[:ss[.fff]]`, `YYYY-MM-DD HH:mm[:ss]`, or an
/// RFC 3339 timestamp (converted to UTC) into a date value.
pub fn parse_date(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.len() < 10 || !t.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if t.len() == 10 {
        return t.parse::<Date>().ok().map(Value::Date);
    }
    if let Ok(dt) = t.parse::<DateTime>() {
        return Some(Value::DateTime(dt));
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(Value::DateTime(jiff::tz::TimeZone::UTC.to_datetime(ts)));
    }
    None
}

/// Splits `[[target|label]]` / `[[target#heading]]` into a link value.
pub fn parse_wikilink(text: &str) -> Option<Value> {
    let inner = text.trim().strip_prefix("[[")?.strip_suffix("]]")?;
    if inner.contains("[[") || inner.contains("]]") {
        return None;
    }
    let (target, display) = match inner.split_once('|') {
        Some((t, d)) => (t, Some(d.to_owned())),
        None => (inner, None),
    };
    let target = target.split('#').next().unwrap_or(target).trim();
    Some(Value::Link { path: target.to_owned(), display })
}

impl Value {
    /// Converts frontmatter read as JSON. Strings written `[[target]]` or
    /// `[[target|label]]` become links; every other string stays a string (date
    /// strings become dates only where an expression compares or offsets them).
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => parse_wikilink(s).unwrap_or_else(|| Value::String(s.clone())),
            serde_json::Value::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }

    /// Converts a YAML document (for example a note's frontmatter, without the
    /// `---` fences) to a value, with the same rules as [`Value::from_json`].
    pub fn from_yaml(text: &str) -> Result<Value, String> {
        let read = || {
            serde_saphyr::from_str_with_options::<serde_json::Value>(text, crate::yaml::yaml_options())
                .map_err(|e| e.to_string())
        };
        let json = crate::yaml::on_big_stack(read).unwrap_or_else(|| Err("the YAML reader failed".into()))?;
        Ok(Value::from_json(&json))
    }

    /// Converts frontmatter given as a map of JSON values into the property map
    /// a [`crate::FileRow`] carries.
    pub fn properties_from_json(map: &serde_json::Map<String, serde_json::Value>) -> IndexMap<String, Value> {
        map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()
    }

    /// The type name as `isType()` knows it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Date(_) | Value::DateTime(_) => "date",
            Value::Duration(_) => "duration",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Link { .. } => "link",
            Value::File(_) => "file",
            Value::Regex(_) => "regexp",
            Value::Image(_) => "image",
            Value::Icon(_) => "icon",
            Value::Html(_) => "html",
            Value::Error(_) => "error",
        }
    }

    /// JavaScript truthiness: `null`, `false`, `0`, `NaN` and `""` are false; lists,
    /// objects and dates are true even when empty. Error values are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null | Value::Error(_) => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Duration(d) => d.months != 0 || d.millis != 0,
            _ => true,
        }
    }

    /// Empty as the `Empty`/`Filled` summaries and `isEmpty()` count it: null, an
    /// empty string, list or object.
    pub fn is_empty_value(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::List(l) => l.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        }
    }

    /// Plain text of the value, as `toString()` and string concatenation see it.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => format_number(*n),
            Value::String(s) | Value::Html(s) | Value::Image(s) | Value::Icon(s) => s.clone(),
            Value::Date(d) => d.to_string(),
            Value::DateTime(dt) => format_datetime(dt),
            Value::Duration(d) => d.to_string(),
            Value::List(items) => items.iter().map(Value::to_text).collect::<Vec<_>>().join(", "),
            Value::Object(map) => {
                let inner: Vec<String> = map.iter().map(|(k, v)| format!("{k}: {}", v.to_text())).collect();
                format!("{{{}}}", inner.join(", "))
            }
            Value::Link { path, display } => display.clone().unwrap_or_else(|| link_label(path)),
            Value::File(path) => file_basename(path).to_owned(),
            Value::Regex(r) => format!("/{}/{}", r.source, r.flags),
            Value::Error(msg) => format!("Error: {msg}"),
        }
    }

    /// A date value as a date-time (midnight for plain dates); date-like strings
    /// are parsed.
    pub(crate) fn as_datetime(&self) -> Option<DateTime> {
        match self {
            Value::Date(d) => Some(d.to_datetime(jiff::civil::Time::midnight())),
            Value::DateTime(dt) => Some(*dt),
            Value::String(s) => match parse_date(s)? {
                Value::Date(d) => Some(d.to_datetime(jiff::civil::Time::midnight())),
                Value::DateTime(dt) => Some(dt),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn is_date(&self) -> bool {
        matches!(self, Value::Date(_) | Value::DateTime(_))
    }

    /// A key that is equal for equal values; used by `unique()` and the `Unique`
    /// summary.
    pub(crate) fn identity_key(&self) -> String {
        format!("{}:{}", self.type_name(), serde_json::to_string(self).unwrap_or_default())
    }
}

/// ISO 8601 text of a date-time, without fractional seconds when they are zero.
pub fn format_datetime(dt: &DateTime) -> String {
    if dt.subsec_nanosecond() == 0 {
        dt.strftime("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        dt.strftime("%Y-%m-%dT%H:%M:%S%.3f").to_string()
    }
}

/// Last path segment of a vault path (`Books/Dune.md` → `Dune.md`).
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// File name without its extension (`Books/Dune.md` → `Dune`).
pub fn file_basename(path: &str) -> &str {
    let name = file_name(path);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

fn link_label(path: &str) -> String {
    if path.contains("://") {
        return path.to_owned();
    }
    let base = file_name(path);
    base.strip_suffix(".md").unwrap_or(base).to_owned()
}

/// Whether a link target as written (`Dune`, `Books/Dune`, `Books/Dune.md`) names
/// the file at vault path `path`: exact path, path without `.md`, or the
/// file's name with or without `.md` (Obsidian's shortest-path links).
pub fn target_matches(target: &str, path: &str) -> bool {
    let target = target.trim().trim_start_matches('/');
    let target = target.split('#').next().unwrap_or(target);
    if target.is_empty() {
        return false;
    }
    if target == path || path.strip_suffix(".md") == Some(target) {
        return true;
    }
    if target.contains('/') {
        return path.ends_with(&format!("/{target}")) || path.ends_with(&format!("/{target}.md"));
    }
    let name = file_name(path);
    name == target || name.strip_suffix(".md") == Some(target)
}

/// Deep equality as `==` defines it. Links equal files they resolve to and
/// links with the same target; a date equals a date string naming the same
/// moment; numbers compare numerically; other kinds must match.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        (Value::Link { path: p, .. }, Value::Link { path: q, .. }) => {
            normalize_target(p) == normalize_target(q) || target_matches(p, q) || target_matches(q, p)
        }
        (Value::Link { path: t, .. }, Value::File(f)) | (Value::File(f), Value::Link { path: t, .. }) => {
            target_matches(t, f)
        }
        (Value::File(x), Value::File(y)) => x == y,
        (x, y) if x.is_date() || y.is_date() => match (x.as_datetime(), y.as_datetime()) {
            (Some(p), Some(q)) => p == q,
            _ => false,
        },
        _ => a == b,
    }
}

fn normalize_target(t: &str) -> &str {
    let t = t.trim();
    let t = t.split('#').next().unwrap_or(t);
    t.strip_suffix(".md").unwrap_or(t)
}

/// Ordering for `<`, `>` and sorting: numbers, strings, booleans, dates (and date
/// strings against dates), durations, links and files by label. `None` when the
/// two values do not compare.
pub fn compare_values(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Duration(x), Value::Duration(y)) => x.approx_millis().partial_cmp(&y.approx_millis()),
        (x, y) if x.is_date() || y.is_date() => Some(x.as_datetime()?.cmp(&y.as_datetime()?)),
        (Value::Link { .. } | Value::File(_), Value::Link { .. } | Value::File(_)) => {
            Some(a.to_text().to_lowercase().cmp(&b.to_text().to_lowercase()))
        }
        (Value::List(x), Value::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                match compare_values(p, q)? {
                    Ordering::Equal => continue,
                    o => return Some(o),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

/// Total order used to sort rows and groups: nulls and errors after everything
/// else, then values of one kind by [`compare_values`], then kinds by a fixed rank.
pub fn sort_order(a: &Value, b: &Value) -> Ordering {
    let rank = |v: &Value| match v {
        Value::Null => 10,
        Value::Error(_) => 11,
        Value::Number(_) => 0,
        Value::Date(_) | Value::DateTime(_) => 1,
        Value::Duration(_) => 2,
        Value::String(_) => 3,
        Value::Link { .. } | Value::File(_) => 4,
        Value::Bool(_) => 5,
        Value::List(_) => 6,
        _ => 7,
    };
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    if let (Value::String(x), Value::String(y)) = (a, b) {
        // Natural, case-insensitive text order as a person sorting names expects.
        return x.to_lowercase().cmp(&y.to_lowercase()).then_with(|| x.cmp(y));
    }
    compare_values(a, b).unwrap_or(Ordering::Equal)
}

impl serde::Serialize for Value {
    /// JSON form: scalars as JSON scalars, dates as ISO strings, durations as
    /// `{"duration": "1d 2h", "ms": …}`, links as `{"link": target, "display": …}`,
    /// files as `{"file": path}`, errors as `{"error": message}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => {
                if n.is_finite() {
                    if n.fract() == 0.0 && n.abs() < 9.0e15 {
                        s.serialize_i64(*n as i64)
                    } else {
                        s.serialize_f64(*n)
                    }
                } else {
                    s.serialize_str(&format_number(*n))
                }
            }
            Value::String(t) => s.serialize_str(t),
            Value::Date(d) => s.serialize_str(&d.to_string()),
            Value::DateTime(dt) => s.serialize_str(&format_datetime(dt)),
            Value::Duration(d) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("duration", &d.to_string())?;
                m.serialize_entry("ms", &d.approx_millis())?;
                m.end()
            }
            Value::List(items) => s.collect_seq(items),
            Value::Object(map) => s.collect_map(map),
            Value::Link { path, display } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("link", path)?;
                m.serialize_entry("display", display)?;
                m.end()
            }
            Value::File(p) => single(s, "file", p),
            Value::Regex(r) => single(s, "regex", &format!("/{}/{}", r.source, r.flags)),
            Value::Image(p) => single(s, "image", p),
            Value::Icon(p) => single(s, "icon", p),
            Value::Html(p) => single(s, "html", p),
            Value::Error(p) => single(s, "error", p),
        }
    }
}

fn single<S: Serializer>(s: S, key: &str, value: &str) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry(key, value)?;
    m.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(Duration::parse("1d"), Some(Duration { months: 0, millis: 86_400_000 }));
        assert_eq!(Duration::parse("2 weeks").map(|d| d.millis), Some(14 * 86_400_000));
        assert_eq!(Duration::parse("1M").map(|d| d.months), Some(1));
        assert_eq!(Duration::parse("1y").map(|d| d.months), Some(12));
        assert_eq!(Duration::parse("3m").map(|d| d.millis), Some(180_000));
        assert_eq!(Duration::parse("1 hour 30 minutes").map(|d| d.millis), Some(5_400_000));
        assert_eq!(Duration::parse("-2h").map(|d| d.millis), Some(-7_200_000));
        assert_eq!(Duration::parse("abc"), None);
        assert_eq!(Duration::parse("1 fortnight"), None);
        assert_eq!(Duration::parse(""), None);
        assert_eq!(Duration { months: 14, millis: 90_061_000 }.to_string(), "1y 2M 1d 1h 1m 1s");
    }

    #[test]
    fn numbers_format_like_javascript() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::INFINITY), "Infinity");
    }

    #[test]
    fn json_conversion_makes_links() {
        let v = Value::from_json(
            &serde_json::json!({"a": "[[Dune|The book]]", "b": ["[[X#h]]", 2], "c": "2024-01-02"}),
        );
        let Value::Object(m) = v else { panic!() };
        assert_eq!(m["a"], Value::Link { path: "Dune".into(), display: Some("The book".into()) });
        assert_eq!(
            m["b"],
            Value::List(vec![Value::Link { path: "X".into(), display: None }, Value::Number(2.0)])
        );
        assert_eq!(m["c"], Value::String("2024-01-02".into()));
    }

    #[test]
    fn yaml_conversion() {
        let v = Value::from_yaml("title: Dune\nyear: 1965\nauthor: \"[[Frank Herbert]]\"\n").ok();
        let Some(Value::Object(m)) = v else { panic!() };
        assert_eq!(m["year"], Value::Number(1965.0));
        assert!(matches!(m["author"], Value::Link { .. }));
        let v = Value::from_yaml("draft: yes\nn: 1\n").ok();
        let Some(Value::Object(m)) = v else { panic!() };
        assert_eq!(m["draft"], Value::String("yes".into()), "YAML 1.2 booleans only");
        assert_eq!(m["n"], Value::Number(1.0));
        assert!(Value::from_yaml("a: [").is_err());
    }

    #[test]
    fn link_targets() {
        assert!(target_matches("Dune", "Books/Dune.md"));
        assert!(target_matches("Books/Dune", "Books/Dune.md"));
        assert!(target_matches("Dune.md", "Books/Dune.md"));
        assert!(target_matches("Books/Dune.md", "Books/Dune.md"));
        assert!(!target_matches("Dun", "Books/Dune.md"));
        assert!(!target_matches("ooks/Dune", "Books/Dune.md"));
        assert!(target_matches("img.png", "assets/img.png"));
    }

    #[test]
    fn equality_and_order() {
        let d = parse_date("2024-01-02").unwrap_or_default();
        assert!(values_equal(&d, &Value::String("2024-01-02".into())));
        assert!(values_equal(
            &Value::Link { path: "Dune".into(), display: None },
            &Value::File("Books/Dune.md".into())
        ));
        assert!(!values_equal(&Value::Number(1.0), &Value::String("1".into())));
        assert_eq!(compare_values(&Value::Number(1.0), &Value::Number(2.0)), Some(Ordering::Less));
        assert_eq!(compare_values(&Value::Number(1.0), &Value::String("a".into())), None);
        assert_eq!(sort_order(&Value::Null, &Value::Number(1.0)), Ordering::Greater);
        assert_eq!(sort_order(&Value::String("b".into()), &Value::String("A".into())), Ordering::Greater);
    }

    #[test]
    fn dates_parse() {
        assert!(matches!(parse_date("2024-02-03"), Some(Value::Date(_))));
        assert!(matches!(parse_date("2024-02-03 10:11:12"), Some(Value::DateTime(_))));
        assert!(matches!(parse_date("2024-02-03T10:11"), Some(Value::DateTime(_))));
        assert!(matches!(parse_date("2024-02-03T10:11:00Z"), Some(Value::DateTime(_))));
        assert_eq!(parse_date("2024-13-03"), None);
        assert_eq!(parse_date("hello world"), None);
    }

    #[test]
    fn truthiness() {
        assert!(!Value::Null.is_truthy());
        assert!(!Value::Number(0.0).is_truthy());
        assert!(!Value::String(String::new()).is_truthy());
        assert!(Value::List(vec![]).is_truthy());
        assert!(Value::Number(1.0).is_truthy());
    }
}
