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
