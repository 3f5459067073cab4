//! Watching the vault: file-system events from `notify`, filtered and
//! debounced into batches of changed vault paths.
//!
//! Editors save in many ways: write in place, write a temp file and rename it
//! over the note (vim, JetBrains, Obsidian), delete and recreate. We never
//! trust the event kinds: a batch only says *which paths* were touched, and the
//! updater looks at the disk to see what they are now. Temp files and the
//! churn of `.obsidian/`, `.git/`, `.trash/`, `.vellum/` are dropped here.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

/// Folders whose changes never matter to the site.
const SKIP_DIRS: &[&str] = &[".obsidian", ".git", ".trash", ".vellum", "node_modules"];
/// Top-level folders that are not the journal (the theme is handled apart).
const SKIP_TOP: &[&str] = &["public"];

/// A batch ends after this much quiet…
pub(crate) const QUIET: Duration = Duration::from_millis(20);
/// …or after this long, however busy the disk is.
pub(crate) const MAX_WAIT: Duration = Duration::from_millis(500);

/// What a changed path is to the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Changed {
    /// A note (`.md`) at this vault path.
    Note(String),
    /// A file of `_theme/`; `true` when it is a stylesheet.
    Theme(bool),
    /// `vellum.toml`, `.gitignore`, `.vellumignore`, `.vellum-redirects` or one
    /// of Obsidian's settings that the vault reads: settings that change what
    /// is loaded.
    Config,
    /// Anything else: an attachment (or a folder) added, changed or removed.
    Other(String),
}

/// Whether a file name is an editor's temp or backup file.
pub(crate) fn is_temp_name(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with(".#")
        || name.starts_with(".goutputstream")
        || name == "4913" // vim's "can I write here" probe
        || [".swp", ".swx", ".swo", ".tmp", ".crswap", ".part", ".bak"]
            .iter()
            .any(|ext| name.to_ascii_lowercase().ends_with(ext))
        || name.contains(".tmp.")
        || name.contains(".vellum-tmp")
}

/// Whether a vault path (split at `/`) is one of Obsidian's settings that
/// the vault's model reads: `app.json`, property types, templates, daily
/// notes, Templater's settings, appearance and CSS snippets.
fn is_read_setting(parts: &[String]) -> bool {
    let rel = parts.join("/");
    if vellum_vault::obsidian::SETTINGS_FILES.contains(&rel.as_str())
        || rel == vellum_vault::snippets::APPEARANCE_FILE
    {
        return true;
    }
    match parts {
        [dir, sub, file] if dir == ".obsidian" && sub == "snippets" => {
            file.to_ascii_lowercase().ends_with(".css") && !is_temp_name(file)
        }
        _ => false,
    }
}

/// Classify an absolute path under `root`; `None` when it does not matter.
pub(crate) fn classify(root: &Path, path: &Path) -> Option<Changed> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let first = parts.first()?;
    let name = parts.last()?;
    if is_read_setting(&parts) {
        return Some(Changed::Config);
    }
    if parts.iter().any(|p| SKIP_DIRS.contains(&p.as_str())) || SKIP_TOP.contains(&first.as_str()) {
        return None;
    }
    // The previous output `vellum build` keeps beside `public/` (the vault walk skips it too).
    if parts[..parts.len() - 1].iter().any(|p| p.starts_with('.') && p.ends_with(".vellum-spare")) {
        return None;
    }
    if is_temp_name(name) {
        return None;
    }
    if first == "_theme" {
        return Some(Changed::Theme(parts.len() == 2 && name.to_ascii_lowercase().ends_with(".css")));
    }
    if first == "_templates" {
        return None;
    }
    if parts.len() == 1
        && matches!(
            name.as_str(),
            "vellum.toml" | ".gitignore" | ".vellumignore" | vellum_vault::REDIRECTS_FILE
        )
    {
        return Some(Changed::Config);
    }
    if name.starts_with(".") && parts.len() == 1 {
        return None;
    }
    let joined = parts.join("/");
    if Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
        Some(Changed::Note(joined))
    } else {
        Some(Changed::Other(joined))
    }
}

/// Whether a top-level folder of the vault goes unwatched: nothing in it
/// reaches the site (but `.obsidian/`, whose settings the vault reads), and an
/// output folder (`public/`, its spare, the preview kept in `.vellum/`) holds
/// a folder per page, each of which would take one of the system's inotify
/// watches (8,192 on some systems).
fn unwatched_top(name: &str) -> bool {
    (SKIP_DIRS.contains(&name) && name != ".obsidian")
        || SKIP_TOP.contains(&name)
        || (name.starts_with('.') && name.ends_with(".vellum-spare"))
}

/// The watcher and the receiving end of its events.
pub(crate) struct VaultWatcher {
    watcher: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
}

impl VaultWatcher {
    /// Watch `root` and, recursively, each of its folders but those
    /// [`unwatched_top`] names (a folder made later is watched when it appears).
    pub(crate) fn new(root: &Path) -> notify::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut this = Self { watcher, rx, root: root.to_path_buf() };
        for e in std::fs::read_dir(root)?.flatten() {
            this.watch_top(&e.path())?;
        }
        Ok(this)
    }

    /// Watch `path`, recursively, when it is a top-level folder of the vault
    /// that is not [`unwatched_top`].
    fn watch_top(&mut self, path: &Path) -> notify::Result<()> {
        let top = path.parent() == Some(self.root.as_path())
            && path.file_name().and_then(|n| n.to_str()).is_some_and(|n| !unwatched_top(n))
            && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if top { self.watcher.watch(path, RecursiveMode::Recursive) } else { Ok(()) }
    }

    /// Wait for the next batch of changes: block until something relevant
    /// happens, then collect until [`QUIET`] passes without an event (at most
    /// [`MAX_WAIT`]). `None` when the watcher is gone.
    pub(crate) fn next_batch(&mut self) -> Option<Vec<Changed>> {
        let mut batch: Vec<Changed> = Vec::new();
        let mut first: Option<Instant> = None;
        loop {
            let ev = match first {
                None => self.rx.recv().ok()?,
                Some(t) => {
                    let left = MAX_WAIT.saturating_sub(t.elapsed());
                    if left.is_zero() {
                        break;
                    }
                    match self.rx.recv_timeout(QUIET.min(left)) {
                        Ok(ev) => ev,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            let Ok(ev) = ev else {
                // The watcher lost track (queue overflow): reload everything.
                batch.push(Changed::Config);
                first.get_or_insert_with(Instant::now);
                continue;
            };
            if ev.kind.is_access() {
                continue;
            }
            if ev.kind.is_create()
                || matches!(ev.kind, notify::EventKind::Modify(notify::event::ModifyKind::Name(_)))
            {
                for p in &ev.paths {
                    // A folder that cannot be watched still reloads the vault (below).
                    let _ = self.watch_top(p);
                }
            }
            for p in &ev.paths {
                if let Some(c) = classify(&self.root, p) {
                    first.get_or_insert_with(Instant::now);
                    batch.push(c);
                }
            }
        }
        batch.sort();
        batch.dedup();
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_editor_patterns() {
        let root = Path::new("/v");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("a/b.md"), Some(Changed::Note("a/b.md".into())));
        assert_eq!(c(".obsidian/workspace.json"), None);
        assert_eq!(c(".obsidian/appearance.json"), Some(Changed::Config));
        assert_eq!(c(".obsidian/types.json"), Some(Changed::Config));
        assert_eq!(c(".obsidian/app.json"), Some(Changed::Config));
        assert_eq!(c(".obsidian/plugins/templater-obsidian/data.json"), Some(Changed::Config));
        assert_eq!(c(".obsidian/plugins/other/data.json"), None);
        assert_eq!(c(".obsidian/snippets/callouts.css"), Some(Changed::Config));
        assert_eq!(c(".obsidian/snippets/callouts.css.tmp.1"), None);
        assert_eq!(c(".obsidian/plugins/x/styles.css"), None);
        assert_eq!(c("a/.git/index"), None);
        assert_eq!(c("a/.b.md.swp"), None);
        assert_eq!(c("b.md~"), None);
        assert_eq!(c("4913"), None);
        assert_eq!(c("b.md.tmp.1234"), None);
        assert_eq!(c("public/index.html"), None);
        assert_eq!(c(".public.vellum-spare/a/index.html"), None);
        assert_eq!(c(".public.vellum-spare/b.md"), None);
        assert_eq!(c("_theme/custom.css"), Some(Changed::Theme(true)));
        assert_eq!(c("_theme/note.html"), Some(Changed::Theme(false)));
        assert_eq!(c("vellum.toml"), Some(Changed::Config));
        assert_eq!(c(".vellum-redirects"), Some(Changed::Config));
        assert_eq!(c("img/x.png"), Some(Changed::Other("img/x.png".into())));
        assert_eq!(classify(root, Path::new("/elsewhere/x.md")), None);
    }

    #[test]
    fn outputs_and_caches_are_not_watched_but_settings_and_notes_are() {
        for name in [".vellum", ".git", ".trash", "node_modules", "public", ".public.vellum-spare"] {
            assert!(unwatched_top(name), "{name}");
        }
        for name in [".obsidian", "notes", "_theme", "2024", "attachments"] {
            assert!(!unwatched_top(name), "{name}");
        }
    }

    #[test]
    fn a_folder_made_after_the_start_is_watched() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canonical");
        std::fs::create_dir(root.join("notes")).expect("mkdir");
        let mut w = VaultWatcher::new(&root).expect("watch");
        std::fs::write(root.join("notes/a.md"), "a").expect("write");
        assert_eq!(w.next_batch(), Some(vec![Changed::Note("notes/a.md".into())]));
        std::fs::create_dir(root.join("later")).expect("mkdir");
        assert_eq!(w.next_batch(), Some(vec![Changed::Other("later".into())]));
        std::fs::write(root.join("later/b.md"), "b").expect("write");
        assert_eq!(w.next_batch(), Some(vec![Changed::Note("later/b.md".into())]));
    }
}
