//! Property tests: `parse` never panics, and every span it returns is a valid
//! range of the input on UTF-8 character boundaries.
//!
//! Inputs come from three generators: arbitrary strings, a soup of Markdown and
//! Obsidian syntax fragments (where the interesting edge cases are), and notes
//! with a frontmatter block built from YAML-ish fragments. The fuzz target
//! `fuzz/fuzz_targets/parse_note.rs` checks the same invariants; inputs it finds
//! that break them belong in [`regressions`] below. The invariants themselves
//! live in `tests/invariants/mod.rs`, shared with the fuzz target.

#[path = "../invariants/mod.rs"]
mod invariants;

use proptest::prelude::*;
use vellum_syntax::parse;

/// Parse `text` and check the invariants.
fn check(text: &str) -> Result<(), TestCaseError> {
    let note = parse(text);
    invariants::check_note(text, &note).map_err(TestCaseError::fail)
}

/// Pieces of Markdown, Obsidian and journal syntax, glued together at random.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "---", "---\n", "...\n", "\n", "\n\n", "\r\n", "\r", " ", "  ", "\t", "    ", "[[", "]]", "![[", "|",
    "\\|", "\\", "#", "##", "# ", "## ", "#tag", "#日本", "#1984", "^", "^blk", " ^id-1\n", "%%", "$", "$$",
    "`", "``", "```", "```rust\n", "~~~", "<div class=\"keyword-row\">", "<span class=\"inline-keyword\">",
    "<span class=\"inline-claim\">", "</span>", "</div>", "<ul class=\"brain-dump\">", "<li>",
    "<li><strong>Label:</strong>", "</strong>", "</li>", "</ul>", "<div class=\"linkage-tree\">", "<br>",
    "<code>", "</code>", "<!--", "-->", "<", ">", "&amp;", "&#x1F680;", "&", "> ", "> [!note]",
    "> [!note] Core claim\n> ", "> [!question]- Why?\n", "> [!ref] Src\n> https://example.com/a",
    "> > [!tip]+", "[!", "]", "[", "(", ")", "](", "](x.md)", "](Other%20Note.md#H)", "](https://x.y)",
    "<https://a.b>", "*", "**", "_", "==", "~~", "- ", "* ", "1. ", "- [ ] ", "| a | b |\n|---|---|\n",
    "[^1]", "[^1]: n\n", "title: x\n", "tags: [a, b]\n", "a", "Note", "x.md", "img.png", "%20", "é", "日", "🚀",
    "ü", "\u{feff}", "\u{a0}", "\u{2028}", "\u{0}",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z0-9 ]{1,6}",
    ]
}

/// Text biased toward Markdown/Obsidian syntax.
fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..80).prop_map(|v| v.concat())
}

/// Frontmatter YAML fragments, including the journal schema's keys and broken YAML.
#[rustfmt::skip]
const YAML: &[&str] = &[
    "title: T\n", "title: [a]\n", "title: \"日本 🚀\"\n", "title:\n", "tags:\n  - a\n  - 2022\n  -\n",
    "tags: a, #b c\n", "aliases: One\n", "aliases:\n  - é\n", "keywords: [x, y]\n", "draft: true\n",
    "draft: maybe\n", "created: 2022-05-11\n", "created: 2022-13-45\n", "updated: 2022-5-1\n",
    "created: 2022-05-11T10:30:00\n", "note_id: 220511TJ01\n", "cssclasses: a b\n",
    "description: >\n  folded\n", "key: {a: [1, 2]}\n", "bad: [\n", ": x\n", "\t\n", "- a\n",
    "a: 'unterminated\n", "a: &x 1\nb: *x\n", "a: !!binary x\n", "{\"title\": \"J\"}\n", "日: 🚀\n",
    "x: |\n  é\n", "  indented: 1\n", "? complex\n",
];

/// A note with a frontmatter block (sometimes unclosed) and a body.
fn with_frontmatter() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["", "\u{feff}"][..]),
        prop::sample::select(&["---\n", "---\r\n", "--- \n"][..]),
        prop::collection::vec(
            prop_oneof![4 => prop::sample::select(YAML).prop_map(str::to_owned), 1 => piece()],
            0..12,
        ),
        prop::sample::select(&["---\n", "---", "...\n", "---\r\n", ""][..]),
        markdownish(),
    )
        .prop_map(|(bom, open, yaml, close, body)| format!("{bom}{open}{}{close}{body}", yaml.concat()))
}

/// One HTML block of a note: a journal component's start tag, then lines of
/// syntax soup, none of them blank (a blank line would end the block).
fn html_block() -> impl Strategy<Value = String> {
    let line = prop::collection::vec(piece(), 1..8).prop_map(|v| v.concat().replace(['\n', '\r'], " ") + "a");
    (
        prop::sample::select(
            &["<div class=\"linkage-tree\">", "<div class=\"keyword-row\">", "<ul class=\"brain-dump\">"][..],
        ),
        prop::collection::vec(line, 0..8),
    )
        .prop_map(|(open, lines)| format!("{open}\n{}", lines.join("\n")))
}

/// What the renderer reads of raw HTML: links, tags and keywords.
fn fragment_of(note: &vellum_syntax::Note) -> vellum_syntax::HtmlFragment {
    use vellum_syntax::LinkKind;
    vellum_syntax::HtmlFragment {
        links: note
            .links
            .iter()
            .filter(|l| matches!(l.kind, LinkKind::Wiki | LinkKind::Embed))
            .cloned()
            .collect(),
        tags: note.tags.clone(),
        keywords: note.journal.keyword_row.as_ref().map(|r| r.value.clone()).unwrap_or_default(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// `parse_html_fragment` finds in one HTML block what `parse` of the block
    /// as a whole note finds (the renderer relied on the latter before).
    #[test]
    fn html_fragment_agrees_with_parse(html in html_block()) {
        let mut whole = fragment_of(&parse(&html));
        let mut fragment = vellum_syntax::parse_html_fragment(&html);
        // `in_html` says where a link sits in its note; a fragment has no note.
        for l in whole.links.iter_mut().chain(fragment.links.iter_mut()) {
            l.in_html = false;
        }
        prop_assert_eq!(whole, fragment);
    }
}

/// `PROPTEST_CASES` if set, else 512.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
}

proptest! {
    // 512 cases each keeps the debug run well under a second; set `PROPTEST_CASES`
    // for a longer hunt. Failures become named cases in `regressions`, not a
    // `.proptest-regressions` file.
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn markdown_soup(text in markdownish()) {
        check(&text)?;
    }

    #[test]
    fn notes_with_frontmatter(text in with_frontmatter()) {
        check(&text)?;
    }
}

/// Inputs that once broke an invariant (found by the property tests or the fuzzer).
mod regressions {
    use super::check;

    fn holds(text: &str) {
        if let Err(e) = check(text) {
            panic!("{e}\ninput: {text:?}");
        }
    }

    #[test]
    fn seed_note() {
        holds(include_str!("../../../../examples/journal/Nvidia Open Sources GPU Kernel Modules.md"));
    }

    /// HTML markup inside `[[…]]` is blanked in the scan text; the target is read
    /// from the file (`"*<div …>A"`), not from the scan text (`"*      A"`).
    #[test]
    fn wikilink_target_is_read_from_the_file() {
        holds("[[*<div class=\"keyword-row\">A]]");
        holds("[[a<b>c|d<i>e</i>]] and ![[x<br>y#h]]");
        let note = vellum_syntax::parse("[[a<b>c]]");
        assert_eq!(note.links[0].target, "a<b>c");
    }

    #[test]
    fn edge_inputs() {
        for text in
            ["", "\u{feff}", "---", "---\n", "---\n---", "\u{feff}---\n---\n", "#", "[[", "[[]]", "^", "\r\n"]
        {
            holds(text);
        }
    }
}
