//! The site in the vault's language: `[site] language` alone turns every
//! word of the default theme, the dates and `<html lang>` into that
//! language (snapshots in German and Japanese), right-to-left languages get
//! `dir="rtl"`, and CJK notes reach the search index whole.

use std::path::{Path, PathBuf};

use vellum_site::{BuildOptions, BuildReport, SiteConfig, build};

/// A small vault with an English note (properties, contents, a source card)
/// and notes in Chinese, Japanese and Korean.
fn languages_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages")
}

/// Build the fixture with nothing in `vellum.toml` but `[site] language`.
fn build_in(language: &str, out: &Path) -> BuildReport {
    let vault = vellum_vault::load(&languages_root()).expect("fixture loads");
    let mut opts = BuildOptions::new(out);
    opts.site = Some(SiteConfig::from_toml(&format!("[site]\nlanguage = \"{language}\"\n")).expect("config"));
    build(&vault, &opts).expect("build")
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

/// The warnings of a build but the one about `base_url` (which the fixture
/// leaves out on purpose).
fn other_warnings(report: &BuildReport) -> Vec<&String> {
    report.warnings.iter().filter(|w| !w.contains("base_url")).collect()
}

#[test]
fn german_note_and_index_pages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let report = build_in("de", &out);
    assert!(other_warnings(&report).is_empty(), "{:?}", report.warnings);
    let note = read(&out, "release-notes/index.html");
    assert!(note.contains("<html lang=\"de\""), "lang");
    assert!(note.contains(">1. März 2024</time>"), "the properties table's date and the created date");
    assert!(note.contains("<strong>Warum es wichtig ist:</strong>"), "the source card's label");
    insta::assert_snapshot!("de_note", note);
    insta::assert_snapshot!("de_index", read(&out, "index.html"));
}

#[test]
fn japanese_note_and_index_pages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let report = build_in("ja-JP", &out);
    assert!(other_warnings(&report).is_empty(), "{:?}", report.warnings);
    let note = read(&out, "release-notes/index.html");
    assert!(note.contains("<html lang=\"ja-JP\""), "lang as configured");
    assert!(note.contains(">2024年3月1日</time>"), "dates");
    insta::assert_snapshot!("ja_note", note);
    insta::assert_snapshot!("ja_index", read(&out, "index.html"));
    let not_found = read(&out, "404.html");
    assert!(not_found.contains("<h1>ページが見つかりません</h1>"), "{not_found}");
}

#[test]
fn right_to_left_languages_get_dir_rtl_and_english_words_with_a_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let report = build_in("ar-EG", &out);
    let page = read(&out, "index.html");
    assert!(page.starts_with("<!doctype html>\n<html lang=\"ar-EG\" dir=\"rtl\""), "{page}");
    assert!(page.contains(">Tags</a>"), "no Arabic catalogue: English words");
    let warnings = other_warnings(&report);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("\"ar-EG\""), "{warnings:?}");
    let ltr = tmp.path().join("ltr");
    build_in("en", &ltr);
    assert!(!read(&ltr, "index.html").contains("dir=\"rtl\""));
}

#[test]
fn cjk_notes_reach_the_search_index_whole() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    build_in("zh-Hans", &out);
    let shard = read(&out, "search-index/0.json");
    for sentence in [
        "分布式数据库系统把数据分散存储在多台机器上",
        "全文検索エンジンは転置索引を使っている",
        "형태소 분석기는 한국어 문장을",
    ] {
        assert!(shard.contains(sentence), "{sentence}: {shard}");
    }
    let page = read(&out, "index.html");
    assert!(page.contains("\"search_none\":\"没有匹配的笔记。\""), "the script's words");
}
