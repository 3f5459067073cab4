//! `vellum query` and the digests over the example vault: each operator, and bad queries.

use assert_cmd::Command;
use serde_json::Value;

use crate::common;
use common::example;

fn run(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("vellum")
        .expect("binary")
        .args(args)
        .arg("--vault")
        .arg(example())
        .output()
        .expect("runs")
}

fn paths(expr: &str) -> Vec<String> {
    let out = run(&["query", expr, "--format", "json", "--quiet"]);
    assert!(out.status.success(), "{expr}: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v.as_array().expect("array").iter().map(|r| r["path"].as_str().unwrap_or("").to_owned()).collect()
}

#[test]
fn each_operator_selects_the_right_notes() {
    let seed = "Nvidia Open Sources GPU Kernel Modules.md".to_owned();
    assert!(paths("tag:hardware").contains(&seed));
    assert!(!paths("tag:security").contains(&seed));
    assert!(paths("keyword:gpu").contains(&seed));
    assert!(paths("created:2022").contains(&seed));
    assert!(paths("created:2022-05-11").contains(&seed));
    assert!(!paths("created:>2022").contains(&seed));
    assert!(paths("created:>=2022-05").contains(&seed));
    assert!(paths("updated:<2026").contains(&seed));
    assert!(paths("draft:true").contains(&seed));
    assert!(!paths("draft:false").contains(&seed));
    assert!(
        paths("has:claim has:question has:source has:signals has:take has:brain-dump has:linkage")
            .contains(&seed)
    );
    assert!(paths("links-to:\"CHIPS Act Momentum\"").contains(&seed));
    assert!(paths("links-to:\"Nvidia and the Arm Block\"").contains(&seed), "unwritten targets count");
    assert_eq!(paths("id:220511TJ01"), std::slice::from_ref(&seed));
    assert!(paths("kind:tech-journal").contains(&seed));
    assert!(paths("title:nvidia").contains(&seed));
    assert!(paths("path:hardware/").iter().all(|p| p.starts_with("hardware/")));
    assert!(paths("\"trust balance\"").contains(&seed));
}

#[test]
fn boolean_operators() {
    let all = paths("kind:tech-journal").len();
    let drafts = paths("draft:true").len();
    assert_eq!(paths("kind:tech-journal -draft:true").len(), all - drafts);
    assert_eq!(paths("kind:tech-journal AND NOT draft:true").len(), all - drafts);
    assert_eq!(paths("(draft:true OR draft:false) kind:tech-journal").len(), all);
    let a = paths("tag:hardware").len();
    let b = paths("tag:security").len();
    assert_eq!(paths("(tag:hardware OR tag:security) kind:tech-journal").len(), a + b);
}

#[test]
fn sort_and_limit() {
    let out = run(&[
        "query",
        "kind:tech-journal",
        "--sort",
        "created",
        "--limit",
        "2",
        "--format",
        "json",
        "--quiet",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    assert!(rows[0]["created"].as_str() <= rows[1]["created"].as_str());
}

#[test]
fn bad_queries_point_at_the_column() {
    for (q, col) in [
        ("tga:x", 1),
        ("tag:x AND tga:hardware", 11),
        ("created:>=2022-13", 11),
        ("(tag:a", 1),
        ("tag:a OR", 9),
    ] {
        let out = run(&["query", q]);
        assert_eq!(out.status.code(), Some(2), "{q}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("column {col}")), "{q}: {err}");
        assert!(err.contains('^'), "{q}: caret shown");
    }
}

#[test]
fn digests() {
    let out = run(&["claims", "id:220511TJ01", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let texts: Vec<&str> = v.as_array().expect("array").iter().filter_map(|r| r["text"].as_str()).collect();
    assert!(texts.contains(&"The kernel module release changes the trust balance for Linux GPU stacks."));
    assert!(texts.contains(&"Control can be shared without losing advantage"));

    let out = run(&["questions", "id:220511TJ01", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v[0]["question"], "How far can vendors open critical layers without losing leverage?");

    let out = run(&["sources", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("array");
    let mut urls: Vec<&str> = rows.iter().filter_map(|r| r["url"].as_str()).collect();
    let n = urls.len();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), n, "deduplicated by URL");
    assert!(
        rows.iter().any(|r| r["url"]
            == "https://developer.nvidia.com/blog/nvidia-releases-open-source-gpu-kernel-modules/")
    );
}

/// `vellum query` answers from `.vellum/query/` when no file changed, and the
/// answers are the same as from the notes themselves; an edit is seen at once.
#[test]
fn the_facts_cache_gives_the_same_answers_and_follows_edits() {
    use std::time::{Duration, SystemTime};
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    common::copy_vault(&example(), &root, Some(SystemTime::now() - Duration::from_secs(3600)));
    let query = |expr: &str| {
        let out = Command::cargo_bin("vellum")
            .expect("binary")
            .args(["query", expr, "--format", "json", "--quiet", "--vault"])
            .arg(&root)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let exprs =
        ["tag:hardware", "kernel", "links-to:\"CUDA Moat\" OR has:question", "NOT draft:true created:>=2024"];
    let fresh: Vec<String> = exprs.iter().map(|e| query(e)).collect();
    assert!(root.join(".vellum/query/facts.bin").is_file(), "the first query wrote the cache");
    let cached: Vec<String> = exprs.iter().map(|e| query(e)).collect();
    assert_eq!(fresh, cached);
    assert!(!fresh[1].contains("Wombat"));

    let note = root.join("hardware/CUDA Moat.md");
    let text = std::fs::read_to_string(&note).expect("read");
    std::fs::write(&note, format!("{text}\nWombat kernel notes.\n")).expect("write");
    assert!(query("wombat").contains("hardware/CUDA Moat.md"));
}

/// `links-to:` names a note the way `backlinks` does: a vault path in another
/// case than on disk finds the same linking notes.
#[test]
fn links_to_a_path_in_another_case_agrees_with_backlinks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    std::fs::create_dir_all(root.join("X")).expect("mkdir");
    std::fs::write(root.join("X/Same.md"), "# Same\n").expect("write");
    std::fs::write(root.join("linker.md"), "See [[X/Same]].\n").expect("write");
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("vellum")
            .expect("binary")
            .args(args)
            .args(["--format", "json", "--quiet", "--vault"])
            .arg(root)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).expect("json")
    };
    let sources = |v: Value, key: &str| -> Vec<String> {
        v.as_array().expect("array").iter().map(|r| r[key].as_str().unwrap_or("").to_owned()).collect()
    };
    let backlinks = sources(run(&["backlinks", "X/SAME.md"]), "source");
    assert_eq!(backlinks, ["linker.md"]);
    let linking = sources(run(&["query", "links-to:\"X/SAME.md\""]), "path");
    assert_eq!(linking, backlinks, "query and backlinks name the note alike");
}

/// `prop:` compares by the types in `.obsidian/types.json`, from the notes
/// and from the facts cache alike; changing a type is seen at once.
#[test]
fn typed_property_comparisons_answer_the_same_from_the_cache() {
    use std::time::{Duration, SystemTime};
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    std::fs::create_dir_all(root.join(".obsidian")).expect("mkdir");
    let files = [
        (".obsidian/types.json", r#"{"types": {"rating": "number", "due": "date", "done": "checkbox"}}"#),
        ("a.md", "---\nrating: 10\ndue: 2024-05-02\ndone: true\n---\n"),
        ("b.md", "---\nrating: 9\ndue: 2023-12-31\ndone: false\n---\n"),
        ("c.md", "---\nrating: 2.5\n---\n"),
    ];
    let old = SystemTime::now() - Duration::from_secs(3600);
    for (path, text) in files {
        std::fs::write(root.join(path), text).expect("write");
        std::fs::File::options()
            .append(true)
            .open(root.join(path))
            .expect("open")
            .set_modified(old)
            .expect("age");
    }
    let query = |expr: &str| -> Vec<String> {
        let out = Command::cargo_bin("vellum")
            .expect("binary")
            .args(["query", expr, "--format", "json", "--quiet", "--vault"])
            .arg(root)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{expr}: {}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        v.as_array().expect("array").iter().map(|r| r["path"].as_str().unwrap_or("").to_owned()).collect()
    };
    let exprs =
        ["prop:rating:>3", "prop:rating:>=9.5", "prop:due:<2024", "prop:due:2024-05", "prop:done:true"];
    let want: [&[&str]; 5] = [&["a.md", "b.md"], &["a.md"], &["b.md"], &["a.md"], &["a.md"]];
    let fresh: Vec<Vec<String>> = exprs.iter().map(|e| query(e)).collect();
    assert_eq!(fresh, want, "from the notes");
    assert!(root.join(".vellum/query/facts.bin").is_file(), "the first query wrote the cache");
    let cached: Vec<Vec<String>> = exprs.iter().map(|e| query(e)).collect();
    assert_eq!(cached, want, "from the cache");

    // Typed as text, `rating` compares as text: "10" sorts before "3".
    std::fs::write(root.join(".obsidian/types.json"), r#"{"types": {"rating": "text"}}"#).expect("write");
    assert_eq!(query("prop:rating:>3"), ["b.md"]);

    let out = Command::cargo_bin("vellum")
        .expect("binary")
        .args(["query", "prop:rating:<", "--vault"])
        .arg(root)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("column 13") && err.contains("compares with nothing"), "{err}");
}

/// `vellum query --base`: the rows of a base's view over the vault, drafts
/// left out, as a table or JSON; a missing view or a broken base is an error
/// that names it.
#[test]
fn base_views_print_their_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |p: &str, t: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, t).expect("write");
    };
    write("a.md", "---\ntitle: A\nyear: 2001\ntags: [x]\n---\n");
    write("b.md", "---\ntitle: B\nyear: 1999\ntags: [x]\n---\n");
    write("d.md", "---\ntitle: D\nyear: 2010\ntags: [x]\ndraft: true\n---\n");
    write(
        "Lists/Years.base",
        "filters: file.hasTag(\"x\")\nviews:\n  - type: table\n    name: Old\n    filters: 'year < 2000'\n    order: [title, year]\n  - type: table\n    name: All\n    order: [title, year]\n    sort:\n      - property: year\n        direction: ASC\n",
    );
    write("Broken.base", "views:\n  - type: table\n    filters: 'nope('\n");
    let run = |args: &[&str]| {
        Command::cargo_bin("vellum")
            .expect("binary")
            .args(args)
            .arg("--vault")
            .arg(dir.path())
            .output()
            .expect("runs")
    };
    let out = run(&["query", "--base", "Years", "--view", "All", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let titles: Vec<&str> = json["groups"][0]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["cells"][0].as_str())
        .collect();
    assert_eq!(titles, ["B", "A"], "sorted, the draft left out");
    let out = run(&["query", "--base", "Lists/Years.base"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("B") && !table.contains("| 2001"), "the first view: {table}");
    let out = run(&["query", "--base", "Years", "--view", "Nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no view `Nope`; its views: Old, All"));
    let out = run(&["query", "--base", "Broken"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Broken"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
