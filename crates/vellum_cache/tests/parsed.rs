//! The parse cache: a vault loaded through it is the vault loaded without it,
//! after every kind of change; a note is reused only when its file provably
//! did not change.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::set_age;

use vellum_cache::parsed::{ParseCache, parse_dir};
use vellum_vault::{Texts, Vault, load_with};

const NOTES: &[(&str, &str)] = &[
    (
        "Kernel.md",
        "---\ntitle: The Kernel\ntags: [os]\ncreated: 2024-03-01\nup: \"[[Scheduler]]\"\nrating: 4\n---\n# Kernel\n\nThe kernel schedules threads. #os\n\nSee [[Scheduler#Queues]] and ![[diagram.png]].\n",
    ),
    ("Scheduler.md", "---\ntags: [os]\n---\n# Scheduler\n\n## Queues\n\nRuns threads by priority. ^prio\n"),
    ("drafts/Idea.md", "---\ndraft: true\n---\n# Idea\n\nAn unfinished thought with [[Nowhere]].\n"),
];

/// A small vault whose files all look an hour old.
fn vault() -> (tempfile::TempDir, PathBuf) {
    let image: (&str, &[u8]) = ("diagram.png", &[0x89, b'P', b'N', b'G']);
    let files: Vec<(&str, &[u8])> =
        NOTES.iter().map(|(p, t)| (*p, t.as_bytes())).chain(std::iter::once(image)).collect();
    common::vault_of(&files)
}

/// Load through the parse cache, save it, and return the vault.
fn cached(root: &Path) -> Vault {
    let cache = ParseCache::open(root);
    let vault = load_with(root, Texts::ReleaseReusing(&cache)).expect("load");
    cache.save(&vault);
    vault
}

/// Every note of `vault` as text: path, text identity, title and parse.
fn shape(vault: &Vault) -> Vec<String> {
    vault.notes.iter().map(|n| format!("{} {:?} {} {:?}", n.path, n.text, n.title, n.note)).collect()
}

fn assert_same_as_uncached(root: &Path, vault: &Vault) {
    let plain = load_with(root, Texts::Release).expect("load");
    assert_eq!(shape(vault), shape(&plain));
    assert_eq!(format!("{:?}", vault.resolved), format!("{:?}", plain.resolved));
}

#[test]
fn unchanged_notes_are_reused_and_changed_ones_parsed() {
    let (_tmp, root) = vault();
    let first = cached(&root);
    assert_eq!(first.timings.parsed, 3, "an empty cache parses every note");
    assert_same_as_uncached(&root, &first);

    let again = cached(&root);
    assert_eq!(again.timings.parsed, 0, "nothing changed: nothing parsed");
    assert_same_as_uncached(&root, &again);

    // A body edit, an old stamp: only that note is parsed.
    let sched = root.join("Scheduler.md");
    fs::write(&sched, "---\ntags: [os]\n---\n# Scheduler\n\n## Run queues\n\nBy priority.\n").expect("write");
    set_age(&sched, Duration::from_secs(1800));
    let edited = cached(&root);
    assert_eq!(edited.timings.parsed, 1);
    assert_same_as_uncached(&root, &edited);

    // Added and removed notes.
    fs::write(root.join("New.md"), "# New\n\n[[Kernel]]\n").expect("write");
    set_age(&root.join("New.md"), Duration::from_secs(600));
    fs::remove_file(root.join("drafts/Idea.md")).expect("rm");
    let reshaped = cached(&root);
    assert_eq!(reshaped.timings.parsed, 1);
    assert_same_as_uncached(&root, &reshaped);
    let after = cached(&root);
    assert_eq!(after.timings.parsed, 0, "the removed note is forgotten, the added one recorded");
    assert_same_as_uncached(&root, &after);
}

#[test]
fn a_young_stamp_is_never_reused() {
    let (_tmp, root) = vault();
    cached(&root);
    // Same size, same second: a stamp this young cannot tell the texts apart.
    let kernel = root.join("Kernel.md");
    let text = fs::read_to_string(&kernel).expect("read").replace("schedules", "schedulez");
    fs::write(&kernel, text).expect("write");
    let vault = cached(&root);
    assert_eq!(vault.timings.parsed, 1, "the young note is parsed");
    assert_same_as_uncached(&root, &vault);
    // It was recorded as unknown: parsed again next time, even once old.
    set_age(&kernel, Duration::from_secs(60));
    let vault = cached(&root);
    assert_eq!(vault.timings.parsed, 1);
    assert_same_as_uncached(&root, &vault);
    assert_eq!(cached(&root).timings.parsed, 0);
}

#[test]
fn a_damaged_cache_parses_everything() {
    let (_tmp, root) = vault();
    cached(&root);
    let blob = parse_dir(&root).join("notes.bin");
    let mut bytes = fs::read(&blob).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    fs::write(&blob, bytes).expect("write");
    let vault = cached(&root);
    assert_eq!(vault.timings.parsed, 3);
    assert_same_as_uncached(&root, &vault);
}

/// Copy the folder `from` to `to`, every file dated an hour ago.
fn copy_aged(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_aged(&src, &dst);
        } else {
            fs::copy(&src, &dst).expect("copy");
            set_age(&dst, Duration::from_secs(3600));
        }
    }
}

/// Real vaults (the shipped example, and the Obsidian help vault where it is
/// beside the repository): every parse survives the cache as it was.
#[test]
fn real_vaults_come_back_from_the_cache_unchanged() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let vaults = [repo.join("examples/journal"), repo.join("../shared/vaults/obsidian-help-en")];
    for from in vaults.iter().filter(|v| v.is_dir()) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("vault");
        copy_aged(from, &root);
        let first = cached(&root);
        assert!(first.timings.parsed > 0);
        let again = cached(&root);
        assert_eq!(again.timings.parsed, 0, "{}", from.display());
        assert_same_as_uncached(&root, &again);
    }
}
