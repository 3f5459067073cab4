//! Links written in frontmatter properties count as links, as in Obsidian:
//! backlinks, unwritten notes, orphans and queries see them.

use vellum_vault::{Config, Target, Vault, query};

/// A vault of `notes` and the attachment `cover.png`.
fn vault(notes: &[(&str, &str)]) -> Vault {
    let paths = notes.iter().map(|(p, _)| (*p).to_owned()).chain(["cover.png".to_owned()]).collect();
    let texts = notes.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    Vault::from_texts("/v".into(), Config::default(), paths, texts)
}

fn paths(v: &Vault, idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&i| v.notes[i].path.clone()).collect()
}

fn select(v: &Vault, q: &str) -> Vec<String> {
    let q = query::parse(q).expect("query parses");
    paths(v, &query::select(v, &q).expect("kept"))
}

fn library() -> Vault {
    vault(&[
        (
            "Dune.md",
            "---\ncategories: [\"[[Books]]\"]\nauthor: \"[[Frank Herbert]]\"\nstatus: reading\ncover: \"[[cover.png]]\"\n---\n# Dune\n",
        ),
        (
            "Neuromancer.md",
            "---\ncategories:\n  - \"[[Books]]\"\nauthor: \"[[William Gibson]]\"\nstatus: done\n---\n",
        ),
        ("Books.md", "# Books\n"),
        ("Lonely.md", "# Nobody links here\n"),
        ("Roadmap.md", "---\nup: \"[[Books#Shelf]]\"\n---\n## Q3\n"),
    ])
}

#[test]
fn category_notes_gather_their_members_as_backlinks() {
    let v = library();
    let books = v.note_by_path("Books.md").expect("books");
    let from: Vec<(String, Option<&str>)> = v
        .backlinks(books)
        .iter()
        .map(|&(s, l)| (v.notes[s].path.clone(), v.notes[s].note.links[l].property.as_deref()))
        .collect();
    assert_eq!(
        from,
        [
            ("Dune.md".to_owned(), Some("categories")),
            ("Neuromancer.md".to_owned(), Some("categories")),
            ("Roadmap.md".to_owned(), Some("up")),
        ]
    );
    let roadmap = v.note_by_path("Roadmap.md").expect("roadmap");
    assert_eq!(v.resolved[roadmap][0].target, Target::MissingFragment { note: books }, "no heading `Shelf`");
}

#[test]
fn people_named_only_in_properties_are_unwritten_and_notes_are_not_orphans() {
    let v = library();
    let unwritten: Vec<(String, usize)> =
        v.unresolved().into_iter().map(|(name, from)| (name, from.len())).collect();
    assert!(unwritten.contains(&("Frank Herbert".to_owned(), 1)), "{unwritten:?}");
    assert!(unwritten.contains(&("William Gibson".to_owned(), 1)), "{unwritten:?}");
    // `cover.png` is an attachment, not an unwritten note.
    assert!(!unwritten.iter().any(|(n, _)| n.contains("cover")), "{unwritten:?}");
    let dune = v.note_by_path("Dune.md").expect("dune");
    assert!(v.resolved[dune].iter().any(|r| matches!(r.target, Target::Attachment(_))));
    assert_eq!(paths(&v, &v.orphans()), ["Lonely.md"]);
}

#[test]
fn queries_read_property_links_and_values() {
    let v = library();
    assert_eq!(select(&v, "links-to:Books"), ["Dune.md", "Neuromancer.md", "Roadmap.md"]);
    assert_eq!(select(&v, "prop:author:\"Frank Herbert\""), ["Dune.md"]);
    assert_eq!(select(&v, "prop:author:\"[[William Gibson]]\""), ["Neuromancer.md"]);
    assert_eq!(select(&v, "prop:status:done"), ["Neuromancer.md"]);
    assert_eq!(select(&v, "prop:up"), ["Roadmap.md"]);
    assert_eq!(select(&v, "prop:categories:books -prop:status:reading"), ["Neuromancer.md"]);
    assert!(select(&v, "prop:author:Books").is_empty(), "the link must be in that property");
    let err = query::parse("prop:up:").expect_err("needs a value");
    assert!(err.message.contains("needs"), "{}", err.message);
}
