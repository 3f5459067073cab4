//! Social cards: each published note's page names an Open Graph image — its
//! drawn card, or the image its `image`/`cover` property gives — and kept
//! cards are not drawn again.

use std::path::{Path, PathBuf};

use vellum_site::{BuildOptions, BuildReport, build};
use vellum_vault::Vault;

fn example_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

/// Output-relative paths of every file named `name` under `dir`, sorted.
fn named(dir: &Path, name: &str) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, name: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, name, out);
            } else if p.file_name().is_some_and(|n| n == name) {
                out.push(p.strip_prefix(root).expect("under").to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, name, &mut out);
    out.sort();
    out
}

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

/// The `content` of the first `<meta property|name="key">` of `html`.
fn meta<'h>(html: &'h str, key: &str) -> Option<&'h str> {
    let at = html.find(&format!("=\"{key}\" content=\""))?;
    let rest = &html[at + key.len() + 13..];
    Some(&rest[..rest.find('"')?])
}

/// Options that build `vault` to `out` with social cards on (they are off by default).
fn with_cards(vault: &Vault, out: &Path) -> BuildOptions {
    let mut site = vault.config.site.clone().expect("a valid [site]");
    site.social_cards = Some(true);
    let mut opts = BuildOptions::new(out);
    opts.site = Some(site);
    opts
}

fn temp_vault(dir: &Path, files: &[(&str, &[u8])]) -> Vault {
    for (path, bytes) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
    vellum_vault::load(dir).expect("load")
}

#[test]
fn every_published_note_gets_a_card_its_page_names() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let vault = vellum_vault::load(&example_root()).expect("loads");
    let report = build(&vault, &with_cards(&vault, &out)).expect("build");
    let cards = named(&out, "og.png");
    assert_eq!(cards.len(), report.notes, "one card per published note: {cards:?}");
    assert_eq!(report.social_cards, report.notes);
    assert_eq!(report.social_cards_drawn, report.notes, "no cache: every card drawn");
    for card in &cards {
        assert_eq!(png_size(&std::fs::read(out.join(card)).expect("card")), (1200, 630));
        let folder = card.trim_end_matches("og.png");
        let page = std::fs::read_to_string(out.join(folder).join("index.html")).expect("page");
        let url = format!("https://journal.example.org/{card}");
        assert_eq!(meta(&page, "og:image"), Some(url.as_str()), "{folder}");
        assert_eq!(meta(&page, "og:image:width"), Some("1200"));
        assert_eq!(meta(&page, "og:image:height"), Some("630"));
        assert_eq!(meta(&page, "twitter:card"), Some("summary_large_image"));
        assert!(meta(&page, "og:title").is_some() && meta(&page, "og:description").is_some());
    }
    // Pages that are not a note's name no image.
    let index = std::fs::read_to_string(out.join("index.html")).expect("index");
    assert_eq!(meta(&index, "og:image"), None);
    assert_eq!(meta(&index, "twitter:card"), Some("summary"));
}

#[test]
fn drafts_get_cards_only_with_drafts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = vellum_vault::load(&example_root()).expect("loads");
    let draft = vault.notes.iter().find(|n| n.is_draft()).expect("the example has a draft");
    let title = draft.title.clone();
    let out = tmp.path().join("site");
    build(&vault, &with_cards(&vault, &out)).expect("build");
    let with = tmp.path().join("drafts");
    let mut opts = with_cards(&vault, &with);
    opts.include_drafts = true;
    let report = build(&vault, &opts).expect("build with drafts");
    let (a, b) = (named(&out, "og.png"), named(&with, "og.png"));
    assert_eq!(b.len(), report.notes);
    assert_eq!(b.len(), a.len() + report.drafts, "{a:?} {b:?}");
    let draft_cards: Vec<&String> = b.iter().filter(|c| !a.contains(c)).collect();
    assert!(!draft_cards.is_empty());
    for c in draft_cards {
        let page = std::fs::read_to_string(with.join(c.trim_end_matches("og.png")).join("index.html"))
            .expect("page");
        assert!(page.contains(&title) || report.drafts > 1, "{c} is the draft's card");
    }
}

#[test]
fn an_image_property_replaces_the_card() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("vault");
    let png = b"\x89PNG\r\n\x1a\nnot really";
    let vault = temp_vault(
        &root,
        &[
            (
                "vellum.toml",
                b"[site]\ntitle = \"Cards\"\nbase_url = \"https://ex.org/blog/\"\nsocial_cards = true\n",
            ),
            ("Linked.md", b"---\nimage: \"[[pic.png]]\"\n---\nBody.\n"),
            ("Web.md", b"---\ncover: https://cdn.example.com/w.png\n---\nBody.\n"),
            ("Path.md", b"---\nimage: pics/p.png\n---\nBody.\n"),
            ("Missing.md", b"---\nimage: pics/none.png\n---\nBody.\n"),
            ("Plain.md", b"---\ndescription: Just a note.\n---\nBody.\n"),
            ("pic.png", png),
            ("pics/p.png", png),
        ],
    );
    let out = tmp.path().join("site");
    let report = build(&vault, &BuildOptions::new(&out)).expect("build");
    let page = |slug: &str| std::fs::read_to_string(out.join(slug).join("index.html")).expect("page");
    assert_eq!(named(&out, "og.png"), ["missing/og.png", "plain/og.png"]);
    assert_eq!(report.social_cards, 2);
    assert_eq!(meta(&page("linked"), "og:image"), Some("https://ex.org/blog/pic.png"));
    assert_eq!(meta(&page("web"), "og:image"), Some("https://cdn.example.com/w.png"));
    assert_eq!(meta(&page("path"), "og:image"), Some("https://ex.org/blog/pics/p.png"));
    assert_eq!(meta(&page("plain"), "og:image"), Some("https://ex.org/blog/plain/og.png"));
    for slug in ["linked", "web", "path"] {
        assert_eq!(meta(&page(slug), "og:image:width"), None, "a given image's size is unknown");
        assert_eq!(meta(&page(slug), "twitter:card"), Some("summary_large_image"));
    }
    // The attachments named as images are published, even by a plain path.
    assert_eq!(std::fs::read(out.join("pic.png")).expect("pic"), png);
    assert_eq!(std::fs::read(out.join("pics/p.png")).expect("p"), png);
}

#[test]
fn cards_can_be_turned_off_and_need_no_base_url() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("vault");
    let vault =
        temp_vault(&root, &[("A Note.md", b"Body.\n"), ("vellum.toml", b"[site]\nsocial_cards = true\n")]);
    let out = tmp.path().join("site");
    build(&vault, &BuildOptions::new(&out)).expect("build");
    let page = std::fs::read_to_string(out.join("a-note/index.html")).expect("page");
    assert_eq!(meta(&page, "og:image"), Some("/a-note/og.png"), "root-relative without a base URL");

    let mut opts = BuildOptions::new(&out);
    opts.site = Some(vellum_site::SiteConfig::from_toml("[site]\nsocial_cards = false\n").expect("config"));
    let report = build(&vault, &opts).expect("build");
    assert_eq!(report.social_cards, 0);
    assert!(named(&out, "og.png").is_empty());
    let page = std::fs::read_to_string(out.join("a-note/index.html")).expect("page");
    assert_eq!(meta(&page, "og:image"), None);
    assert_eq!(meta(&page, "twitter:card"), Some("summary"));
}

fn cached(vault: &Vault, out: &Path) -> BuildReport {
    let mut opts = BuildOptions::new(out);
    opts.cache = true;
    build(vault, &opts).expect("cached build")
}

#[test]
fn kept_cards_are_not_drawn_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("vault");
    let notes: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| (format!("Note {i}.md"), format!("---\nkeywords: [k{i}]\n---\nBody.\n").into_bytes()))
        .collect();
    let mut files: Vec<(&str, &[u8])> = notes.iter().map(|(p, t)| (p.as_str(), t.as_slice())).collect();
    files.push(("vellum.toml", b"[site]\nsocial_cards = true\n"));
    let vault = temp_vault(&root, &files);
    let out = tmp.path().join("site");
    let first = cached(&vault, &out);
    assert_eq!((first.social_cards, first.social_cards_drawn), (5, 5));
    let card = std::fs::read(out.join("note-0/og.png")).expect("card");

    let vault = vellum_vault::load(&root).expect("load");
    let second = cached(&vault, &out);
    assert_eq!((second.social_cards, second.social_cards_drawn), (5, 0), "every card kept");
    assert_eq!(std::fs::read(out.join("note-0/og.png")).expect("card"), card);

    // A note's description changes: its card alone is drawn again.
    std::fs::write(root.join("Note 0.md"), "---\ndescription: New.\nkeywords: [k0]\n---\nBody.\n")
        .expect("write");
    let vault = vellum_vault::load(&root).expect("load");
    let third = cached(&vault, &out);
    assert_eq!((third.social_cards, third.social_cards_drawn), (5, 1));
    assert_ne!(std::fs::read(out.join("note-0/og.png")).expect("card"), card);
    // The card no note shows any more is no longer kept.
    let kept = std::fs::read_dir(root.join(".vellum/build/og")).expect("kept cards").count();
    assert_eq!(kept, 5);
}
