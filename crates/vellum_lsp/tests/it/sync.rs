//! Document sync and diagnostics: the vault at start, open, change, close, and
//! the notes that link to an edited one.

use serde_json::json;

use crate::client::{Client, codes};

#[test]
fn the_vault_is_checked_at_start_and_open_buffers_as_typed() {
    let mut c = Client::start(&[
        ("a.md", "# A\n\nsee [[Nowhere]]\n"),
        ("b.md", "# B\n\n## Part\n\nok\n"),
        ("sub/c.md", "# C\n\n#\n"),
    ]);
    // At start: every note of the vault, open or not.
    assert_eq!(codes(&c.diagnostics_until("a.md", |d| !d.is_empty())), ["V403"]);
    assert_eq!(codes(&c.diagnostics_until("sub/c.md", |d| !d.is_empty())), ["V301"]);
    // The buffer, not the file: a broken heading link typed in a.
    c.open("a.md", "# A\n\nsee [[Nowhere]]\n");
    c.change("a.md", 2, "# A\n\nsee [[b#Gone]]\n");
    let d = c.diagnostics_until("a.md", |d| codes(d) == ["V401"]);
    assert_eq!(
        d[0]["range"],
        json!({"start": {"line": 2, "character": 4}, "end": {"line": 2, "character": 14}})
    );
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["source"], "vellum");
    // Fixed as typed: published empty.
    c.change("a.md", 3, "# A\n\nsee [[b#Part]]\n");
    c.diagnostics_until("a.md", <[_]>::is_empty);
    // Closing an unsaved buffer goes back to the file.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": c.uri("a.md")}}));
    assert_eq!(codes(&c.diagnostics_until("a.md", |d| !d.is_empty())), ["V403"]);
    c.shutdown();
}

#[test]
fn notes_linking_to_an_edited_note_are_checked_again() {
    let mut c = Client::start(&[
        ("target.md", "# Target\n\n## Intro\n\nText ^blk\n"),
        ("linker.md", "# Linker\n\n[[target#Intro]] and [[target#^blk]]\n"),
    ]);
    c.open("target.md", "# Target\n\n## Intro\n\nText ^blk\n");
    // The heading and the block go: linker's links break, though linker is closed.
    c.change("target.md", 2, "# Target\n\n## Overview\n\nText\n");
    let d = c.diagnostics_until("linker.md", |d| d.len() == 2);
    assert_eq!(codes(&d), ["V401", "V401"]);
    // They come back.
    c.change("target.md", 3, "# Target\n\n## Intro\n\nText ^blk\n");
    c.diagnostics_until("linker.md", <[_]>::is_empty);
    // An edit that leaves headings and names alone touches only the edited note.
    let before = c.published("linker.md").len();
    c.change("target.md", 4, "# Target\n\n## Intro\n\nMore text ^blk\n");
    let _ = c.request("workspace/symbol", json!({"query": ""}));
    assert_eq!(c.published("linker.md").len(), before);
    c.shutdown();
}

#[test]
fn pull_diagnostics_answer_for_the_buffer() {
    let mut c = Client::start(&[("a.md", "# A\n")]);
    c.open("a.md", "# A\n\n[[Unwritten]]\n");
    let r = c
        .request("textDocument/diagnostic", json!({"textDocument": {"uri": c.uri("a.md")}}))
        .expect("report");
    assert_eq!(r["kind"], "full");
    assert_eq!(codes(r["items"].as_array().expect("items")), ["V403"]);
    c.shutdown();
}

#[test]
fn a_note_created_after_start_is_found_when_opened() {
    let mut c = Client::start(&[("a.md", "# A\n\n[[New]]\n")]);
    std::fs::write(c.path("New.md"), "# New\n\n[[Other]]\n").expect("write");
    c.open("New.md", "# New\n\n[[Other]]\n");
    assert_eq!(codes(&c.diagnostics_until("New.md", |d| !d.is_empty())), ["V403"]);
    // And a's link to it resolves now: a's diagnostics, if any were sent, are empty.
    let _ = c.request("workspace/symbol", json!({"query": ""}));
    assert!(c.published("a.md").last().is_none_or(|d| d.as_array().is_some_and(Vec::is_empty)));
    c.shutdown();
}

#[test]
fn files_changed_on_disk_are_read_again_when_the_editor_reports_them() {
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut c = Client::start_with(&[("a.md", "# A\n"), ("b.md", "# B\n\n[[a#Part]]\n")], caps);
    assert_eq!(codes(&c.diagnostics_until("b.md", |d| !d.is_empty())), ["V401"]);
    // Another program adds the heading b links to, and a new note.
    std::fs::write(c.path("a.md"), "# A\n\n## Part\n").expect("write");
    std::fs::write(c.path("c.md"), "# C\n\n[[nowhere]]\n").expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri("a.md"), "type": 2}, {"uri": c.uri("c.md"), "type": 1}]}),
    );
    c.diagnostics_until("b.md", <[_]>::is_empty);
    assert_eq!(codes(&c.diagnostics_until("c.md", |d| !d.is_empty())), ["V403"]);
    c.shutdown();
}
