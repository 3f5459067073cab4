//! Stable URLs over `tests/fixtures/urls`: permalinks (good, normalised,
//! conflicting, invalid, in a section), alias redirect pages (one colliding
//! with a page, a draft's), the redirect record's old URLs, and
//! `_redirects`. Redirects stay out of the sitemap and the search index.

use std::path::{Path, PathBuf};

use vellum_site::{BuildOptions, LiveSite, build};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/urls")
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn permalinks_aliases_and_old_urls_get_their_pages() {
    let vault = vellum_vault::load(&fixture()).expect("loads");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    build(&vault, &BuildOptions::new(&out)).expect("build");
    let exists = |rel: &str| out.join(rel).is_file();
    // Each note at its permalink when it may have it, else at its file name's URL.
    for rel in ["about-me/", "beta/", "zeta/", "epsilon/", "gamma/", "iota/", "zeta-2/", "notes/first/"] {
        assert!(exists(&format!("{rel}index.html")), "{rel}");
    }
    for gone in ["notes/alpha/", "about/", "cee/", "escape/", "secret-place/", "secret/", "tags/mine/"] {
        assert!(!exists(&format!("{gone}index.html")), "{gone} should not be a page");
    }
    // Internal links go to the permalink.
    assert!(read(&out, "beta/index.html").contains("href=\"/notes/first/\""));
    // Redirects: the recorded old URL and the aliases; none for a taken
    // address, a missing note or a draft.
    let alias = read(&out, "who-am-i/index.html");
    insta::assert_snapshot!("alias_redirect_page", alias);
    assert!(read(&out, "old/alpha/index.html").contains("url=/notes/first/"));
    assert!(exists("alpha-note/index.html"));
    assert!(read(&out, "beta/index.html").contains("<h1"), "the alias `Beta` leaves Beta's page alone");
    for none in ["gone/", "old-secret/", "hidden-page/"] {
        assert!(!exists(&format!("{none}index.html")), "{none}");
    }
    insta::assert_snapshot!("netlify_redirects", read(&out, "_redirects"));
    // Not in the sitemap or the search index.
    let sitemap = read(&out, "sitemap.xml");
    let search: String = std::fs::read_dir(&out)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("search-index"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    for r in ["who-am-i", "alpha-note", "old/alpha"] {
        assert!(!sitemap.contains(r), "{r} in the sitemap");
        assert!(!search.contains(r), "{r} in the search index");
    }
    assert!(sitemap.contains("/notes/first/"));
    // The site in memory is the same.
    let live = LiveSite::build(vault, BuildOptions::new("unused")).expect("live");
    for (rel, file) in live.files() {
        if let vellum_site::SiteFile::Generated(bytes) = file {
            assert_eq!(&bytes[..], &std::fs::read(out.join(rel)).expect("on disk")[..], "{rel}");
        }
    }
}

#[test]
fn no_redirects_no_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::write(root.join("A.md"), "# A\n").expect("write");
    let vault = vellum_vault::load(&root).expect("loads");
    let out = tmp.path().join("site");
    build(&vault, &BuildOptions::new(&out)).expect("build");
    assert!(out.join("a/index.html").is_file());
    assert!(!out.join("_redirects").exists(), "no redirect, no `_redirects`");
}
