//! The build cache: a cached build writes exactly the bytes of an uncached
//! one, after every kind of change, and re-renders only what a change reaches.

use std::path::{Path, PathBuf};

use vellum_site::{BuildOptions, BuildReport, Fresh, build, up_to_date};

use crate::common::{age, copy_dir};

fn example_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

/// Every file under `dir` (relative path, bytes), sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root").to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

struct Bench {
    _tmp: tempfile::TempDir,
    vault: PathBuf,
    cached: PathBuf,
    plain: PathBuf,
}

impl Bench {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let vault = tmp.path().join("vault");
        copy_dir(&example_root(), &vault);
        let cached = tmp.path().join("cached");
        let plain = tmp.path().join("plain");
        Self { _tmp: tmp, vault, cached, plain }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.vault.join(rel)
    }

    /// A cached build and an uncached one of the vault as it is now: the
    /// same bytes. Returns the cached build's report.
    fn both(&self, what: &str) -> BuildReport {
        let vault = vellum_vault::load(&self.vault).expect("loads");
        let mut opts = BuildOptions::new(&self.cached);
        opts.cache = true;
        let report = build(&vault, &opts).expect("cached build");
        build(&vault, &BuildOptions::new(&self.plain)).expect("plain build");
        let (a, b) = (tree(&self.cached), tree(&self.plain));
        let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b), "{what}: same files");
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "{what}: `{name}` differs from an uncached build");
        }
        report
    }
}

fn rewrite(path: &Path, change: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).expect("read");
    let new = change(&text);
    assert_ne!(new, text, "the change changes {}", path.display());
    std::fs::write(path, new).expect("write");
}

/// Published notes of the vault at `root` that link to or embed `path`.
fn linkers(root: &Path, path: &str) -> usize {
    let v = vellum_vault::load(root).expect("loads");
    let i = v.note_by_path(path).expect("note");
    let mut from: Vec<usize> = v.backlinks(i).iter().map(|&(s, _)| s).filter(|&s| s != i).collect();
    from.sort_unstable();
    from.dedup();
    from.into_iter().filter(|&s| !v.notes[s].is_draft()).count()
}

#[test]
fn second_build_reuses_everything() {
    let b = Bench::new();
    let first = b.both("first build");
    assert_eq!(first.rendered, first.notes, "an empty cache renders every body");
    assert_eq!(first.reused, 0);
    let second = b.both("no change");
    assert_eq!(second.rendered, 0, "nothing changed: no body is rendered");
    assert_eq!(second.reused, second.pages, "nothing changed: every page is linked");
}

#[test]
fn an_edit_renders_the_note_and_what_links_to_it() {
    let b = Bench::new();
    b.both("first build");
    let v = vellum_vault::load(&b.vault).expect("loads");
    // A published note with published notes linking to it, and one without.
    let published: Vec<&str> =
        v.notes.iter().filter(|n| !n.is_draft() && n.is_markdown()).map(|n| n.path.as_str()).collect();
    let linked = *published.iter().max_by_key(|p| linkers(&b.vault, p)).expect("a note");
    let lonely = published.iter().find(|p| linkers(&b.vault, p) == 0).copied();
    let n_linkers = linkers(&b.vault, linked);
    assert!(n_linkers > 0, "the example has a linked note");

    rewrite(&b.path(linked), |t| format!("{t}\nA new closing line.\n"));
    let r = b.both("edit of a linked note");
    // A base reads every note.
    let bases = v.notes.iter().filter(|n| n.reads_every_note()).count();
    assert_eq!(r.rendered, 1 + n_linkers + bases, "the note, the {n_linkers} notes linking to it, the bases");
    assert!(
        r.reused > 0 && r.reused < r.pages,
        "some pages are linked, some written: {} of {}",
        r.reused,
        r.pages
    );

    if let Some(lonely) = lonely {
        rewrite(&b.path(lonely), |t| format!("{t}\nAnother line.\n"));
        let r = b.both("edit of a note nothing links to");
        assert_eq!(r.rendered, 1 + bases, "only the edited note, and the bases");
    }
}

#[test]
fn every_kind_of_change_builds_the_same_bytes_as_no_cache() {
    let b = Bench::new();
    b.both("first build");
    let v = vellum_vault::load(&b.vault).expect("loads");
    let published: Vec<String> = v.notes.iter().filter(|n| !n.is_draft()).map(|n| n.path.clone()).collect();
    let linked = published.iter().max_by_key(|p| linkers(&b.vault, p)).expect("a note").clone();
    let unwritten = v.notes.iter().zip(&v.resolved).find_map(|(n, rs)| {
        let mut links = n.note.links.iter().zip(rs);
        links
            .find(|(_, r)| matches!(r.target, vellum_vault::Target::Unresolved))
            .map(|(l, _)| l.target.clone())
    });

    // A note that embeds `linked` and links to its first heading.
    let stem = linked.trim_end_matches(".md").rsplit('/').next().expect("stem").to_owned();
    let text = std::fs::read_to_string(b.path(&linked)).expect("read");
    let heading = text.lines().find_map(|l| l.strip_prefix("## ")).expect("a heading").trim().to_owned();
    std::fs::write(
        b.path("Embedder.md"),
        format!("---\ntitle: Embedder\n---\nSee [[{stem}#{heading}]].\n\n![[{stem}]]\n"),
    )
    .expect("write");
    b.both("embedding note added");
    // Links in properties: to the linked note (its backlinks), to an unwritten
    // note (a new unwritten page), in a list and inside text.
    rewrite(&b.path("Embedder.md"), |t| {
        t.replacen("title: Embedder\n", &format!("title: Embedder\nup: \"[[{stem}]]\"\n"), 1)
    });
    b.both("property link added");
    rewrite(&b.path("Embedder.md"), |t| {
        t.replacen(
            "up: ",
            "related: [\"[[Nobody Wrote This]]\", plain]\nsource: see [[Nor This]] too\nup: ",
            1,
        )
    });
    b.both("property links to unwritten notes added");
    rewrite(&b.path("Embedder.md"), |t| t.replacen(&format!("up: \"[[{stem}]]\"\n"), "", 1));
    b.both("property link removed");
    // The embedded text changes.
    rewrite(&b.path(&linked), |t| t.replacen("\n## ", "\nA paragraph only the embed shows.\n\n## ", 1));
    b.both("embedded text changed");
    // A heading others point at.
    rewrite(&b.path(&linked), |t| t.replacen("\n## ", "\n## Renamed ", 1));
    b.both("heading renamed");
    // A title: every list that shows the note's card changes.
    rewrite(&b.path(&linked), |t| t.replacen("\ntitle: ", "\ntitle: Retitled ", 1));
    b.both("title changed");
    // A new note that an unwritten link now resolves to.
    if let Some(name) = unwritten {
        std::fs::write(b.path(&format!("{name}.md")), "---\ntitle: Now written\n---\nBody.\n")
            .expect("write");
        b.both("unwritten note written");
    }
    // A note deleted: links to it become unwritten.
    std::fs::remove_file(b.path(&linked)).expect("remove");
    b.both("linked note deleted");
    // A note becomes a draft.
    let other = published.iter().find(|p| **p != linked).expect("another note").clone();
    rewrite(&b.path(&other), |t| t.replacen("---\n", "---\ndraft: true\n", 1));
    b.both("note made a draft");
    // A property link to the draft: its text only, on the published page.
    let draft_stem = other.trim_end_matches(".md").rsplit('/').next().expect("stem").to_owned();
    rewrite(&b.path("Embedder.md"), |t| {
        t.replacen("title: Embedder\n", &format!("title: Embedder\nsee_also: \"[[{draft_stem}]]\"\n"), 1)
    });
    b.both("property link to a draft added");
    // The theme and the settings.
    std::fs::create_dir_all(b.path("_theme")).expect("mkdir");
    std::fs::write(b.path("_theme/custom.css"), "body { color: teal; }\n").expect("write");
    b.both("custom CSS added");
    let toml = b.path("vellum.toml");
    let settings = std::fs::read_to_string(&toml).unwrap_or_default();
    std::fs::write(&toml, settings.replace("title = \"", "title = \"Renamed ")).expect("write");
    b.both("site settings changed");
    let settings = std::fs::read_to_string(&toml).unwrap_or_default();
    std::fs::write(&toml, settings.replace("[site]\n", "[site]\nproperties = [\"source\"]\n"))
        .expect("write");
    b.both("properties table settings changed");
    // Pages deleted from the output by hand are written again.
    let index = b.cached.join("index.html");
    std::fs::remove_file(&index).expect("remove");
    let some_note = std::fs::read_dir(&b.cached)
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.path().join("index.html"))
        .find(|p| p.is_file() && !p.starts_with(b.cached.join("tags")))
        .expect("a page folder");
    std::fs::remove_file(&some_note).expect("remove");
    let r = b.both("pages deleted from the output");
    assert!(r.reused > 0, "the other pages are still linked");
    // A damaged cache is detected and rebuilt.
    std::fs::write(b.path(vellum_site::CACHE_FILE), b"this is not a redb file").expect("write");
    let r = b.both("damaged cache");
    assert!(r.warnings.iter().any(|w| w.contains("started afresh")), "{:?}", r.warnings);
    assert_eq!(r.rendered, r.notes);
}

#[test]
fn nothing_changed_is_known_without_loading() {
    let b = Bench::new();
    age(&b.vault);
    let mut opts = BuildOptions::new(&b.cached);
    opts.cache = true;
    let fresh = Fresh::take(&b.vault, &opts);
    assert!(up_to_date(&b.vault, &fresh).is_none(), "never built");
    opts.fresh = Some(fresh);
    let vault = vellum_vault::load(&b.vault).expect("loads");
    let built = build(&vault, &opts).expect("build");

    let fresh = Fresh::take(&b.vault, &opts);
    let same = up_to_date(&b.vault, &fresh).expect("up to date");
    assert!(same.up_to_date);
    assert_eq!((same.pages, same.notes), (built.pages, built.notes));

    // Other options, or another output, are not up to date.
    let mut drafts = opts.clone();
    drafts.include_drafts = true;
    assert!(up_to_date(&b.vault, &Fresh::take(&b.vault, &drafts)).is_none(), "other options");
    // An edit (even one that keeps the old mtime) is seen.
    let note = vault.notes[0].path.clone();
    rewrite(&b.path(&note), |t| format!("{t}\nmore\n"));
    age(&b.vault);
    assert!(up_to_date(&b.vault, &Fresh::take(&b.vault, &opts)).is_none(), "a note changed size");
    // A fresh edit is never trusted, even when it restores the old size.
    rewrite(&b.path(&note), |t| t.replacen("\nmore\n", "", 1));
    assert!(up_to_date(&b.vault, &Fresh::take(&b.vault, &opts)).is_none(), "racy stamp");
    // A touched output is not the one the cache describes.
    age(&b.vault);
    let vault = vellum_vault::load(&b.vault).expect("loads");
    opts.fresh = Some(Fresh::take(&b.vault, &opts));
    build(&vault, &opts).expect("build");
    assert!(up_to_date(&b.vault, &Fresh::take(&b.vault, &opts)).is_some());
    std::fs::write(b.cached.join(vellum_site::MARKER), "replaced by hand").expect("write");
    assert!(up_to_date(&b.vault, &Fresh::take(&b.vault, &opts)).is_none(), "output changed");

    // The theme's string catalogue, in a sub-folder, edited in place.
    let strings = b.path("_theme/i18n/en.toml");
    std::fs::create_dir_all(strings.parent().expect("folder")).expect("mkdir");
    std::fs::write(&strings, "backlinks = \"Linked here\"\n").expect("write");
    age(&b.vault);
    let vault = vellum_vault::load(&b.vault).expect("loads");
    opts.fresh = Some(Fresh::take(&b.vault, &opts));
    build(&vault, &opts).expect("build");
    assert!(up_to_date(&b.vault, &Fresh::take(&b.vault, &opts)).is_some());
    let folder =
        std::fs::metadata(strings.parent().expect("folder")).expect("meta").modified().expect("mtime");
    std::fs::write(&strings, "backlinks = \"Pointing here\"\n").expect("write");
    age(&b.vault);
    let after =
        std::fs::metadata(strings.parent().expect("folder")).expect("meta").modified().expect("mtime");
    assert_eq!(folder, after, "an edit in place leaves the folder as it was");
    assert!(up_to_date(&b.vault, &Fresh::take(&b.vault, &opts)).is_none(), "the catalogue changed");
}
