//! Helpers shared by the integration tests: temporary vaults.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The example vault of the repository.
pub fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

/// Copy `from` into a new temporary folder.
pub fn copy_of(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(from, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A temporary vault holding `files` (path, text), with an `.obsidian/` folder.
pub fn vault_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".obsidian")).expect("mkdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

/// Every file under `root` (relative path → bytes).
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        if entry.file_type().expect("type").is_dir() {
            walk(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("prefix").to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(&path).expect("read"));
        }
    }
}

/// Load the vault at `root`.
pub fn load(root: &Path) -> vellum_vault::Vault {
    vellum_vault::load(root).expect("vault")
}

/// The one note `query` names.
pub fn note(vault: &vellum_vault::Vault, query: &str) -> usize {
    let found = vellum_vault::FindNotes::find_notes(vault, query);
    assert_eq!(found.len(), 1, "{query}: {found:?}");
    found[0]
}

/// Assert two snapshots are equal, naming the files that differ.
pub fn assert_same(left: &BTreeMap<String, Vec<u8>>, right: &BTreeMap<String, Vec<u8>>, what: &str) {
    let keys: std::collections::BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    let differ: Vec<String> = keys
        .into_iter()
        .filter(|k| left.get(*k) != right.get(*k))
        .map(|k| {
            let show =
                |m: &BTreeMap<String, Vec<u8>>| m.get(k).map(|b| String::from_utf8_lossy(b).into_owned());
            format!("{k}:\n--- left\n{:?}\n--- right\n{:?}", show(left), show(right))
        })
        .collect();
    assert!(differ.is_empty(), "{what}: files differ:\n{}", differ.join("\n"));
}
