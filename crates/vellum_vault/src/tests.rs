//! Vault-level tests over in-memory vaults: links to headings and blocks,
//! backlinks, unresolved notes and orphans.

use super::*;

fn vault(files: &[(&str, &str)]) -> Vault {
    let paths = files.iter().map(|(p, _)| (*p).to_owned()).collect();
    let notes = files
        .iter()
        .filter(|(p, _)| p.ends_with(".md"))
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect();
    Vault::from_texts(PathBuf::from("/v"), Config::default(), paths, notes)
}

fn target_of(v: &Vault, from: &str, link: usize) -> Target {
    let i = v.note_by_path(from).expect("note");
    v.resolved[i][link].target.clone()
}

#[test]
fn headings_match_loosely_and_chain() {
    let v = vault(&[
        ("FAQ.md", "# FAQ\n## How large is it?\n### Using `cargo` today\n## Other\n### Sub\n"),
        (
            "a.md",
            "[[FAQ#How large is it]] [[faq#Using cargo today]] [[FAQ#How large is it#Using `cargo` today]] [[FAQ#Other#Using cargo today]] [[FAQ#Nope]]",
        ),
    ]);
    let faq = v.note_by_path("FAQ.md").expect("faq");
    assert_eq!(target_of(&v, "a.md", 0), Target::Note { note: faq, anchor: Anchor::Heading(1) });
    assert_eq!(target_of(&v, "a.md", 1), Target::Note { note: faq, anchor: Anchor::Heading(2) });
    assert_eq!(target_of(&v, "a.md", 2), Target::Note { note: faq, anchor: Anchor::Heading(2) });
    assert_eq!(target_of(&v, "a.md", 3), Target::MissingFragment { note: faq }, "chain must nest");
    assert_eq!(target_of(&v, "a.md", 4), Target::MissingFragment { note: faq });
}

#[test]
fn blocks_attachments_and_self_links() {
    let v = vault(&[
        ("n.md", "A paragraph ^para-1\n\n![[pic.PNG]]\n[[#Top]]\n\n# Top\n[[n#^missing]]"),
        ("pic.png", ""),
        ("b.md", "[[n#^para-1]] [pic](pic.png) [x](n.md#top)"),
    ]);
    let n = v.note_by_path("n.md").expect("n");
    assert_eq!(target_of(&v, "b.md", 0), Target::Note { note: n, anchor: Anchor::Block("para-1".into()) });
    assert!(matches!(target_of(&v, "n.md", 0), Target::Attachment(_)));
    assert_eq!(target_of(&v, "n.md", 1), Target::Note { note: n, anchor: Anchor::Heading(0) });
    assert_eq!(target_of(&v, "n.md", 2), Target::MissingFragment { note: n });
    assert!(matches!(target_of(&v, "b.md", 1), Target::Attachment(_)));
    assert_eq!(target_of(&v, "b.md", 2), Target::Note { note: n, anchor: Anchor::Heading(0) });
}

#[test]
fn graph_backlinks_unresolved_orphans() {
    let v = vault(&[
        ("a.md", "[[b]] [[Ghost]] [[ghost]]"),
        ("b.md", "[[Ghost]] [[Other ghost]]"),
        ("lonely.md", "no links [[#self]]\n# self"),
        ("c.md", "[[Only Ghost]]"),
    ]);
    let b = v.note_by_path("b.md").expect("b");
    let a = v.note_by_path("a.md").expect("a");
    assert_eq!(v.backlinks(b), &[(a, 0)]);
    let unresolved = v.unresolved();
    assert_eq!(unresolved[0].0, "Ghost");
    assert_eq!(unresolved[0].1.len(), 3);
    assert_eq!(unresolved.len(), 3);
    let orphans: Vec<&str> = v.orphans().into_iter().map(|i| v.notes[i].path.as_str()).collect();
    assert_eq!(orphans, ["c.md", "lonely.md"]);
}

#[test]
fn aliases_only_when_configured() {
    let files = [("Real Note.md", "---\naliases: [AL]\n---\n"), ("x.md", "[[AL]]")];
    let v = vault(&files);
    assert_eq!(target_of(&v, "x.md", 0), Target::Unresolved);
    let mut config = Config::default();
    config.links.resolve_aliases = true;
    let v = Vault::from_texts(
        PathBuf::from("/v"),
        config,
        files.iter().map(|(p, _)| (*p).to_owned()).collect(),
        files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect(),
    );
    assert!(matches!(target_of(&v, "x.md", 0), Target::Note { .. }));
}

#[test]
fn a_note_text_is_kept_or_known_by_length_and_hash() {
    let kept = NoteText::Kept("# A\n".to_owned());
    let released = NoteText::released("# A\n");
    assert_eq!(kept.as_kept(), Some("# A\n"));
    assert_eq!(released.as_kept(), None);
    assert!(!kept.is_released() && released.is_released());
    assert_eq!(kept.hash(), released.hash());
    assert!(released.is("# A\n") && kept.is("# A\n"));
    // Same length, other bytes; same prefix, other length.
    assert!(!released.is("# B\n") && !released.is("# A\n\n"));
    let v = vault(&[("a.md", "# A\n")]);
    assert_eq!(v.text(0).as_deref(), Ok("# A\n"));
    assert_eq!(v.text_hash(0), released.hash());
}

#[test]
fn a_title_falls_back_to_the_file_name_without_md_in_any_case() {
    let files = [
        ("a/Upper.MD", "# x\n"),
        ("a/Mixed.Md", "---\ntitle: \"  \"\n---\n"),
        ("b.md", "---\ntitle: Bee\n---\n"),
    ];
    let paths = files.iter().map(|(p, _)| (*p).to_owned()).collect();
    let texts = files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    let mut v = Vault::from_texts(PathBuf::from("/v"), Config::default(), paths, texts);
    let titles: Vec<&str> = v.notes.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["Mixed", "Upper", "Bee"]);
    let mixed = v.note_by_path("a/Mixed.Md").expect("note");
    assert!(v.replace_texts(vec![(mixed, "# y\n".to_owned())]).is_some(), "edited");
    assert_eq!(v.notes[mixed].title, "Mixed", "an edit keeps the same rule");
}

#[test]
fn a_target_names_its_note_with_or_without_the_fragment() {
    let v = vault(&[
        ("n.md", "# H\n"),
        ("a.md", "[[n#H]] [[n#Nope]] [[pic.png]] [[nowhere]] [x](../../out.md)"),
        ("pic.png", ""),
    ]);
    let n = v.note_by_path("n.md").expect("n");
    let notes: Vec<Option<NoteIdx>> = (0..5).map(|li| target_of(&v, "a.md", li).note()).collect();
    assert_eq!(notes, [Some(n), Some(n), None, None, None]);
    assert_eq!(target_of(&v, "a.md", 4), Target::EscapesVault);
}

#[test]
fn find_root_walks_up_to_a_marker() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = dir.path().join("journal");
    let deep = vault.join("2024/notes");
    std::fs::create_dir_all(&deep).expect("mkdir");
    assert_eq!(find_root(&deep), None, "no marker anywhere above (in a fresh temp dir)");
    std::fs::create_dir(vault.join(".obsidian")).expect("mkdir");
    assert_eq!(find_root(&deep), Some(vault.clone()));
    std::fs::write(deep.join("vellum.toml"), "").expect("write");
    assert_eq!(find_root(&deep), Some(deep.clone()), "the nearest marker wins");
}

#[test]
fn hidden_notes_resolve_but_are_not_listed() {
    let mut config = Config::default();
    config.obsidian.template_folders = vec!["Templates".to_owned()];
    config.obsidian.ignore_filters = vec![obsidian::IgnoreFilter::new("Archive/").expect("a prefix")];
    let files = [
        ("Home.md", "[[Daily]] [[Old]] [[Nowhere]]"),
        ("Templates/Daily.md", "---\ndate: {{date}}\n---\n[[{{date}} review]] [[Home]]"),
        ("Archive/Old.md", "[[Gone]]"),
        ("Lonely.md", "nothing"),
    ];
    let paths = files.iter().map(|(p, _)| (*p).to_owned()).collect();
    let notes = files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    let v = Vault::from_texts(PathBuf::from("/v"), config, paths, notes);
    let daily = v.note_by_path("Templates/Daily.md").expect("loaded");
    assert!(v.is_hidden(daily) && !v.is_hidden(v.note_by_path("Home.md").expect("home")));
    assert_eq!(target_of(&v, "Home.md", 0), Target::Note { note: daily, anchor: Anchor::Note });
    assert!(matches!(target_of(&v, "Home.md", 1), Target::Note { .. }));
    let unwritten: Vec<String> = v.unresolved().into_iter().map(|(name, _)| name).collect();
    assert_eq!(unwritten, ["Nowhere"], "hidden notes' links want nothing");
    let orphans: Vec<&str> = v.orphans().into_iter().map(|i| v.notes[i].path.as_str()).collect();
    assert_eq!(orphans, ["Lonely.md"]);
}
