//! A small library vault shared by the view and snapshot tests.
#![allow(dead_code, unreachable_pub)]

use vellum_bases::{FileRow, Value};

pub fn now() -> jiff::Timestamp {
    "2025-05-27T10:30:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn book(path: &str, fm: serde_json::Value, tags: &[&str]) -> FileRow {
    let mut row = FileRow::new(path);
    if let serde_json::Value::Object(map) = fm {
        row.properties = Value::properties_from_json(&map);
    }
    row.tags = tags.iter().map(|t| (*t).to_owned()).collect();
    row.size = 100 * row.path.len() as u64;
    row.mtime = "2025-05-01T00:00:00Z".parse().ok();
    row
}

pub fn vault() -> Vec<FileRow> {
    let mut rows = vec![
        book(
            "Books/Dune.md",
            serde_json::json!({"title": "Dune", "author": "[[Frank Herbert]]", "year": 1965, "rating": 5, "price": 9.99, "status": "done", "read": true, "finished": "2024-03-01", "cover": "https://example.org/dune.jpg"}),
            &["book", "book/sf"],
        ),
        book(
            "Books/Emma.md",
            serde_json::json!({"title": "Emma", "author": "[[Jane Austen]]", "year": 1815, "rating": 4, "price": 4.5, "status": "reading", "read": false, "cover": "[[emma.png]]"}),
            &["book/classic"],
        ),
        book(
            "Books/Neuromancer.md",
            serde_json::json!({"title": "Neuromancer <b>", "author": "[[William Gibson]]", "year": 1984, "rating": 4, "price": 12, "status": "done", "read": true, "finished": "2025-01-15", "cover": "#336699"}),
            &["book/sf", "cyberpunk"],
        ),
        book("Books/Untitled.md", serde_json::json!({"status": "todo"}), &["book"]),
        book("People/Frank Herbert.md", serde_json::json!({"born": 1920}), &["person"]),
        book("Home.md", serde_json::json!({}), &[]),
        book("assets/emma.png", serde_json::json!({}), &[]),
    ];
    rows[0].links = vec!["People/Frank Herbert.md".into()];
    rows[4].backlinks = vec!["Books/Dune.md".into()];
    rows
}

pub fn url(path: &str) -> Option<String> {
    if path.starts_with("People/") || path.starts_with("Books/Untitled") {
        return None;
    }
    Some(format!("/{}", path.trim_end_matches(".md").replace(' ', "-").to_lowercase()))
}
