//! Snapshots of the table and JSON outputs of the query commands over the
//! example vault, so a change in what people read is a reviewed change.

use std::path::PathBuf;

use assert_cmd::Command;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

fn stdout(args: &[&str]) -> String {
    let out = Command::cargo_bin("vellum")
        .expect("binary")
        .args(args)
        .arg("--vault")
        .arg(example())
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn stats_table() {
    insta::assert_snapshot!(stdout(&["stats"]));
}

#[test]
fn unwritten_table() {
    insta::assert_snapshot!(stdout(&["unwritten"]));
}

#[test]
fn links_table() {
    insta::assert_snapshot!(stdout(&["links", "Nvidia Open Sources GPU Kernel Modules"]));
}

#[test]
fn backlinks_json() {
    insta::assert_snapshot!(stdout(&["backlinks", "CUDA Moat", "--format", "json"]));
}

#[test]
fn query_table() {
    insta::assert_snapshot!(stdout(&["query", "tag:hardware -draft:true", "--sort", "created", "--quiet"]));
}

#[test]
fn query_json() {
    insta::assert_snapshot!(stdout(&["query", "created:2022 has:question", "--format", "json", "--quiet"]));
}

#[test]
fn questions_table() {
    insta::assert_snapshot!(stdout(&["questions", "tag:security"]));
}

#[test]
fn graph_mermaid_around() {
    insta::assert_snapshot!(stdout(&["graph", "--format", "mermaid", "--around", "CUDA Moat"]));
}
