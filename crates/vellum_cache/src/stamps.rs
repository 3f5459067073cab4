//! Knowing what changed without reading the vault: file stamps, and the one
//! rule for when a stamp can be trusted.
//!
//! A [`FileStamp`] is a file's path, size and modification time, read from
//! the file system without opening the file (git's index works the same way).
//! Each cache records the stamps of the vault as they were *before* it read the
//! files it was built from; when every stamp is the same today, nothing the
//! cache depends on can have changed, and the cache answers without reading
//! them.
//!
//! **Racy stamps.** A file written in the same instant as the stamps were taken
//! could change again without its stamp changing (on file systems with coarse
//! times). A stamp younger than [`RACY_NS`], or without a time, is therefore
//! never [`trusted`]: [`settle`] records it as "unknown" (time 0), which never
//! equals a real stamp, so the file is simply treated as changed next time;
//! [`fresh_key`] makes no key at all, so nothing is recorded or reused.
//! Every cache of vellum applies this rule through these two functions.

use std::time::{SystemTime, UNIX_EPOCH};

pub use vellum_vault::FileStamp;

/// Stamps younger than this (2 s) when they are taken are not trusted.
pub const RACY_NS: i128 = 2_000_000_000;

/// Nanoseconds since the Unix epoch, now.
#[must_use]
pub fn now_ns() -> i128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0))
}

/// A file's modification time in nanoseconds since the Unix epoch, as in a
/// [`FileStamp`]; 0 (unknown) when the file system does not say.
#[must_use]
pub fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
}

/// Size and modification time of the running executable: a rebuilt vellum
/// of the same version is another vellum, whose rules may differ, so caches
/// of what the rules found feed this into their keys.
#[must_use]
pub fn exe_identity() -> [u8; 24] {
    let mut out = [0u8; 24];
    if let Some(meta) = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok()) {
        out[..8].copy_from_slice(&meta.len().to_le_bytes());
        out[8..].copy_from_slice(&mtime_ns(&meta).to_le_bytes());
    }
    out
}

/// Whether `stamp`, taken at time `now` (ns), can be trusted: it has a time,
/// and that time is more than [`RACY_NS`] before `now` (a time in the future
/// is not trusted either).
#[must_use]
pub fn trusted(stamp: &FileStamp, now: i128) -> bool {
    stamp.mtime_ns != 0 && stamp.mtime_ns < now.saturating_sub(RACY_NS)
}

/// `stamps` as they may be recorded at time `now` (ns): the ones not
/// [`trusted`] made unknown (time 0).
#[must_use]
pub fn settle(stamps: &[FileStamp], now: i128) -> Vec<FileStamp> {
    stamps
        .iter()
        .map(|s| FileStamp { mtime_ns: if trusted(s, now) { s.mtime_ns } else { 0 }, ..s.clone() })
        .collect()
}

/// Feed `stamps` to `h`, each path length-prefixed (so no two lists feed the
/// same bytes).
fn feed(h: &mut blake3::Hasher, stamps: &[FileStamp]) {
    for s in stamps {
        h.update(&(s.path.len() as u64).to_le_bytes());
        h.update(s.path.as_bytes());
        h.update(&s.size.to_le_bytes());
        h.update(&s.mtime_ns.to_le_bytes());
    }
}

/// The key a cache records for "the files of `stamps`, as they are at time
/// `now`" and compares with today's to know whether it is still current:
/// `h` (fed first with whatever else the cache depends on) finished with the
/// stamps. `None` when some stamp is not [`trusted`]: such a state is never
/// recorded, nor found current.
#[must_use]
pub fn fresh_key(mut h: blake3::Hasher, stamps: &[FileStamp], now: i128) -> Option<[u8; 32]> {
    if !stamps.iter().all(|s| trusted(s, now)) {
        return None;
    }
    feed(&mut h, stamps);
    Some(*h.finalize().as_bytes())
}

/// What changed between recorded stamps and today's, among notes (`.md`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NoteChanges {
    /// Notes that are new or whose stamp differs.
    pub changed: Vec<String>,
    /// Notes that are gone.
    pub removed: Vec<String>,
}

fn is_note(path: &str) -> bool {
    vellum_vault::is_note_path(path)
}

/// Compare `old` with `new` (both sorted by path), notes only.
#[must_use]
pub fn note_changes(old: &[FileStamp], new: &[FileStamp]) -> NoteChanges {
    let mut out = NoteChanges::default();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(o), Some(n)) if o.path == n.path => {
                if o != n && is_note(&n.path) {
                    out.changed.push(n.path.clone());
                }
                i += 1;
                j += 1;
            }
            (Some(o), Some(n)) if o.path < n.path => {
                if is_note(&o.path) {
                    out.removed.push(o.path.clone());
                }
                i += 1;
            }
            (Some(o), None) => {
                if is_note(&o.path) {
                    out.removed.push(o.path.clone());
                }
                i += 1;
            }
            (_, Some(n)) => {
                if is_note(&n.path) {
                    out.changed.push(n.path.clone());
                }
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(path: &str, size: u64, mtime_ns: i128) -> FileStamp {
        FileStamp { path: path.to_owned(), size, mtime_ns }
    }

    #[test]
    fn changes_between_stamp_lists() {
        let old = vec![st("a.md", 1, 10), st("b.md", 1, 10), st("img.png", 5, 10), st("z.md", 1, 10)];
        let new = vec![st("a.md", 1, 10), st("b.md", 2, 10), st("c.md", 1, 10), st("img.png", 6, 11)];
        let c = note_changes(&old, &new);
        assert_eq!(c.changed, vec!["b.md", "c.md"]);
        assert_eq!(c.removed, vec!["z.md"]);
        assert_eq!(note_changes(&new, &new), NoteChanges::default());
    }

    #[test]
    fn racy_stamps_are_recorded_as_unknown() {
        let now = 100 * RACY_NS;
        let s = settle(&[st("old.md", 1, now - 3 * RACY_NS), st("new.md", 1, now - 1)], now);
        assert_eq!(s[0].mtime_ns, now - 3 * RACY_NS);
        assert_eq!(s[1].mtime_ns, 0);
        let s = settle(&[st("future.md", 1, now + RACY_NS), st("unknown.md", 1, 0)], now);
        assert!(s.iter().all(|s| s.mtime_ns == 0));
    }

    #[test]
    fn the_racy_rule_draws_the_line_at_two_seconds() {
        let now = 100 * RACY_NS;
        assert!(trusted(&st("a.md", 1, now - RACY_NS - 1), now));
        assert!(!trusted(&st("a.md", 1, now - RACY_NS), now));
        assert!(!trusted(&st("a.md", 1, now), now));
        assert!(!trusted(&st("a.md", 1, 0), now));
    }

    #[test]
    fn a_fresh_key_needs_every_stamp_trusted_and_sees_every_change() {
        let now = 100 * RACY_NS;
        let old = now - 3 * RACY_NS;
        let key = |stamps: &[FileStamp]| fresh_key(blake3::Hasher::new(), stamps, now);
        let base = [st("a.md", 1, old), st("b.md", 2, old)];
        let k = key(&base).expect("all trusted");
        assert_eq!(key(&base), Some(k));
        assert_ne!(key(&[st("a.md", 1, old), st("b.md", 3, old)]), Some(k), "size");
        assert_ne!(key(&[st("a.md", 1, old), st("b.md", 2, old + 1)]), Some(k), "mtime");
        assert_ne!(key(&[st("a.md", 1, old), st("c.md", 2, old)]), Some(k), "path");
        assert_ne!(key(&base[..1]), Some(k), "a file less");
        assert_eq!(key(&[st("a.md", 1, old), st("b.md", 2, now - 1)]), None, "racy");
        assert_eq!(key(&[st("a.md", 1, old), st("b.md", 2, 0)]), None, "unknown");
        let mut salted = blake3::Hasher::new();
        salted.update(b"other options");
        assert_ne!(fresh_key(salted, &base, now), Some(k), "what else the key covers");
    }
}
