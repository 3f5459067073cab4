//! Search in Chinese, Japanese and Korean in a real headless Chromium: a
//! vault whose `vellum.toml` says only `[site] language = "zh"`, a word typed
//! into the page's search that sits inside a sentence of a note finds that
//! note, marked, and the page's words are Chinese.
//!
//! Skipped (with a note on stderr) when chromedriver is not installed, unless
//! `VELLUM_E2E=1`.

use vellum_e2e::{Browser, DEFAULT_WAIT, Error, StaticServer};

const NOTES: &[(&str, &str)] = &[
    ("vellum.toml", "[site]\nlanguage = \"zh\"\n"),
    (
        "分布式数据库.md",
        "---\ntitle: 分布式数据库\ncreated: 2024-02-12\n---\n# 分布式数据库\n\n分布式数据库系统把数据分散存储在多台机器上，并通过共识协议保持一致。\n",
    ),
    (
        "データベースの索引.md",
        "---\ntitle: データベースの索引\ncreated: 2023-12-05\n---\n# データベースの索引\n\n索引を使うと、テーブル全体を読まずに目的の行を見つけられる。全文検索エンジンは転置索引を使っている。\n",
    ),
    (
        "검색 엔진.md",
        "---\ntitle: 검색 엔진\ncreated: 2023-11-02\n---\n# 검색 엔진\n\n형태소 분석기는 한국어 문장을 단어로 나누고, 검색 엔진은 그 단어로 역색인을 만든다.\n",
    ),
    (
        "Kernel Notes.md",
        "---\ntitle: Kernel Notes\ncreated: 2024-01-01\n---\nThe scheduler balances kernels.\n",
    ),
];

/// Type `query` into the header search and wait until the first hit is the
/// note titled `title` with `marked` marked in the hits (earlier results
/// stay in the dropdown until the new ones are drawn).
fn header_search(browser: &Browser, query: &str, title: &str, marked: &str) -> Result<(), Error> {
    let input = browser.find(".search-box input[name=q]")?;
    input.click()?;
    browser.execute("document.querySelector('.search-box input[name=q]').value = '';", &[])?;
    input.send_keys(query)?;
    let what = format!("{title:?} first among the hits for {query:?}, with {marked:?} marked");
    // Read in one script: the dropdown is redrawn as results come, and an
    // element found a moment before may be gone.
    let read = "var d = document.querySelector('.search-dropdown'), a = d.querySelector('.search-hit > a');\
                return [a ? a.textContent : '', Array.from(d.querySelectorAll('mark'), m => m.textContent)];";
    browser.wait_until(&what, DEFAULT_WAIT, |b| {
        let seen = b.execute(read, &[])?;
        let first = seen[0].as_str().unwrap_or_default();
        let marks = seen[1].as_array().cloned().unwrap_or_default();
        let found = first == title
            && marks.iter().any(|m| m.as_str().is_some_and(|m| m.eq_ignore_ascii_case(marked)));
        Ok(found.then_some(()))
    })
}

#[test]
fn a_cjk_word_typed_into_the_page_search_finds_its_note() -> Result<(), Error> {
    let test = "a_cjk_word_typed_into_the_page_search_finds_its_note";
    let Some(browser) = Browser::launch_or_skip(test) else { return Ok(()) };
    let vault = tempfile::Builder::new().prefix("vellum-e2e-cjk-").tempdir()?;
    for (name, text) in NOTES {
        std::fs::write(vault.path().join(name), text)?;
    }
    let site = vellum_e2e::build_site(vault.path(), &vault.path().join("public"), false)?;
    let server = StaticServer::start(&site).expect("the static server starts");
    browser.run_check(test, |browser| {
        browser.goto(&server.url("/"))?;
        let placeholder = browser.find(".search-box input[name=q]")?.attr("placeholder")?.unwrap_or_default();
        assert_eq!(placeholder, "搜索笔记…", "the page speaks Chinese");

        for (query, title, marked) in [
            ("数据库", "分布式数据库", "数据库"),
            ("共识协议", "分布式数据库", "共识协议"),
            ("転置索引", "データベースの索引", "転置索引"),
            ("문장", "검색 엔진", "문장"),
            ("kernel", "Kernel Notes", "kernel"),
        ] {
            header_search(browser, query, title, marked)?;
        }
        browser.save_screenshot("search-cjk")?;

        // The search page, from the query string, with its status in Chinese.
        browser.goto(&server.url("/search/?q=%E8%BD%AC%E7%BD%AE"))?;
        let status = browser.wait_until("the search page's status", DEFAULT_WAIT, |b| {
            let s = b.find(".search-status")?.text()?;
            Ok((!s.is_empty()).then_some(s))
        })?;
        assert_eq!(status, "没有匹配的笔记。", "转置 (simplified) is not 転置 (Japanese)");
        browser.goto(&server.url("/search/?q=%E8%BB%A2%E7%BD%AE"))?;
        let status = browser.wait_until("the search page's status", DEFAULT_WAIT, |b| {
            let s = b.find(".search-status")?.text()?;
            Ok((!s.is_empty()).then_some(s))
        })?;
        assert_eq!(status, "找到 1 篇笔记。");
        browser.save_screenshot("search-page-cjk")?;
        browser.assert_no_console_errors()
    })
}
