//! Obsidian's settings in `.obsidian/`, read with no `vellum.toml`: template
//! folders and excluded files are hidden (not checked, listed or published;
//! links to them resolve), daily notes, the link format renames write, the
//! attachment folder embeds look in first, and malformed settings files as
//! warnings.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{self, Run};

/// The fixture vault: `.obsidian/` with app, templates, Templater and daily
/// notes settings; `Templates/` and `Meta/Templater/` full of placeholders,
/// an excluded `Archive/` and an excluded `*.excalidraw.md`.
fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/obsidian-settings")
}

fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_vault(&fixture(), dir.path(), None);
    dir
}

fn vellum(args: &[&str]) -> Run {
    common::vellum(args, None)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// Every diagnostic `vellum check --format json --no-cache` prints.
fn diagnostics(root: &Path) -> Vec<Value> {
    let run = vellum(&["check", "--format", "json", "--no-cache", path(root)]);
    assert!(run.code == Some(0) || run.code == Some(1), "{}", run.stderr);
    run.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

#[test]
fn templates_and_excluded_files_are_not_checked_and_links_to_them_resolve() {
    let dir = fixture_copy();
    let found = diagnostics(dir.path());
    assert!(found.is_empty(), "{found:#?}");
    // The links from Home to the hidden notes resolve: nothing is unwritten
    // there, and the hidden notes' own links are not listed either.
    let run = vellum(&["unwritten", "--format", "json", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let unwritten: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(unwritten, Value::Array(Vec::new()), "{unwritten:#}");
    let run = vellum(&["links", "Home", "--format", "json", "--vault", path(dir.path())]);
    let links: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let statuses: Vec<&str> =
        links.as_array().expect("array").iter().map(|l| l["status"].as_str().expect("status")).collect();
    assert_eq!(statuses, ["note"; 7], "{links:#}");
    // Queries do not select hidden notes.
    let run =
        vellum(&["query", "tag:daily OR tag:tech-journal", "--format", "json", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(serde_json::from_str::<Value>(&run.stdout).expect("JSON"), Value::Array(Vec::new()));
    // Nor does search find them, the graph show them or stats count them.
    let run = vellum(&["search", "zq7", "--format", "json", "-q", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(serde_json::from_str::<Value>(&run.stdout).expect("JSON"), Value::Array(Vec::new()));
    let run = vellum(&["search", "topic", "--format", "json", "-q", "--vault", path(dir.path())]);
    let hits: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(!hits.as_array().expect("array").is_empty(), "visible notes are found: {hits:#}");
    let run = vellum(&["graph", "--format", "json", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let graph: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let ids: Vec<&str> =
        graph["nodes"].as_array().expect("nodes").iter().map(|n| n["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["Home.md", "Notes/A/Topic.md", "Notes/B/Topic.md"], "{graph:#}");
    let run = vellum(&["stats", "--format", "json", "--vault", path(dir.path())]);
    let stats: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(stats["notes"], 3, "{stats:#}");
}

#[test]
fn hidden_notes_are_not_published() {
    let dir = fixture_copy();
    let out = dir.path().join("site");
    common::build(dir.path(), &["--output", path(&out), "--drafts"]);
    let site = common::tree(&out);
    // `Home.md` is the front page; its links to hidden notes are plain text.
    let front = String::from_utf8_lossy(&site[Path::new("index.html")]);
    assert!(front.contains("the other topic") && front.contains("an old idea is"), "{front}");
    for (p, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("zq7"), "{} holds a hidden note's text", p.display());
        let lower = p.to_string_lossy().to_lowercase();
        assert!(!lower.contains("old-idea") && !lower.contains("meeting"), "{}", p.display());
    }
}

#[test]
fn a_malformed_setting_is_a_warning_naming_the_file_and_the_rest_works() {
    let dir = fixture_copy();
    std::fs::write(
        dir.path().join(".obsidian/daily-notes.json"),
        "{\n  \"folder\": \"Daily\",\n  \"format\": 7\n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join(".obsidian/templates.json"), "{\"folder\": \"Templates\",}")
        .expect("write");
    let found = diagnostics(dir.path());
    let named: Vec<(&str, &str, Option<u64>)> = found
        .iter()
        .map(|d| (d["code"].as_str().expect("code"), d["file"].as_str().expect("file"), d["line"].as_u64()))
        .collect();
    // The templates folder is no longer known, so its notes are checked again;
    // the settings problems come with their files and places.
    assert!(named.contains(&("V009", ".obsidian/daily-notes.json", Some(3))), "{named:?}");
    assert!(named.contains(&("V009", ".obsidian/templates.json", Some(1))), "{named:?}");
    assert!(
        found
            .iter()
            .all(|d| d["severity"] != "error"
                || d["file"].as_str().is_some_and(|f| f.starts_with("Templates/")))
    );
    // A build goes on, with the warning. (The templates folder is set again:
    // unknown, its `{{date}}` placeholders are broken YAML in notes.)
    std::fs::copy(fixture().join(".obsidian/templates.json"), dir.path().join(".obsidian/templates.json"))
        .expect("copy");
    let stderr = common::build(dir.path(), &["--output", path(&dir.path().join("site"))]);
    assert!(stderr.contains(".obsidian/daily-notes.json"), "{stderr}");
}

#[test]
fn new_daily_creates_the_note_from_its_template_once() {
    let dir = fixture_copy();
    let args = ["new", "--daily", "--date", "2024-03-01", "--vault", path(dir.path())];
    let run = vellum(&args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let note = dir.path().join("Daily/2024-03-01.md");
    assert_eq!(run.stdout.trim(), path(&note));
    let text = std::fs::read_to_string(&note).expect("created");
    assert_eq!(
        text,
        "---\ndate: 2024-03-01\ntags: [daily]\n---\n# Friday, March 1st 2024\n\nHidden marker zq7: a daily \
         template.\n\n## Tasks\n- [ ] Review [[2024-03-01 review]]\n"
    );
    // Again: the existing note is named and left alone, as Obsidian opens it.
    std::fs::write(&note, "my day\n").expect("write");
    let run = vellum(&args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.trim(), path(&note));
    assert_eq!(std::fs::read_to_string(&note).expect("read"), "my day\n");
    // Without daily-notes.json: the root, `YYYY-MM-DD`, an empty note.
    std::fs::remove_file(dir.path().join(".obsidian/daily-notes.json")).expect("rm");
    let run = vellum(&["new", "--daily", "--date", "2024-03-02", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("2024-03-02.md")).expect("created"), "");
}

#[test]
fn new_takes_the_obsidian_template_folders_template() {
    let dir = fixture_copy();
    let run = vellum(&["new", "Fresh idea", "--date", "2024-03-01", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("Fresh idea.md")).expect("created");
    assert!(text.starts_with("---\ntitle: \"Fresh idea\"\ncreated: 2024-03-01\n"), "{text}");
    assert!(text.contains("# Fresh idea\n\nWritten 1 March 2024 at "), "{text}");
    assert!(run.stderr.contains("Templates/tech-journal.md"), "{}", run.stderr);
}

#[test]
fn renames_write_new_link_forms_in_the_vaults_link_format() {
    // `newLinkFormat: absolute`: a link whose folder form no longer resolves
    // gets the full path, not the shortest name.
    let dir = fixture_copy();
    let run = vellum(&["rename", "Notes/A/Topic.md", "Notes/C/Subject", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let home = std::fs::read_to_string(dir.path().join("Home.md")).expect("read");
    assert!(home.contains("See [[Notes/C/Subject]] and [[Notes/B/Topic|the other topic]]."), "{home}");

    // Obsidian's default, `shortest`.
    let dir = fixture_copy();
    std::fs::write(dir.path().join(".obsidian/app.json"), "{\"userIgnoreFilters\": [\"Archive/\"]}")
        .expect("write");
    let run = vellum(&["rename", "Notes/A/Topic.md", "Notes/C/Subject", "--vault", path(dir.path())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let home = std::fs::read_to_string(dir.path().join("Home.md")).expect("read");
    assert!(home.contains("See [[Subject]] and"), "{home}");
}

/// The Obsidian help vault, where it is beside the repository: no warning
/// about settings (it ships none).
#[test]
fn the_obsidian_help_vault_has_no_settings_warnings() {
    let help = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vaults/obsidian-help-en");
    if !help.is_dir() {
        eprintln!("skipped: {} is not there", help.display());
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_vault(&help, dir.path(), None);
    let found = diagnostics(dir.path());
    assert!(found.iter().all(|d| d["code"] != "V009"), "{found:#?}");
}

#[test]
fn an_attachment_name_shared_by_several_files_resolves_to_the_attachment_folder_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for folder in [".obsidian", "Attachments", "Notes/B", "q"] {
        std::fs::create_dir_all(root.join(folder)).expect("mkdir");
    }
    let write = |rel: &str, text: &str| std::fs::write(root.join(rel), text).expect("write");
    write(".obsidian/app.json", r#"{"attachmentFolderPath": "Attachments"}"#);
    write("Attachments/diagram.png", "png");
    write("Notes/B/diagram.png", "png");
    write("q/n.md", "---\ntitle: N\n---\n![[diagram.png]]\n");
    let explain = |from: &str| {
        let run = vellum(&["explain", "--vault", path(root), "--from", from, "![[diagram.png]]"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout
    };
    // The shorter `Notes/B/diagram.png` loses to the attachment folder's…
    let there = explain("q/n.md");
    assert!(there.contains("resolves:  attachment `Attachments/diagram.png`"), "{there}");
    // `check` still names the ambiguity, and whose preference chose.
    let found = diagnostics(root);
    let v402: Vec<&Value> = found.iter().filter(|d| d["code"] == "V402").collect();
    assert_eq!(v402.len(), 1, "{found:#?}");
    let help = v402[0]["help"].as_str().unwrap_or_default();
    assert!(help.starts_with("vellum picks `Attachments/diagram.png`"), "{help}");
    // …but not to the file beside the linking note.
    write("Notes/B/m.md", "---\ntitle: M\n---\n![[diagram.png]]\n");
    let beside = explain("Notes/B/m.md");
    assert!(beside.contains("resolves:  attachment `Notes/B/diagram.png`"), "{beside}");
}
