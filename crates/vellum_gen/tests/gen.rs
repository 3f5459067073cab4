//! The generator's promises: the same parameters give the same bytes, a
//! generated vault loads and checks cleanly with vellum's own crates (apart
//! from the findings it holds on purpose), and the Hugo and mdBook twins hold
//! every note.

use std::collections::BTreeMap;
use std::path::Path;

use vellum_check::{Code, Severity};
use vellum_gen::{Error, MARKER, Params, convert, generate, write_vault};

fn files(params: Params) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    generate(params, |path, bytes| {
        assert!(out.insert(path.to_owned(), bytes.to_vec()).is_none(), "{path} written twice");
        Ok::<(), ()>(())
    })
    .expect("an in-memory sink does not fail");
    out
}

#[test]
fn same_seed_same_bytes() {
    let a = files(Params::new(300, 7));
    let b = files(Params::new(300, 7));
    assert_eq!(a, b);
    assert_eq!(a.keys().filter(|p| p.ends_with(".md")).count(), 300);
    let c = files(Params::new(300, 8));
    assert_ne!(a, c, "another seed gives another vault");
}

#[test]
fn the_vault_has_the_journal_shape() {
    let vault = files(Params::new(400, 1));
    let notes: Vec<String> = vault
        .iter()
        .filter(|(p, _)| p.ends_with(".md"))
        .map(|(_, b)| String::from_utf8(b.clone()).expect("notes are UTF-8"))
        .collect();
    let share = |needle: &str| notes.iter().filter(|n| n.contains(needle)).count();
    for part in [
        "<div class=\"keyword-row\">",
        "<span class=\"inline-claim\">",
        "> [!note] Core claim",
        "> [!question] Reflective question",
        "## signals",
        "## my take",
        "<ul class=\"brain-dump\">",
        "> [!ref] ",
        "<div class=\"linkage-tree\">",
    ] {
        assert_eq!(share(part), notes.len(), "every note has {part}");
    }
    let drafts = share("draft: true");
    assert!((15..70).contains(&drafts), "about one note in ten is a draft: {drafts}");
    assert!(share("```") > 40, "code blocks");
    assert!(share("|") > 100 && share("#signals") > 20, "piped and heading links");
    assert!(share("![[diagram-") > 5, "attachment embeds");
    let in_folders = vault.keys().filter(|p| p.ends_with(".md") && p.contains('/')).count();
    assert!((15..80).contains(&in_folders), "about one note in ten in a year folder: {in_folders}");
}

#[test]
fn a_generated_vault_checks_clean_but_for_what_it_holds_on_purpose() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("vault");
    let summary = write_vault(&out, Params::new(250, 3), false).expect("written");
    assert_eq!(summary.notes, 250);
    assert!(out.join(MARKER).is_file());

    let vault = vellum_vault::load(&out).expect("loads");
    assert_eq!(vault.notes.len(), 250);
    let diagnostics = vellum_check::check(&vault).expect("a vault loaded with its texts");
    // Intended: links to notes nobody wrote, published notes linking to
    // drafts, and the lone `#` some notes end with.
    let intended = [Code::UnresolvedLink, Code::LinkToDraft, Code::EmptyHeading];
    let other: Vec<String> = diagnostics
        .iter()
        .filter(|d| !intended.contains(&d.code) || d.severity == Severity::Error)
        .map(|d| format!("{}: {} {}", d.file, d.code.as_str(), d.message))
        .collect();
    assert!(other.is_empty(), "unexpected findings:\n{}", other.join("\n"));
    let count = |code| diagnostics.iter().filter(|d| d.code == code).count();
    assert!(count(Code::UnresolvedLink) > 20, "about 5 % of links are unwritten");
    assert!(count(Code::EmptyHeading) > 20);
}

#[test]
fn output_folders_are_replaced_only_when_ours() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("vault");
    write_vault(&out, Params::new(20, 1), false).expect("written");
    assert!(matches!(write_vault(&out, Params::new(20, 1), false), Err(Error::NotEmpty(_))));
    write_vault(&out, Params::new(30, 2), true).expect("replaced");
    assert_eq!(convert::markdown_files(&out).expect("listed").len(), 30);

    let foreign = dir.path().join("foreign");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("keep.txt"), "mine").expect("write");
    assert!(matches!(write_vault(&foreign, Params::new(5, 1), true), Err(Error::NotOurs(_))));
    assert!(foreign.join("keep.txt").is_file());
}

#[test]
fn hugo_and_mdbook_twins_hold_every_note() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vault = dir.path().join("vault");
    write_vault(&vault, Params::new(60, 5), false).expect("written");
    let notes = convert::markdown_files(&vault).expect("listed");
    assert_eq!(notes.len(), 60);

    let site = dir.path().join("hugo");
    assert_eq!(convert::hugo_site(&vault, &site, false).expect("hugo site"), 60);
    for rel in &notes {
        assert_eq!(read(&site.join("content").join(rel)), read(&vault.join(rel)), "{rel}");
    }
    assert!(read(&site.join("hugo.toml")).contains("unsafe = true"));
    assert_eq!(convert::hugo_site(&vault, &site, true).expect("replaced"), 60);

    let book = dir.path().join("book");
    assert_eq!(convert::mdbook_book(&vault, &book, false).expect("book"), 60);
    let summary = read(&book.join("src/SUMMARY.md"));
    assert_eq!(summary.lines().filter(|l| l.starts_with("- [")).count(), 60);
    let first = read(&book.join("src").join(&notes[0]));
    assert!(first.starts_with("# "), "frontmatter removed: {first:.40}");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
