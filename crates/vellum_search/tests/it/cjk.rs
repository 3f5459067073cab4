//! Chinese, Japanese and Korean words are found inside sentences (the
//! index holds CJK runs as pairs of characters), with the match marked in
//! the snippet; English search is unchanged beside them.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use vellum_search::SearchIndex;

const NOTES: &[(&str, &str)] = &[
    (
        "分布式数据库.md",
        "---\ntitle: 分布式数据库\n---\n# 分布式数据库\n\n分布式数据库系统把数据分散存储在多台机器上，并通过共识协议保持一致。\n",
    ),
    (
        "データベースの索引.md",
        "---\ntitle: データベースの索引\n---\n# データベースの索引\n\n索引を使うと、テーブル全体を読まずに目的の行を見つけられる。全文検索エンジンは転置索引を使っている。\n",
    ),
    (
        "검색 엔진.md",
        "---\ntitle: 검색 엔진\n---\n# 검색 엔진\n\n형태소 분석기는 한국어 문장을 단어로 나누고, 검색 엔진은 그 단어로 역색인을 만든다.\n",
    ),
    (
        "Kernel Notes.md",
        "---\ntitle: Kernel Notes\n---\n# Kernel Notes\n\nThe scheduler balances kernels across cores; see the 数据库 note.\n",
    ),
];

fn index() -> (tempfile::TempDir, SearchIndex) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("vault");
    std::fs::create_dir_all(&root).unwrap();
    for (name, text) in NOTES {
        std::fs::write(root.join(name), text).unwrap();
    }
    let vault = vellum_vault::load(Path::new(&root)).unwrap();
    let (index, _) = SearchIndex::open(&vault).unwrap();
    (tmp, index)
}

/// The paths of the hits of `query`, and the snippet of the first.
fn find(index: &SearchIndex, query: &str) -> (Vec<String>, String) {
    let hits = index.search(query, 10, false).unwrap();
    let snippet = hits.first().map(|h| h.snippet.clone()).unwrap_or_default();
    (hits.into_iter().map(|h| h.path).collect(), snippet)
}

#[test]
fn a_chinese_word_inside_a_sentence() {
    let (_tmp, index) = index();
    let (paths, _) = find(&index, "共识协议");
    assert_eq!(paths, ["分布式数据库.md"]);
    let (paths, snippet) = find(&index, "存储");
    assert_eq!(paths, ["分布式数据库.md"]);
    assert!(snippet.contains("[存储]"), "{snippet}");
    // Every pair of a word must be there, next to each other.
    assert!(find(&index, "数据协议").0.is_empty());
}

#[test]
fn the_whole_word_is_marked_in_the_snippet() {
    let (_tmp, index) = index();
    let (paths, _) = find(&index, "数据库");
    assert!(paths.contains(&"分布式数据库.md".to_owned()), "{paths:?}");
    let hit = index.search("数据库系统", 10, false).unwrap().remove(0);
    assert_eq!(hit.path, "分布式数据库.md");
    assert!(hit.snippet.contains("分布式[数据库系统]把"), "{}", hit.snippet);
    assert!(hit.snippet_html.contains("<b>数据库系统</b>"), "{}", hit.snippet_html);
}

#[test]
fn a_japanese_word_inside_a_sentence() {
    let (_tmp, index) = index();
    let (paths, snippet) = find(&index, "転置索引");
    assert_eq!(paths, ["データベースの索引.md"]);
    assert!(snippet.contains("[転置索引]"), "{snippet}");
    assert_eq!(find(&index, "テーブル").0, ["データベースの索引.md"]);
}

#[test]
fn a_korean_word_with_its_particle_attached() {
    let (_tmp, index) = index();
    let (paths, snippet) = find(&index, "문장");
    assert_eq!(paths, ["검색 엔진.md"]);
    assert!(snippet.contains("[문장]을"), "{snippet}");
    assert_eq!(find(&index, "역색인").0, ["검색 엔진.md"]);
}

#[test]
fn english_is_stemmed_as_before_beside_cjk() {
    let (_tmp, index) = index();
    let (paths, snippet) = find(&index, "kernel scheduler");
    assert_eq!(paths, ["Kernel Notes.md"]);
    assert!(snippet.contains("[kernels]"), "{snippet}");
    assert_eq!(find(&index, "\"balances kernels\"").0, ["Kernel Notes.md"]);
    assert!(find(&index, "kern").0.is_empty(), "words are whole, not prefixes");
}
