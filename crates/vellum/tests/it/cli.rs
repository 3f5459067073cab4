//! The `vellum` binary end to end: exit codes, JSON lines, `--deny warnings`,
//! the human rendering and `vellum explain`.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> PathBuf {
    repo().join("examples/journal")
}

/// The vault holding only the seed note (shared with `vellum_check`'s rule fixtures).
fn seed_vault() -> PathBuf {
    repo().join("crates/vellum_check/tests/fixtures/seed")
}

fn vellum() -> Command {
    let mut cmd = Command::cargo_bin("vellum").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], vault: Option<&std::path::Path>) -> Run {
    let mut cmd = vellum();
    cmd.args(args);
    if let Some(v) = vault {
        cmd.arg(v);
    }
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert!(v.is_object(), "not an object: {line}");
            v
        })
        .collect()
}

#[test]
fn clean_vault_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Clean.md"), "# Clean\n\nNothing to report.\n").expect("write");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("sub/Other.md"), "# Other\n\nBack to [[Clean]].\n").expect("write");
    let r = run(&["check"], Some(dir.path()));
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("checked 2 notes"), "{}", r.stderr);
    assert!(r.stderr.contains("0 errors, 0 warnings, 0 notes"), "{}", r.stderr);
}

#[test]
fn example_vault_exits_1() {
    let r = run(&["check"], Some(&example()));
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("error[V401]"), "{}", r.stdout);
}

#[test]
fn missing_folder_exits_2_and_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-vault");
    let r = run(&["check"], Some(&missing));
    assert_eq!(r.code, Some(2), "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("no-such-vault"), "{}", r.stderr);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
}

#[test]
fn json_is_one_object_per_line() {
    for vault in [example(), seed_vault()] {
        let r = run(&["check", "--format", "json"], Some(&vault));
        let lines = json_lines(&r.stdout);
        assert!(!lines.is_empty());
        for d in &lines {
            for key in ["file", "line", "column", "end_line", "end_column", "code", "severity", "message"] {
                assert!(d.get(key).is_some(), "no `{key}` in {d}");
            }
            assert!(d["file"].is_string() && d["code"].is_string() && d["message"].is_string(), "{d}");
            assert!(["note", "warning", "error"].contains(&d["severity"].as_str().unwrap_or("")), "{d}");
        }
    }
}

#[test]
fn json_of_the_seed_note() {
    let r = run(&["check", "--format", "json"], Some(&seed_vault()));
    assert_eq!(r.code, Some(0), "warnings and notes only: {}", r.stderr);
    let lines = json_lines(&r.stdout);
    let summary: Vec<(u64, u64, &str, &str)> = lines
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or(""),
                d["severity"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (78, 13, "V403", "note"),
            (79, 13, "V403", "note"),
            (80, 13, "V403", "note"),
            (86, 1, "V301", "warning")
        ]
    );
    let heading = &lines[3];
    assert_eq!(heading["file"], "Nvidia Open Sources GPU Kernel Modules.md");
    assert_eq!(heading["line"], 86);
    assert_eq!(heading["column"], 1);
    assert_eq!(heading["end_line"], 86);
    assert_eq!(heading["end_column"], 2);
    assert_eq!(heading["code"], "V301");
    assert_eq!(heading["severity"], "warning");
    assert_eq!(heading["message"], "empty heading");
}

#[test]
fn deny_warnings_fails_a_warnings_only_vault() {
    let r = run(&["check"], Some(&seed_vault()));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(&["check", "--deny", "warnings"], Some(&seed_vault()));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("error[V301]: empty heading"), "{}", r.stdout);
    assert!(r.stdout.contains("note[V403]"), "notes stay notes: {}", r.stdout);
    let r = run(&["check", "--deny", "warnings", "--format", "json"], Some(&seed_vault()));
    assert_eq!(r.code, Some(1));
    let severities: Vec<String> = json_lines(&r.stdout)
        .iter()
        .map(|d| format!("{}:{}", d["code"].as_str().unwrap_or(""), d["severity"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(severities, ["V403:note", "V403:note", "V403:note", "V301:error"]);
}

#[test]
fn human_output_of_the_seed_note() {
    let r = run(&["check"], Some(&seed_vault()));
    assert_eq!(r.code, Some(0));
    assert!(!r.stdout.contains('\u{1b}'), "NO_COLOR=1 means no escape codes");
    assert!(r.stdout.contains("  --> Nvidia Open Sources GPU Kernel Modules.md:86:1\n"), "{}", r.stdout);
    assert!(r.stdout.contains("86 | #\n"), "the source line: {}", r.stdout);
    assert!(r.stdout.contains("   | ^\n"), "a caret under it: {}", r.stdout);
    assert!(r.stderr.contains("0 errors, 1 warning, 3 notes"), "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn explain_a_heading_link() {
    let r = run(
        &[
            "explain",
            "[[CUDA Moat#How large is the moat]]",
            "--from",
            "2025/LLM Inference Costs Collapse.md",
            "--vault",
            example().to_str().expect("utf-8 path"),
        ],
        None,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("  → hardware/CUDA Moat.md\n"), "the candidate: {}", r.stdout);
    assert!(
        r.stdout.contains("rule:      OnlyCandidate: exactly one file in the vault matches the target"),
        "the rule: {}",
        r.stdout
    );
    assert!(
        r.stdout.contains("resolves:  heading `How large is the moat?` in `hardware/CUDA Moat.md`"),
        "{}",
        r.stdout
    );
}

#[test]
fn explain_an_alias_suggests_the_real_note() {
    let r = run(
        &[
            "explain",
            "[[Log4j RCE]]",
            "--from",
            "2024/The xz Backdoor.md",
            "--vault",
            example().to_str().expect("utf-8 path"),
        ],
        None,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("candidates: none"), "{}", r.stdout);
    assert!(r.stdout.contains("NoMatch"), "{}", r.stdout);
    assert!(r.stdout.contains("`[[Log4Shell Lessons|Log4j RCE]]`"), "{}", r.stdout);
}

#[test]
fn explain_from_a_missing_note_exits_2() {
    let r = run(
        &["explain", "[[X]]", "--from", "nope.md", "--vault", example().to_str().expect("utf-8 path")],
        None,
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("nope.md"), "{}", r.stderr);
}

#[test]
fn bash_completions_name_the_subcommands() {
    let r = run(&["completions", "bash"], None);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for word in ["check", "build", "serve", "backlinks", "completions", "--no-cache"] {
        assert!(r.stdout.contains(word), "`{word}` missing from the bash script:\n{}", r.stdout);
    }
    assert!(r.stdout.contains("complete -F"), "a bash completion function is registered");
}

#[test]
fn completions_for_an_unknown_shell_exit_2() {
    let r = run(&["completions", "tcsh"], None);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("tcsh"), "{}", r.stderr);
}
