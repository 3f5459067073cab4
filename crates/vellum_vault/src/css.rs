//! A forgiving scanner of CSS, just enough to find what a CSS snippet says
//! about callouts: the rules (selector text and declarations, through
//! `@media`, `@supports`, `@layer` and `@container` blocks) and, in a
//! selector, the callout types its `[data-callout=…]` attribute selectors
//! name. Comments and strings are honoured; anything else is skipped. It never
//! fails: what it cannot read is reported as a problem with its byte offset,
//! and the scan goes on after it.

/// How deep conditional at-rules may nest before their content is skipped.
const MAX_DEPTH: usize = 16;

/// One style rule: its selector list and its declarations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    /// The selector list, comments blanked, trimmed.
    pub(crate) selectors: String,
    /// Byte offset of the selector list in the file.
    pub(crate) at: usize,
    /// The declarations of its block, in order (nested rules left out).
    pub(crate) decls: Vec<Decl>,
}

/// One `name: value` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decl {
    /// The property name, lowercased.
    pub(crate) name: String,
    /// The value, trimmed, without `!important`.
    pub(crate) value: String,
    /// Byte offset of the value in the file.
    pub(crate) at: usize,
}

/// What the scanner found in one stylesheet.
#[derive(Debug, Default)]
pub(crate) struct Sheet {
    /// The style rules, in file order.
    pub(crate) rules: Vec<Rule>,
    /// What could not be read: byte offset and message.
    pub(crate) problems: Vec<(usize, String)>,
}

/// Scan `css`.
pub(crate) fn scan(css: &str) -> Sheet {
    let mut problems = Vec::new();
    let text = blank_comments(css, &mut problems);
    let mut s = Scanner { t: &text, b: text.as_bytes(), i: 0, problems };
    let mut rules = Vec::new();
    s.rules(0, None, &mut rules);
    Sheet { rules, problems: s.problems }
}

/// `css` with every comment replaced by spaces (offsets kept), noting
/// unclosed comments and strings.
fn blank_comments(css: &str, problems: &mut Vec<(usize, String)>) -> String {
    let mut b = css.as_bytes().to_vec();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        None => {
                            problems.push((start, "a string that is never closed".to_owned()));
                            break;
                        }
                        Some(b'\\') => i += 2,
                        Some(b'\n') => {
                            problems.push((start, "a string that is never closed".to_owned()));
                            break;
                        }
                        Some(&c) if c == q => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let end = css.get(i + 2..).and_then(|rest| rest.find("*/")).map(|e| i + 2 + e + 2);
                if end.is_none() {
                    problems.push((start, "a comment that is never closed".to_owned()));
                }
                let end = end.unwrap_or(b.len());
                for byte in &mut b[start..end] {
                    *byte = b' ';
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    // Whole characters were blanked (a comment starts and ends on ASCII), so
    // this is still UTF-8; lossy only to never fail.
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

struct Scanner<'a> {
    t: &'a str,
    b: &'a [u8],
    i: usize,
    problems: Vec<(usize, String)>,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    /// Past the string starting at the cursor (unclosed ones were reported
    /// when comments were blanked).
    fn skip_string(&mut self) {
        let q = self.b[self.i];
        self.i += 1;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\\' => self.i += 2,
                b'\n' => return,
                c if c == q => {
                    self.i += 1;
                    return;
                }
                _ => self.i += 1,
            }
        }
        self.i = self.i.min(self.b.len());
    }

    /// Advance to the next `{`, `}` or (outside parentheses, when
    /// `semicolon`) `;`, outside strings; or to the end.
    fn until_stop(&mut self, semicolon: bool) {
        let mut parens = 0usize;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' | b'\'' => {
                    self.skip_string();
                    continue;
                }
                b'{' | b'}' => return,
                b'(' => parens += 1,
                b')' => parens = parens.saturating_sub(1),
                b';' if semicolon && parens == 0 => return,
                _ => {}
            }
            self.i += 1;
        }
        self.i = self.i.min(self.b.len());
    }

    /// Past the block whose `{` is at `open` (the cursor is just after it).
    fn skip_block(&mut self, open: usize) {
        let mut depth = 1usize;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' | b'\'' => {
                    self.skip_string();
                    continue;
                }
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.i += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
        self.i = self.b.len();
        self.problems.push((open, "a `{` that is never closed".to_owned()));
    }

    /// Rules up to the end, or up to the `}` closing the block opened at `open`.
    fn rules(&mut self, depth: usize, open: Option<usize>, out: &mut Vec<Rule>) {
        loop {
            self.skip_ws();
            match self.b.get(self.i) {
                None => {
                    if let Some(open) = open {
                        self.problems.push((open, "a `{` that is never closed".to_owned()));
                    }
                    return;
                }
                Some(b'}') => {
                    let at = self.i;
                    self.i += 1;
                    if open.is_some() {
                        return;
                    }
                    self.problems.push((at, "a `}` that closes nothing".to_owned()));
                    continue;
                }
                Some(_) => {}
            }
            let start = self.i;
            self.until_stop(true);
            let prelude = self.t.get(start..self.i).unwrap_or_default().trim();
            match self.b.get(self.i) {
                Some(b';') => self.i += 1, // an at-rule statement (`@import …;`), or junk CSS drops
                Some(b'{') => {
                    let brace = self.i;
                    self.i += 1;
                    if let Some(at_rule) = prelude.strip_prefix('@') {
                        let name: String = at_rule
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                            .collect::<String>()
                            .to_ascii_lowercase();
                        let conditional =
                            matches!(name.as_str(), "media" | "supports" | "layer" | "container" | "scope");
                        if conditional && depth < MAX_DEPTH {
                            self.rules(depth + 1, Some(brace), out);
                        } else {
                            self.skip_block(brace);
                        }
                    } else {
                        let decls = self.block(brace);
                        out.push(Rule { selectors: prelude.to_owned(), at: start, decls });
                    }
                }
                _ => {
                    if !prelude.is_empty() {
                        self.problems.push((start, "a selector without a `{…}` block".to_owned()));
                    }
                }
            }
        }
    }

    /// The declarations of the block opened at `open` (cursor after it),
    /// skipping nested rules; the cursor ends after its `}`.
    fn block(&mut self, open: usize) -> Vec<Decl> {
        let mut decls = Vec::new();
        loop {
            self.skip_ws();
            let start = self.i;
            self.until_stop(true);
            match self.b.get(self.i) {
                Some(b'{') => {
                    // A nested rule: not a declaration of this one.
                    let brace = self.i;
                    self.i += 1;
                    self.skip_block(brace);
                    continue;
                }
                stop => {
                    if let Some(d) = decl(self.t, start, self.i) {
                        decls.push(d);
                    }
                    match stop {
                        Some(b';') => self.i += 1,
                        Some(_) => {
                            self.i += 1; // the closing `}`
                            return decls;
                        }
                        None => {
                            self.problems.push((open, "a `{` that is never closed".to_owned()));
                            return decls;
                        }
                    }
                }
            }
        }
    }
}

/// The declaration in `t[start..end]`, if it is one.
fn decl(t: &str, start: usize, end: usize) -> Option<Decl> {
    let text = t.get(start..end)?;
    let colon = text.find(':')?;
    let name = text[..colon].trim();
    if name.is_empty() {
        return None;
    }
    let raw = &text[colon + 1..];
    let lead = raw.len() - raw.trim_start().len();
    let mut value = raw.trim();
    if let Some(bang) = value.rfind('!')
        && value[bang + 1..].trim().eq_ignore_ascii_case("important")
    {
        value = value[..bang].trim_end();
    }
    Some(Decl { name: name.to_ascii_lowercase(), value: value.to_owned(), at: start + colon + 1 + lead })
}

/// The callout types a selector list names with `[data-callout=…]` (exact
/// match only; `^=`, `*=` and the like name no one type), lowercased, each
/// with whether the callout is the selector's subject (nothing follows it
/// but more of the same compound selector), so that its custom properties
/// apply to the callout itself.
pub(crate) fn callout_types(selectors: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for selector in split_top_level(selectors, b',') {
        let b = selector.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'"' | b'\'' => i = string_end(b, i),
                b'[' => {
                    let close = bracket_end(b, i);
                    let inner = selector.get(i + 1..close).unwrap_or_default();
                    let rest = selector.get((close + 1).min(selector.len())..).unwrap_or_default();
                    if let Some(name) = data_callout(inner) {
                        let subject = !rest
                            .trim_end()
                            .contains(|c: char| c.is_whitespace() || matches!(c, '>' | '+' | '~'));
                        out.push((name, subject));
                    }
                    i = close + 1;
                }
                _ => i += 1,
            }
        }
    }
    out
}

/// The value of an exact `data-callout` attribute selector's inside.
fn data_callout(inner: &str) -> Option<String> {
    let inner = inner.trim();
    let rest = inner.strip_prefix("data-callout").or_else(|| {
        inner.get(..12).filter(|p| p.eq_ignore_ascii_case("data-callout")).and_then(|_| inner.get(12..))
    })?;
    let value = rest.trim_start().strip_prefix('=')?.trim_start();
    let name = match value.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) => {
            let body = &value[1..];
            &body[..body.find(char::from(q))?]
        }
        _ => value.split(|c: char| c.is_whitespace()).next().unwrap_or_default(),
    };
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_lowercase())
}

/// `s` split at `sep` outside strings, parentheses and brackets.
fn split_top_level(s: &str, sep: u8) -> Vec<&str> {
    let b = s.as_bytes();
    let (mut out, mut depth, mut start, mut i) = (Vec::new(), 0usize, 0, 0);
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                i = string_end(b, i);
                continue;
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(s.get(start..).unwrap_or_default());
    out
}

/// The offset after the string starting at `open` (or the end).
fn string_end(b: &[u8], open: usize) -> usize {
    let q = b[open];
    let mut i = open + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The offset of the `]` closing the `[` at `open` (or the end).
fn bracket_end(b: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' | b'\'' => {
                i = string_end(b, i);
                continue;
            }
            b']' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// An RGB colour as Obsidian's `--callout-color` takes it: `R, G, B` (its own
/// form), `#rgb`, `#rrggbb` (alpha dropped) or `rgb(…)`/`rgba(…)` with three
/// integers 0–255. Anything else (names, `var()`, `hsl()`) is `None`.
pub(crate) fn rgb(value: &str) -> Option<[u8; 3]> {
    let v = value.trim();
    if let Some(hex) = v.strip_prefix('#') {
        let digit = |i: usize| hex.get(i..=i).and_then(|d| u8::from_str_radix(d, 16).ok());
        return match hex.len() {
            3 | 4 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
            6 | 8 => {
                let pair = |i: usize| hex.get(i..i + 2).and_then(|d| u8::from_str_radix(d, 16).ok());
                Some([pair(0)?, pair(2)?, pair(4)?])
            }
            _ => None,
        };
    }
    let lower = v.to_ascii_lowercase();
    let inner = lower
        .strip_prefix("rgba(")
        .or_else(|| lower.strip_prefix("rgb("))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(&lower);
    let parts: Vec<&str> =
        inner.split(|c: char| c == ',' || c == '/' || c.is_whitespace()).filter(|p| !p.is_empty()).collect();
    let (r, g, b) = match parts.as_slice() {
        [r, g, b] => (r, g, b),
        [r, g, b, _alpha] if inner.len() < lower.len() => (r, g, b),
        _ => return None,
    };
    Some([r.parse().ok()?, g.parse().ok()?, b.parse().ok()?])
}

/// A Lucide icon name from `--callout-icon` (`lucide-flame` or `flame`,
/// quoted or not): lowercase letters, digits and `-` only. An inline SVG or
/// anything else is `None`.
pub(crate) fn icon(value: &str) -> Option<String> {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let name = v.strip_prefix("lucide-").unwrap_or(v);
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    ok.then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_declarations_through_comments_strings_and_media() {
        let css = r#"/* a { } */
.callout[data-callout="recipe"], .callout[data-callout='menu'] {
  --callout-color: 200, 100, 0; /* ; } */
  --callout-icon: lucide-chef-hat !important;
  content: "}";
}
@import url("x;y.css");
@media (prefers-color-scheme: dark) {
  .theme-dark .callout[data-callout=recipe] { --callout-color: 1, 2, 3 }
}
@font-face { font-family: x; }
a { b { --callout-color: 9, 9, 9; } color: red }
"#;
        let sheet = scan(css);
        assert!(sheet.problems.is_empty(), "{:?}", sheet.problems);
        assert_eq!(sheet.rules.len(), 3, "{:?}", sheet.rules);
        let r = &sheet.rules[0];
        assert_eq!(callout_types(&r.selectors), [("recipe".to_owned(), true), ("menu".to_owned(), true)]);
        let names: Vec<&str> = r.decls.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["--callout-color", "--callout-icon", "content"]);
        assert_eq!(r.decls[0].value, "200, 100, 0");
        assert_eq!(&css[r.decls[0].at..r.decls[0].at + 3], "200");
        assert_eq!(r.decls[1].value, "lucide-chef-hat");
        assert_eq!(r.decls[2].value, "\"}\"");
        assert_eq!(callout_types(&sheet.rules[1].selectors), [("recipe".to_owned(), true)]);
        let last: Vec<&str> = sheet.rules[2].decls.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(last, ["color"], "the nested rule is not a declaration of its parent");
    }

    #[test]
    fn selectors_name_callout_types() {
        let t = |s: &str| callout_types(s);
        assert_eq!(t(".callout[data-callout=\"X-Y\"] .callout-title"), [("x-y".to_owned(), false)]);
        assert_eq!(t("[data-callout = idea i]"), [("idea".to_owned(), true)]);
        assert_eq!(t(".callout[data-callout^=\"a\"]"), []);
        assert_eq!(t(".callout[data-callout]"), []);
        assert_eq!(t(".callout[data-callout=\"\"]"), []);
        assert_eq!(t(":is(.callout[data-callout=\"a\"], x)"), [("a".to_owned(), false)]);
        assert_eq!(t("div > .callout[data-callout='b']:hover"), [("b".to_owned(), true)]);
    }

    #[test]
    fn broken_css_is_reported_and_scanned_past() {
        let sheet = scan("a { color: red\n.callout[data-callout=\"z\"] { --callout-color: 1,2,3 }");
        assert_eq!(sheet.rules.len(), 1);
        assert!(sheet.problems.iter().any(|(_, m)| m.contains("never closed")), "{:?}", sheet.problems);
        for bad in ["}", "/* open", "a { content: \"open\n}", "x", "@media { a {", "a { b: \"\\"] {
            let sheet = scan(bad);
            assert!(!sheet.problems.is_empty(), "{bad:?}");
        }
        let deep = "@media x {".repeat(100) + ".callout[data-callout=deep] { }";
        assert!(scan(&deep).rules.is_empty(), "past the nesting limit content is skipped");
    }

    #[test]
    fn colours_and_icons() {
        assert_eq!(rgb("200, 100, 0"), Some([200, 100, 0]));
        assert_eq!(rgb("#f80"), Some([255, 136, 0]));
        assert_eq!(rgb("#FF8800cc"), Some([255, 136, 0]));
        assert_eq!(rgb("rgb(1 2 3 / 50%)"), Some([1, 2, 3]));
        assert_eq!(rgb("rgba(1, 2, 3, .5)"), Some([1, 2, 3]));
        assert_eq!(rgb("256, 0, 0"), None);
        assert_eq!(rgb("red"), None);
        assert_eq!(rgb("var(--color-red-rgb)"), None);
        assert_eq!(rgb("1, 2, 3, 4"), None);
        assert_eq!(rgb("#ééé"), None);
        assert_eq!(icon("lucide-chef-hat"), Some("chef-hat".to_owned()));
        assert_eq!(icon("'flame'"), Some("flame".to_owned()));
        assert_eq!(icon("'<svg>…</svg>'"), None);
        assert_eq!(icon("x\"}{y"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(css in "\\PC{0,300}") {
            let sheet = scan(&css);
            for r in &sheet.rules {
                let _ = callout_types(&r.selectors);
                for d in &r.decls {
                    let _ = (rgb(&d.value), icon(&d.value));
                }
            }
        }

        #[test]
        fn never_panics_on_css_shaped_noise(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "{", "}", ";", ":", "\"", "'", "\\", "/*", "*/", "[", "]", "(", ")", ",", "@media", "@x",
                ".callout", "[data-callout=", "--callout-color", "--callout-icon", "é", "\n", " ", "a",
            ]),
            0..80,
        )) {
            let css: String = parts.concat();
            let sheet = scan(&css);
            for r in &sheet.rules {
                let _ = callout_types(&r.selectors);
            }
        }
    }
}
