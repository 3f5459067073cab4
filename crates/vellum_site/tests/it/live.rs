//! The in-memory site of `vellum serve`: the same bytes as `vellum build`,
//! and after any incremental edit the same bytes as a fresh build.

use std::path::{Path, PathBuf};

use vellum_site::{BuildOptions, BuildReport, LiveSite, SiteFile, build};
use vellum_vault::Vault;

use crate::common::assert_same;

fn example_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

fn options(drafts: bool) -> BuildOptions {
    let mut o = BuildOptions::new("unused");
    o.include_drafts = drafts;
    o.preview = drafts;
    o
}

/// The vault rebuilt from scratch from the texts `v` holds now.
fn fresh(v: &Vault) -> Vault {
    let paths = v.files.iter().map(|(_, p)| p.to_owned()).collect();
    let texts =
        v.notes.iter().map(|n| (n.path.clone(), n.text.as_kept().expect("kept").to_owned())).collect();
    Vault::from_texts(v.root.clone(), v.config.clone(), paths, texts)
}

#[test]
fn memory_build_equals_disk_build() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("site");
    let vault = vellum_vault::load(&example_root()).expect("loads");
    build(&vault, &BuildOptions::new(&dir)).expect("build");
    let live = LiveSite::build(vault, options(false)).expect("live");
    for (rel, file) in live.files() {
        let on_disk = std::fs::read(dir.join(rel)).unwrap_or_else(|_| panic!("{rel} on disk"));
        match file {
            SiteFile::Generated(bytes) => assert_eq!(&bytes[..], &on_disk[..], "{rel}"),
            SiteFile::Copied(src) => assert_eq!(std::fs::read(src).expect("source"), on_disk, "{rel}"),
        }
    }
    let n_disk = walk(&dir);
    assert_eq!(n_disk, live.files().len() + 1, "disk has the same files plus the marker");
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let p = e.expect("entry").path();
            if p.is_dir() { walk(&p) } else { 1 }
        })
        .sum()
}

/// A change to a note's text.
type Change = Box<dyn Fn(&str) -> String>;

fn edit(live: &mut LiveSite, path: &str, change: impl Fn(&str) -> String) -> vellum_site::Update {
    let v = live.vault();
    let i = v.note_by_path(path).expect("note");
    let was = v.notes[i].text.as_kept().expect("kept");
    let text = change(was);
    assert_ne!(text, was, "the edit changes {path}");
    live.edit_notes(vec![(path.to_owned(), text)]).expect("renders").expect("in place")
}

/// The example's settings with lists of `size` items a page.
fn paged(mut o: BuildOptions, size: usize) -> BuildOptions {
    let toml = std::fs::read_to_string(example_root().join("vellum.toml")).expect("vellum.toml");
    o.site =
        Some(vellum_site::SiteConfig::from_toml(&format!("{toml}page_size = {size}\n")).expect("config"));
    o
}

/// Edits of every kind the site reacts to, each a change to a note's text,
/// in an order that makes each one change something.
fn steps() -> Vec<(&'static str, Change)> {
    let cuda = "hardware/CUDA Moat.md";
    vec![
        // A body edit: the note, its lists and the search index change; nothing else.
        (cuda, Box::new(|t: &str| format!("{t}\nA new paragraph about lock-in.\n"))),
        // A new title: every page showing its card (backlinks, tags, index) changes.
        (cuda, Box::new(|t: &str| t.replacen("title: CUDA Moat", "title: The CUDA Moat", 1))),
        // A new tag and a link to an unwritten note.
        (cuda, Box::new(|t: &str| format!("{t}\nSee [[A Note Nobody Wrote]] #brand-new-tag\n"))),
        // An older date: the note moves in the timeline (ranks shift).
        (cuda, Box::new(|t: &str| t.replacen("created: 2023-05-30", "created: 2021-01-02", 1))),
        // Headings gone: links into them now miss their fragment.
        ("hardware/Apple Silicon Goes Pro.md", Box::new(|t: &str| t.replace("\n## ", "\nplain "))),
        // A draft edited (published only with drafts).
        ("software/Rust in the Linux Kernel.md", Box::new(|t: &str| format!("{t}\nDraft words.\n"))),
        // The embedded section changes: the notes embedding it change too.
        (
            "security/Log4Shell Lessons.md",
            Box::new(|t: &str| t.replacen("## my take\n", "## my take\nEmbedded news. ", 1)),
        ),
        // A heading that a link missed appears; one that a link finds is renamed.
        (
            "security/Log4Shell Lessons.md",
            Box::new(|t: &str| t.replacen("## sources\n", "## Timeline\nSoon.\n\n## sources\n", 1)),
        ),
        // An earlier heading takes the anchor id of the one a link finds (ids move, targets do not).
        (cuda, Box::new(|t: &str| t.replacen("## my take\n", "## How-large-is-the-moat\n", 1))),
        (cuda, Box::new(|t: &str| t.replacen("How large is the moat", "How wide is the moat", 1))),
        // A claim, a question and a source change (the digests).
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("Configuration is code", "Config is code", 1)),
        ),
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("Which of our own", "Which of their", 1)),
        ),
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("Source of the 8.5 million", "Where the 8.5 million", 1)),
        ),
        // A new description and `updated` date (cards, previews, sitemap).
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("description: A faulty", "description: One faulty", 1)),
        ),
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("updated: 2024-08-07", "updated: 2024-09-01", 1)),
        ),
        // A link to another note added, then removed again (backlinks, graph).
        ("2024/CrowdStrike Outage.md", Box::new(|t: &str| format!("{t}\nAlso [[QUIC Goes Standard]].\n"))),
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("\nAlso [[QUIC Goes Standard]].\n", "\n", 1)),
        ),
        // Links in properties: added (backlinks, graph, the properties
        // table), pointed at an unwritten note and at a draft, listed, and removed.
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("\ntitle: ", "\nup: \"[[QUIC Goes Standard]]\"\ntitle: ", 1)),
        ),
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| t.replacen("[[QUIC Goes Standard]]", "[[Someone Not Yet Written]]", 1)),
        ),
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| {
                t.replacen(
                    "\nup: ",
                    "\nrelated: [\"[[Rust in the Linux Kernel]]\", \"[[CUDA Moat]]\"]\nup: ",
                    1,
                )
            }),
        ),
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| {
                t.replacen("up: \"[[Someone Not Yet Written]]\"\n", "", 1).replacen(
                    "[\"[[Rust in the Linux Kernel]]\", ",
                    "[",
                    1,
                )
            }),
        ),
        // Enough words for another minute of reading (the card's reading time).
        ("2024/CrowdStrike Outage.md", Box::new(|t: &str| format!("{t}\n{}\n", "word ".repeat(300)))),
        // A keyword and a tag removed (their pages go).
        (
            "2024/CrowdStrike Outage.md",
            Box::new(|t: &str| {
                t.replacen("  - kernel-drivers\n", "", 1).replacen(
                    "  <span class=\"inline-keyword\">kernel-drivers</span>\n",
                    "",
                    1,
                )
            }),
        ),
        (cuda, Box::new(|t: &str| t.replacen(" #brand-new-tag", "", 1))),
        // The social card: a keyword more (redrawn), then an image given
        // instead (the card goes), an attachment as the image, and none
        // again (the card comes back).
        (cuda, Box::new(|t: &str| t.replacen("  - lock-in\n", "  - lock-in\n  - moats\n", 1))),
        (cuda, Box::new(|t: &str| t.replacen("\ntitle: ", "\ncover: https://example.com/c.png\ntitle: ", 1))),
        (cuda, Box::new(|t: &str| t.replacen("https://example.com/c.png", "\"[[die-shot.png]]\"", 1))),
        (cuda, Box::new(|t: &str| t.replacen("cover: \"[[die-shot.png]]\"\n", "", 1))),
        // Notes lose their questions and one gets them back: the questions
        // digest shrinks and grows (by a page, at two a page).
        ("2024/CrowdStrike Outage.md", Box::new(|t: &str| t.replace("[!question]", "[!gone]"))),
        (cuda, Box::new(|t: &str| t.replace("[!question]", "[!gone]"))),
        (cuda, Box::new(|t: &str| t.replace("[!gone]", "[!question]"))),
        // Notes leave the claims digest and come back, some through their
        // core claim alone (which only the card carries): the digest
        // shrinks and grows by a page at two a page.
        (
            "2024/RISC-V Gets a Real Profile.md",
            Box::new(|t: &str| {
                t.replacen("> [!note] Core claim", "> [!note] Aside", 1).replacen(
                    "<span class=\"inline-claim\">",
                    "<span>",
                    1,
                )
            }),
        ),
        (
            "2024/The xz Backdoor.md",
            Box::new(|t: &str| t.replacen("<span class=\"inline-claim\">", "<span>", 1)),
        ),
        (
            "2024/The xz Backdoor.md",
            Box::new(|t: &str| t.replacen("> [!note] Core claim", "> [!note] Aside", 1)),
        ),
        (
            "2024/The xz Backdoor.md",
            Box::new(|t: &str| t.replacen("> [!note] Aside", "> [!note] Core claim", 1)),
        ),
        // A broken embed: the renderer asks for a page the plan did not foresee.
        (cuda, Box::new(|t: &str| format!("{t}\n![[Nowhere To Be Found]]\n"))),
        (cuda, Box::new(|t: &str| t.replacen("![[Nowhere To Be Found]]", "", 1))),
    ]
}

#[test]
fn incremental_edits_equal_a_fresh_build() {
    // The default page size (every list of the example on one page), and two
    // a page, so that edits move items between pages and add or drop pages.
    for (drafts, size) in [(true, None), (false, None), (true, Some(2)), (false, Some(2))] {
        let opts = move || match size {
            Some(n) => paged(options(drafts), n),
            None => options(drafts),
        };
        let vault = vellum_vault::load(&example_root()).expect("loads");
        let mut live = LiveSite::build(vault, opts()).expect("live");
        let steps = steps();
        for (k, (path, change)) in steps.into_iter().enumerate() {
            let u = edit(&mut live, path, change);
            assert!(!u.changed.is_empty() || !drafts, "step {k} changed something");
            let expected = LiveSite::build(fresh(live.vault()), opts()).expect("fresh");
            let what = format!("drafts={drafts}, page size {size:?}, step {k} ({path})");
            assert_same(live.files(), expected.files(), &what);
        }
    }
}

#[test]
fn a_site_taken_up_from_a_cached_build_equals_a_built_one_after_edits() {
    for (drafts, size) in [(true, None), (false, Some(2))] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("vault");
        crate::common::copy_dir(&example_root(), &root);
        // Older notes than the example's, enough to fill the feed past its
        // length: a note leaving it lets in one that was not edited.
        for k in 1..=45 {
            let text =
                format!("---\ntitle: Older {k}\ncreated: 2001-01-{:02}\n---\nOlder note {k}.\n", k % 28 + 1);
            std::fs::create_dir_all(root.join("older")).expect("mkdir");
            std::fs::write(root.join(format!("older/Older {k}.md")), text).expect("write");
        }
        let opts = move || match size {
            Some(n) => paged(options(drafts), n),
            None => options(drafts),
        };
        // What `vellum serve` keeps between runs: a cached build to disk.
        let mut disk = opts();
        disk.output = tmp.path().join("preview");
        disk.cache = true;
        let released = || vellum_vault::load_with(&root, vellum_vault::Texts::Release).expect("loads");
        let report = build(&released(), &disk).expect("cached build");
        let mut taken = LiveSite::resume(released(), disk.clone(), report).expect("reads").expect("taken up");
        let mut built = LiveSite::build(vellum_vault::load(&root).expect("loads"), opts()).expect("live");
        assert_same(taken.files(), built.files(), &format!("drafts={drafts}: taken up"));
        let mut steps = steps();
        // CUDA Moat leaves the feed (the oldest date of all).
        steps
            .push(("hardware/CUDA Moat.md", Box::new(|t: &str| t.replacen("created: 20", "created: 19", 1))));
        for (k, (path, change)) in steps.into_iter().enumerate() {
            let v = built.vault();
            let text = change(v.notes[v.note_by_path(path).expect("note")].text.as_kept().expect("kept"));
            let a =
                taken.edit_notes(vec![(path.to_owned(), text.clone())]).expect("renders").expect("in place");
            let b = built.edit_notes(vec![(path.to_owned(), text)]).expect("renders").expect("in place");
            let what = format!("drafts={drafts}, page size {size:?}, step {k} ({path})");
            assert_eq!(a.full.is_some(), b.full.is_some(), "{what}: the same way");
            assert_same(taken.files(), built.files(), &what);
        }
        // Nothing taken up from another build's cache.
        let mut other = disk.clone();
        other.include_drafts = !drafts;
        assert!(LiveSite::resume(released(), other, BuildReport::default()).expect("reads").is_none());
    }
}

#[test]
fn a_text_edit_keeps_the_plan_and_renders_only_the_note() {
    let vault = vellum_vault::load(&example_root()).expect("loads");
    let mut live = LiveSite::build(vault, options(true)).expect("live");
    // CUDA Moat has backlinks; only two of them read its text (a link to
    // one of its headings, and the canvas showing it in a file node), and
    // the base reads every note: four bodies are rendered, not every
    // linking note's.
    let u = edit(&mut live, "hardware/CUDA Moat.md", |t| {
        t.replacen("## sources\n", "A new line of text.\n\n## sources\n", 1)
    });
    assert_eq!(u.full, None);
    assert!(u.steps.iter().any(|(s, _)| *s == "plan kept"), "{:?}", u.steps);
    assert!(
        live.vault().backlinks(live.vault().note_by_path("hardware/CUDA Moat.md").expect("note")).len() > 2
    );
    assert_eq!(u.rendered, 4);
    let names: Vec<&str> = u.changed.iter().map(|(p, _)| p.as_str()).collect();
    // Every note of the example vault is in the feed, which carries bodies.
    assert_eq!(
        names,
        [
            "feed.xml",
            "hardware/chip-supply-map/index.html",
            "hardware/cuda-moat/index.html",
            "search-index/0.json"
        ]
    );
    // A new title changes what the plan reads: it is planned again.
    let u = edit(&mut live, "hardware/CUDA Moat.md", |t| t.replacen("title: CUDA Moat", "title: Moat", 1));
    assert!(u.steps.iter().any(|(s, _)| *s == "plan"), "{:?}", u.steps);
}

#[test]
fn a_body_edit_touches_few_files() {
    let vault = vellum_vault::load(&example_root()).expect("loads");
    let mut live = LiveSite::build(vault, options(true)).expect("live");
    let u = edit(&mut live, "hardware/CUDA Moat.md", |t| t.replacen("software stack", "software empire", 1));
    assert_eq!(u.full, None);
    let names: Vec<&str> = u.changed.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.contains(&"hardware/cuda-moat/index.html"), "{names:?}");
    assert!(names.contains(&"search-index/0.json"), "{names:?}");
    assert!(names.len() < 12, "{names:?}");
}

#[test]
fn an_edit_in_a_later_search_shard_equals_a_fresh_build() {
    // More notes than one search shard holds (512), so the edit lands in the second.
    let n = 600;
    let paths: Vec<String> = (0..n).map(|k| format!("n{k:03}.md")).collect();
    let texts: Vec<(String, String)> = paths
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let text = format!(
                "---\ntitle: Note {k}\ncreated: 2024-01-{:02}\n---\n# Note {k}\n\nWords about topic {k}. See [[n{:03}]].\n",
                k % 28 + 1,
                (k + 1) % n
            );
            (p.clone(), text)
        })
        .collect();
    let vault = Vault::from_texts(PathBuf::from("/nowhere"), vellum_vault::Config::default(), paths, texts);
    let mut live = LiveSite::build(vault, options(false)).expect("live");
    assert!(live.files().contains_key("search-index/1.json"));
    let u = edit(&mut live, "n550.md", |t| t.replacen("Words about", "Sentences about", 1));
    assert!(u.steps.iter().any(|(s, _)| *s == "plan kept"), "{:?}", u.steps);
    let names: Vec<&str> = u.changed.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.contains(&"search-index/1.json") && !names.contains(&"search-index/0.json"), "{names:?}");
    let expected = LiveSite::build(fresh(live.vault()), options(false)).expect("fresh");
    assert_same(live.files(), expected.files(), "after an edit in the second shard");
}

/// An edit that changes the site's shape falls back to a full rebuild and
/// says why; the rebuilt site is still a fresh build's.
#[test]
fn a_fallback_to_a_full_rebuild_says_why() {
    use vellum_site::Rebuild;
    let vault = vellum_vault::load(&example_root()).expect("loads");
    let mut live = LiveSite::build(vault, options(false)).expect("live");
    let cuda = "hardware/CUDA Moat.md";
    let u = edit(&mut live, cuda, |t| t.replacen("title: CUDA Moat\n", "title: CUDA Moat\ndraft: true\n", 1));
    assert_eq!(u.full, Some(Rebuild::PublishedSetChanged));
    assert_eq!(
        u.full.as_ref().map(ToString::to_string).as_deref(),
        Some("which notes are published changed")
    );
    let expected = LiveSite::build(fresh(live.vault()), options(false)).expect("fresh");
    assert_same(live.files(), expected.files(), "after a note became a draft");
    // An ordinary edit afterwards is applied in place again.
    let u = edit(&mut live, "2024/CrowdStrike Outage.md", |t| format!("{t}\nMore.\n"));
    assert_eq!(u.full, None);
}

/// A `permalink` added, changed or claiming a taken URL, and an alias
/// renamed: the note's URL or its redirect pages move (a full rebuild, which
/// says why), and the site is still a fresh build's.
#[test]
fn permalink_and_alias_edits_equal_a_fresh_build() {
    use vellum_site::Rebuild;
    let vault = vellum_vault::load(&example_root()).expect("loads");
    let mut live = LiveSite::build(vault, options(false)).expect("live");
    assert!(live.files().contains_key("cuda-lock-in/index.html"), "an alias has its redirect page");
    let cuda = "hardware/CUDA Moat.md";
    let steps: Vec<(Change, Option<Rebuild>, &str)> = vec![
        (
            Box::new(|t: &str| {
                t.replacen("title: CUDA Moat\n", "title: CUDA Moat\npermalink: /GPU/Moat/\n", 1)
            }),
            Some(Rebuild::UrlChanged(cuda.to_owned())),
            "gpu/moat/index.html",
        ),
        (
            Box::new(|t: &str| t.replacen("permalink: /GPU/Moat/", "permalink: moat", 1)),
            Some(Rebuild::UrlChanged(cuda.to_owned())),
            "moat/index.html",
        ),
        // A URL another note has: the first in path order keeps it, this note gets its own.
        (
            Box::new(|t: &str| {
                t.replacen("permalink: moat", "permalink: hardware/apple-silicon-goes-pro", 1)
            }),
            Some(Rebuild::UrlChanged(cuda.to_owned())),
            "hardware/cuda-moat/index.html",
        ),
        (
            Box::new(|t: &str| t.replacen("  - CUDA lock-in\n", "  - GPU lock-in\n", 1)),
            Some(Rebuild::RedirectsChanged),
            "gpu-lock-in/index.html",
        ),
    ];
    for (k, (change, why, page)) in steps.into_iter().enumerate() {
        let u = edit(&mut live, cuda, change);
        assert_eq!(u.full, why, "step {k}");
        assert!(live.files().contains_key(page), "step {k}: {page}");
        let expected = LiveSite::build(fresh(live.vault()), options(false)).expect("fresh");
        assert_same(live.files(), expected.files(), &format!("step {k}"));
    }
    assert!(!live.files().contains_key("cuda-lock-in/index.html"), "the old alias's page is gone");
    // An edit that keeps every URL and alias is applied in place, redirects untouched.
    let u = edit(&mut live, cuda, |t| format!("{t}\nMore.\n"));
    assert_eq!(u.full, None);
    assert!(u.changed.iter().all(|(p, _)| !p.starts_with("gpu-lock-in/") && p != "_redirects"));
}
