//! `SearchIndex::open_quick`: opening the index without loading the vault,
//! from the file stamps recorded at the last sync.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use vellum_search::{SearchIndex, index_dir};
use vellum_vault::{FileStamp, file_stamps};

const NVIDIA: &str = "Nvidia Open Sources GPU Kernel Modules.md";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        if entry.file_name() == ".vellum" {
            continue;
        }
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).expect("copy");
        }
    }
}

/// Set the modification time of every file under `dir` to `ago` before now.
fn age(dir: &Path, ago: Duration) {
    let when = SystemTime::now() - ago;
    for entry in fs::read_dir(dir).expect("read_dir") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_dir() {
            if entry.file_name() != ".vellum" {
                age(&entry.path(), ago);
            }
        } else {
            let f = fs::File::options().append(true).open(entry.path()).expect("open");
            f.set_modified(when).expect("set mtime");
        }
    }
}

/// A copy of the example vault whose files all look an hour old.
fn vault() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("journal");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal"), &root);
    age(&root, Duration::from_secs(3600));
    (tmp, root)
}

/// Rewrite a note and date it `ago` before now.
fn edit(root: &Path, rel: &str, extra: &str, ago: Duration) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, format!("{text}\n{extra}\n")).expect("write");
    let f = fs::File::options().append(true).open(&path).expect("open");
    f.set_modified(SystemTime::now() - ago).expect("set mtime");
}

fn stamps(root: &Path) -> Vec<FileStamp> {
    file_stamps(root).expect("stamps")
}

/// A full sync the way `vellum search` does it when the quick path says no.
fn full_sync(root: &Path) -> usize {
    let before = stamps(root);
    let vault = vellum_vault::load(root).expect("load");
    let (index, _) = SearchIndex::open(&vault).expect("open");
    assert!(index.record_stamps(root, &before));
    vault.notes.len()
}

fn hits(index: &SearchIndex, q: &str) -> Vec<String> {
    index.search(q, 20, true).expect("search").into_iter().map(|h| h.path).collect()
}

#[test]
fn no_change_opens_without_loading_and_finds_the_same() {
    let (_tmp, root) = vault();
    assert!(SearchIndex::open_quick(&root, &stamps(&root)).is_none(), "no index yet");
    let n = full_sync(&root);
    let (index, stats) = SearchIndex::open_quick(&root, &stamps(&root)).expect("quick open");
    assert_eq!(stats.changed(), 0);
    assert_eq!(stats.unchanged, n);
    assert!(hits(&index, "kernel").contains(&NVIDIA.to_owned()));
}

#[test]
fn one_edit_reindexes_one_note_and_is_then_in_sync() {
    let (_tmp, root) = vault();
    full_sync(&root);
    edit(&root, NVIDIA, "Quokkas everywhere.", Duration::from_secs(60));
    let (index, stats) = SearchIndex::open_quick(&root, &stamps(&root)).expect("quick open");
    assert_eq!((stats.added, stats.updated, stats.removed), (0, 1, 0), "{stats:?}");
    assert_eq!(hits(&index, "quokkas"), vec![NVIDIA.to_owned()]);
    drop(index);
    let (_, stats) = SearchIndex::open_quick(&root, &stamps(&root)).expect("quick open");
    assert_eq!(stats.changed(), 0, "{stats:?}");
}

#[test]
fn added_and_deleted_notes() {
    let (_tmp, root) = vault();
    full_sync(&root);
    let numbat = root.join("Numbat Notes.md");
    fs::write(&numbat, "# Numbat Notes\n\nNumbats eat termites.\n").expect("write");
    let f = fs::File::options().append(true).open(&numbat).expect("open");
    f.set_modified(SystemTime::now() - Duration::from_secs(60)).expect("mtime");
    fs::remove_file(root.join(NVIDIA)).expect("rm");
    let (index, stats) = SearchIndex::open_quick(&root, &stamps(&root)).expect("quick open");
    assert_eq!((stats.added, stats.updated, stats.removed), (1, 0, 1), "{stats:?}");
    assert_eq!(hits(&index, "numbats"), vec!["Numbat Notes.md".to_owned()]);
    assert!(!hits(&index, "kernel").contains(&NVIDIA.to_owned()));
}

#[test]
fn a_note_written_just_now_is_checked_again_next_time() {
    let (_tmp, root) = vault();
    edit(&root, NVIDIA, "Wallabies.", Duration::ZERO);
    full_sync(&root);
    // Its stamp was too young to trust when recorded: re-indexed once, then settled.
    let (_, stats) = SearchIndex::open_quick(&root, &stamps(&root)).expect("quick open");
    assert_eq!(stats.updated, 1, "{stats:?}");
}

#[test]
fn a_touched_index_file_sends_back_to_the_full_open() {
    let (_tmp, root) = vault();
    full_sync(&root);
    let meta = index_dir(&root).join("meta.json");
    let text = fs::read_to_string(&meta).expect("meta");
    fs::write(&meta, format!("{text} ")).expect("write");
    assert!(SearchIndex::open_quick(&root, &stamps(&root)).is_none());
    // And the full open deletes the record before it touches the index.
    let vault = vellum_vault::load(&root).expect("load");
    let (index, _) = SearchIndex::open(&vault).expect("open");
    assert!(hits(&index, "kernel").contains(&NVIDIA.to_owned()));
    assert!(SearchIndex::open_quick(&root, &stamps(&root)).is_none());
}
