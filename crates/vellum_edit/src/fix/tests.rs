//! Unit tests of the fixes on small notes.

use super::*;

fn kinds() -> Vec<String> {
    vec!["tech-journal".to_owned()]
}

fn fixed(text: &str) -> NoteFix {
    fix_text("n.md", text, &kinds())
}

const ROW: &str = "---\nkeywords: [a, b, c]\n---\n\n<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">a</span>\n  <span class=\"inline-keyword\">x</span>\n</div>\n";

#[test]
fn keyword_row_replaces_then_appends_in_style() {
    let f = fixed(ROW);
    assert_eq!(f.kinds(), [FixKind::KeywordRow]);
    assert_eq!(
        f.text,
        "---\nkeywords: [a, b, c]\n---\n\n<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">a</span>\n  <span class=\"inline-keyword\">b</span>\n  <span class=\"inline-keyword\">c</span>\n</div>\n"
    );
}

#[test]
fn keyword_row_removes_extra_words() {
    let text = ROW.replace("[a, b, c]", "[x]");
    let f = fixed(&text);
    assert_eq!(
        f.text,
        "---\nkeywords: [x]\n---\n\n<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">x</span>\n</div>\n"
    );
    let text = ROW.replace("[a, b, c]", "[a]");
    assert_eq!(
        fixed(&text).text,
        "---\nkeywords: [a]\n---\n\n<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">a</span>\n</div>\n"
    );
}

#[test]
fn keyword_row_escapes_html_and_matches_case_insensitively() {
    let text = ROW.replace("[a, b, c]", "[A, x, 'R&D <x>']");
    let f = fixed(&text);
    assert!(f.text.contains("<span class=\"inline-keyword\">R&amp;D &lt;x&gt;</span>"), "{}", f.text);
    assert!(f.text.contains(">a</span>"), "kept as written: {}", f.text);
    assert_eq!(fixed(&f.text).edits, []);
}

#[test]
fn empty_keyword_row_is_filled_and_empty_keywords_are_left_alone() {
    let text = "---\nkeywords: [a, b]\n---\n\n<div class=\"keyword-row\">\n</div>\n";
    assert_eq!(
        fixed(text).text,
        "---\nkeywords: [a, b]\n---\n\n<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">a</span>\n  <span class=\"inline-keyword\">b</span>\n</div>\n"
    );
    let f = fixed(&ROW.replace("[a, b, c]", "[]"));
    assert_eq!(f.text, f.original);
    assert_eq!(f.skipped.len(), 1);
    assert_eq!(f.skipped[0].kind, FixKind::KeywordRow);
}

const TREE: &str = "---\ntags: [tech-journal, 2022, hardware, gpu]\n---\n\n<div class=\"linkage-tree\">\n  <ul>\n    <li>tags\n      <ul>\n        <li>#hardware</li>\n        <li>#old</li>\n        <li>#gone</li>\n      </ul>\n    </li>\n    <li>related\n      <ul>\n        <li>[[X]]</li>\n      </ul>\n    </li>\n  </ul>\n</div>\n";

#[test]
fn linkage_tags_follow_tags_less_kind_and_year() {
    let f = fixed(TREE);
    assert_eq!(f.kinds(), [FixKind::LinkageTags]);
    assert!(f.text.contains("        <li>#hardware</li>\n        <li>#gpu</li>\n      </ul>"), "{}", f.text);
    assert!(!f.text.contains("#old") && !f.text.contains("#gone"));
    assert_eq!(fixed(&f.text).edits, []);
}

#[test]
fn linkage_tags_all_removed_and_refilled() {
    let none = TREE.replace("[tech-journal, 2022, hardware, gpu]", "[tech-journal, 2022]");
    let f = fixed(&none);
    assert!(f.text.contains("    <li>tags\n      <ul>\n      </ul>"), "{}", f.text);
    let again = f.text.replace("[tech-journal, 2022]", "[tech-journal, 2022, new/nested]");
    let g = fixed(&again);
    assert!(g.text.contains("      <ul>\n        <li>#new/nested</li>\n      </ul>"), "{}", g.text);
}

#[test]
fn linkage_tag_that_cannot_be_inline_is_skipped() {
    let text = TREE.replace("hardware, gpu", "hardware, gpu, c++");
    let f = fixed(&text);
    assert_eq!(f.text, f.original);
    assert_eq!(f.skipped[0].kind, FixKind::LinkageTags);
    assert_eq!(f.skipped[0].reason, SkipReason::NotInlineTag("c++".to_owned()), "{:?}", f.skipped);
    assert_eq!(f.skipped[0].reason.to_string(), "tag `c++` cannot be written as an inline `#tag`");
}

#[test]
fn empty_headings_are_removed_with_their_blank_line() {
    let f = fixed("# T\n\ntext\n\n##\n\nmore\n\n#");
    assert_eq!(f.text, "# T\n\ntext\n\nmore\n");
    assert_eq!(fixed("# T\r\n\r\n#\r\n").text, "# T\r\n");
    assert_eq!(fixed("# T\n\n# #\n## x\n").text, "# T\n\n## x\n");
    let quoted = fixed("# T\n\n> #\n");
    assert_eq!(quoted.text, quoted.original, "inside a quote: left alone");
    assert_eq!(quoted.skipped[0].kind, FixKind::EmptyHeading);
}

#[test]
fn updated_keeps_quoting_and_time() {
    let f = fixed("---\ncreated: 2022-05-04\nupdated: '2022-04-28' # stale\n---\n");
    assert_eq!(f.text, "---\ncreated: 2022-05-04\nupdated: '2022-05-04' # stale\n---\n");
    let f = fixed("---\ncreated: 2022-05-04\nupdated: 2022-04-28T10:00:00\n---\n");
    assert_eq!(f.text, "---\ncreated: 2022-05-04\nupdated: 2022-05-04T10:00:00\n---\n");
    assert_eq!(fixed("---\ncreated: 2022-05-04\nupdated: 2022-05-04\n---\n").edits, []);
}

#[test]
fn hash_tags_in_frontmatter_lose_the_hash() {
    let f = fixed("---\ntags: [a, '#b', \"##c\"]\n---\n");
    assert_eq!(f.text, "---\ntags: [a, 'b', \"c\"]\n---\n");
    let f = fixed("---\ntags:\n  # a comment with '#x'\n  - '#x'\n  - y2\n---\n");
    assert_eq!(f.text, "---\ntags:\n  # a comment with '#x'\n  - 'x'\n  - y2\n---\n");
    let f = fixed("---\ntags: \"#a #b\"\n---\n");
    assert_eq!(f.text, "---\ntags: \"a b\"\n---\n");
}

#[test]
fn bom_and_crlf_stay() {
    let text = "\u{feff}---\r\nkeywords: [a, b]\r\n---\r\n\r\n<div class=\"keyword-row\">\r\n  <span class=\"inline-keyword\">a</span>\r\n</div>\r\n";
    let f = fixed(text);
    assert_eq!(
        f.text,
        "\u{feff}---\r\nkeywords: [a, b]\r\n---\r\n\r\n<div class=\"keyword-row\">\r\n  <span class=\"inline-keyword\">a</span>\r\n  <span class=\"inline-keyword\">b</span>\r\n</div>\r\n"
    );
}

#[test]
fn inline_rows_get_inline_items() {
    let text = "---\nkeywords: [a, b]\n---\n\n<div class=\"keyword-row\"><span class=\"inline-keyword\">a</span></div>\n";
    assert_eq!(
        fixed(text).text,
        "---\nkeywords: [a, b]\n---\n\n<div class=\"keyword-row\"><span class=\"inline-keyword\">a</span> <span class=\"inline-keyword\">b</span></div>\n"
    );
}

#[test]
fn malformed_rows_are_left_alone() {
    let text = "---\nkeywords: [a, b]\n---\n\n<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">a</span>\n  <span class=\"inline-keyword\">b\n</div>\n";
    let f = fixed(text);
    assert_eq!(f.text, f.original);
}

#[test]
fn unquoted_property_links_are_quoted_and_nothing_else_moves() {
    let text = "---\nup: [[Parent]] # the parent\nflow: [[[A|a]], [[B#H]]]\nlist:\n  - [[C]]\n  - \"[[D]]\"\n---\nBody [[E]].\n";
    let f = fixed(text);
    assert_eq!(f.kinds(), [FixKind::QuotePropertyLink]);
    assert_eq!(
        f.text,
        "---\nup: \"[[Parent]]\" # the parent\nflow: [\"[[A|a]]\", \"[[B#H]]\"]\nlist:\n  - \"[[C]]\"\n  - \"[[D]]\"\n---\nBody [[E]].\n"
    );
    let after = vellum_syntax::parse(&f.text);
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    let targets: Vec<_> = after.links.iter().map(|l| (l.property.as_deref(), l.target.as_str())).collect();
    assert_eq!(
        targets,
        [
            (Some("up"), "Parent"),
            (Some("flow"), "A"),
            (Some("flow"), "B"),
            (Some("list"), "C"),
            (Some("list"), "D"),
            (None, "E")
        ]
    );
    // A link holding a quote is left to the writer.
    let f = fixed("---\nup: [[Say \"hi\"]]\n---\n");
    assert_eq!(f.skipped.len(), 1, "{:?}", f.skipped);
    assert_eq!(f.skipped[0].kind, FixKind::QuotePropertyLink);
}
