//! Reading a vault from disk: walk the folder (respecting `.gitignore`,
//! skipping `.obsidian/`, `.git/`, `.trash/` and vellum's own folders), read
//! and parse every note in parallel. This is the only module that touches the
//! file system.
//!
//! Bad input is normal input: a file that cannot be read, is not UTF-8, is
//! binary or too large becomes a [`LoadProblem`] naming the file, and the rest
//! of the vault loads as usual.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use vellum_syntax::Span;

/// Notes larger than this are reported and not parsed.
pub const MAX_NOTE_BYTES: u64 = 16 * 1024 * 1024;

/// Folder names the walk never enters, wherever they are.
const SKIP_DIRS: &[&str] = &[".obsidian", ".git", ".trash", ".vellum", "node_modules"];
/// Top-level folders that belong to vellum, not to the journal.
const SKIP_TOP: &[&str] = &["public", "_theme", "_templates"];

/// Why a file could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadProblemKind {
    /// The OS refused to read it.
    Unreadable,
    /// Not valid UTF-8.
    InvalidUtf8,
    /// Contains NUL bytes: a binary file with a `.md` name.
    Binary,
    /// Larger than [`MAX_NOTE_BYTES`].
    TooLarge,
    /// The walk failed here (a symlink loop, a vanished folder).
    Walk,
    /// `vellum.toml` is invalid.
    Config,
    /// A setting of Obsidian's in `.obsidian/` that cannot be read as the app
    /// writes it: ignored, with a warning.
    ObsidianSetting,
    /// A symbolic link whose target is outside the vault folder: never
    /// followed, so nothing outside the vault is read or published.
    OutsideVault,
    /// A file or folder name that is not valid UTF-8 or holds a control
    /// character (a newline): links cannot name it, terminals mangle it, and
    /// a lossy copy of the name would point edits at a different file.
    BadName,
    /// A line of the redirect record (`.vellum-redirects`) that is not a
    /// redirect: ignored, with a warning.
    Redirects,
}

/// A file vellum could not load, with what went wrong.
#[derive(Debug, Clone)]
pub struct LoadProblem {
    /// Vault-relative path with `/` separators.
    pub path: String,
    /// What went wrong.
    pub kind: LoadProblemKind,
    /// A sentence for the user.
    pub message: String,
    /// The text to point into, when there is a place to show (for invalid
    /// UTF-8, the file decoded lossily; the prefix before `span` is exact).
    pub text: Option<String>,
    /// The place, if any.
    pub span: Option<Span>,
}

/// A file found by the walk.
#[derive(Debug)]
pub(crate) struct Found {
    pub rel: String,
    pub abs: PathBuf,
    pub is_note: bool,
}

/// Turn a path under `root` into a vault path (`/`-separated).
pub(crate) fn vault_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Some(parts.join("/"))
}

/// Walk the vault. Returns every file (notes and attachments) sorted by path,
/// and the problems met on the way.
pub(crate) fn walk(root: &Path, extra_excludes: &[String]) -> (Vec<Found>, Vec<LoadProblem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let root_owned = root.to_path_buf();
    // Symlinks are followed only while they stay inside the vault: the real
    // root, so that a vault that is itself a symlink still works.
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    // `filter_entry` cannot return problems; it leaves them here.
    let skipped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let skipped_in_filter = std::sync::Arc::clone(&skipped);
    let excludes: Vec<String> = extra_excludes.iter().map(|e| e.trim_matches('/').to_owned()).collect();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(true)
        .git_global(false)
        .add_custom_ignore_filename(".vellumignore")
        .filter_entry(move |entry| {
            let name = entry.file_name().to_string_lossy();
            if entry.depth() == 0 {
                return true;
            }
            if let Some(problem) = refuse(&root_owned, &real_root, entry) {
                skipped_in_filter.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(problem);
                return false;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && SKIP_DIRS.contains(&name.as_ref()) {
                return false;
            }
            // The previous output `vellum build` keeps beside an output folder
            // (`.public.vellum-spare` beside `public/`) to write the next one over.
            if is_dir && name.starts_with('.') && name.ends_with(".vellum-spare") {
                return false;
            }
            if is_dir && entry.depth() == 1 && SKIP_TOP.contains(&name.as_ref()) {
                return false;
            }
            if !excludes.is_empty()
                && let Some(rel) = vault_path(&root_owned, entry.path())
                && excludes.iter().any(|e| rel == *e || rel.starts_with(&format!("{e}/")))
            {
                return false;
            }
            true
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let Some(rel) = vault_path(root, entry.path()) else { continue };
                if rel == "vellum.toml" || rel == crate::redirects::REDIRECTS_FILE {
                    continue;
                }
                let is_note = is_note_path(&rel);
                found.push(Found { rel, abs: entry.into_path(), is_note });
            }
            Err(err) => problems.push(walk_problem(root, &err)),
        }
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.dedup_by(|a, b| a.rel == b.rel);
    problems.append(&mut skipped.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    (found, problems)
}

/// Whether the file at vault path `rel` is a document the walk reads and
/// parses: a note (a `.md` file, any case), a JSON Canvas (`.canvas`,
/// parsed into a note whose links are its file nodes and text-node links)
/// or an Obsidian base (`.base`, whose views are its headings); every other
/// file is an attachment. Links name a canvas or a base by its full name,
/// like an attachment (`[[Board.canvas]]`, `![[Reading.base#Unread]]`).
#[must_use]
pub fn is_note_path(rel: &str) -> bool {
    Path::new(rel).extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
        || vellum_syntax::is_canvas_path(rel)
        || vellum_syntax::is_base_path(rel)
}

/// Whether the walk must not enter `entry` (or list it): a name vellum cannot
/// use, or a symbolic link that leads out of the vault (`notes -> /etc`). The
/// answer is a problem naming the entry.
fn refuse(root: &Path, real_root: &Path, entry: &ignore::DirEntry) -> Option<LoadProblem> {
    let problem = |kind, message: String| LoadProblem {
        // Control characters escaped (`new\nline.md`): the path is printed,
        // and a name must not move the cursor or recolour a terminal.
        path: vault_path(root, entry.path())
            .unwrap_or_default()
            .chars()
            .flat_map(|c| if c.is_control() { c.escape_default().collect() } else { vec![c] })
            .collect(),
        kind,
        message,
        text: None,
        span: None,
    };
    let name = entry.file_name();
    match name.to_str() {
        None => {
            return Some(problem(
                LoadProblemKind::BadName,
                format!("the name {name:?} is not valid UTF-8; rename it (skipped)"),
            ));
        }
        Some(n) if n.chars().any(char::is_control) => {
            return Some(problem(
                LoadProblemKind::BadName,
                format!("the name {:?} holds a control character; rename it (skipped)", n),
            ));
        }
        Some(_) => {}
    }
    if entry.path_is_symlink()
        && let Ok(target) = std::fs::canonicalize(entry.path())
        && !target.starts_with(real_root)
    {
        return Some(problem(
            LoadProblemKind::OutsideVault,
            format!(
                "symbolic link to `{}`, outside the vault: not followed, nothing there is read or published",
                target.display()
            ),
        ));
    }
    None
}

fn walk_problem(root: &Path, err: &ignore::Error) -> LoadProblem {
    let path = error_path(err).and_then(|p| vault_path(root, p)).unwrap_or_default();
    let message = if is_loop(err) {
        "symbolic link loop: this folder links back to one of its parents; skipped".to_owned()
    } else {
        format!("could not walk this path: {}", strip_path_prefix(&err.to_string()))
    };
    LoadProblem { path, kind: LoadProblemKind::Walk, message, text: None, span: None }
}

fn strip_path_prefix(msg: &str) -> &str {
    msg.rsplit_once(": ").map_or(msg, |(_, m)| m)
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().any(is_loop),
        _ => false,
    }
}

/// Read one note: bytes, size, binary and UTF-8 checks.
pub(crate) fn read_note(found: &Found) -> Result<String, LoadProblem> {
    let problem = |kind, message: String, text: Option<String>, span: Option<Span>| LoadProblem {
        path: found.rel.clone(),
        kind,
        message,
        text,
        span,
    };
    let meta = std::fs::metadata(&found.abs)
        .map_err(|e| problem(LoadProblemKind::Unreadable, format!("cannot read file: {e}"), None, None))?;
    if meta.len() > MAX_NOTE_BYTES {
        return Err(problem(
            LoadProblemKind::TooLarge,
            format!(
                "note is {} MB, over the {} MB limit; skipped",
                meta.len() / (1024 * 1024),
                MAX_NOTE_BYTES / (1024 * 1024)
            ),
            None,
            None,
        ));
    }
    let bytes = std::fs::read(&found.abs)
        .map_err(|e| problem(LoadProblemKind::Unreadable, format!("cannot read file: {e}"), None, None))?;
    // Before the NUL check: UTF-16 text is full of NUL bytes but is not binary.
    if let Some(order) = utf16_bom(&bytes) {
        return Err(problem(
            LoadProblemKind::InvalidUtf8,
            format!(
                "file is UTF-16 encoded ({order}, it starts with a byte-order mark); save it as UTF-8; skipped"
            ),
            None,
            None,
        ));
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let lossy = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        let at = lossy.len();
        return Err(problem(
            LoadProblemKind::Binary,
            "file contains NUL bytes: it looks binary, not a Markdown note; skipped".to_owned(),
            Some(lossy),
            Some(Span::empty(at)),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Err(problem(
                LoadProblemKind::InvalidUtf8,
                format!("file is not valid UTF-8 (invalid byte 0x{:02x}); skipped", bytes[valid]),
                Some(text),
                Some(Span::new(valid, valid + char::REPLACEMENT_CHARACTER.len_utf8())),
            ))
        }
    }
}

/// The byte order of a file that starts with a UTF-16 byte-order mark.
fn utf16_bom(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, ..] => Some("little-endian"),
        [0xFE, 0xFF, ..] => Some("big-endian"),
        _ => None,
    }
}

/// Read every note in parallel. The result keeps the order of `found`.
pub(crate) fn read_all(found: &[Found]) -> Vec<Option<Result<String, LoadProblem>>> {
    found.par_iter().map(|f| f.is_note.then(|| read_note(f))).collect()
}

/// What a cache needs to know to tell whether a file may have changed since
/// it was last read: its path, size and modification time (the idea of git's
/// index). Two equal stamps mean "assume unchanged".
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    /// Vault-relative path with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when the
    /// file system does not say, or the file vanished during the walk).
    pub mtime_ns: i128,
}

/// Stamp every file found, in parallel, keeping the order of `found`.
pub(crate) fn stamp_all(found: &[Found]) -> Vec<FileStamp> {
    found.par_iter().map(|f| stamp(&f.abs, f.rel.clone())).collect()
}

/// Stamp one file (following symlinks, like the walk).
pub(crate) fn stamp(abs: &Path, rel: String) -> FileStamp {
    let (size, mtime_ns) = std::fs::metadata(abs).map_or((0, 0), |m| {
        let mtime = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        (m.len(), mtime.map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX)))
    });
    FileStamp { path: rel, size, mtime_ns }
}

/// How long each step of loading a vault took; [`crate::load()`] fills it in
/// (and [`crate::Vault::from_texts`] the parse and resolve steps), so a
/// command can show where its time went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadTimings {
    /// Walking the folder and reading every note (in parallel); with
    /// released texts (`Texts::Release`), the walk alone.
    pub read: std::time::Duration,
    /// Parsing the notes (in parallel) and sorting them; with released
    /// texts, reading them too (each note is read and parsed in one step).
    pub parse: std::time::Duration,
    /// Resolving every link and deriving backlinks.
    pub resolve: std::time::Duration,
    /// Notes read and parsed by a load that could reuse earlier parses
    /// ([`crate::Texts::ReleaseReusing`]); the others were reused.
    pub parsed: usize,
}
