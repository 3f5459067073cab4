//! What the cache tests share: vaults whose files look old enough for
//! every cache to trust their stamps.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Date `path` `ago` before now.
pub(crate) fn set_age(path: &Path, ago: Duration) {
    let f = fs::File::options().append(true).open(path).expect("open");
    f.set_modified(SystemTime::now() - ago).expect("set mtime");
}

/// A vault in a temporary folder (`<tmp>/vault`) holding `files`, each dated an hour ago.
pub(crate) fn vault_of(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("vault");
    for (rel, bytes) in files {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, bytes).expect("write");
        set_age(&path, Duration::from_secs(3600));
    }
    (tmp, root)
}
