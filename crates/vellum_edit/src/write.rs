//! Writing planned changes to disk, so that a journal never loses a byte and
//! is never left half-written.
//!
//! 1. **Check first.** Before anything is written, every file to change is
//!    read again and compared byte for byte with the text the plan was made
//!    from, and every file to create must not exist. A mismatch stops the
//!    whole change with nothing written.
//! 2. **One file at a time, atomically.** The new text goes to a temporary
//!    file in the same folder, is synced, gets the original's permissions
//!    (and owner, when allowed), and is renamed over the original. Right
//!    before the rename the original is compared once more, so a save by an
//!    editor in between is refused, not overwritten. New files are created
//!    with a rename that refuses to replace an existing file.
//! 3. **All or nothing.** If a file fails, the files already written are
//!    restored from the in-memory originals (each again atomically, and only
//!    if they still hold what vellum wrote), and [`ApplyError`] says which
//!    files were restored, which could not be, and which were never touched.
//!
//! What is not covered: another program that writes a file in the instant
//! between the last comparison and the rename (there is no file locking that
//! editors honour), and power loss in the middle of a multi-file change (each
//! file is then old or new, but not all files may be on the same side).

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// One file to create, change or move, with the text the plan was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Create a file that must not exist yet.
    Create {
        /// Vault-relative path.
        path: String,
        /// Its text.
        text: String,
    },
    /// Replace the text of an existing file.
    Modify {
        /// Vault-relative path.
        path: String,
        /// The text the change was planned from; the file must still hold it.
        original: String,
        /// The new text.
        text: String,
    },
    /// Move a file (possibly to a new folder) and give it a new text.
    Move {
        /// Vault-relative path now.
        from: String,
        /// Vault-relative path after the move; must not exist yet.
        to: String,
        /// The text the change was planned from; the file must still hold it.
        original: String,
        /// The text after the move.
        text: String,
    },
}

impl Change {
    /// Where the file is after the change.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::Create { path, .. } | Self::Modify { path, .. } => path,
            Self::Move { to, .. } => to,
        }
    }

    /// The file's text after the change.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Self::Create { text, .. } | Self::Modify { text, .. } | Self::Move { text, .. } => text,
        }
    }

    /// How to name the change in messages: the path, or `from -> to`.
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Create { path, .. } | Self::Modify { path, .. } => path.clone(),
            Self::Move { from, to, .. } => format!("{from} -> {to}"),
        }
    }
}

/// Why one file could not be written.
#[derive(Debug)]
pub enum Failure {
    /// The file changed on disk since it was read.
    Changed,
    /// The file to create (or move to) already exists.
    Exists,
    /// The file to change is gone.
    Missing,
    /// The file is a symbolic link, which vellum does not move.
    Symlink,
    /// Any other I/O error (permissions, disk full, an injected test failure).
    Io(io::Error),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Changed => f.write_str(
                "it changed on disk since vellum read it (saved by another program?); it was not overwritten",
            ),
            Self::Exists => f.write_str("a file with this name already exists; it was not overwritten"),
            Self::Missing => f.write_str("it no longer exists"),
            Self::Symlink => f.write_str("it is a symbolic link; move it by hand"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// A change that failed, and the state it left every file in.
#[derive(Debug)]
pub struct ApplyError {
    /// The change that failed (a path, or `from -> to`).
    pub failed: String,
    /// Why.
    pub failure: Failure,
    /// Whether the failure was found before anything was written.
    pub before_writing: bool,
    /// Changes already written and then restored to their original text.
    pub rolled_back: Vec<String>,
    /// Changes already written that could not be restored, with the reason:
    /// these files hold the new text.
    pub not_rolled_back: Vec<(String, String)>,
    /// Changes never started: these files are as they were.
    pub untouched: Vec<String>,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write `{}`: {}", self.failed, self.failure)?;
        if self.before_writing {
            return write!(f, "\nnothing was written: every file is as it was");
        }
        if !self.rolled_back.is_empty() {
            write!(f, "\nrestored to their original text: {}", quoted(&self.rolled_back))?;
        }
        if !self.untouched.is_empty() {
            write!(f, "\nnot touched: {}", quoted(&self.untouched))?;
        }
        if self.not_rolled_back.is_empty() {
            write!(f, "\nevery file is as it was before")
        } else {
            for (path, why) in &self.not_rolled_back {
                write!(f, "\ncould NOT restore `{path}` ({why}): it holds the new text, check it by hand")?;
            }
            Ok(())
        }
    }
}

impl std::error::Error for ApplyError {}

fn quoted(paths: &[String]) -> String {
    paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
}

/// What [`Writer::apply`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The paths written (after the change), in order.
    pub written: Vec<String>,
}

type Hook<'h> = Box<dyn FnMut(&Path) -> io::Result<()> + 'h>;

/// Writes [`Change`]s under a vault root. See the module docs for the guarantees.
pub struct Writer<'h> {
    root: PathBuf,
    before_write: Option<Hook<'h>>,
}

impl fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer").field("root", &self.root).finish_non_exhaustive()
    }
}

/// A step already done, with what is needed to undo it.
enum Done {
    Modified { label: String, path: PathBuf, original: String, written: String },
    Created { label: String, path: PathBuf, written: String, dirs: Vec<PathBuf> },
    Moved { label: String, from: PathBuf, to: PathBuf, original: String, written: String, dirs: Vec<PathBuf> },
}

impl<'h> Writer<'h> {
    /// A writer for the vault at `root` (paths in changes are relative to it).
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into(), before_write: None }
    }

    /// Call `hook` with the absolute path of each file right before it is
    /// replaced, created or removed (after the temporary file is ready, before
    /// the last comparison). An error from the hook fails that file as an I/O
    /// error would. Meant for tests: simulate a concurrent save or a failure.
    #[must_use]
    pub fn before_write(mut self, hook: impl FnMut(&Path) -> io::Result<()> + 'h) -> Self {
        self.before_write = Some(Box::new(hook));
        self
    }

    /// Apply `changes` in order, all or nothing (see the module docs).
    ///
    /// # Errors
    /// When a file changed on disk, a file to create exists, or any I/O fails;
    /// the error says which files were restored and which were not touched.
    pub fn apply(&mut self, changes: &[Change]) -> Result<Applied, ApplyError> {
        for (i, c) in changes.iter().enumerate() {
            if let Err(failure) = self.preflight(c) {
                return Err(ApplyError {
                    failed: c.label(),
                    failure,
                    before_writing: true,
                    rolled_back: Vec::new(),
                    not_rolled_back: Vec::new(),
                    untouched: changes
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .map(|(_, c)| c.label())
                        .collect(),
                });
            }
        }
        let mut done = Vec::with_capacity(changes.len());
        for (i, c) in changes.iter().enumerate() {
            match self.step(c) {
                Ok(d) => done.push(d),
                Err(failure) => {
                    let (rolled_back, not_rolled_back) = rollback(done);
                    return Err(ApplyError {
                        failed: c.label(),
                        failure,
                        before_writing: false,
                        rolled_back,
                        not_rolled_back,
                        untouched: changes[i + 1..].iter().map(Change::label).collect(),
                    });
                }
            }
        }
        Ok(Applied { written: changes.iter().map(|c| c.path().to_owned()).collect() })
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn hook(&mut self, path: &Path) -> Result<(), Failure> {
        match &mut self.before_write {
            Some(h) => h(path).map_err(Failure::Io),
            None => Ok(()),
        }
    }

    fn preflight(&self, c: &Change) -> Result<(), Failure> {
        match c {
            Change::Create { path, .. } => {
                if exists(&self.abs(path)) {
                    return Err(Failure::Exists);
                }
            }
            Change::Modify { path, original, .. } => guard(&real_path(&self.abs(path))?, original)?,
            Change::Move { from, to, original, .. } => {
                let from_abs = self.abs(from);
                if fs::symlink_metadata(&from_abs).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(Failure::Symlink);
                }
                guard(&from_abs, original)?;
                let to_abs = self.abs(to);
                if exists(&to_abs) && !same_file(&from_abs, &to_abs) {
                    return Err(Failure::Exists);
                }
            }
        }
        Ok(())
    }

    fn step(&mut self, c: &Change) -> Result<Done, Failure> {
        match c {
            Change::Modify { path, original, text } => {
                let target = real_path(&self.abs(path))?;
                self.replace(&target, original, text)?;
                Ok(Done::Modified {
                    label: c.label(),
                    path: target,
                    original: original.clone(),
                    written: text.clone(),
                })
            }
            Change::Create { path, text } => {
                let target = self.abs(path);
                let dirs = create_dirs(&target)?;
                let result = (|| {
                    let tmp = temp_file(&target, None, text)?;
                    self.hook(&target)?;
                    persist_new(tmp, &target)
                })();
                if let Err(e) = result {
                    remove_dirs(&dirs);
                    return Err(e);
                }
                Ok(Done::Created { label: c.label(), path: target, written: text.clone(), dirs })
            }
            Change::Move { from, to, original, text } => {
                let from_abs = self.abs(from);
                let to_abs = self.abs(to);
                if same_file(&from_abs, &to_abs) {
                    // A change of case on a case-insensitive file system:
                    // write in place, then rename.
                    self.replace(&from_abs, original, text)?;
                    if let Err(e) = fs::rename(&from_abs, &to_abs) {
                        let _ = atomic_write(&from_abs, original);
                        return Err(e.into());
                    }
                    sync_dir(&to_abs);
                    return Ok(Done::Moved {
                        label: c.label(),
                        from: from_abs,
                        to: to_abs,
                        original: original.clone(),
                        written: text.clone(),
                        dirs: Vec::new(),
                    });
                }
                let meta = fs::metadata(&from_abs).map_err(missing)?;
                let dirs = create_dirs(&to_abs)?;
                let result = (|| {
                    let tmp = temp_file(&to_abs, Some(&meta), text)?;
                    self.hook(&to_abs)?;
                    guard(&from_abs, original)?;
                    persist_new(tmp, &to_abs)?;
                    let removed = self
                        .hook(&from_abs)
                        .and_then(|()| guard(&from_abs, original))
                        .and_then(|()| fs::remove_file(&from_abs).map_err(Failure::Io));
                    if let Err(e) = removed {
                        let _ = fs::remove_file(&to_abs);
                        return Err(e);
                    }
                    Ok(())
                })();
                if let Err(e) = result {
                    remove_dirs(&dirs);
                    return Err(e);
                }
                sync_dir(&from_abs);
                sync_dir(&to_abs);
                Ok(Done::Moved {
                    label: c.label(),
                    from: from_abs,
                    to: to_abs,
                    original: original.clone(),
                    written: text.clone(),
                    dirs,
                })
            }
        }
    }

    /// Replace the text of `target` atomically, if it still holds `original`.
    fn replace(&mut self, target: &Path, original: &str, text: &str) -> Result<(), Failure> {
        let meta = fs::metadata(target).map_err(missing)?;
        let tmp = temp_file(target, Some(&meta), text)?;
        self.hook(target)?;
        guard(target, original)?;
        tmp.persist(target).map_err(|e| Failure::Io(e.error))?;
        sync_dir(target);
        Ok(())
    }
}

/// Undo `done` in reverse order. Returns (restored, not restored with why).
fn rollback(done: Vec<Done>) -> (Vec<String>, Vec<(String, String)>) {
    let mut restored = Vec::new();
    let mut failed = Vec::new();
    for d in done.into_iter().rev() {
        let (label, result) = match d {
            Done::Modified { label, path, original, written } => {
                (label, still_holds(&path, &written).and_then(|()| atomic_write(&path, &original)))
            }
            Done::Created { label, path, written, dirs } => {
                let r = still_holds(&path, &written).and_then(|()| fs::remove_file(&path));
                if r.is_ok() {
                    remove_dirs(&dirs);
                }
                (label, r)
            }
            Done::Moved { label, from, to, original, written, dirs } => {
                let r = still_holds(&to, &written).and_then(|()| {
                    if same_file(&from, &to) {
                        fs::rename(&to, &from)?;
                        atomic_write(&from, &original)
                    } else {
                        let meta = fs::metadata(&to)?;
                        let tmp = temp_file(&from, Some(&meta), &original).map_err(into_io)?;
                        persist_new(tmp, &from).map_err(into_io)?;
                        fs::remove_file(&to)
                    }
                });
                if r.is_ok() {
                    remove_dirs(&dirs);
                }
                (label, r)
            }
        };
        match result {
            Ok(()) => restored.push(label),
            Err(e) => failed.push((label, e.to_string())),
        }
    }
    restored.reverse();
    failed.reverse();
    (restored, failed)
}

fn into_io(f: Failure) -> io::Error {
    match f {
        Failure::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

fn still_holds(path: &Path, written: &str) -> io::Result<()> {
    if fs::read(path)? == written.as_bytes() {
        Ok(())
    } else {
        Err(io::Error::other("it changed on disk after vellum wrote it"))
    }
}

fn missing(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::NotFound { Failure::Missing } else { Failure::Io(e) }
}

/// The file must hold exactly `original`.
fn guard(path: &Path, original: &str) -> Result<(), Failure> {
    match fs::read(path) {
        Ok(now) if now == original.as_bytes() => Ok(()),
        Ok(_) => Err(Failure::Changed),
        Err(e) => Err(missing(e)),
    }
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Follow a symbolic link, so the file it points to is replaced, not the link.
fn real_path(path: &Path) -> Result<PathBuf, Failure> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).map_err(missing),
        Ok(_) => Ok(path.to_path_buf()),
        Err(e) => Err(missing(e)),
    }
}

/// Whether two paths name the same existing file (a case-only rename on a
/// case-insensitive file system).
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Create the missing folders above `path`; returns those created, outermost first.
fn create_dirs(path: &Path) -> Result<Vec<PathBuf>, Failure> {
    let Some(parent) = path.parent() else { return Ok(Vec::new()) };
    let mut missing_dirs: Vec<PathBuf> =
        parent.ancestors().take_while(|d| !d.exists()).map(Path::to_path_buf).collect();
    missing_dirs.reverse();
    if let Err(e) = fs::create_dir_all(parent) {
        remove_dirs(&missing_dirs);
        return Err(e.into());
    }
    Ok(missing_dirs)
}

/// Remove folders created by [`create_dirs`], innermost first, if empty.
fn remove_dirs(dirs: &[PathBuf]) {
    for d in dirs.iter().rev() {
        let _ = fs::remove_dir(d);
    }
}

/// A temporary file beside `target` holding `text`, synced, with the
/// permissions (and owner) of `like` when given.
fn temp_file(
    target: &Path,
    like: Option<&fs::Metadata>,
    text: &str,
) -> Result<tempfile::NamedTempFile, Failure> {
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let short: String = name.chars().take(24).collect();
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{short}.");
    builder.prefix(&prefix).suffix(".vellum-tmp");
    #[cfg(unix)]
    if like.is_none() {
        use std::os::unix::fs::PermissionsExt as _;
        // What a new file gets from an editor: 0666 less the umask.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Some(meta) = like {
        fs::set_permissions(tmp.path(), meta.permissions())?;
        keep_owner(tmp.path(), meta);
    }
    Ok(tmp)
}

#[cfg(unix)]
fn keep_owner(path: &Path, like: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt as _;
    if let Ok(now) = fs::metadata(path)
        && (now.uid() != like.uid() || now.gid() != like.gid())
    {
        // Best effort: only root may give a file away.
        let _ = std::os::unix::fs::chown(path, Some(like.uid()), Some(like.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_path: &Path, _like: &fs::Metadata) {}

/// Rename `tmp` to `target`, refusing to replace an existing file.
fn persist_new(tmp: tempfile::NamedTempFile, target: &Path) -> Result<(), Failure> {
    match tmp.persist_noclobber(target) {
        Ok(_) => {
            sync_dir(target);
            Ok(())
        }
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(Failure::Exists),
        Err(e) => Err(Failure::Io(e.error)),
    }
}

/// Write `text` to the existing `path` atomically, keeping its permissions.
fn atomic_write(path: &Path, text: &str) -> io::Result<()> {
    let meta = fs::metadata(path)?;
    let tmp = temp_file(path, Some(&meta), text).map_err(into_io)?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(path);
    Ok(())
}

/// Sync the folder holding `path`, so a rename survives a crash (best effort).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent()
        && let Ok(d) = fs::File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("a.md"), "A\r\n").expect("write");
        fs::write(dir.path().join("b.md"), "B\n").expect("write");
        dir
    }

    fn read(dir: &tempfile::TempDir, p: &str) -> String {
        fs::read_to_string(dir.path().join(p)).expect("read")
    }

    fn modify(path: &str, original: &str, text: &str) -> Change {
        Change::Modify { path: path.into(), original: original.into(), text: text.into() }
    }

    #[test]
    fn writes_keep_permissions_and_leave_no_temp_files() {
        let dir = vault();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(dir.path().join("a.md"), fs::Permissions::from_mode(0o640)).expect("chmod");
        }
        let changes = [
            modify("a.md", "A\r\n", "A2\r\n"),
            Change::Create { path: "sub/c.md".into(), text: "C".into() },
            Change::Move {
                from: "b.md".into(),
                to: "d/b2.md".into(),
                original: "B\n".into(),
                text: "B2\n".into(),
            },
        ];
        let applied = Writer::new(dir.path()).apply(&changes).expect("applies");
        assert_eq!(applied.written, ["a.md", "sub/c.md", "d/b2.md"]);
        assert_eq!(read(&dir, "a.md"), "A2\r\n");
        assert_eq!(read(&dir, "sub/c.md"), "C");
        assert_eq!(read(&dir, "d/b2.md"), "B2\n");
        assert!(!dir.path().join("b.md").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(dir.path().join("a.md")).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .expect("ls")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("vellum-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn preflight_refuses_stale_text_and_existing_files() {
        let dir = vault();
        let err = Writer::new(dir.path())
            .apply(&[modify("b.md", "B\n", "x"), modify("a.md", "not what is on disk", "x")])
            .expect_err("stale");
        assert!(matches!(err.failure, Failure::Changed));
        assert!(err.before_writing);
        assert_eq!(read(&dir, "b.md"), "B\n");
        let err = Writer::new(dir.path())
            .apply(&[Change::Create { path: "a.md".into(), text: "x".into() }])
            .expect_err("exists");
        assert!(matches!(err.failure, Failure::Exists));
        assert_eq!(read(&dir, "a.md"), "A\r\n");
    }

    #[test]
    fn concurrent_save_is_refused_and_earlier_files_restored() {
        let dir = vault();
        let b = dir.path().join("b.md");
        let mut writer = Writer::new(dir.path()).before_write(|p| {
            if p == b {
                fs::write(p, "saved by an editor\n")?;
            }
            Ok(())
        });
        let err = writer
            .apply(&[modify("a.md", "A\r\n", "new A"), modify("b.md", "B\n", "new B")])
            .expect_err("refused");
        assert!(matches!(err.failure, Failure::Changed), "{err}");
        assert_eq!(err.rolled_back, ["a.md"]);
        assert_eq!(read(&dir, "a.md"), "A\r\n");
        assert_eq!(read(&dir, "b.md"), "saved by an editor\n");
        assert!(err.to_string().contains("every file is as it was before"), "{err}");
    }

    #[test]
    fn failure_midway_rolls_back_moves_and_creations() {
        let dir = vault();
        let mut writer = Writer::new(dir.path()).before_write(|p| {
            if p.ends_with("a.md") { Err(io::Error::other("injected failure")) } else { Ok(()) }
        });
        let err = writer
            .apply(&[
                Change::Move {
                    from: "b.md".into(),
                    to: "new/dir/b.md".into(),
                    original: "B\n".into(),
                    text: "x".into(),
                },
                Change::Create { path: "c.md".into(), text: "C".into() },
                modify("a.md", "A\r\n", "new A"),
            ])
            .expect_err("fails");
        assert_eq!(err.failed, "a.md");
        assert_eq!(err.rolled_back, ["b.md -> new/dir/b.md", "c.md"]);
        assert!(err.not_rolled_back.is_empty());
        assert_eq!(read(&dir, "a.md"), "A\r\n");
        assert_eq!(read(&dir, "b.md"), "B\n");
        assert!(!dir.path().join("c.md").exists());
        assert!(!dir.path().join("new").exists(), "created folders are removed again");
    }
}
