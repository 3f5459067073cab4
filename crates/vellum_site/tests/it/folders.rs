//! Folders, breadcrumbs, the explorer and the front page, over
//! `tests/fixtures/folders` (nested folders, a folder note, a folder of
//! drafts only, a draft beside published notes, a root `Home.md`) and the
//! Obsidian help vault.

use std::path::{Path, PathBuf};

use vellum_site::{BuildOptions, LiveSite, SiteConfig, build};
use vellum_vault::Vault;

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/folders")
}

fn fixture() -> Vault {
    vellum_vault::load(&fixture_root()).expect("the folders fixture loads")
}

fn site(toml: &str) -> Option<SiteConfig> {
    Some(SiteConfig::from_toml(&format!("[site]\ntitle = \"Folders\"\n{toml}")).expect("config"))
}

/// Build `vault` with `[site]` `toml` into a temporary folder.
fn built(vault: &Vault, toml: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let mut o = BuildOptions::new(&out);
    o.site = site(toml);
    build(vault, &o).expect("build");
    (tmp, out)
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

/// The `<nav class="breadcrumbs">` element of a page.
fn breadcrumbs(page: &str) -> &str {
    let start = page.find("<nav class=\"breadcrumbs\"").expect("breadcrumbs");
    let end = start + page[start..].find("</nav>").expect("end") + "</nav>".len();
    &page[start..end]
}

#[test]
fn every_folder_with_published_notes_has_a_page() {
    let (_tmp, out) = built(&fixture(), "");
    for rel in ["folders/", "guides/", "guides/advanced/", "projects/"] {
        assert!(out.join(rel).join("index.html").is_file(), "{rel} has a page");
    }
    assert!(!out.join("drafts").exists(), "a folder of drafts only has no page");
    let guides = read(&out, "guides/index.html");
    assert!(guides.contains("href=\"/guides/advanced/\""), "the sub-folder is listed");
    assert!(guides.contains("href=\"/guides/getting-started/\""), "the note is listed");
    let root = read(&out, "folders/index.html");
    assert!(root.contains("href=\"/projects/\"") && root.contains("href=\"/loose-note/\""));
    insta::assert_snapshot!("folder_page", guides);
}

#[test]
fn a_folder_note_is_its_folders_page() {
    let (_tmp, out) = built(&fixture(), "");
    let page = read(&out, "projects/index.html");
    assert!(page.contains("<h1 class=\"note-title\">Projects"), "the note's own page");
    let listing = &page[page.find("class=\"folder-listing\"").expect("the folder's listing")..];
    assert!(listing.contains("href=\"/projects/alpha/\"") && listing.contains("href=\"/projects/beta/\""));
    let explorer = read(&out, "explorer.html");
    assert_eq!(explorer.matches("href=\"/projects/\"").count(), 1, "the folder note is its folder's entry");
}

#[test]
fn breadcrumbs_lead_through_the_folders() {
    let (_tmp, out) = built(&fixture(), "");
    let deep = read(&out, "guides/advanced/deep-dive/index.html");
    insta::assert_snapshot!("breadcrumbs", breadcrumbs(&deep));
    let folder = read(&out, "guides/advanced/index.html");
    assert!(breadcrumbs(&folder).contains("<a href=\"/guides/\">Guides</a>"));
    let loose = read(&out, "loose-note/index.html");
    assert!(!loose.contains("class=\"breadcrumbs\""), "a note at the root has no folders above it");
}

#[test]
fn the_explorer_is_written_once_and_every_page_loads_it() {
    let (_tmp, out) = built(&fixture(), "");
    let explorer = read(&out, "explorer.html");
    assert!(!explorer.contains("Secret plan") && !explorer.contains("Unfinished"), "no draft in the tree");
    insta::assert_snapshot!("explorer", explorer);
    let page = read(&out, "guides/getting-started/index.html");
    assert!(page.contains(
        "<nav class=\"explorer\" aria-label=\"Explorer\" data-explorer=\"/explorer.html\" data-current=\"/guides/getting-started/\">"
    ));
    assert!(page.contains("href=\"/folders/\""), "without script, a link to the root folder's page");
    assert!(!page.contains("explorer-tree"), "the tree is not in the page");
}

#[test]
fn drafts_never_reach_folders_or_the_explorer() {
    let (_tmp, out) = built(&fixture(), "");
    let mut stack = vec![out.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                for leak in ["DRAFT-IN-GUIDES", "DRAFT-ONLY-FOLDER", "Secret plan", "Unfinished"] {
                    assert!(!text.contains(leak), "{} leaks {leak}", p.display());
                }
            }
        }
    }
}

#[test]
fn a_root_home_note_is_the_front_page() {
    let (_tmp, out) = built(&fixture(), "base_url = \"https://example.com\"\n");
    let index = read(&out, "index.html");
    assert!(index.contains("<h1 class=\"note-title\">Home"), "the home note at the root");
    assert!(index.contains("<link rel=\"canonical\" href=\"https://example.com/\">"));
    assert!(!out.join("home").exists(), "the home note has no second URL");
    let timeline = read(&out, "timeline/index.html");
    assert!(timeline.contains("<h1>Timeline</h1>") && timeline.contains("href=\"/guides/advanced/tuning/\""));
    assert!(index.contains("<a href=\"/timeline/\">Timeline</a>"), "the header links the timeline");
    let sitemap = read(&out, "sitemap.xml");
    assert_eq!(sitemap.matches("<loc>https://example.com/</loc>").count(), 1);
    for rel in ["timeline/", "folders/", "guides/", "guides/advanced/", "projects/"] {
        assert!(sitemap.contains(&format!("<loc>https://example.com/{rel}</loc>")), "{rel} in the sitemap");
    }
    let search = read(&out, "search-index/0.json");
    assert!(!search.contains("/guides/\""), "folder pages are not searched");
}

#[test]
fn site_home_names_the_front_page() {
    let (_tmp, out) = built(&fixture(), "home = \"Getting started\"\n");
    assert!(read(&out, "index.html").contains("<h1 class=\"note-title\">Getting started"));
    assert!(out.join("home/index.html").is_file(), "Home.md is a note like any other");
    assert!(!out.join("guides/getting-started").exists());
    let guides = read(&out, "guides/index.html");
    assert!(guides.contains("href=\"/\""), "its folder lists it at the root URL");

    let tmp = tempfile::tempdir().expect("tempdir");
    let mut o = BuildOptions::new(tmp.path().join("site"));
    o.site = site("home = \"Secret plan\"\n");
    let report = build(&fixture(), &o).expect("build");
    assert!(report.warnings.iter().any(|w| w.contains("Secret plan")), "{:?}", report.warnings);
    let index = read(&tmp.path().join("site"), "index.html");
    assert!(
        !index.contains("DRAFT-IN-GUIDES") && index.contains("class=\"timeline\""),
        "a draft is never the front page"
    );
}

#[test]
fn without_a_home_note_the_timeline_is_the_front_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("vault");
    copy_fixture(&dir, &["Home.md"]);
    let vault = vellum_vault::load(&dir).expect("load");
    let (_out_tmp, out) = built(&vault, "");
    assert!(read(&out, "index.html").contains("class=\"timeline\""));
    assert!(!out.join("timeline").exists());
}

/// Copy the fixture into `to`, leaving out `skip`.
pub(crate) fn copy_fixture(to: &Path, skip: &[&str]) {
    let from = fixture_root();
    let mut stack = vec![from.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            let rel = p.strip_prefix(&from).expect("inside").to_string_lossy().replace('\\', "/");
            if p.is_dir() {
                stack.push(p);
            } else if !skip.contains(&rel.as_str()) {
                let dest = to.join(&rel);
                std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
                std::fs::copy(&p, &dest).expect("copy");
            }
        }
    }
}

/// A generated file of a live site, as text.
fn page(live: &LiveSite, rel: &str) -> String {
    match live.files().get(rel) {
        Some(vellum_site::SiteFile::Generated(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        other => panic!("{rel}: {other:?}"),
    }
}

/// The live site equals a fresh build after notes in folders are retitled,
/// drafted, added, removed and moved.
#[test]
fn live_folders_match_a_fresh_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("vault");
    copy_fixture(&dir, &[]);
    let opts = || {
        let mut o = BuildOptions::new("unused");
        o.site = site("");
        o
    };
    let mut live = LiveSite::build(vellum_vault::load(&dir).expect("load"), opts()).expect("live");
    let same = |live: &LiveSite, what: &str| {
        let fresh = LiveSite::build(vellum_vault::load(&dir).expect("load"), opts()).expect("fresh");
        crate::common::assert_same(live.files(), fresh.files(), what);
    };
    let edit = |live: &mut LiveSite, path: &str, text: &str, what: &str| {
        std::fs::write(dir.join(path), text).expect("write");
        live.edit_notes(vec![(path.to_owned(), text.to_owned())]).expect("renders").expect("in place");
        same(live, what);
    };
    edit(
        &mut live,
        "Projects/Alpha.md",
        "---\ncreated: 2024-05-02\ntitle: Aardvark\n---\n# Aardvark\n\nRetitled.\n",
        "retitle",
    );
    assert!(page(&live, "projects/index.html").contains("Aardvark"), "the folder note lists the new title");
    assert!(page(&live, "explorer.html").contains("Aardvark"));
    edit(
        &mut live,
        "Guides/Advanced/Tuning.md",
        "---\ncreated: 2024-04-02\n---\n# Tuning\n\nMore text.\n",
        "body",
    );
    edit(&mut live, "Guides/Advanced/Tuning.md", "---\ndraft: true\n---\n# Tuning\n", "draft");
    assert!(!page(&live, "guides/advanced/index.html").contains("Tuning"));
    edit(
        &mut live,
        "Guides/Advanced/Deep dive.md",
        "---\ndraft: true\n---\n# Deep dive\n",
        "the folder's last note drafted",
    );
    assert!(!live.files().contains_key("guides/advanced/index.html"), "the folder's page is gone");
    edit(
        &mut live,
        "Guides/Advanced/Deep dive.md",
        "---\ncreated: 2024-04-01\n---\n# Deep dive\n",
        "undrafted",
    );

    // Files added, removed and moved reload the vault.
    std::fs::create_dir_all(dir.join("New folder")).expect("mkdir");
    std::fs::write(dir.join("New folder/Fresh.md"), "# Fresh\n").expect("write");
    live.rebuild(vellum_vault::load(&dir).expect("load")).expect("rebuild");
    same(&live, "added");
    assert!(live.files().contains_key("new-folder/index.html"));
    std::fs::rename(dir.join("Projects/Beta.md"), dir.join("Guides/Beta.md")).expect("move");
    live.rebuild(vellum_vault::load(&dir).expect("load")).expect("rebuild");
    same(&live, "moved");
    std::fs::remove_file(dir.join("New folder/Fresh.md")).expect("remove");
    live.rebuild(vellum_vault::load(&dir).expect("load")).expect("rebuild");
    same(&live, "removed");
    assert!(!live.files().contains_key("new-folder/index.html"));
}

/// The Obsidian help vault: its folders get pages, its `Home.md` is the front
/// page, and its Mermaid diagrams are drawn.
#[test]
fn the_obsidian_help_vault_has_folder_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vaults/obsidian-help-en");
    if !root.is_dir() {
        eprintln!("skipped: {} is not there", root.display());
        return;
    }
    let vault = vellum_vault::load_with(&root, vellum_vault::Texts::Release).expect("loads");
    let (_tmp, out) = built(&vault, "");
    for rel in ["folders/", "files-and-folders/", "obsidian-publish/", "plugins/", "editing-and-formatting/"]
    {
        assert!(out.join(rel).join("index.html").is_file(), "{rel} has a page");
    }
    // Its notes set their URLs with `permalink:` (as Obsidian Publish reads
    // it); the folders still give the navigation.
    let folder = read(&out, "files-and-folders/index.html");
    assert!(folder.contains("href=\"/manage-notes/\""), "lists Manage notes");
    let note = read(&out, "manage-notes/index.html");
    assert!(breadcrumbs(&note).contains("<a href=\"/files-and-folders/\">Files and folders</a>"));
    assert!(read(&out, "index.html").contains("class=\"note-title\""), "Home.md is the front page");
    assert!(out.join("timeline/index.html").is_file());
    assert!(read(&out, "explorer.html").contains("href=\"/manage-notes/\""));
    // Its diagrams: a sequence diagram and two flowcharts on one page (the
    // page shows their sources too, in `md` code blocks).
    let syntax = read(&out, "advanced-syntax/index.html");
    assert_eq!(syntax.matches("<figure class=\"mermaid\"><svg").count(), 3, "every diagram drawn");
    assert!(!syntax.contains("<pre class=\"mermaid\">"), "no diagram left as text");
}
