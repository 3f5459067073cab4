//! `prop:NAME<op>VALUE` compares by the property's type in
//! `.obsidian/types.json`: numbers numerically, dates as dates, checkboxes as
//! booleans, texts and lists as texts; without a type, by what the values are.

use vellum_vault::{Vault, query};

/// A vault on disk (the property types are read from `.obsidian/`).
fn books(types: Option<&str>) -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let notes: &[(&str, &str)] = &[
        (
            "Dune.md",
            "---\nrating: 4.5\nread: true\nfinished: 2024-03-01\nseen: 2024-03-01T21:30\npages: 412\ngenre: [scifi, classic]\n---\n",
        ),
        (
            "Emma.md",
            "---\nrating: 3\nread: false\nfinished: 2023-11-20\npages: \"90\"\ngenre: romance\n---\n",
        ),
        (
            "Ubik.md",
            "---\nrating: 10\nfinished: 2024-12-31\nseen: 2024-03-02\npages: 9\ngenre: [scifi]\n---\n",
        ),
        ("Odd.md", "---\nrating: high\nfinished: soon\n---\n"),
        ("None.md", "# No properties\n"),
    ];
    for (path, text) in notes {
        std::fs::write(root.join(path), text).expect("write");
    }
    if let Some(types) = types {
        std::fs::create_dir_all(root.join(".obsidian")).expect("mkdir");
        std::fs::write(root.join(".obsidian/types.json"), types).expect("write");
    }
    let v = vellum_vault::load(root).expect("loads");
    (dir, v)
}

const TYPES: &str = r#"{"types": {"rating": "number", "read": "checkbox", "finished": "date", "seen": "datetime", "pages": "text", "genre": "multitext"}}"#;

fn select(v: &Vault, q: &str) -> Vec<String> {
    let parsed = query::parse(q).unwrap_or_else(|e| panic!("{q}: {}", e.message));
    query::select(v, &parsed).expect("kept").into_iter().map(|i| v.notes[i].path.clone()).collect()
}

#[test]
fn numbers_compare_as_numbers() {
    let (_d, v) = books(Some(TYPES));
    assert_eq!(select(&v, "prop:rating:>3"), ["Dune.md", "Ubik.md"], "10 > 3, not as text");
    assert_eq!(select(&v, "prop:rating:>=4.5"), ["Dune.md", "Ubik.md"]);
    assert_eq!(select(&v, "prop:rating:<4.5"), ["Emma.md"]);
    assert_eq!(select(&v, "prop:rating:3.0"), ["Emma.md"], "equal as numbers");
    assert_eq!(select(&v, "prop:rating:=10"), ["Ubik.md"]);
    assert!(select(&v, "prop:rating:>high").is_empty(), "not a number: matches nothing");
    assert_eq!(select(&v, "-prop:rating:>3"), ["Emma.md", "None.md", "Odd.md"]);
}

#[test]
fn dates_compare_as_dates_and_periods() {
    let (_d, v) = books(Some(TYPES));
    assert_eq!(select(&v, "prop:finished:2024"), ["Dune.md", "Ubik.md"]);
    assert_eq!(select(&v, "prop:finished:2024-03"), ["Dune.md"]);
    assert_eq!(select(&v, "prop:finished:>=2024-03-01"), ["Dune.md", "Ubik.md"]);
    assert_eq!(select(&v, "prop:finished:<2024"), ["Emma.md"]);
    assert_eq!(select(&v, "prop:finished:>2024-03"), ["Ubik.md"], "after the end of March");
    // A date and time: within the day, or before and after a moment.
    assert_eq!(select(&v, "prop:seen:2024-03-01"), ["Dune.md"]);
    assert_eq!(select(&v, "prop:seen:>2024-03-01T21:00"), ["Dune.md", "Ubik.md"]);
    assert_eq!(select(&v, "prop:seen:<2024-03-01T22:00"), ["Dune.md"]);
}

#[test]
fn checkboxes_compare_as_booleans_and_texts_as_texts() {
    let (_d, v) = books(Some(TYPES));
    assert_eq!(select(&v, "prop:read:true"), ["Dune.md"]);
    assert_eq!(select(&v, "prop:read:no"), ["Emma.md"]);
    // `pages` is text: "90" > "412" as texts.
    assert_eq!(select(&v, "prop:pages:>5"), ["Emma.md", "Ubik.md"]);
    // A list matches by any of its items.
    assert_eq!(select(&v, "prop:genre:scifi"), ["Dune.md", "Ubik.md"]);
    assert_eq!(select(&v, "prop:genre:>q"), ["Dune.md", "Emma.md", "Ubik.md"]);
}

#[test]
fn without_types_comparisons_follow_the_values() {
    let (_d, v) = books(None);
    // Numbers where both sides are numbers; `high` is not, so `Odd` is compared as text.
    assert_eq!(select(&v, "prop:rating:>3"), ["Dune.md", "Odd.md", "Ubik.md"]);
    assert_eq!(select(&v, "prop:pages:>100"), ["Dune.md"]);
    assert_eq!(select(&v, "prop:finished:>=2024-03"), ["Dune.md", "Odd.md", "Ubik.md"]);
    // `=` stays a text match, as before types.
    assert_eq!(select(&v, "prop:rating:3"), ["Emma.md"]);
    assert!(select(&v, "prop:rating:3.0").is_empty());
}

#[test]
fn a_comparison_without_a_value_points_at_it() {
    let q = "tag:x prop:rating:>=";
    let e = query::parse(q).expect_err("no value");
    assert_eq!(e.column(q), 19);
    assert!(e.message.contains("compares with nothing"), "{}", e.message);
    assert!(query::parse("prop:rating:").is_err());
}
