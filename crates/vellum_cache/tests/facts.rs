//! The query facts cache: used only while no file of the vault changed, never
//! when a stamp was too young to trust or the blob is damaged.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::set_age;

use vellum_cache::facts::{cached_facts, facts_dir, save_facts};
use vellum_vault::facts::VaultFacts;
use vellum_vault::{FileStamp, file_stamps};

const NOTES: &[(&str, &str)] = &[
    ("Kernel.md", "# Kernel\n\nThe kernel schedules threads. #os\n\nSee [[Scheduler]].\n"),
    ("Scheduler.md", "---\ntags: [os]\n---\n# Scheduler\n\nRuns threads by priority.\n"),
    ("drafts/Idea.md", "---\ndraft: true\n---\n# Idea\n\nAn unfinished thought.\n"),
];

/// A small vault (three notes and an image) whose files all look an hour old.
fn vault() -> (tempfile::TempDir, PathBuf) {
    let image: (&str, &[u8]) = ("diagram.png", &[0x89, b'P', b'N', b'G']);
    let files: Vec<(&str, &[u8])> =
        NOTES.iter().map(|(p, t)| (*p, t.as_bytes())).chain(std::iter::once(image)).collect();
    common::vault_of(&files)
}

fn age(root: &Path) {
    for rel in NOTES.iter().map(|(rel, _)| *rel).chain(["diagram.png"]) {
        set_age(&root.join(rel), Duration::from_secs(3600));
    }
}

fn stamps(root: &Path) -> Vec<FileStamp> {
    file_stamps(root).expect("stamps")
}

fn facts(root: &Path) -> VaultFacts {
    VaultFacts::from_vault(&vellum_vault::load(root).expect("load"), true).expect("kept")
}

#[test]
fn facts_come_back_from_the_cache_only_while_nothing_changed() {
    let (_tmp, root) = vault();
    let before = stamps(&root);
    assert!(cached_facts(&root, &before, true).is_none());
    let facts = facts(&root);
    assert!(save_facts(&root, &before, &facts));
    let cached = cached_facts(&root, &stamps(&root), true).expect("cached");
    assert_eq!(cached, facts);
    let without_bodies = cached_facts(&root, &stamps(&root), false).expect("cached");
    assert_eq!(without_bodies.notes, facts.notes);
    assert!(without_bodies.bodies.is_none());

    // Any file changing (here an attachment) invalidates the whole cache.
    set_age(&root.join("diagram.png"), Duration::from_secs(30));
    assert!(cached_facts(&root, &stamps(&root), false).is_none());
}

#[test]
fn racy_or_damaged_facts_are_not_trusted() {
    let (_tmp, root) = vault();
    fs::write(root.join("Kernel.md"), "# Kernel\n\nJust now.\n").expect("write");
    let before = stamps(&root);
    let facts = facts(&root);
    assert!(!save_facts(&root, &before, &facts), "a file changed in the last two seconds");

    age(&root);
    let before = stamps(&root);
    assert!(save_facts(&root, &before, &facts));
    assert!(cached_facts(&root, &before, true).is_some());
    let bin = facts_dir(&root).join("facts.bin");
    let mut bytes = fs::read(&bin).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    fs::write(&bin, bytes).expect("write");
    assert!(cached_facts(&root, &before, true).is_none());
}
