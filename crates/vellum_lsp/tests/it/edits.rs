//! Rename and code actions: workspace edits as `vellum rename` and
//! `vellum check --fix` plan them.

use serde_json::{Value, json};

use crate::client::{Client, at, editor_caps};

fn ops(edit: &Value) -> &Vec<Value> {
    edit["documentChanges"].as_array().expect("documentChanges")
}

#[test]
fn renaming_a_note_from_a_link_moves_it_and_rewrites_links() {
    let mut files: Vec<(String, String)> = vec![("Old Name.md".into(), "# Old Name\n\ntext\n".into())];
    for i in 0..5 {
        files.push((format!("n{i}.md"), format!("# N{i}\n\nsee [[Old Name]] and [[Old Name#Old Name|x]]\n")));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let mut c = Client::start(&refs);
    let prep = c.request("textDocument/prepareRename", at(&c, "n0.md", 2, 8)).expect("prepare");
    assert_eq!(prep["placeholder"], "Old Name");
    assert_eq!(prep["range"]["start"], json!({"line": 2, "character": 6}));
    let mut p = at(&c, "n0.md", 2, 8);
    p["newName"] = json!("New Name");
    let edit = c.request("textDocument/rename", p).expect("rename");
    let ops = ops(&edit);
    let rename = ops.iter().find(|o| o["kind"] == "rename").expect("a file rename");
    assert_eq!(rename["oldUri"], c.uri("Old Name.md"));
    assert_eq!(rename["newUri"], c.uri("New Name.md"));
    let redirects = c.uri(".vellum-redirects");
    let (record, edited): (Vec<&Value>, Vec<&Value>) =
        ops.iter().filter(|o| o.get("edits").is_some()).partition(|o| o["textDocument"]["uri"] == redirects);
    assert_eq!(edited.len(), 6, "the note and five linking notes: {edit:#}");
    // The old URL is recorded, in a file created for it.
    assert!(ops.iter().any(|o| o["kind"] == "create" && o["uri"] == redirects), "{edit:#}");
    assert_eq!(record.len(), 1, "{edit:#}");
    assert!(
        record[0]["edits"][0]["newText"].as_str().is_some_and(|t| t.contains("old-name/ -> New Name.md")),
        "{edit:#}"
    );
    let n0 = edited.iter().find(|o| o["textDocument"]["uri"] == c.uri("n0.md")).expect("n0 edited");
    assert_eq!(n0["edits"][0]["newText"], "see [[New Name]] and [[New Name#New Name|x]]\n");
    // The move comes after the edits of the moved note.
    let move_at = ops.iter().position(|o| o["kind"] == "rename").expect("rename op");
    let note_at =
        ops.iter().position(|o| o["textDocument"]["uri"] == c.uri("Old Name.md")).expect("note edit");
    assert!(note_at < move_at);

    // From the H1, too.
    let prep = c.request("textDocument/prepareRename", at(&c, "Old Name.md", 0, 4)).expect("prepare from H1");
    assert_eq!(prep["range"]["start"], json!({"line": 0, "character": 2}));
    // Nothing renamable: a protocol error, and the server goes on.
    let err = c.request("textDocument/prepareRename", at(&c, "n0.md", 2, 1)).expect_err("nothing to rename");
    assert_eq!(err.code, -32803);
    c.shutdown();
}

#[test]
fn a_client_that_cannot_move_files_gets_an_error() {
    let mut c = Client::start_with(&[("Old.md", "# Old\n"), ("b.md", "[[Old]]\n")], json!({}));
    let mut p = at(&c, "b.md", 0, 3);
    p["newName"] = json!("New");
    let err = c.request("textDocument/rename", p).expect_err("no resource operations");
    assert!(err.message.contains("cannot rename files"), "{}", err.message);
    c.shutdown();
}

#[test]
fn fixes_are_quick_fixes() {
    let text = "---\ncreated: 2024-05-02\nupdated: 2024-05-01\n---\n# A\n\n#\n\n[[Unwritten Idea]]\n";
    let mut c = Client::start_with(&[("a.md", text)], editor_caps());
    let d = c.diagnostics_until("a.md", |d| d.len() >= 3);
    let v105: Vec<Value> = d.iter().filter(|d| d["code"] == "V105").cloned().collect();
    assert_eq!(v105.len(), 1, "{d:#?}");
    let r = c
        .request(
            "textDocument/codeAction",
            json!({
            "textDocument": {"uri": c.uri("a.md")}, "range": v105[0]["range"],
            "context": {"diagnostics": v105}}),
        )
        .expect("actions");
    let actions = r.as_array().expect("list");
    let fix = actions.iter().find(|a| a["kind"] == "quickfix").expect("quick fix");
    assert!(fix["title"].as_str().unwrap_or("").contains("`updated`"), "{fix}");
    let edits = &fix["edit"]["changes"][c.uri("a.md")];
    assert_eq!(edits[0]["newText"], "2024-05-02");
    assert!(actions.iter().any(|a| a["kind"] == "source.fixAll"));

    // On the unwritten link: create it from the template.
    let v403: Vec<Value> = d.iter().filter(|d| d["code"] == "V403").cloned().collect();
    let r = c
        .request(
            "textDocument/codeAction",
            json!({
            "textDocument": {"uri": c.uri("a.md")}, "range": v403[0]["range"],
            "context": {"diagnostics": v403}}),
        )
        .expect("actions");
    let create = r
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").contains("create the note"))
        .expect("create action");
    let ops = ops(&create["edit"]);
    assert_eq!(ops[0]["kind"], "create");
    assert_eq!(ops[0]["uri"], c.uri("Unwritten Idea.md"));
    assert!(ops[1]["edits"][0]["newText"].as_str().unwrap_or("").contains("Unwritten Idea"));
    c.shutdown();
}

#[test]
fn renaming_a_heading_rewrites_the_links_into_it() {
    let mut c = Client::start(&[
        ("Note.md", "# Note\n\n## Old Part\n\ntext [[#Old Part]]\n\n## Other\n"),
        ("a.md", "[[Note#Old Part|see]] [[Note#Other]] [x](Note.md#Old%20Part)\n"),
    ]);
    let prep = c.request("textDocument/prepareRename", at(&c, "Note.md", 2, 5)).expect("prepare");
    assert_eq!(prep["placeholder"], "Old Part");
    assert_eq!(prep["range"]["start"], json!({"line": 2, "character": 3}));
    // From a link's fragment, too.
    let mut p = at(&c, "a.md", 0, 9);
    p["newName"] = json!("New Part");
    let edit = c.request("textDocument/rename", p).expect("rename");
    let ops = ops(&edit);
    assert!(ops.iter().all(|o| o.get("kind").is_none()), "no file operation: {edit:#}");
    let text_of = |uri: String| {
        ops.iter()
            .find(|o| o["textDocument"]["uri"] == uri)
            .map(|o| {
                o["edits"]
                    .as_array()
                    .expect("edits")
                    .iter()
                    .map(|e| e["newText"].as_str().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .expect("edited")
    };
    assert_eq!(text_of(c.uri("a.md")), "[[Note#New Part|see]] [[Note#Other]] [x](Note.md#New%20Part)\n");
    assert_eq!(text_of(c.uri("Note.md")), "## New Part\n|text [[#New Part]]\n", "one edit per changed line");
    // A name another heading has would send links there: refused.
    let mut p = at(&c, "Note.md", 2, 5);
    p["newName"] = json!("Other");
    let err = c.request("textDocument/rename", p).expect_err("taken");
    assert!(err.message.contains("already has a heading"), "{}", err.message);
    c.shutdown();
}

#[test]
fn renaming_a_tag_rewrites_it_everywhere() {
    let mut c = Client::start(&[
        (
            "a.md",
            "---\ntags: [hardware, '#hardware/cpu', hw]\n---\n# A\n\ntext #hardware and #hardware/gpu #hardwarex\n",
        ),
        ("b.md", "# B\n\n#Hardware\n"),
    ]);
    let prep = c.request("textDocument/prepareRename", at(&c, "b.md", 2, 3)).expect("prepare");
    assert_eq!(prep["placeholder"], "Hardware");
    assert_eq!(prep["range"]["start"], json!({"line": 2, "character": 1}));
    let mut p = at(&c, "a.md", 1, 8);
    p["newName"] = json!("hw-gear");
    let edit = c.request("textDocument/rename", p).expect("rename");
    let ops = ops(&edit);
    let texts: Vec<String> = ops
        .iter()
        .flat_map(|o| o["edits"].as_array().cloned().unwrap_or_default())
        .map(|e| e["newText"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        texts,
        [
            "tags: [hw-gear, '#hw-gear/cpu', hw]\n",
            "text #hw-gear and #hw-gear/gpu #hardwarex\n",
            "#hw-gear\n"
        ],
        "{edit:#}"
    );
    let mut p = at(&c, "b.md", 2, 3);
    p["newName"] = json!("not a tag");
    assert_eq!(c.request("textDocument/rename", p).expect_err("invalid").code, -32602);
    c.shutdown();
}

#[test]
fn renaming_a_block_id_rewrites_the_links_to_it() {
    let mut c = Client::start(&[
        ("Note.md", "# Note\n\nA claim. ^old-id\n\nOther. ^keep\n"),
        ("a.md", "[[Note#^old-id|the claim]] [[Note#^keep]] [c](Note.md#^old-id)\n"),
    ]);
    let prep = c.request("textDocument/prepareRename", at(&c, "a.md", 0, 9)).expect("prepare from a link");
    assert_eq!(prep["placeholder"], "old-id");
    assert_eq!(prep["range"]["start"], json!({"line": 0, "character": 8}));
    let mut p = at(&c, "Note.md", 2, 11);
    p["newName"] = json!("^new-id");
    let edit = c.request("textDocument/rename", p).expect("rename");
    let texts: Vec<String> = ops(&edit)
        .iter()
        .flat_map(|o| o["edits"].as_array().cloned().unwrap_or_default())
        .map(|e| e["newText"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        texts,
        ["A claim. ^new-id\n", "[[Note#^new-id|the claim]] [[Note#^keep]] [c](Note.md#^new-id)\n"],
        "{edit:#}"
    );
    let mut p = at(&c, "Note.md", 2, 11);
    p["newName"] = json!("keep");
    assert!(c.request("textDocument/rename", p).is_err(), "an id the note already has");
    c.shutdown();
}
