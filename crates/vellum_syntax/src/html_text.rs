//! Reading the text of HTML the way a browser shows it: which character
//! references mean which characters, and which elements sit inside a line of
//! text. The parser (journal components), the search index (note bodies) and
//! the site (rendered bodies) all strip markup to plain text with these.

/// The named character references notes and renderers write, with the
/// characters a browser shows for them (`&nbsp;` is U+00A0, not a space).
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("mdash", '\u{2014}'),
    ("ndash", '\u{2013}'),
    ("hellip", '\u{2026}'),
];

/// The longest reference name looked at, `#x10FFFF` included.
const LONGEST_NAME: usize = 10;

/// The character reference at the start of `s` (which starts with `&`):
/// the character and what follows the `;`. `None` for anything else: an
/// unknown name, a number that is no character, no `;` within reach.
#[must_use]
pub fn decode_entity(s: &str) -> Option<(char, &str)> {
    let after = s.strip_prefix('&')?;
    let semi = after.bytes().take(LONGEST_NAME + 1).position(|b| b == b';')?;
    let name = &after[..semi];
    let c = match NAMED.iter().find(|(n, _)| *n == name) {
        Some(&(_, c)) => c,
        None => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, &after[semi + 1..]))
}

/// `s` with its character references decoded (see [`decode_entity`]);
/// anything that is not one stays as written.
#[must_use]
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match decode_entity(rest) {
            Some((c, after)) => {
                out.push(c);
                rest = after;
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The HTML elements that sit inside a line of text: removing their tags
/// must not split a word (`a<em>b</em>c` reads `abc`).
pub const INLINE_ELEMENTS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// Whether `name` (any case) is one of [`INLINE_ELEMENTS`]. It allocates
/// nothing: it runs for every tag of every body.
#[must_use]
pub fn is_inline_element(name: &str) -> bool {
    const LONGEST: usize = 6;
    if name.is_empty() || name.len() > LONGEST {
        return false;
    }
    let mut buf = [0u8; LONGEST];
    for (b, c) in buf.iter_mut().zip(name.bytes()) {
        *b = c.to_ascii_lowercase();
    }
    let lower = &buf[..name.len()];
    INLINE_ELEMENTS.iter().any(|i| i.as_bytes() == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode_as_a_browser_shows_them() {
        assert_eq!(decode_entities("t&amp;&#65;&#x42;&bogus;"), "t&AB&bogus;");
        assert_eq!(decode_entities("a&nbsp;b"), "a\u{a0}b");
        assert_eq!(decode_entities("x &mdash; y &ndash; z&hellip;"), "x — y – z…");
        assert_eq!(decode_entities("&lt;p&gt; &quot;&apos;"), "<p> \"'");
        assert_eq!(decode_entities("&#x10FFFF;"), "\u{10FFFF}");
        // No character, no `;` in reach, a lone `&`: kept as written.
        assert_eq!(
            decode_entities("&#xD800; &#99999999; &amp &verylongname; a & b &"),
            "&#xD800; &#99999999; &amp &verylongname; a & b &"
        );
        assert_eq!(decode_entity("&amp;rest"), Some(('&', "rest")));
        assert_eq!(decode_entity("amp;"), None);
    }

    #[test]
    fn inline_elements_in_any_case() {
        assert!(INLINE_ELEMENTS.iter().all(|i| is_inline_element(i) && is_inline_element(&i.to_uppercase())));
        assert!(!is_inline_element("") && !is_inline_element("p") && !is_inline_element("div"));
        assert!(!is_inline_element("strongest"));
    }
}
