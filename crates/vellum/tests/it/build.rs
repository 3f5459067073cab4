//! `vellum build` end to end: the example vault becomes a site; a foreign
//! output folder is refused; drafts stay out.

use std::path::PathBuf;

use assert_cmd::Command;

use crate::common;
use common::example;

#[test]
fn builds_the_example_vault() {
    let out = tempfile::tempdir().expect("tempdir");
    let site = out.path().join("site");
    let run = Command::cargo_bin("vellum")
        .expect("binary")
        .arg("build")
        .arg(example())
        .arg("--output")
        .arg(&site)
        .output()
        .expect("runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    // One line: what was built, and what to open.
    let stderr = String::from_utf8_lossy(&run.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("warning: ")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("built ") && lines[0].contains(" notes) in "), "{stderr}");
    let open = format!("open {}", site.join("index.html").display());
    assert!(lines[0].ends_with(&open), "{stderr}");
    let index = std::fs::read_to_string(site.join("index.html")).expect("index");
    assert!(index.contains("CUDA Moat"));
    assert!(site.join("hardware/cuda-moat/index.html").is_file());
    assert!(site.join("feed.xml").is_file() && site.join("sitemap.xml").is_file());
    // The seed note is a draft: no page, and its core claim appears nowhere.
    assert!(!site.join("nvidia-open-sources-gpu-kernel-modules/index.html").exists());
    let claim = "The kernel module release changes the trust balance for Linux GPU stacks.";
    for entry in walk(&site) {
        let text = std::fs::read(&entry).expect("read");
        assert!(
            !String::from_utf8_lossy(&text).contains(claim),
            "draft text leaked into {}",
            entry.display()
        );
    }
}

#[test]
fn refuses_a_foreign_output_folder() {
    let out = tempfile::tempdir().expect("tempdir");
    std::fs::write(out.path().join("precious.txt"), "mine").expect("write");
    let run = Command::cargo_bin("vellum")
        .expect("binary")
        .arg("build")
        .arg(example())
        .arg("--output")
        .arg(out.path())
        .arg("--quiet")
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(out.path().join("precious.txt")).expect("kept"), "mine");
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A second build with nothing changed is answered by the build cache
/// without loading the vault; `--no-cache` builds anyway; an edit rebuilds.
#[test]
fn an_unchanged_vault_is_up_to_date() {
    use std::time::{Duration, SystemTime};
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    common::copy_vault(&example(), &root, Some(SystemTime::now() - Duration::from_secs(3600)));
    let build = |extra: &[&str]| common::build(&root, extra);
    let first = build(&["--verbose"]);
    assert!(first.contains("built ") && first.contains("note bodies rendered"), "{first}");
    assert!(first.contains("phases: render"), "{first}");
    let index = std::fs::read(root.join("public/index.html")).expect("index");
    let second = build(&[]);
    assert!(second.contains("is up to date"), "{second}");
    assert_eq!(std::fs::read(root.join("public/index.html")).expect("index"), index, "output kept");
    let forced = build(&["--no-cache", "--verbose"]);
    assert!(forced.contains("built ") && !forced.contains("cache:"), "{forced}");
    // The --no-cache build was not recorded: the next one checks again and
    // finds every body unchanged (the pages are written: the output is new).
    let again = build(&["--verbose"]);
    assert!(again.contains("0 of ") && again.contains("note bodies rendered"), "{again}");
    let note = root.join("hardware/CUDA Moat.md");
    let text = std::fs::read_to_string(&note).expect("note");
    std::fs::write(&note, format!("{text}\nAn edit.\n")).expect("write");
    // Without --verbose: the summary alone, no cache or phase figures.
    let edited = build(&[]);
    assert!(
        edited.contains("built ") && !edited.contains("cache:") && !edited.contains("phases:"),
        "{edited}"
    );
    std::fs::write(&note, format!("{text}\nAnother edit.\n")).expect("write");
    let verbose = build(&["--verbose"]);
    assert!(verbose.contains("built ") && !verbose.contains("cache: 0 of "), "{verbose}");
    // An output whose folders do not exist yet: the first build records it too.
    let f = std::fs::File::options().append(true).open(&note).expect("open");
    f.set_modified(SystemTime::now() - Duration::from_secs(60)).expect("mtime");
    let nested = tmp.path().join("deploy/2026/site");
    let nested = nested.to_str().expect("utf-8");
    assert!(build(&["--output", nested]).contains("built "));
    let second = build(&["--output", nested]);
    assert!(second.contains("is up to date"), "{second}");
}

/// Builds that take unchanged notes from the parse cache publish exactly what
/// a build that parses every note does, edit after edit, and parse only the
/// edited notes.
#[test]
fn cached_builds_match_uncached_ones_edit_after_edit() {
    use std::time::{Duration, SystemTime};
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    common::copy_vault(&example(), &root, Some(hour_ago));
    let build = |extra: &[&str]| common::build(&root, extra);
    build(&[]);
    let note = root.join("hardware/CUDA Moat.md");
    let text = std::fs::read_to_string(&note).expect("note");
    let edits = [
        text.replacen("title: CUDA Moat", "title: \"CUDA Moat, Edited\"", 1),
        format!("{text}\nA new paragraph with [[Nowhere Yet]] and #newtag.\n"),
        text.replacen("draft: false", "draft: true", 1),
        text.clone(),
    ];
    for (i, edit) in edits.iter().enumerate() {
        std::fs::write(&note, edit).expect("write");
        let f = std::fs::File::options().append(true).open(&note).expect("open");
        f.set_modified(hour_ago + Duration::from_secs(60 * (i as u64 + 1))).expect("mtime");
        let cached = build(&["--verbose"]);
        assert!(cached.contains("cache: 1 notes parsed"), "edit {i}: {cached}");
        let fresh = tmp.path().join(format!("fresh{i}"));
        build(&["--no-cache", "--output", fresh.to_str().expect("utf-8")]);
        assert!(
            common::tree(&root.join("public")) == common::tree(&fresh),
            "edit {i}: cached and uncached sites differ"
        );
    }
}

/// An Obsidian setting vellum cannot read is a warning naming the file; the
/// build goes on and succeeds.
#[test]
fn an_unreadable_obsidian_setting_never_stops_a_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    common::copy_vault(&example(), &root, None);
    std::fs::create_dir_all(root.join(".obsidian")).expect("mkdir");
    std::fs::write(root.join(".obsidian/types.json"), "{\"types\": {\"rating\": \"number\",}")
        .expect("write");
    let stderr = common::build(&root, &["--no-cache"]);
    assert!(stderr.contains("warning: .obsidian/types.json: not valid JSON"), "{stderr}");
    assert!(root.join("public/index.html").is_file());
}

/// A build after an edit of a note's prose alone patches that note's page,
/// its search shard and the feed in place, and publishes exactly what a
/// build without caches does; an edit that reaches other pages, or of a note
/// another one embeds, is a full build, which `--verbose` explains.
#[test]
fn a_prose_edit_is_patched_in_place() {
    use std::time::{Duration, SystemTime};
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    common::copy_vault(&example(), &root, Some(hour_ago));
    let build = |extra: &[&str]| common::build(&root, extra);
    let mut minute = 0;
    let mut write = |path: &std::path::Path, text: &str| {
        std::fs::write(path, text).expect("write");
        minute += 1;
        let f = std::fs::File::options().append(true).open(path).expect("open");
        f.set_modified(hour_ago + Duration::from_secs(60 * minute)).expect("mtime");
    };
    let same_as_uncached = |what: &str| {
        let fresh = tmp.path().join(format!("fresh-{what}"));
        build(&["--no-cache", "--output", fresh.to_str().expect("utf-8")]);
        assert!(common::tree(&root.join("public")) == common::tree(&fresh), "{what}: the sites differ");
    };
    build(&[]);
    let cuda = root.join("software/QUIC Goes Standard.md");
    let text = std::fs::read_to_string(&cuda).expect("note");
    write(&cuda, &format!("{text}\nA few more words about the kernel.\n"));
    let patched = build(&["--verbose"]);
    // Its page, its search shard and the feed (it is among the newest notes).
    assert!(patched.contains("1 note rendered, 3 files replaced in place"), "{patched}");
    same_as_uncached("prose");
    assert!(build(&[]).contains("is up to date"), "a patched site is recorded as current");

    // Embedded by another note: its text shows there too.
    let sqlite = root.join("software/SQLite Everywhere.md");
    let embedded = std::fs::read_to_string(&sqlite).expect("note");
    write(&sqlite, &format!("{embedded}\nMore words.\n"));
    let full = build(&["--verbose"]);
    assert!(full.contains("not patched in place (an edited note is embedded"), "{full}");
    same_as_uncached("embedded");

    // A tag shows on other pages.
    write(&cuda, &format!("{text}\nA few more words about the kernel. #kernel-words\n"));
    let full = build(&["--verbose"]);
    assert!(full.contains("not patched in place (an edit changes what other pages show"), "{full}");
    same_as_uncached("tag");

    // Prose again, twice: each build patches the last one's output.
    for words in ["One more sentence.", "Another sentence instead."] {
        write(&cuda, &format!("{text}\nA few more words about the kernel. #kernel-words\n\n{words}\n"));
        let patched = build(&["--verbose"]);
        assert!(patched.contains("files replaced in place"), "{patched}");
        same_as_uncached(words);
    }
}
