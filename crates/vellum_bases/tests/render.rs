//! Snapshots of the HTML and text renderings over a small vault.

mod common;
use common::{now, url, vault};
use vellum_bases::{evaluate, parse, render_html, render_text_table};

fn render(src: &str) -> (String, String) {
    let p = parse(src);
    assert!(!p.has_errors(), "{:?}", p.problems);
    let Some(base) = p.base else { panic!() };
    let rows = vault();
    let result = match evaluate(&base, None, &rows, None, now()) {
        Ok(r) => r,
        Err(e) => panic!("{e:?}"),
    };
    (render_html(&result, &rows, &url), render_text_table(&result, &rows))
}

const TABLE: &str = r#"filters: file.hasTag("book")
formulas:
  ppu: 'if(rating, (price / rating).round(2))'
  broken: 'title.repeat(-1)'
properties:
  formula.ppu:
    displayName: "Price/★"
  note.read:
    displayName: Read
views:
  - type: table
    name: Books
    order: [file.name, author, year, read, formula.ppu, finished, formula.broken]
    groupBy:
      property: status
      direction: ASC
    sort:
      - property: year
        direction: DESC
    summaries:
      year: Range
      read: Checked
      formula.ppu: Average
"#;

#[test]
fn table_with_groups_and_summaries() {
    let (html, text) = render(TABLE);
    insta::assert_snapshot!("table_html", html);
    insta::assert_snapshot!("table_text", text);
    assert!(!html.contains("<b>"), "titles are escaped");
    assert!(!html.contains("<script"));
}

#[test]
fn cards_with_images() {
    let src = "filters: file.inFolder(\"Books\")\nviews:\n  - type: cards\n    order: [file.basename, title, author, rating]\n    image: cover\n    sort:\n      - property: file.basename\n";
    let (html, _) = render(src);
    insta::assert_snapshot!("cards_html", html);
    assert!(html.contains("<img src=\"https://example.org/dune.jpg\""));
    assert!(html.contains("<img src=\"/assets/emma.png\""), "local image through url()");
    assert!(html.contains("background-color: #336699"));
}

#[test]
fn list_view() {
    let src = "filters: 'file.hasTag(\"book/sf\") || file.inFolder(\"People\")'\nviews:\n  - type: list\n    order: [file.name, author, year]\n";
    let (html, _) = render(src);
    insta::assert_snapshot!("list_html", html);
}

#[test]
fn grouped_cards_and_plugin_views() {
    let src = "filters: file.hasTag(\"book\")\nviews:\n  - type: map\n    order: [title]\n    limit: 1\n  - type: cards\n    name: g\n    order: [title]\n    groupBy:\n      property: read\n";
    let (html, _) = render(src);
    assert!(html.starts_with("<table class=\"base-table\">"), "unknown types render as tables");
    let p = parse(src);
    let Some(base) = p.base else { panic!() };
    let rows = vault();
    let Ok(r) = evaluate(&base, Some("g"), &rows, None, now()) else { panic!() };
    let html = render_html(&r, &rows, &url);
    insta::assert_snapshot!("grouped_cards_html", html);
}

#[test]
fn hostile_values_are_escaped() {
    let src = "formulas:\n  x: '\"<script>alert(1)</script>\"'\n  l: 'link(\"javascript:alert(1)\", \"<i>click</i>\")'\n  h: 'html(\"<img src=x onerror=alert(1)>\")'\n  e: 'link(\"https://ok.example/?a=1&b=\\\"2\\\"\")'\n  img: 'image(\"javascript:alert(1)\")'\nviews:\n  - type: table\n    filters: file.path == \"Home.md\"\n    order: [formula.x, formula.l, formula.h, formula.e, formula.img]\n";
    let (html, _) = render(src);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("javascript:alert(1)\""), "{html}");
    assert!(!html.contains("<i>"), "{html}");
    assert!(html.contains("href=\"https://ok.example/?a=1&amp;b=&quot;2&quot;\""), "{html}");
    insta::assert_snapshot!("hostile_html", html);
}
