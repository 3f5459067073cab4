//! Helpers shared by the test modules.

use std::path::Path;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;
use vellum_site::SiteFile;

/// Set every file under `dir` to an old modification time (stamps younger
/// than two seconds are never trusted).
pub(crate) fn age(dir: &Path) {
    let old = SystemTime::now() - Duration::from_secs(3600);
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            age(&p);
        } else {
            let f = std::fs::File::options().append(true).open(&p).expect("open");
            f.set_modified(old).expect("set mtime");
        }
    }
}

/// Copy a vault, leaving out its caches (`.vellum/`) and a site (`public/`) in it.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type().expect("type").is_dir() {
            if e.file_name() != ".vellum" && e.file_name() != "public" {
                copy_dir(&src, &dst);
            }
        } else {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

/// Two in-memory sites hold the same files with the same bytes.
pub(crate) fn assert_same(a: &FxHashMap<String, SiteFile>, b: &FxHashMap<String, SiteFile>, what: &str) {
    let mut ka: Vec<&String> = a.keys().collect();
    let mut kb: Vec<&String> = b.keys().collect();
    ka.sort();
    kb.sort();
    assert_eq!(ka, kb, "{what}: same files");
    for (k, v) in a {
        assert!(b.get(k) == Some(v), "{what}: `{k}` differs");
    }
}
