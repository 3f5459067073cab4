//! A `vellum build` killed at any moment leaves the published folder whole
//! (the last site or the next one, never a mix) and caches that do not lie:
//! the next build publishes exactly what a build without caches does.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use assert_cmd::cargo::CommandCargoExt as _;

use crate::common;
use common::tree;

fn vellum(args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::cargo_bin("vellum").expect("binary");
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

fn build(root: &Path, extra: &[&str]) {
    let mut args = vec!["--quiet"];
    args.extend_from_slice(extra);
    common::build(root, &args);
}

/// Write the two versions of the vault's edited notes: `a` is the generated
/// text, `b` adds a paragraph to one note, retitles another and adds a note.
/// Each write gets its own old modification time, so every cache sees it.
fn set_state(root: &Path, notes: &[(PathBuf, String)], b: bool, tick: &mut u64) {
    let base = SystemTime::now() - Duration::from_secs(7200);
    let mut write = |path: &Path, text: &str| {
        std::fs::write(path, text).expect("write");
        *tick += 1;
        let f = std::fs::File::options().append(true).open(path).expect("open");
        f.set_modified(base + Duration::from_secs(*tick)).expect("mtime");
    };
    let (first, second) = (&notes[0], &notes[1]);
    if b {
        write(&first.0, &format!("{}\nA paragraph added by the edit, with [[Unwritten Topic]].\n", first.1));
        write(&second.0, &second.1.replacen("title: ", "title: Retitled ", 1));
        write(&root.join("Added Note.md"), "# Added Note\n\nIt links to [[Unwritten Topic]].\n");
    } else {
        write(&first.0, &first.1);
        write(&second.0, &second.1);
        let _ = std::fs::remove_file(root.join("Added Note.md"));
    }
}

/// A generated vault of 300 notes (seed `seed`) at `root`, its files an
/// old modification time; its top-level published notes with their texts, sorted.
fn generated(tmp: &Path, root: &Path, seed: u64) -> Vec<(PathBuf, String)> {
    let generated = tmp.join("generated");
    vellum_gen::write_vault(&generated, vellum_gen::Params::new(300, seed), false).expect("generate");
    common::copy_vault(&generated, root, Some(SystemTime::now() - Duration::from_secs(36_000)));
    let mut notes: Vec<(PathBuf, String)> = std::fs::read_dir(root)
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            (p, text)
        })
        .filter(|(_, t)| t.contains("title: ") && !t.contains("draft: true"))
        .collect();
    notes.sort();
    notes
}

#[test]
fn a_killed_build_leaves_a_whole_site_and_the_next_build_is_right() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    let mut notes = generated(tmp.path(), &root, 11);
    notes.truncate(2);

    // The two sites a reader may see, each built without any cache.
    let mut tick = 0;
    let mut expected = Vec::new();
    for b in [false, true] {
        set_state(&root, &notes, b, &mut tick);
        let out = tmp.path().join(format!("expected-{b}"));
        build(&root, &["--no-cache", "--output", out.to_str().expect("utf-8")]);
        expected.push(tree(&out));
    }
    assert_ne!(expected[0], expected[1], "the edit changes the site");

    set_state(&root, &notes, false, &mut tick);
    let started = Instant::now();
    build(&root, &[]);
    let full = started.elapsed();
    let public = root.join("public");
    assert!(tree(&public) == expected[0]);

    // Kill builds of alternating states at points spread over a build's length.
    let points = 12u32;
    for k in 0..points {
        let b = k % 2 == 0;
        set_state(&root, &notes, b, &mut tick);
        let mut child = vellum(&["build", root.to_str().expect("utf-8"), "--quiet"]).spawn().expect("spawn");
        std::thread::sleep(full * k / points);
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&public);
        assert!(
            now == expected[0] || now == expected[1],
            "killed after {:?} (point {k}): the published folder is neither site",
            full * k / points
        );
    }
    // The caches survived the kills without lying, whatever they hold.
    for b in [true, false, true] {
        set_state(&root, &notes, b, &mut tick);
        build(&root, &[]);
        assert!(tree(&public) == expected[usize::from(b)], "a build after the kills (state {b}) is wrong");
    }
}

/// Builds that patch the output in place (edits of two notes' prose), killed
/// at points spread over a patch's length: each published file is whole,
/// that of one site or the other (the files are swapped in one at a time),
/// and the next build is right.
#[test]
fn a_killed_patch_leaves_whole_files_and_the_next_build_is_right() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    let notes = generated(tmp.path(), &root, 12);
    let base = SystemTime::now() - Duration::from_secs(7200);
    let mut tick = 0;
    let mut set = |notes: &[(PathBuf, String)], b: bool| {
        for (path, text) in notes {
            let words = if b { "\nWords of the second state.\n" } else { "\nWords of the first state.\n" };
            std::fs::write(path, format!("{text}{words}")).expect("write");
            tick += 1;
            let f = std::fs::File::options().append(true).open(path).expect("open");
            f.set_modified(base + Duration::from_secs(tick)).expect("mtime");
        }
    };
    // Keep two notes whose edit a build patches.
    let mut chosen = Vec::new();
    build(&root, &[]);
    for n in notes {
        set(std::slice::from_ref(&n), true);
        let out = common::build(&root, &["--verbose"]);
        if out.contains("files replaced in place") {
            chosen.push(n);
            if chosen.len() == 2 {
                break;
            }
        }
    }
    assert_eq!(chosen.len(), 2, "two notes whose prose edit is patched");
    let mut expected = Vec::new();
    for b in [false, true] {
        set(&chosen, b);
        let out = tmp.path().join(format!("expected-{b}"));
        build(&root, &["--no-cache", "--output", out.to_str().expect("utf-8")]);
        expected.push(tree(&out));
    }
    set(&chosen, false);
    build(&root, &[]);
    set(&chosen, true);
    let started = Instant::now();
    let out = common::build(&root, &["--verbose"]);
    let patch = started.elapsed();
    assert!(out.contains("files replaced in place"), "{out}");
    let public = root.join("public");
    assert!(tree(&public) == expected[1]);

    let points = 12u32;
    for k in 0..points {
        let b = k % 2 == 0;
        set(&chosen, !b);
        let mut child = vellum(&["build", root.to_str().expect("utf-8"), "--quiet"]).spawn().expect("spawn");
        std::thread::sleep(patch * k / points);
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&public);
        assert!(
            now.keys().eq(expected[0].keys()),
            "killed after {:?} (point {k}): files appeared or went missing",
            patch * k / points
        );
        for (name, bytes) in &now {
            assert!(
                expected[0].get(name) == Some(bytes) || expected[1].get(name) == Some(bytes),
                "killed after {:?} (point {k}): `{}` is neither site's",
                patch * k / points,
                name.display()
            );
        }
    }
    for b in [true, false, true] {
        set(&chosen, b);
        build(&root, &[]);
        assert!(tree(&public) == expected[usize::from(b)], "a build after the kills (state {b}) is wrong");
    }
}
