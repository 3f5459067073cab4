//! `rename`: every link form is rewritten, only links that resolve to the
//! note are touched, renaming back restores the vault byte for byte, and a
//! failed or refused write leaves every file as it was.

use crate::common;

use std::io;

use common::{copy_of, example, load, note, snapshot, vault_with};
use vellum_edit::rename::{self, RenameError};
use vellum_edit::write::Failure;
use vellum_edit::{Change, Writer};

fn rename_in(root: &std::path::Path, old: &str, new: &str) -> rename::RenamePlan {
    let vault = load(root);
    let plan = rename::plan(&vault, note(&vault, old), new).expect("plan");
    Writer::new(root).apply(&plan.changes).expect("written");
    plan
}

#[test]
fn rename_and_back_restores_the_example_vault_byte_for_byte() {
    for new in ["GPU Software Moat", "software/GPU Software Moat", "Moat: the CUDA story"] {
        let dir = copy_of(&example());
        let before = snapshot(dir.path());
        let checked_before = vellum_check::check(&load(dir.path())).expect("kept").len();
        let plan = rename_in(dir.path(), "hardware/CUDA Moat.md", new);
        let mut rewritten: Vec<String> =
            plan.rewritten.iter().map(|r| format!("{} {}", r.before, r.after)).collect();
        rewritten.sort();
        let stem = plan.to.rsplit('/').next().and_then(|n| n.strip_suffix(".md")).expect("stem").to_owned();
        // Two notes, and the canvas: its file node (the full path) and a text node's link.
        assert_eq!(
            rewritten,
            [
                format!("\"hardware/CUDA Moat.md\" \"{}\"", plan.to),
                format!("[[CUDA Moat#How large is the moat]] [[{stem}#How large is the moat]]"),
                format!("[[CUDA Moat]] [[{stem}]]"),
                format!("[[CUDA Moat]] [[{stem}]]"),
                format!("[[CUDA Moat]] [[{stem}]]"),
            ],
            "{new}"
        );
        let after = load(dir.path());
        let moved = &after.notes[note(&after, &plan.to)];
        assert_eq!(moved.note.properties.title.as_ref().map(|t| t.value.as_str()), Some(plan.title.as_str()));
        assert_eq!(moved.note.h1().map(|h| h.text.as_str()), Some(plan.title.as_str()));
        assert_eq!(
            vellum_check::check(&after).expect("kept").len(),
            checked_before,
            "{new}: no new diagnostics"
        );
        rename_in(dir.path(), &plan.to, "hardware/CUDA Moat");
        common::assert_same(
            &notes_only(dir.path()),
            &before,
            &format!("{new}: renaming back restores every note's byte"),
        );
    }
}

const A: &str = "---\ntitle: Source\n---\n\n# Source\n\n\
Plain [[Old Name]], case [[old name]], alias [[Old Name|the old one]], heading [[Old Name#Section|s]], \
folder [[notes/Old Name]], rooted [[/notes/Old Name]], with ext [[Old Name.md]], block [[Old Name#^blk]], \
H1 [[Old Name#Old Name]], embed ![[Old Name]].\n\n\
Markdown [x](Old%20Name.md), [y](<notes/Old Name.md>), [z](notes/Old%20Name.md#Section), [r](./notes/Old%20Name.md).\n\n\
| table |\n|---|\n| [[Old Name\\|t]] |\n\n\
`[[Old Name]]` in code, and [[Other]] and [[Old Namesake]].\n\n\
<div class=\"linkage-tree\">\n  <ul>\n    <li>related\n      <ul>\n        <li>[[Old Name]]</li>\n      </ul>\n    </li>\n  </ul>\n</div>\n";

const OLD: &str = "---\ntitle: \"Old Name\" # quoted\ntags: [x]\n---\n\n# Old Name\n\nSelf [[Old Name#Section]] and [[#Section]], out [[Other]] and [o](../Other.md).\n\n## Section\n\nText ^blk\n";

#[test]
fn every_link_form_follows_and_keeps_its_form() {
    let dir = vault_with(&[
        ("a.md", A),
        ("notes/Old Name.md", OLD),
        ("Other.md", "# Other\n"),
        ("Old Namesake.md", "# Old Namesake\n"),
    ]);
    let plan = rename_in(dir.path(), "Old Name", "moved/New: Name");
    assert_eq!(plan.to, "moved/New - Name.md");
    let a = std::fs::read_to_string(dir.path().join("a.md")).expect("a");
    let expected = A
        .replace("[[Old Name]]", "[[New - Name]]")
        .replace("[[old name]]", "[[New - Name]]")
        .replace("[[Old Name|", "[[New - Name|")
        .replace("[[Old Name#Section", "[[New - Name#Section")
        // The folder form no longer resolves: the shortest unique form.
        .replace("[[notes/Old Name]]", "[[New - Name]]")
        .replace("[[/notes/Old Name]]", "[[/moved/New - Name]]")
        .replace("[[Old Name.md]]", "[[New - Name.md]]")
        .replace("[[Old Name#^blk]]", "[[New - Name#^blk]]")
        .replace("[[Old Name#Old Name]]", "[[New - Name#New: Name]]")
        .replace("(Old%20Name.md)", "(New%20-%20Name.md)")
        .replace("(<notes/Old Name.md>)", "(<New - Name.md>)")
        .replace("(notes/Old%20Name.md#Section)", "(New%20-%20Name.md#Section)")
        .replace("(./notes/Old%20Name.md)", "(./moved/New%20-%20Name.md)")
        .replace("[[Old Name\\|t]]", "[[New - Name\\|t]]")
        .replace("`[[New - Name]]` in code", "`[[Old Name]]` in code");
    assert_eq!(a, expected);
    let moved = std::fs::read_to_string(dir.path().join("moved/New - Name.md")).expect("moved");
    assert_eq!(
        moved,
        "---\ntitle: \"New: Name\" # quoted\ntags: [x]\n---\n\n# New: Name\n\nSelf [[New - Name#Section]] and [[#Section]], out [[Other]] and [o](../Other.md).\n\n## Section\n\nText ^blk\n"
    );
    let vault = load(dir.path());
    let broken: Vec<_> = vellum_check::check(&vault)
        .expect("kept")
        .into_iter()
        .filter(|d| d.severity == vellum_check::Severity::Error)
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn only_links_that_resolve_to_the_note_are_rewritten() {
    let dir = vault_with(&[
        ("x/Dup.md", "# Dup x\n"),
        ("y/Dup.md", "# Dup y\n"),
        ("y/src.md", "[[Dup]] beside\n"),
        ("root.md", "[[Dup]] shortest\n"),
    ]);
    let plan = rename_in(dir.path(), "y/Dup.md", "Dup2");
    assert_eq!(plan.rewritten.len(), 1);
    assert_eq!(std::fs::read_to_string(dir.path().join("y/src.md")).expect("src"), "[[Dup2]] beside\n");
    assert_eq!(std::fs::read_to_string(dir.path().join("root.md")).expect("root"), "[[Dup]] shortest\n");
}

#[test]
fn a_rename_that_would_change_other_links_is_refused() {
    let dir = vault_with(&[("a/Note.md", "# Note\n"), ("b/Other.md", "# Other\n"), ("src.md", "[[Note]]\n")]);
    let vault = load(dir.path());
    let err = rename::plan(&vault, note(&vault, "b/Other.md"), "/Note").expect_err("refused");
    assert!(matches!(err, RenameError::WouldBreak(_)), "{err}");
    assert!(err.to_string().contains("src.md:1: [[Note]] leads to `a/Note.md`"), "{err}");
    let err = rename::plan(&vault, note(&vault, "b/Other.md"), "a/note").expect_err("taken");
    assert!(matches!(err, RenameError::Exists(_)), "{err}");
    let err = rename::plan(&vault, note(&vault, "b/Other.md"), "b/Other").expect_err("same");
    assert!(matches!(err, RenameError::NothingToDo));
}

#[test]
fn a_concurrent_save_is_refused_and_nothing_is_overwritten() {
    let dir = copy_of(&example());
    let vault = load(dir.path());
    let plan = rename::plan(&vault, note(&vault, "CUDA Moat"), "GPU Software Moat").expect("plan");
    let before = snapshot(dir.path());
    let victim = dir.path().join("hardware/Apple Silicon Goes Pro.md");
    let edited = "an editor saved this meanwhile\n";
    let mut writer = Writer::new(dir.path()).before_write(|p| {
        if p == victim {
            std::fs::write(p, edited)?;
        }
        Ok(())
    });
    let err = writer.apply(&plan.changes).expect_err("refused");
    assert!(matches!(err.failure, Failure::Changed), "{err}");
    assert_eq!(err.failed, "hardware/Apple Silicon Goes Pro.md");
    assert!(err.not_rolled_back.is_empty());
    let mut expected = before;
    expected.insert("hardware/Apple Silicon Goes Pro.md".into(), edited.as_bytes().to_vec());
    common::assert_same(&snapshot(dir.path()), &expected, "every other file is as it was");
}

#[test]
fn a_failure_midway_leaves_every_file_old() {
    let dir = copy_of(&example());
    let vault = load(dir.path());
    let plan = rename::plan(&vault, note(&vault, "CUDA Moat"), "software/GPU Software Moat").expect("plan");
    assert!(matches!(plan.changes[0], Change::Move { .. }));
    // The move, two notes and the canvas that link the note, the redirect record.
    assert_eq!(plan.changes.len(), 5);
    assert_eq!(plan.changes[4].path(), ".vellum-redirects", "the old URL is recorded last");
    let last = dir.path().join(plan.changes[3].path());
    let before = snapshot(dir.path());
    let mut writer = Writer::new(dir.path())
        .before_write(|p| if p == last { Err(io::Error::other("disk full (injected)")) } else { Ok(()) });
    let err = writer.apply(&plan.changes).expect_err("fails");
    assert_eq!(err.rolled_back.len(), 3, "{err}");
    assert_eq!(err.untouched, [".vellum-redirects"], "{err}");
    assert!(err.to_string().contains("every file is as it was before"), "{err}");
    assert!(err.to_string().contains("disk full (injected)"), "{err}");
    common::assert_same(&snapshot(dir.path()), &before, "every file is old");
}

#[test]
fn crlf_bom_and_quoting_survive_a_rename() {
    let old = "\u{feff}---\r\ntitle: 'Old'   # kept\r\naliases: [o]\r\n---\r\n\r\n# Old\r\n\r\nText [[Old#^b]].\r\n\r\nBlock ^b\r\n";
    let dir = vault_with(&[("Old.md", old), ("x.md", "[[Old]]\r\n")]);
    let plan = rename_in(dir.path(), "Old", "It's new");
    assert_eq!(plan.to, "It's new.md");
    let text = std::fs::read_to_string(dir.path().join("It's new.md")).expect("moved");
    assert_eq!(
        text,
        "\u{feff}---\r\ntitle: 'It''s new'   # kept\r\naliases: [o]\r\n---\r\n\r\n# It's new\r\n\r\nText [[It's new#^b]].\r\n\r\nBlock ^b\r\n"
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("x.md")).expect("x"), "[[It's new]]\r\n");
}

/// Every way a link is written in a property: double- and single-quoted,
/// unquoted in a flow list, in a block list, and inside a longer text, with
/// comments, key order and quoting around it.
const PROPS: &str = "---\n\
title: Props # the title\n\
up: \"[[Old Name]]\"\n\
single: '[[Old Name#Section|s]]'\n\
flow: [[[Old Name]], [[Other]]]\n\
list:\n  - \"[[Old Name]]\"\n  - plain item\n  - '[[Old Name|named]]'\n\
source: see [[Old Name]] and [[Other]] for more   # trailing comment\n\
cover: \"![[Old Name]]\"\n\
md: \"[text](Old%20Name.md)\"\n\
---\n\
Body [[Old Name]].\n";

#[test]
fn links_in_properties_follow_byte_for_byte() {
    let dir = vault_with(&[("p.md", PROPS), ("notes/Old Name.md", OLD), ("Other.md", "# Other\n")]);
    let before = snapshot(dir.path());
    let plan = rename_in(dir.path(), "Old Name", "New Name");
    assert_eq!(plan.rewritten.iter().filter(|r| r.file == "p.md").count(), 9, "{:?}", plan.rewritten);
    let p = std::fs::read_to_string(dir.path().join("p.md")).expect("p");
    let expected = PROPS.replace("[[Old Name", "[[New Name").replace("(Old%20Name.md)", "(New%20Name.md)");
    assert_eq!(p, expected);
    // Outside the links nothing moved: the same text once the links are cut out.
    let cut = |t: &str| {
        let note = vellum_syntax::parse(t);
        let mut out = String::new();
        let mut last = 0;
        for l in &note.links {
            out.push_str(&t[last..l.span.start]);
            last = l.span.end;
        }
        out.push_str(&t[last..]);
        out
    };
    assert_eq!(cut(&p), cut(PROPS));
    // The vault agrees: the same property links, now to the moved note.
    let vault = load(dir.path());
    let moved = note(&vault, "notes/New Name.md");
    let from_props =
        vault.backlinks(moved).iter().filter(|&&(s, l)| vault.notes[s].note.links[l].in_property());
    assert_eq!(from_props.count(), 8);
    // And back again: every byte as it was.
    rename_in(dir.path(), "notes/New Name.md", "Old Name");
    common::assert_same(&notes_only(dir.path()), &before, "renaming back restores every note's byte");
}

#[test]
fn a_property_link_that_cannot_be_written_in_its_yaml_is_refused() {
    // In an unquoted flow list, a name with a comma would split the item.
    let dir = vault_with(&[("p.md", "---\nflow: [[[Old Name]]]\n---\n"), ("Old Name.md", "# Old Name\n")]);
    let vault = load(dir.path());
    let err = rename::plan(&vault, note(&vault, "Old Name"), "Old, Name").expect_err("refused");
    assert!(matches!(err, RenameError::WouldBreak(_)), "{err}");
    assert!(err.to_string().contains("p.md:2: cannot rewrite `[[Old Name]]`"), "{err}");
    // Quoted, it can: escaped for its quotes.
    let dir = vault_with(&[("p.md", "---\nq: '[[Old Name]]'\n---\n"), ("Old Name.md", "# Old Name\n")]);
    rename_in(dir.path(), "Old Name", "Ender's Name");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("p.md")).expect("p"),
        "---\nq: '[[Ender''s Name]]'\n---\n"
    );
}

#[test]
fn an_unwritten_link_the_new_name_answers_is_a_notice_and_fragments_follow() {
    let dir = vault_with(&[
        ("Old.md", "# Old\n\n## Part\n\ntext ^b\n"),
        ("src.md", "[[New]] [[Old#Part]] [[Old#Gone]] [[Old#^b]]\n"),
    ]);
    let vault = load(dir.path());
    let plan = rename::plan(&vault, note(&vault, "Old.md"), "New").expect("plan");
    assert!(
        plan.notices.iter().any(|n| n.contains("src.md:1: [[New]] was unwritten and now leads to `New.md`")),
        "{:?}",
        plan.notices
    );
    let src = plan.changes.iter().find(|c| c.path() == "src.md").expect("src rewritten");
    assert_eq!(src.text(), "[[New]] [[New#Part]] [[New#Gone]] [[New#^b]]\n");
}

/// The vault's files but the redirect record, which keeps the URLs a
/// rename left (renaming back leaves the intermediate URL recorded).
fn notes_only(root: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(root);
    assert!(files.remove(".vellum-redirects").is_some(), "a rename records the URL it leaves");
    files
}
