//! Helpers shared by the CLI's integration tests (each test binary uses a part).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The example vault in the repository.
pub(crate) fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

/// Copy a vault, leaving out the caches (`.vellum/`) and the site (`public/` and its spare)
/// earlier runs left in it. With `when`, every copied file gets that
/// modification time (caches never trust stamps younger than two seconds).
pub(crate) fn copy_vault(from: &Path, to: &Path, when: Option<SystemTime>) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        if e.file_name() == ".vellum" || e.file_name() == "public" || e.file_name() == ".public.vellum-spare"
        {
            continue;
        }
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_vault(&e.path(), &dest, when);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
            if let Some(when) = when {
                let f = std::fs::File::options().append(true).open(&dest).expect("open");
                f.set_modified(when).expect("mtime");
            }
        }
    }
}

/// A temporary copy of the example vault.
pub(crate) fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_vault(&example(), dir.path(), None);
    dir
}

/// What a run of `vellum` gave.
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// `vellum ARGS…` without colour, in `cwd` when given.
pub(crate) fn vellum(args: &[&str], cwd: Option<&Path>) -> Run {
    let mut cmd = assert_cmd::Command::cargo_bin("vellum").expect("binary");
    cmd.env("NO_COLOR", "1").args(args);
    if let Some(cwd) = cwd {
        cmd.current_dir(cwd);
    }
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("utf-8"),
        stderr: String::from_utf8(out.stderr).expect("utf-8"),
    }
}

/// `vellum build ROOT EXTRA…`, which must succeed; its stderr.
pub(crate) fn build(root: &Path, extra: &[&str]) -> String {
    let run = assert_cmd::Command::cargo_bin("vellum")
        .expect("binary")
        .arg("build")
        .arg(root)
        .args(extra)
        .output()
        .expect("runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stderr).into_owned()
}

/// Every file under `dir` by relative path, with its bytes: a folder as a reader sees it.
pub(crate) fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("inside").to_path_buf();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}
