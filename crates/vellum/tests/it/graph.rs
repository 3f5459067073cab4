//! The graph commands over the example vault: links, backlinks, graph,
//! orphans, unwritten, stats, and vault discovery from a subfolder.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

fn json(args: &[&str]) -> Value {
    let out = Command::cargo_bin("vellum")
        .expect("binary")
        .args(args)
        .arg("--vault")
        .arg(example())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn backlinks_by_alias_list_lines() {
    let rows = json(&["backlinks", "CUDA lock-in", "--format", "json"]);
    let rows = rows.as_array().expect("array");
    // Two notes, and the canvas: a text node's link and a file node.
    assert_eq!(rows.len(), 5);
    assert_eq!(rows.iter().filter(|r| r["source"] == "hardware/Chip Supply Map.canvas").count(), 2);
    let heading =
        rows.iter().find(|r| r["link"] == "[[CUDA Moat#How large is the moat]]").expect("heading link");
    assert_eq!(heading["source"], "2025/LLM Inference Costs Collapse.md");
    assert_eq!(heading["line"], 51);
    assert_eq!(heading["target"], "hardware/CUDA Moat.md#How large is the moat?");
}

#[test]
fn links_by_note_id() {
    let rows = json(&["links", "220511TJ01", "--format", "json"]);
    let status: Vec<&str> =
        rows.as_array().expect("array").iter().map(|r| r["status"].as_str().unwrap_or("")).collect();
    assert_eq!(status, ["note", "note", "unwritten"]);
}

#[test]
fn unwritten_ranks_by_demand() {
    let rows = json(&["unwritten", "--format", "json"]);
    assert_eq!(rows[0]["target"], "Nvidia and the Arm Block");
    assert_eq!(rows[0]["wanted_by"], 3);
}

#[test]
fn graph_has_unwritten_nodes_and_edges() {
    let g = json(&["graph", "--format", "json"]);
    let nodes = g["nodes"].as_array().expect("nodes");
    assert!(
        nodes.iter().any(|n| n["id"] == "unwritten:nvidia and the arm block" && n["kind"] == "unwritten")
    );
    assert!(
        nodes.iter().any(|n| n["id"] == "Nvidia Open Sources GPU Kernel Modules.md" && n["kind"] == "draft")
    );
    let edges = g["edges"].as_array().expect("edges");
    assert!(edges.iter().any(|e| e["source"] == "Nvidia Open Sources GPU Kernel Modules.md"
        && e["target"] == "hardware/CHIPS Act Momentum.md"));
}

#[test]
fn graph_around_a_note_is_local() {
    let g = json(&["graph", "--format", "json", "--around", "CUDA Moat", "--depth", "1"]);
    let nodes = g["nodes"].as_array().expect("nodes");
    assert!(nodes.len() < 10, "only the neighbourhood: {nodes:?}");
    assert!(nodes.iter().all(|n| n["id"] != "software/SQLite Everywhere.md"));
}

#[test]
fn stats_counts() {
    let s = json(&["stats", "--format", "json"]);
    assert_eq!(s["notes"], 20, "18 notes, a canvas and a base");
    assert_eq!(s["drafts"], 4);
    assert_eq!(s["notes_per_year"]["2022"], 7);
    assert_eq!(s["unwritten_notes"], 5);
}

#[test]
fn vault_found_upward_from_a_subfolder() {
    let out = Command::cargo_bin("vellum")
        .expect("binary")
        .args(["stats", "--format", "json"])
        .current_dir(example().join("hardware"))
        .output()
        .expect("runs");
    let s: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(s["notes"], 20, "found the vault root through .obsidian/");
}

#[test]
fn unknown_note_is_a_clear_error() {
    let out = Command::cargo_bin("vellum")
        .expect("binary")
        .args(["links", "No Such Note", "--vault"])
        .arg(example())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no note matches `No Such Note`"));
}

/// Run `vellum ARGS --vault ROOT` and return stdout (it must succeed).
fn stdout_in(root: &std::path::Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("vellum")
        .expect("binary")
        .args(args)
        .arg("--vault")
        .arg(root)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn links_in_properties_show_in_every_graph_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".obsidian")).expect("mkdir");
    std::fs::write(
        root.join("Dune.md"),
        "---\ncategories: [\"[[Books]]\"]\nauthor: \"[[Frank Herbert]]\"\n---\n# Dune\n",
    )
    .expect("write");
    std::fs::write(root.join("Books.md"), "# Books\n").expect("write");
    let rows: Value =
        serde_json::from_str(&stdout_in(root, &["backlinks", "Books", "--format", "json"])).expect("json");
    assert_eq!(rows[0]["source"], "Dune.md");
    assert_eq!(rows[0]["property"], "categories");
    assert_eq!(rows[0]["line"], 2);
    let table = stdout_in(root, &["links", "Dune"]);
    assert!(table.contains("author: [[Frank Herbert]]"), "{table}");
    let graph: Value = serde_json::from_str(&stdout_in(root, &["graph", "--format", "json"])).expect("json");
    let edges: Vec<(&str, &str)> = graph["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| (e["source"].as_str().unwrap_or(""), e["target"].as_str().unwrap_or("")))
        .collect();
    assert!(edges.contains(&("Dune.md", "Books.md")), "{edges:?}");
    assert!(edges.contains(&("Dune.md", "unwritten:frank herbert")), "{edges:?}");
    assert!(stdout_in(root, &["graph", "--format", "dot"]).contains("Books.md"));
    let unwritten = stdout_in(root, &["unwritten"]);
    assert!(unwritten.contains("Frank Herbert"), "{unwritten}");
    let orphans = stdout_in(root, &["orphans"]);
    assert!(!orphans.contains("Books"), "{orphans}");
    let explained = stdout_in(root, &["explain", "[[Books]]", "--from", "Dune.md"]);
    assert!(explained.contains("written:   in property `categories`"), "{explained}");
    let queried = stdout_in(root, &["query", "prop:categories:Books", "--format", "json"]);
    assert!(queried.contains("Dune.md"), "{queried}");
}
