//! Fuzz the vault-level path for one note: link resolution, every check rule
//! and `vellum_render::render_note`, with the fuzz input as one note of a
//! small in-memory vault (next to fixed notes it can link to, embed and be
//! embedded by, and an attachment). None of it may panic, and the rendered
//! HTML must stay sanitized: no `<script>`, no `javascript:` URL, no `on…=`
//! event handler.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vellum_render::{RenderOptions, Urls, render_note};
use vellum_vault::{FileId, NoteIdx, Vault};

/// The fixed notes around the fuzzed one (`Fuzzed.md`).
const FIXED: &[(&str, &str)] = &[
    (
        "Target.md",
        "---\ntitle: Target\ntags: [a/b]\naliases: [T]\n---\n# Target\n\n## Section\n\nA paragraph. ^block\n\n> [!note] Core claim\n> Claimed.\n",
    ),
    ("sub/Embedder.md", "# Embedder\n\n![[Fuzzed]]\n\n![[Fuzzed#Section]]\n\n[[Fuzzed|back]]\n"),
    ("Draft.md", "---\ndraft: true\n---\n# Draft\n"),
];

/// Every URL made up from its inputs, like the site does, but without a plan.
struct TestUrls;

impl Urls for TestUrls {
    fn note(&self, idx: NoteIdx) -> Option<String> {
        Some(format!("/n/{idx}/"))
    }
    fn attachment(&self, file: FileId) -> String {
        format!("/a/{}", file.0)
    }
    fn unwritten(&self, name: &str) -> String {
        format!("/u/{name}/")
    }
    fn tag(&self, tag: &str) -> String {
        format!("/t/{tag}/")
    }
    fn keyword(&self, keyword: &str) -> String {
        format!("/k/{keyword}/")
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut notes: Vec<(String, String)> =
        FIXED.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    notes.push(("Fuzzed.md".to_owned(), text));
    let mut paths: Vec<String> = notes.iter().map(|(p, _)| p.clone()).collect();
    paths.push("img/pic.png".to_owned());
    let vault = Vault::from_texts("/vault".into(), vellum_vault::Config::default(), paths, notes);
    let _ = vellum_check::check(&vault);
    let opts = RenderOptions::default();
    for (idx, n) in vault.notes.iter().enumerate() {
        for link in &n.note.links {
            let _ = vault.resolve_link(idx, link);
        }
        let html = render_note(&vault, idx, &TestUrls, &opts).html;
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "`<script` in the HTML of {}:\n{html}", n.path);
        // Attributes live inside tags, and values inside quotes: the text
        // between tags and a quoted value may say anything (every `<` of the
        // text is escaped, so each `<` starts a tag).
        for tag in lower.split('<').skip(1).map(|t| t.split_once('>').map_or(t, |(inside, _)| inside)) {
            for (name, value) in attributes(tag) {
                assert!(!name.starts_with("on"), "event handler `{name}` in <{tag}> of {}:\n{html}", n.path);
                let value = value.trim_start_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
                assert!(
                    !(matches!(name, "href" | "src") && value.starts_with("javascript:")),
                    "`{name}=\"javascript:` in <{tag}> of {}:\n{html}",
                    n.path
                );
            }
        }
    }
});

/// The attributes of a tag's inside (`name attr="value" attr=value attr`), as
/// a browser reads them: names up to `=`, whitespace or `/`; values quoted or
/// up to whitespace.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    // Skip the tag name.
    let mut rest = tag.trim_start_matches('/');
    rest = rest.find(|c: char| c.is_ascii_whitespace() || c == '/').map_or("", |i| &rest[i..]);
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        let end = end.max(rest.chars().next().map_or(1, char::len_utf8));
        let name = &rest[..end];
        rest = rest[end..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let Some(after) = rest.strip_prefix('=') else {
            out.push((name, ""));
            continue;
        };
        let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let (value, tail) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &after[1..];
                body.find(q).map_or((body, ""), |i| (&body[..i], &body[i + 1..]))
            }
            _ => {
                let i = after.find(|c: char| c.is_ascii_whitespace()).unwrap_or(after.len());
                (&after[..i], &after[i..])
            }
        };
        out.push((name, value));
        rest = tail;
    }
}
