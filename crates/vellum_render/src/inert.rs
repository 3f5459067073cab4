//! Recognising HTML that the sanitizer would give back unchanged.
//!
//! After [`crate::safe`] has set aside everything vellum wrote itself, what is
//! left for ammonia is mostly the journal's components: a keyword row, a brain
//! dump, a linkage tree, a paragraph holding an inline claim. They are plain
//! elements with classes, text, and links vellum wrote, and ammonia (an
//! html5ever parse, the clean, a serialization) gives them back as they were,
//! at a cost second only to code highlighting in the whole renderer.
//!
//! [`is_inert`] recognises such HTML with a small, strict grammar, and `safe`
//! treats a block that passes as trusted. The grammar only has to be
//! *sufficient*: anything outside it, however harmless, still goes to ammonia.
//! It accepts
//!
//! - text without `<`, `>`, `\r`, NUL, U+00A0 or U+FEFF, whose only character
//!   references are `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` (what [`crate::escape`]
//!   and comrak write);
//! - start tags `<name attr="value" …>` and end tags `</name>` of the few
//!   elements in [`TAGS`] (all on ammonia's allowlist, none with raw text,
//!   none that changes how the parser reads what follows), lowercase, one
//!   space between attributes, every value double-quoted;
//! - attributes from [`GENERIC_ATTRS`] on any of them (ammonia allows these on
//!   every element), plus `href` and `rel` on `a`: the `href` relative or
//!   `http:`, `https:`, `mailto:`, with no character reference but `&amp;` and
//!   no space or control character; the `rel` exactly `noopener noreferrer`,
//!   last, on every `a` (ammonia sets that `rel` on each link);
//! - elements properly nested and all closed, in a way the HTML parser keeps
//!   as written: no block inside a `p`, `li` only directly in `ul` or `ol`, no
//!   heading in a heading, no link in a link (each of those the parser would
//!   close or move, so ammonia's output would differ).
//!
//! The test `accepted_html_is_ammonias_fixpoint` checks the claim that
//! matters over generated soup: whatever is accepted, ammonia returns
//! unchanged (up to how it writes `"` and `'` in text).

/// Elements the grammar accepts.
const TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "ul",
];

/// Elements that close an open `p` when they start.
const BLOCKS: &[&str] =
    &["blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "ul"];

/// Elements without an end tag.
const VOID: &[&str] = &["br", "hr"];

/// Attributes the sanitizer allows on every element (see `sanitize.rs`).
const GENERIC_ATTRS: &[&str] = &["class", "id", "title", "lang", "dir", "aria-hidden", "aria-label"];

/// The `rel` ammonia gives every link.
const LINK_REL: &str = "noopener noreferrer";

/// Whether ammonia, with vellum's allowlist, would give `html` back as it is
/// (see the module docs for the grammar).
pub(crate) fn is_inert(html: &str) -> bool {
    let b = html.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => {
                let Some(end) = memchr::memchr(b'>', &b[i..]).map(|e| i + e) else { return false };
                let tag = &html[i + 1..end];
                let ok = match tag.strip_prefix('/') {
                    Some(name) => open.pop() == Some(name) && !VOID.contains(&name),
                    None => start_tag(tag, &mut open),
                };
                if !ok {
                    return false;
                }
                i = end + 1;
            }
            b'&' => {
                let rest = &html[i..];
                let Some(len) = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .find(|e| rest.starts_with(**e))
                    .map(|e| e.len())
                else {
                    return false;
                };
                i += len;
            }
            b'>' | b'\r' | 0 => return false,
            // U+00A0 is written as `&nbsp;` by the serializer; a leading
            // U+FEFF is dropped by the parser.
            0xC2 if b.get(i + 1) == Some(&0xA0) => return false,
            0xEF if b.get(i + 1..i + 3) == Some(&[0xBB, 0xBF]) => return false,
            _ => i += 1,
        }
    }
    open.is_empty()
}

/// Check the start tag `tag` (between `<` and `>`) and push it onto `open`.
fn start_tag<'h>(tag: &'h str, open: &mut Vec<&'h str>) -> bool {
    let (name, mut attrs) = tag.split_once(' ').map_or((tag, ""), |(n, a)| (n, a));
    let Some(&name) = TAGS.iter().find(|t| **t == name) else { return false };
    let inside = |t: &[&str]| open.iter().any(|o| t.contains(o));
    let fits = match name {
        _ if BLOCKS.contains(&name) && inside(&["p"]) => false,
        "li" => matches!(open.last(), Some(&("ul" | "ol"))),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => !inside(&["h1", "h2", "h3", "h4", "h5", "h6"]),
        "a" => !inside(&["a"]),
        _ => true,
    };
    if !fits {
        return false;
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut rel = false;
    while !attrs.is_empty() {
        if rel {
            return false; // `rel` must come last
        }
        let Some((key, rest)) = attrs.split_once("=\"") else { return false };
        let Some((value, rest)) = rest.split_once('"') else { return false };
        attrs = match rest.strip_prefix(' ') {
            Some(r) if !r.is_empty() => r,
            None if rest.is_empty() => "",
            _ => return false,
        };
        if seen.contains(&key) || !attribute(name, key, value) {
            return false;
        }
        rel = key == "rel";
        seen.push(key);
    }
    if name == "a" && !rel {
        return false;
    }
    if !VOID.contains(&name) {
        open.push(name);
    }
    true
}

/// Whether `key="value"` is accepted on element `name`.
fn attribute(name: &str, key: &str, value: &str) -> bool {
    let clean_value = {
        let mut rest = value;
        let mut ok = !value.contains(['<', '>', '\r', '\0', '\u{a0}', '\u{feff}']);
        while let (true, Some(at)) = (ok, rest.find('&')) {
            rest = &rest[at..];
            let len = ["&amp;", "&quot;", "&#39;"].iter().find(|e| rest.starts_with(**e)).map(|e| e.len());
            ok = len.is_some();
            rest = &rest[len.unwrap_or(0)..];
        }
        ok
    };
    if !clean_value {
        return false;
    }
    match (name, key) {
        (_, k) if GENERIC_ATTRS.contains(&k) => true,
        ("a", "rel") => value == LINK_REL,
        ("a", "href") => safe_href(value),
        _ => false,
    }
}

/// A link target ammonia keeps as written: relative, or `http:`, `https:` or
/// `mailto:`, without spaces, control characters or character references
/// other than `&amp;`.
fn safe_href(href: &str) -> bool {
    if href.bytes().any(|c| c <= b' ' || c == 0x7F || c == b'\\') {
        return false;
    }
    if href.contains('&') && href.replace("&amp;", "").contains('&') {
        return false;
    }
    let scheme_end = href.find(':');
    let path_start = href.find(['/', '?', '#']).unwrap_or(href.len());
    match scheme_end {
        Some(c) if c < path_start => matches!(&href[..c], "http" | "https" | "mailto"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::sanitize;

    #[test]
    fn journal_components_are_inert() {
        let row = "<div class=\"keyword-row\">\n  <span class=\"inline-keyword\"><a class=\"keyword-link\" \
                   href=\"/keywords/rust/\" rel=\"noopener noreferrer\">rust</a></span>\n</div>";
        let dump = "<ul class=\"brain-dump\">\n  <li><strong>Cost:</strong> R&amp;D is &quot;cheap&quot;.</li>\n</ul>";
        let claim = "<p>So <span class=\"inline-claim\">the moat is gone</span> &amp; then <a class=\"internal\" \
                     href=\"/2020/x/#y\" rel=\"noopener noreferrer\">x</a>.</p>\n";
        let heading = "<h2 id=\"my-take\">my take</h2>\n";
        for html in [row, dump, claim, heading] {
            assert!(is_inert(html), "{html}");
            assert_eq!(sanitize(html).replace("\"cheap\"", "&quot;cheap&quot;"), html);
        }
    }

    #[test]
    fn anything_else_goes_to_the_sanitizer() {
        for html in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\" rel=\"noopener noreferrer\">x</a>",
            "<a href=\"JavaScript:alert(1)\" rel=\"noopener noreferrer\">x</a>",
            "<a href=\"java&#115;cript:alert(1)\" rel=\"noopener noreferrer\">x</a>",
            "<a href=\" javascript:alert(1)\" rel=\"noopener noreferrer\">x</a>",
            "<a href=\"java\tscript:alert(1)\" rel=\"noopener noreferrer\">x</a>",
            "<a href=\"data:text/html,x\" rel=\"noopener noreferrer\">x</a>",
            "<a href=\"/x\">no rel</a>",
            "<a rel=\"noopener noreferrer\" href=\"/x\">rel not last</a>",
            "<div onclick=\"x()\">x</div>",
            "<div class='x'>single quotes</div>",
            "<div class=x>unquoted</div>",
            "<div  class=\"x\">two spaces</div>",
            "<div class=\"x\" class=\"y\">twice</div>",
            "<DIV>upper case</DIV>",
            "<div>unclosed",
            "<div><span>misnested</div></span>",
            "<p><div>block in p</div></p>",
            "<ul><p><li>li not in a list</li></p></ul>",
            "<h2><h3>x</h3></h2>",
            "<a href=\"/a\" rel=\"noopener noreferrer\"><a href=\"/b\" rel=\"noopener noreferrer\">x</a></a>",
            "<br />",
            "</br>",
            "<!-- comment -->",
            "<svg><script>alert(1)</script></svg>",
            "<math><mi>x</mi></math>",
            "<style>x</style>",
            "<textarea></div><script>x</script></textarea>",
            "text with > in it",
            "&nbsp;",
            "&#60;script&#62;",
            "a\u{a0}b",
            "a\r\nb",
            "<div title=\"&#x22;&gt;\">x</div>",
            "<span class=\"x\"",
        ] {
            assert!(!is_inert(html), "{html}");
        }
    }

    #[test]
    fn relative_and_web_links_only() {
        for ok in
            ["/a/b/", "#x", "x/y", "../z", "https://example.com/?a=1&amp;b=2", "mailto:a@b.c", "x?y=a:b"]
        {
            assert!(safe_href(ok), "{ok}");
        }
        for bad in ["javascript:x", "vbscript:x", "data:x", "file:///etc/passwd", "Https://x", "a&b", "a\\b"]
        {
            assert!(!safe_href(bad), "{bad}");
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::is_inert;
        use crate::sanitize::sanitize;

        /// Start tags (the end tag is derived from the name).
        #[rustfmt::skip]
        const OPEN: &[&str] = &[
            "<div>", "<div class=\"keyword-row\">", "<span class=\"inline-keyword\">", "<span>",
            "<ul class=\"brain-dump\">", "<ul>", "<ol>", "<li>", "<p>", "<strong>", "<em>", "<code>", "<h2 id=\"x\">",
            "<h3>", "<blockquote>", "<b>", "<i>", "<mark>", "<a href=\"/x/\" rel=\"noopener noreferrer\">",
            "<a class=\"tag\" href=\"#t\" rel=\"noopener noreferrer\">",
            "<a href=\"https://e.com/?a&amp;b\" rel=\"noopener noreferrer\">", "<del>", "<sub>", "<sup>", "<kbd>",
            "<small>", "<s>", "<div title=\"a &quot;b&quot; &#39;c&#39; &amp;\">", "<span lang=\"fr\" dir=\"ltr\">",
        ];

        /// Text and void elements.
        #[rustfmt::skip]
        const LEAF: &[&str] = &[
            "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "\n", " ", "  ", "\t", "text", "é", "日本", "🚀", "\"", "'",
            "=", "/", "#tag", "[[x]]", "\u{2028}", "\u{feff}", "<br>", "<hr>", "", "\n\n",
        ];

        fn html() -> impl Strategy<Value = String> {
            let leaf = prop::sample::select(LEAF).prop_map(str::to_owned);
            leaf.prop_recursive(5, 64, 4, |inner| {
                (prop::sample::select(OPEN), prop::collection::vec(inner, 0..4)).prop_map(|(open, kids)| {
                    let name = open[1..].split([' ', '>']).next().unwrap_or("");
                    format!("{open}{}</{name}>", kids.concat())
                })
            })
        }

        /// The property below is not vacuous: much of the generated HTML is accepted.
        #[test]
        fn the_generator_makes_inert_html() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let strategy = prop::collection::vec(html(), 1..4);
            let accepted = (0..1000)
                .filter(|_| strategy.new_tree(&mut runner).is_ok_and(|t| is_inert(&t.current().concat())))
                .count();
            assert!(accepted > 200, "only {accepted} of 1000 accepted");
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

            /// Whatever `is_inert` accepts, ammonia gives back unchanged (it
            /// writes `"` and `'` in text as themselves, vellum as entities).
            #[test]
            fn accepted_html_is_ammonias_fixpoint(parts in prop::collection::vec(html(), 1..4)) {
                let html = parts.concat();
                if is_inert(&html) {
                    let canon = |s: &str| s.replace("&quot;", "\"").replace("&#39;", "'");
                    prop_assert_eq!(canon(&sanitize(&html)), canon(&html));
                }
            }
        }
    }
}
