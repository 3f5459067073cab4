//! Bad input: positions out of range, unknown documents, changes before open,
//! malformed parameters, unknown methods. Each is an error in the protocol's
//! terms (or a log message, for a notification), and the server goes on.

use serde_json::json;

use crate::client::{Client, at, codes};

#[test]
fn bad_requests_are_errors_and_the_server_keeps_answering() {
    let mut c = Client::start(&[("a.md", "# A\n\n[[b]]\n"), ("b.md", "# B\n")]);
    let err = c.request("textDocument/definition", at(&c, "a.md", 99, 0)).expect_err("line out of range");
    assert_eq!(err.code, -32602);
    // A character past the line's end means the line's end: not an error.
    assert!(c.request("textDocument/hover", at(&c, "a.md", 2, 9999)).is_ok());
    let err = c.request("textDocument/hover", at(&c, "nope/missing.md", 0, 0)).expect_err("unknown document");
    assert_eq!(err.code, -32602);
    let err = c.request("textDocument/completion", json!({"textDocument": 5})).expect_err("malformed params");
    assert_eq!(err.code, -32602);
    let err = c.request("textDocument/unknownThing", json!({})).expect_err("unknown method");
    assert_eq!(err.code, -32601);
    let err = c
        .request(
            "textDocument/codeAction",
            json!({
            "textDocument": {"uri": c.uri("a.md")},
            "range": {"start": {"line": 50, "character": 0}, "end": {"line": 51, "character": 0}},
            "context": {"diagnostics": []}}),
        )
        .expect_err("range out of range");
    assert_eq!(err.code, -32602);
    // Still answering.
    let d = c.request("textDocument/definition", at(&c, "a.md", 2, 3)).expect("definition");
    assert_eq!(d["uri"], c.uri("b.md"));
    c.shutdown();
}

#[test]
fn change_before_open_is_logged_and_ignored() {
    let mut c = Client::start(&[("a.md", "# A\n")]);
    c.change("a.md", 2, "# A\n\n[[x]]\n");
    let _ = c.request("workspace/symbol", json!({"query": ""}));
    let logged = c.notes.iter().any(|n| {
        n.method == "window/logMessage"
            && n.params["message"].as_str().unwrap_or("").contains("before it was opened")
    });
    assert!(logged, "{:#?}", c.notes);
    assert!(c.published("a.md").is_empty(), "nothing published for a document never opened");
    // A ranged change (not asked for, but sent by some clients) applies too.
    c.open("a.md", "# A\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri("a.md"), "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "\n[[x]]\n"}]}),
    );
    assert_eq!(codes(&c.diagnostics_until("a.md", |d| !d.is_empty())), ["V403"]);
    // A ranged change outside the text is refused, and the text stays.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri("a.md"), "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 40, "character": 0}, "end": {"line": 41, "character": 0}}, "text": "x"}]}),
    );
    let r =
        c.request("textDocument/diagnostic", json!({"textDocument": {"uri": c.uri("a.md")}})).expect("pull");
    assert_eq!(codes(r["items"].as_array().expect("items")), ["V403"]);
    c.shutdown();
}

#[test]
fn a_huge_line_is_checked_without_trouble() {
    let mut c = Client::start(&[("a.md", "# A\n")]);
    let mut text = String::from("# A\n\n");
    text.push_str(&"word ".repeat(2 * 1024 * 1024));
    text.push_str("[[Far]]\n");
    c.open("a.md", &text);
    let d = c.diagnostics_until("a.md", |d| !d.is_empty());
    assert_eq!(codes(&d), ["V403"]);
    assert_eq!(d[0]["range"]["start"]["line"], 2);
    let h = c
        .request("textDocument/hover", at(&c, "a.md", 2, 10 * 1024 * 1024 + 2))
        .expect("hover at the far end");
    assert!(h["contents"]["value"].as_str().unwrap_or("").contains("Far"), "{h}");
    c.shutdown();
}

#[test]
fn a_lone_file_outside_any_vault_loads_nothing() {
    let mut c = Client::start(&[("a.md", "# A\n")]);
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let file = elsewhere.path().join("loose.md");
    std::fs::write(&file, "[[x]]\n").expect("write");
    let uri = vellum_lsp::uri::from_path(&file).expect("uri").as_str().to_owned();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": "[[x]]\n"}}),
    );
    let err = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
        )
        .expect_err("not a note of an open vault");
    assert_eq!(err.code, -32602);
    // An `untitled:` buffer is no note either.
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "markdown", "version": 1, "text": "x"}}));
    assert!(c.request("workspace/symbol", json!({"query": "a"})).is_ok());
    c.shutdown();
}
