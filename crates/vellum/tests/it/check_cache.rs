//! `vellum check` with its cache (`.vellum/check/`) prints exactly what
//! `vellum check --no-cache` prints, byte for byte and with the same exit
//! code, after every kind of change — and takes the cached path it should
//! (`--verbose` says which), so these tests cannot pass by checking every note
//! every time.
//!
//! The cache never trusts a stamp younger than two seconds, so every file
//! written here gets an explicit modification time in the past, a different
//! one at each step.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use assert_cmd::Command;

use crate::common;

/// The output options compared at each step.
const OPTIONS: &[&[&str]] = &[
    &[],
    &["--format", "json"],
    &["--deny", "warnings"],
    &["--min-severity", "warning", "-q"],
    &["--format", "json", "--deny", "warnings", "-q"],
];

struct Vault {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// Seconds subtracted from "an hour ago" for the next write, so that each
    /// write gets a new, trusted modification time.
    step: u64,
}

impl Vault {
    fn new(files: &[(&str, &str)]) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("v");
        fs::create_dir_all(&root).expect("mkdir");
        let mut v = Self { _tmp: tmp, root, step: 0 };
        for (rel, text) in files {
            v.write(rel, text.as_bytes());
        }
        v
    }

    fn example() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("v");
        common::copy_vault(&common::example(), &root, Some(SystemTime::now() - Duration::from_secs(7200)));
        Self { _tmp: tmp, root, step: 0 }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Give `rel` a modification time of its own, well in the past.
    fn age(&mut self, rel: &str) {
        self.step += 1;
        let when = SystemTime::now() - Duration::from_secs(3600 - self.step);
        let f = fs::File::options().append(true).open(self.path(rel)).expect("open");
        f.set_modified(when).expect("set mtime");
    }

    fn write(&mut self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(&p, bytes).expect("write");
        self.age(rel);
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).expect("read")
    }

    /// Replace `from` by `to` in `rel` (which must hold it).
    fn edit(&mut self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "`{rel}` holds `{from}`");
        self.write(rel, text.replacen(from, to, 1).as_bytes());
    }

    fn run(&self, args: &[&str]) -> (Vec<u8>, Option<i32>, String) {
        let out = Command::cargo_bin("vellum")
            .expect("binary")
            .arg("check")
            .arg(&self.root)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("runs");
        (out.stdout, out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// Check with the cache: it must report `work` (a part of its
    /// `--verbose` line), then print what `--no-cache` prints with every
    /// option. Returns the human output.
    fn same(&self, work: &str) -> String {
        let (first, code, err) = self.run(&["--verbose"]);
        assert!(err.contains(work), "expected `{work}`, the cache said: {err}");
        let (fresh, fresh_code, _) = self.run(&["--no-cache"]);
        assert_eq!(String::from_utf8_lossy(&first), String::from_utf8_lossy(&fresh), "{work}");
        assert_eq!(code, fresh_code);
        for opts in OPTIONS {
            // `--verbose` and `-q` exclude each other.
            let quiet = opts.contains(&"-q");
            let mut args = opts.to_vec();
            if !quiet {
                args.push("--verbose");
            }
            let (cached, code, err) = self.run(&args);
            if !quiet {
                assert!(err.contains("cache: nothing changed"), "{opts:?}: {err}");
            }
            let (fresh, fresh_code, _) = self.run(&[opts, &["--no-cache"][..]].concat());
            assert_eq!(String::from_utf8_lossy(&cached), String::from_utf8_lossy(&fresh), "{work}, {opts:?}");
            assert_eq!(code, fresh_code, "{opts:?}");
        }
        String::from_utf8(first).expect("utf-8")
    }
}

const A: &str = "---\nnote_id: 220511TJ01\n---\n# A\n\nSee [[b#Setup]], [[b#^blk]], [[c]] and [[gone]].\n";
const B: &str = "# B\n\n## Setup\n\nSteps. ^blk\n\n## Notes\n";
const C: &str = "---\naliases: [See]\n---\n# C\n\nPlain prose with a #tag.\n";
const D: &str = "# D\n\n> [!madeup]\n> text\n\n[[a]] and [[See]]\n";
const CONFIG: &str = "[journal]\ncustom_callouts = [\"idea\"]\n";

#[test]
fn cached_check_prints_what_a_full_check_prints_after_every_kind_of_edit() {
    let mut v = Vault::new(&[
        ("a.md", A),
        ("b.md", B),
        ("sub/c.md", C),
        ("d.md", D),
        ("img.png", "\u{89}PNG"),
        ("vellum.toml", CONFIG),
    ]);
    v.same("full check (no cache)");
    assert!(v.path(".vellum/check/check.bin").is_file(), "the first check wrote the cache");

    // A body edit: only that note is read and checked again.
    v.edit("sub/c.md", "Plain prose", "Plainer prose, [[nowhere]]");
    let out = v.same("1 notes changed, 1 checked again");
    assert!(out.contains("`[[nowhere]]`"));

    // A heading another note links to goes: V401 appears in *that other* note.
    v.edit("b.md", "## Setup\n", "## Set up\n");
    let out = v.same("1 notes changed, 2 checked again");
    assert!(out.contains("a.md") && out.contains("V401"), "{out}");

    // The block id goes too.
    v.edit("b.md", " ^blk", "");
    let out = v.same("1 notes changed, 2 checked again");
    assert!(out.contains("has no block `^blk`"), "{out}");

    // A linked note becomes a draft: V404 in the note linking to it.
    v.edit("sub/c.md", "aliases: [See]\n", "aliases: [See]\ndraft: true\n");
    let out = v.same("1 notes changed, 2 checked again");
    assert!(out.contains("V404"), "{out}");

    // A note_id used twice: V108 needs every note's id, a full check.
    v.edit("d.md", "# D\n", "---\nnote_id: 220511TJ01\n---\n# D\n");
    let out = v.same("full check (aliases, note_id or a URL changed)");
    assert!(out.contains("V108"), "{out}");
    // ... and an edit after it keeps V108 right over a partial vault.
    v.edit("d.md", "text\n", "more text\n");
    let out = v.same("1 notes changed, 1 checked again");
    assert!(out.contains("V108"), "{out}");

    // An alias added.
    v.edit("sub/c.md", "aliases: [See]", "aliases: [See, Gone]");
    v.same("full check (aliases, note_id or a URL changed)");

    // A permalink claims `b.md`'s URL: V502 needs every note's URL. From then
    // on a note leaving the site moves URLs too, so a draft flag means a full
    // check, and the conflict goes with it.
    v.edit("d.md", "note_id: 220511TJ01\n", "note_id: 220511TJ01\npermalink: b\n");
    let out = v.same("full check (aliases, note_id or a URL changed)");
    assert!(out.contains("V502"), "{out}");
    v.edit("b.md", "# B\n", "---\ndraft: true\n---\n# B\n");
    let out = v.same("full check (aliases, note_id or a URL changed)");
    assert!(!out.contains("V502"), "{out}");
    v.edit("b.md", "---\ndraft: true\n---\n# B\n", "# B\n");
    v.same("full check (aliases, note_id or a URL changed)");
    v.edit("d.md", "permalink: b\n", "");
    v.same("full check (aliases, note_id or a URL changed)");

    // Files added, removed, renamed.
    v.write("gone.md", b"# Gone\n");
    let out = v.same("full check (files added, removed or renamed)");
    assert!(!out.contains("`[[gone]]` points to a note"), "{out}");
    fs::remove_file(v.path("gone.md")).expect("rm");
    v.same("full check (files added, removed or renamed)");
    fs::rename(v.path("d.md"), v.path("sub/d.md")).expect("mv");
    v.same("full check (files added, removed or renamed)");
    fs::rename(v.path("img.png"), v.path("pic.png")).expect("mv");
    v.same("full check (files added, removed or renamed)");

    // The configuration changed.
    v.write("vellum.toml", b"[journal]\ncustom_callouts = [\"idea\", \"madeup\"]\n");
    v.same("full check (vellum or its settings changed)");
    v.write("vellum.toml", b"[journal\n");
    let out = v.same("full check (vellum or its settings changed)");
    assert!(out.contains("V006"), "{out}");
    v.write("vellum.toml", CONFIG.as_bytes());
    v.same("full check (vellum or its settings changed)");

    // Obsidian's property types: a value that does not fit, then a file
    // that is not JSON, then a note edited under those types.
    v.write("typed.md", b"---\nrating: high\n---\n# Typed\n");
    v.same("full check (files added, removed or renamed)");
    v.write(".obsidian/types.json", b"{\"types\": {\"rating\": \"number\"}}");
    let out = v.same("full check (vellum or its settings changed)");
    assert!(out.contains("V110"), "{out}");
    v.edit("typed.md", "high", "low");
    let out = v.same("1 notes changed, 1 checked again");
    assert!(out.contains("V110"), "a partial check reads the types too: {out}");
    v.write(".obsidian/types.json", b"{\"types\": ");
    let out = v.same("full check (vellum or its settings changed)");
    assert!(out.contains("V009") && !out.contains("V110"), "{out}");
    v.same("nothing changed");

    // A callout type from a CSS snippet: known once the snippet is enabled,
    // a partial check knows it too, and editing the snippet is a settings change.
    v.write(".obsidian/snippets/c.css", b".callout[data-callout=madeup] { --callout-color: 1, 2, 3; }");
    let out = v.same("full check (vellum or its settings changed)");
    assert!(out.contains("`madeup`"), "not enabled yet: {out}");
    v.write(".obsidian/appearance.json", b"{\"enabledCssSnippets\": [\"c\"]}");
    let out = v.same("full check (vellum or its settings changed)");
    assert!(!out.contains("`madeup`"), "{out}");
    v.edit("sub/d.md", "more text\n", "other text\n");
    let out = v.same("1 notes changed, 1 checked again");
    assert!(!out.contains("`madeup`"), "a partial check reads the snippets too: {out}");
    v.write(".obsidian/snippets/c.css", b".callout[data-callout=other] { --callout-color: red; }");
    let out = v.same("full check (vellum or its settings changed)");
    assert!(out.contains("`madeup`") && out.contains("`--callout-color: red`"), "{out}");

    // A note that is not UTF-8: read again on every check.
    v.write("bad.md", b"# Bad\n\nbroken \xff byte\n");
    let out = v.same("full check (files added, removed or renamed)");
    assert!(out.contains("V002"), "{out}");
    v.write("bad.md", b"# Bad\n\nstill \xfe broken, elsewhere\n");
    v.same("nothing changed");
    v.write("bad.md", b"# Bad\n\nfixed\n");
    v.same("full check (files added, removed or renamed)");

    // Touched without a change: read and found identical.
    v.age("a.md");
    v.same("nothing changed (1 notes read)");

    // Written just now: the stamp is too young to trust, so the note is read
    // on every check until it is older.
    let a = v.read("a.md");
    fs::write(v.path("a.md"), a.replace("# A", "# A\n\nFresh.")).expect("write");
    v.same("1 notes changed, 1 checked again");
    v.same("nothing changed (1 notes read)");
    v.age("a.md");

    // A damaged cache reads as none.
    let bin = v.path(".vellum/check/check.bin");
    let mut bytes = fs::read(&bin).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    fs::write(&bin, bytes).expect("write");
    v.same("full check (no cache)");
}

#[test]
fn cached_check_of_the_example_vault_follows_heading_and_draft_edits() {
    let mut v = Vault::example();
    v.same("full check (no cache)");
    v.same("nothing changed (0 notes read)");
    // `2024/CrowdStrike Outage.md` embeds `![[Log4Shell Lessons#my take]]`.
    let lessons = "security/Log4Shell Lessons.md";
    let out = v.same("nothing changed");
    assert!(!out.contains("has no heading `my take`"), "{out}");
    v.edit(lessons, "## my take\n", "My take, no longer a heading.\n");
    let out = v.same("1 notes changed");
    assert!(out.contains("has no heading `my take`"), "{out}");
    v.edit(lessons, "draft: false\n", "draft: true\n");
    let out = v.same("1 notes changed");
    assert!(out.contains("links to the draft `security/Log4Shell Lessons.md`"), "{out}");
}

/// `--no-cache` neither reads nor writes the cache; an unwritable cache
/// folder only means no cache.
#[test]
fn no_cache_leaves_the_cache_alone_and_an_unwritable_one_is_no_cache() {
    let v = Vault::new(&[("a.md", A), ("b.md", B)]);
    let (_, _, _) = v.run(&["--no-cache"]);
    assert!(!v.path(".vellum").exists());
    // A file where the cache folder would be: nothing can be written there.
    fs::write(v.path(".vellum"), b"not a folder").expect("write");
    let (out, code, err) = v.run(&["--verbose"]);
    assert!(err.contains("full check (no cache)"), "{err}");
    let (fresh, fresh_code, _) = v.run(&["--no-cache"]);
    assert_eq!(out, fresh);
    assert_eq!(code, fresh_code);
    let (_, _, err) = v.run(&["--verbose"]);
    assert!(err.contains("full check (no cache)"), "{err}");
}
