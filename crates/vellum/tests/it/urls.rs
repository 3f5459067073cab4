//! Stable URLs end to end: `vellum check` on permalinks that conflict or
//! cannot be URLs and on a bad line of the redirect record, and `vellum
//! rename` recording the URL a note leaves so that the next build redirects
//! from it.

use std::path::{Path, PathBuf};

use crate::common;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vellum_site/tests/fixtures/urls")
}

fn vellum(args: &[&str], cwd: &Path) -> (Option<i32>, String, String) {
    let run = common::vellum(args, Some(cwd));
    (run.code, run.stdout, run.stderr)
}

#[test]
fn check_reports_conflicting_and_invalid_permalinks_in_place() {
    let root = fixture();
    let (code, stdout, stderr) = vellum(&["check", "--no-cache", root.to_str().expect("utf-8")], &root);
    assert_eq!(code, Some(1), "errors: {stderr}");
    for expected in [
        "error[V502]: `/about-me/` is already the URL of `About.md`",
        "error[V502]: `/zeta/` is the URL `Zeta.md` has by its file name; that note moves to `/zeta-2/`",
        "error[V502]: `/tags/mine/` is in the site's own `tags/` section; this note keeps `/iota/`",
        "error[V501]: `permalink: ../escape` cannot be a URL on the site",
        "warning[V503]: line 5 is not a redirect and is ignored",
        " --> .vellum-redirects:5:1\n",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
}

#[test]
fn rename_records_the_old_url_and_the_next_build_redirects_from_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_vault(&fixture(), dir.path(), None);
    let record = |d: &Path| std::fs::read_to_string(d.join(".vellum-redirects")).expect("record");
    let (code, _, stderr) = vellum(&["rename", "Beta", "Bravo"], dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let once = record(dir.path());
    assert!(once.ends_with("beta/ -> Bravo.md\n"), "{once}");
    assert!(!once.contains("beta/ -> About.md"), "the old URL's earlier line is replaced: {once}");
    assert!(once.contains("this line is not a redirect\n"), "lines vellum cannot read are kept: {once}");
    // A chain collapses: both old URLs lead to the newest path.
    let (code, _, stderr) = vellum(&["rename", "Bravo", "Charlie"], dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let twice = record(dir.path());
    assert!(
        twice.contains("\nbeta/ -> Charlie.md\n") && twice.ends_with("\nbravo/ -> Charlie.md\n"),
        "{twice}"
    );
    assert!(!twice.contains("Bravo.md"), "{twice}");
    common::build(dir.path(), &[]);
    let public = dir.path().join("public");
    for old in ["beta", "bravo"] {
        let page = std::fs::read_to_string(public.join(old).join("index.html")).expect("redirect page");
        assert!(page.contains("url=/charlie/"), "{old}: {page}");
    }
    let netlify = std::fs::read_to_string(public.join("_redirects")).expect("_redirects");
    assert!(
        netlify.contains("/beta/ /charlie/ 301\n") && netlify.contains("/bravo/ /charlie/ 301\n"),
        "{netlify}"
    );
    assert!(!public.join(".vellum-redirects").exists(), "the record is not published");
}
