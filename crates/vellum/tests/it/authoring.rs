//! The authoring commands end to end: `vellum new`, `vellum rename` and
//! `vellum check --fix [--dry-run]`, on temporary copies of the example vault.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::common;
use common::{Run, example_copy};

fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("prefix").to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn vellum(args: &[&str], cwd: &Path) -> Run {
    let help = Command::cargo_bin("vellum").expect("binary").arg("--help").output().expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("rename") && help.contains("new"),
        "`vellum new` and `vellum rename` are not wired into the CLI (args.rs, main.rs, commands/mod.rs)"
    );
    common::vellum(args, Some(cwd))
}

#[test]
fn new_creates_a_note_that_checks_clean_and_never_overwrites() {
    let dir = example_copy();
    let sub = dir.path().join("hardware");
    // Found upward from a subfolder, like git.
    let r =
        vellum(&["new", "GPU Prices: a Retrospective", "--date", "2022-05-11", "--dir", "hardware"], &sub);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let created = dir.path().join("hardware/GPU Prices - a Retrospective.md");
    assert_eq!(
        PathBuf::from(r.stdout.trim()).canonicalize().ok(),
        created.canonicalize().ok(),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(&created).expect("created");
    assert!(text.contains("title: \"GPU Prices: a Retrospective\"\n"), "{text}");
    assert!(text.contains("note_id: 220511TJ03\n"), "TJ01 and TJ02 are taken: {text}");
    assert!(r.stderr.contains("220511TJ03"), "{}", r.stderr);

    let check = vellum(&["check", "--format", "json", "-q"], dir.path());
    let about_it: Vec<&str> =
        check.stdout.lines().filter(|l| l.contains("GPU Prices - a Retrospective")).collect();
    let errors: Vec<&&str> = about_it
        .iter()
        .filter(|l| l.contains("\"severity\":\"error\"") && !l.contains("keyword-row"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    let again = vellum(&["new", "GPU Prices: a Retrospective", "--dir", "hardware"], dir.path());
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&created).expect("still there"), text);

    let bad = vellum(&["new", "X", "--date", "2022-13-01"], dir.path());
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("--date"), "{}", bad.stderr);
}

#[test]
fn check_fix_dry_run_writes_nothing_and_fix_writes_the_same() {
    let dir = example_copy();
    let before = snapshot(dir.path());
    let dry = vellum(&["check", ".", "--fix", "--dry-run"], dir.path());
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert!(dry.stdout.contains("diff --git a/software/Kubernetes Complexity Tax.md"), "{}", dry.stdout);
    assert!(dry.stdout.contains("-updated: 2022-04-28\n+updated: 2022-05-04\n"), "{}", dry.stdout);
    assert!(dry.stdout.contains("+  <span class=\"inline-keyword\">verifier</span>\n"), "{}", dry.stdout);
    assert!(dry.stdout.contains("-#\n"), "{}", dry.stdout);
    assert!(dry.stderr.contains("dry run: nothing written"), "{}", dry.stderr);
    assert_eq!(snapshot(dir.path()), before, "a dry run writes nothing");

    let fix = vellum(&["check", ".", "--fix", "--format", "json", "-q"], dir.path());
    assert_eq!(fix.code, Some(1), "the example keeps its one error: {}", fix.stderr);
    assert!(fix.stderr.contains("fixed 3 file(s)"), "{}", fix.stderr);
    for code in ["V105", "V201", "V202", "V301"] {
        assert!(!fix.stdout.contains(&format!("\"code\":\"{code}\"")), "{code} left:\n{}", fix.stdout);
    }
    let after = vellum(&["check", ".", "--fix", "--dry-run"], dir.path());
    assert_eq!(after.stdout, "", "idempotent");
    assert!(after.stderr.contains("nothing to fix"), "{}", after.stderr);

    let no_fix = vellum(&["check", ".", "--dry-run"], dir.path());
    assert_eq!(no_fix.code, Some(2), "--dry-run needs --fix");
}

#[test]
fn rename_dry_run_then_rename_and_back() {
    let dir = example_copy();
    let before = snapshot(dir.path());
    let vault = dir.path().to_string_lossy().into_owned();
    let dry = vellum(
        &["rename", "CUDA Moat", "software/GPU Software Moat", "--dry-run", "--vault", &vault],
        dir.path(),
    );
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert!(
        dry.stdout.contains("rename from hardware/CUDA Moat.md\nrename to software/GPU Software Moat.md\n")
    );
    assert!(dry.stdout.contains("+I read R1 as"), "{}", dry.stdout);
    assert!(dry.stdout.contains("[[GPU Software Moat#How large is the moat]]"), "{}", dry.stdout);
    assert_eq!(snapshot(dir.path()), before, "a dry run writes nothing");

    let r = vellum(&["rename", "CUDA Moat", "software/GPU Software Moat", "--vault", &vault], dir.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.trim().ends_with("software/GPU Software Moat.md"), "{}", r.stdout);
    assert!(r.stderr.contains("rewrote 5 link(s) in 4 file(s)"), "{}", r.stderr);
    assert!(!dir.path().join("hardware/CUDA Moat.md").exists());

    let taken = vellum(
        &["rename", "GPU Software Moat", "hardware/Apple Silicon Goes Pro", "--vault", &vault],
        dir.path(),
    );
    assert_eq!(taken.code, Some(1), "{}", taken.stderr);
    let unknown = vellum(&["rename", "No Such Note", "X", "--vault", &vault], dir.path());
    assert_eq!(unknown.code, Some(2), "{}", unknown.stderr);

    let back = vellum(
        &["rename", "software/GPU Software Moat.md", "hardware/CUDA Moat", "--vault", &vault],
        dir.path(),
    );
    assert_eq!(back.code, Some(0), "{}", back.stderr);
    let mut after = snapshot(dir.path());
    assert!(after.remove(".vellum-redirects").is_some(), "the URLs the renames left are recorded");
    assert_eq!(after, before, "renaming back restores every note's byte");
}
