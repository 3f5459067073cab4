//! Completion, definition, references, hover, symbols and document links.

use serde_json::{Value, json};

use crate::client::{Client, at};

fn labels(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["label"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn vault() -> Client {
    Client::start(&[
        (
            "Kernel Notes.md",
            "---\ntitle: Kernel Notes\naliases: [kern]\ndescription: How the scheduler works.\ntags: [os, linux]\n---\n# Kernel Notes\n\n## Scheduler\n\nCFS picks tasks. ^cfs\n\n## Memory\n\npages\n",
        ),
        ("a/Dup.md", "# Dup in a\n"),
        ("b/Dup.md", "# Dup in b\n"),
        ("Writer.md", "# Writer\n\nSee [[Kernel Notes#Scheduler]] and [[Kernel Notes]] #linux\n"),
        ("img/pic.png", "png"),
    ])
}

#[test]
fn completes_notes_aliases_headings_blocks_tags_and_callouts() {
    let mut c = vault();
    let text = "# Writer\n\n[[Ker\n[[Kernel Notes#Sch\n[[Kernel Notes#^\n#li\n> [!ti\n[[Du\n![[pi\n";
    c.open("Writer.md", text);
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 2, 5)).expect("notes");
    let l = labels(&r);
    assert!(l.contains(&"Kernel Notes".to_owned()), "{l:?}");
    assert!(l.contains(&"kern".to_owned()), "the alias: {l:?}");
    let alias =
        r["items"].as_array().expect("items").iter().find(|i| i["label"] == "kern").expect("alias item");
    assert_eq!(alias["textEdit"]["newText"], "Kernel Notes|kern");
    assert_eq!(alias["textEdit"]["range"]["start"], json!({"line": 2, "character": 2}));

    let r = c.request("textDocument/completion", at(&c, "Writer.md", 3, 18)).expect("headings");
    assert_eq!(labels(&r), ["Scheduler"]);
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 4, 16)).expect("blocks");
    assert_eq!(labels(&r), ["cfs"]);
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 5, 3)).expect("tags");
    assert_eq!(labels(&r), ["linux"]);
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 6, 6)).expect("callouts");
    assert_eq!(labels(&r)[0], "tip", "prefix matches first, then substrings");
    // Two notes named Dup: each by its shortest unambiguous path.
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 7, 4)).expect("dups");
    assert_eq!(labels(&r), ["a/Dup", "b/Dup"]);
    // Embeds offer attachments too.
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 8, 5)).expect("attachments");
    assert_eq!(labels(&r), ["pic.png"]);
    c.shutdown();
}

#[test]
fn completes_frontmatter_keys_and_values() {
    let mut c = vault();
    c.open("Writer.md", "---\ntags: [li\ndra\n---\n# Writer\n");
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 1, 9)).expect("tag values");
    assert_eq!(labels(&r), ["linux"]);
    let r = c.request("textDocument/completion", at(&c, "Writer.md", 2, 3)).expect("keys");
    assert_eq!(labels(&r), ["draft"]);
    c.shutdown();
}

#[test]
fn completes_obsidian_property_types_and_the_values_notes_use() {
    let mut c = Client::start(&[
        (".obsidian/types.json", "{\"types\": {\"reviewed\": \"checkbox\", \"status\": \"text\"}}"),
        ("Done.md", "---\nstatus: done\nsource: \"[[Paper]]\"\n---\n# Done\n"),
        ("Todo.md", "# Todo\n"),
    ]);
    c.open("Todo.md", "---\nrev\nreviewed: t\nstatus: d\nsou\n---\n# Todo\n");
    let r = c.request("textDocument/completion", at(&c, "Todo.md", 1, 3)).expect("keys from types.json");
    assert_eq!(labels(&r), ["reviewed"]);
    assert_eq!(r["items"][0]["detail"], "checkbox");
    let r = c.request("textDocument/completion", at(&c, "Todo.md", 2, 11)).expect("a checkbox's values");
    assert_eq!(labels(&r), ["true"]);
    let r = c.request("textDocument/completion", at(&c, "Todo.md", 3, 9)).expect("values other notes use");
    assert_eq!(labels(&r), ["done"]);
    let r = c.request("textDocument/completion", at(&c, "Todo.md", 4, 3)).expect("keys the vault uses");
    assert_eq!(labels(&r), ["source"]);
    c.shutdown();
}

#[test]
fn completes_the_callout_types_of_enabled_snippets() {
    let mut c = Client::start(&[
        (".obsidian/appearance.json", "{\"enabledCssSnippets\": [\"callouts\"]}"),
        (
            ".obsidian/snippets/callouts.css",
            ".callout[data-callout=\"recipe\"] { --callout-color: 1, 2, 3; }",
        ),
        (".obsidian/snippets/off.css", ".callout[data-callout=\"recital\"] { }"),
        ("Cook.md", "# Cook\n"),
    ]);
    c.open("Cook.md", "# Cook\n\n> [!rec\n");
    let r = c.request("textDocument/completion", at(&c, "Cook.md", 2, 7)).expect("callouts");
    assert_eq!(labels(&r), ["recipe"], "the enabled snippet's type only");
    c.shutdown();
}

/// A completed link names its note in the vault's "New link format".
#[test]
fn completed_links_follow_the_vaults_new_link_format() {
    let notes = |format: &str| {
        [
            (".obsidian/app.json".to_owned(), format!("{{\"newLinkFormat\": \"{format}\"}}")),
            ("work/Writer.md".to_owned(), "# Writer\n".to_owned()),
            ("topics/os/Kernel Notes.md".to_owned(), "---\naliases: [kern]\n---\n# Kernel\n".to_owned()),
        ]
    };
    for (format, want) in [
        ("shortest", "Kernel Notes"),
        ("relative", "../topics/os/Kernel Notes"),
        ("absolute", "topics/os/Kernel Notes"),
    ] {
        let files = notes(format);
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let mut c = Client::start(&files);
        c.open("work/Writer.md", "# Writer\n\n[[Ker\n[[ker\n");
        let r = c.request("textDocument/completion", at(&c, "work/Writer.md", 2, 5)).expect("notes");
        let items = r["items"].as_array().expect("items");
        let note = items.iter().find(|i| i["label"] == "Kernel Notes").expect("the note");
        assert_eq!(note["textEdit"]["newText"], want, "{format}");
        let r = c.request("textDocument/completion", at(&c, "work/Writer.md", 3, 5)).expect("aliases");
        let items = r["items"].as_array().expect("items");
        let alias = items.iter().find(|i| i["label"] == "kern").expect("the alias");
        assert_eq!(alias["textEdit"]["newText"], format!("{want}|kern"), "{format}");
        c.shutdown();
    }
}

#[test]
fn links_in_properties_go_to_their_note() {
    let mut c = vault();
    c.open("Writer.md", "---\nup: \"[[Kernel Notes#Memory]]\"\n---\n# Writer\n");
    let d = c.request("textDocument/definition", at(&c, "Writer.md", 1, 8)).expect("definition");
    assert_eq!(d["uri"], c.uri("Kernel Notes.md"));
    assert_eq!(d["range"]["start"], json!({"line": 12, "character": 0}));
    c.shutdown();
}

#[test]
fn definition_references_hover() {
    let mut c = vault();
    // `[[Kernel Notes#Scheduler]]` on line 2 of Writer.md.
    let d = c.request("textDocument/definition", at(&c, "Writer.md", 2, 8)).expect("definition");
    assert_eq!(d["uri"], c.uri("Kernel Notes.md"));
    assert_eq!(d["range"]["start"], json!({"line": 8, "character": 0}));

    let h = c.request("textDocument/hover", at(&c, "Writer.md", 2, 8)).expect("hover");
    let v = h["contents"]["value"].as_str().expect("markdown");
    assert!(
        v.contains("**Kernel Notes**") && v.contains("How the scheduler works.") && v.contains("CFS picks"),
        "{v}"
    );

    // Backlinks of Kernel Notes, asked from its H1.
    let r = c
        .request(
            "textDocument/references",
            json!({
        "textDocument": {"uri": c.uri("Kernel Notes.md")}, "position": {"line": 6, "character": 3},
        "context": {"includeDeclaration": false}}),
        )
        .expect("references");
    assert_eq!(r.as_array().expect("list").len(), 2);
    // Links into the Scheduler heading only.
    let r = c
        .request(
            "textDocument/references",
            json!({
        "textDocument": {"uri": c.uri("Kernel Notes.md")}, "position": {"line": 8, "character": 4},
        "context": {"includeDeclaration": false}}),
        )
        .expect("references");
    assert_eq!(r.as_array().expect("list").len(), 1);
    assert_eq!(r[0]["uri"], c.uri("Writer.md"));
    // Nothing under the cursor: null.
    let none = c.request("textDocument/definition", at(&c, "Writer.md", 0, 0)).expect("nothing");
    assert_eq!(none, Value::Null);
    c.shutdown();
}

#[test]
fn symbols_and_links() {
    let mut c = vault();
    let doc = json!({"textDocument": {"uri": c.uri("Kernel Notes.md")}});
    let s = c.request("textDocument/documentSymbol", doc.clone()).expect("symbols");
    assert_eq!(s[0]["name"], "Kernel Notes");
    let children: Vec<&str> = s[0]["children"]
        .as_array()
        .expect("nested")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(children, ["Scheduler", "Memory"]);

    let w = c.request("workspace/symbol", json!({"query": "kern"})).expect("workspace symbols");
    assert_eq!(w.as_array().expect("list").len(), 1, "by alias and title: {w}");
    assert_eq!(w[0]["location"]["uri"], c.uri("Kernel Notes.md"));

    let links = c
        .request("textDocument/documentLink", json!({"textDocument": {"uri": c.uri("Writer.md")}}))
        .expect("links");
    let links = links.as_array().expect("list");
    assert_eq!(links.len(), 2);
    assert!(links.iter().all(|l| l["target"] == c.uri("Kernel Notes.md")));
    c.shutdown();
}

#[test]
fn completes_the_next_note_id_and_hints_titles_and_drafts() {
    let mut c = Client::start(&[
        (
            "old.md",
            "---\ntitle: Old\nnote_id: 240501TJ01\ncreated: 2024-05-01\ntags: [tech-journal]\n---\n# Old\n",
        ),
        ("kern-notes.md", "---\ntitle: Kernel Notes\ndraft: true\n---\n# Kernel Notes\n"),
        (
            "w.md",
            "---\ncreated: 2024-05-01\ntags: [tech-journal]\nnote_id: \n---\n# W\n\n[[kern-notes]] [[kern-notes|shown]] [[old]]\n",
        ),
    ]);
    let r = c.request("textDocument/completion", at(&c, "w.md", 3, 9)).expect("note_id");
    assert_eq!(labels(&r), ["240501TJ02"]);
    let hints = c
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": c.uri("w.md")},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
        )
        .expect("hints");
    let labels: Vec<&str> =
        hints.as_array().expect("list").iter().map(|h| h["label"].as_str().unwrap_or("")).collect();
    assert_eq!(labels, ["Kernel Notes · draft", "draft"]);
    assert_eq!(hints[0]["position"], json!({"line": 7, "character": 14}));
    c.shutdown();
}
