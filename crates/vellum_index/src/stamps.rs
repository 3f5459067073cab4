//! Knowing what changed without reading the vault: file stamps and the
//! checksummed files the caches keep them in.
//!
//! A [`FileStamp`] is a file's path, size and modification time, read from
//! the file system without opening the file (git's index works the same way).
//! Each cache records the stamps of the vault as they were *before* it read the
//! notes it was built from; when every stamp is the same today, nothing the
//! cache depends on can have changed, and the cache answers without loading
//! the vault.
//!
//! **Racy stamps.** A file written in the same instant as the stamps were taken
//! could change again without its stamp changing (on file systems with coarse
//! times). Stamps younger than [`RACY_NS`] are therefore stored as "unknown"
//! (time 0), which never equals a real stamp: such a file is simply treated as
//! changed next time.
//!
//! **Blobs.** Caches are written as `MAGIC ‖ crc32(payload) ‖ payload`, the
//! payload being postcard-encoded and carrying the vellum version. A blob
//! whose magic, checksum, encoding or version is wrong reads as absent: never
//! trusted, rebuilt by the caller. Blobs are written to a temporary file and
//! renamed into place, so a reader sees the old blob or the new one.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;
use vellum_vault::FileStamp;

/// Stamps younger than this (2 s) when they are recorded are stored as unknown.
pub const RACY_NS: i128 = 2_000_000_000;

/// Nanoseconds since the Unix epoch, now.
#[must_use]
pub fn now_ns() -> i128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0))
}

/// `stamps` as they may be recorded at time `now` (ns): racy ones made unknown.
#[must_use]
pub fn settle(stamps: &[FileStamp], now: i128) -> Vec<FileStamp> {
    stamps
        .iter()
        .map(|s| {
            let racy = s.mtime_ns >= now.saturating_sub(RACY_NS);
            FileStamp { mtime_ns: if racy { 0 } else { s.mtime_ns }, ..s.clone() }
        })
        .collect()
}

/// One digest of a whole list of stamps (and the vellum version).
#[must_use]
pub fn digest(stamps: &[FileStamp]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&[0]);
    for s in stamps {
        h.update(s.path.as_bytes());
        h.update(&[0]);
        h.update(&s.size.to_le_bytes());
        h.update(&s.mtime_ns.to_le_bytes());
    }
    *h.finalize().as_bytes()
}

/// Whether a list of stamps has an unknown (racy or unreadable) time.
#[must_use]
pub fn has_unknown(stamps: &[FileStamp]) -> bool {
    stamps.iter().any(|s| s.mtime_ns == 0)
}

/// Magic (8 bytes) and CRC-32 (4 bytes): a checksum against damage, not
/// against tampering — the cache folder is the user's own.
const HEAD: usize = 12;

#[derive(Serialize, serde::Deserialize)]
struct Envelope<T> {
    version: String,
    payload: T,
}

/// Write `payload` to `path` as a blob with `magic` (8 bytes), atomically.
///
/// # Errors
/// When the file cannot be written.
pub fn write_blob<T: Serialize>(path: &Path, magic: &[u8; 8], payload: &T) -> std::io::Result<()> {
    let envelope = Envelope { version: env!("CARGO_PKG_VERSION").to_owned(), payload };
    let body = postcard::to_stdvec(&envelope).map_err(std::io::Error::other)?;
    let mut bytes = Vec::with_capacity(body.len() + HEAD);
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    bytes.extend_from_slice(&body);
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let unique = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{unique}", std::process::id()));
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Read a blob written by [`write_blob`] with the same `magic` by this version
/// of vellum; `None` for anything else (missing, damaged, older).
#[must_use]
pub fn read_blob<T: DeserializeOwned>(path: &Path, magic: &[u8; 8]) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    let (head, body) = bytes.split_at_checked(HEAD)?;
    if &head[..8] != magic || head[8..] != crc32fast::hash(body).to_le_bytes() {
        return None;
    }
    let envelope: Envelope<T> = postcard::from_bytes(body).ok()?;
    (envelope.version == env!("CARGO_PKG_VERSION")).then_some(envelope.payload)
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
    path.len() > 3 && path.get(path.len() - 3..).is_some_and(|e| e.eq_ignore_ascii_case(".md"))
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
        assert!(has_unknown(&s));
        assert_ne!(digest(&s), digest(&[st("old.md", 1, now - 3 * RACY_NS), st("new.md", 1, now - 1)]));
    }

    #[test]
    fn blobs_round_trip_and_damage_reads_as_absent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.bin");
        write_blob(&path, b"VTEST001", &vec![1u32, 2, 3]).expect("write");
        assert_eq!(read_blob::<Vec<u32>>(&path, b"VTEST001"), Some(vec![1, 2, 3]));
        assert_eq!(read_blob::<Vec<u32>>(&path, b"VOTHER01"), None);
        let mut bytes = std::fs::read(&path).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(read_blob::<Vec<u32>>(&path, b"VTEST001"), None);
        std::fs::write(&path, b"short").expect("write");
        assert_eq!(read_blob::<Vec<u32>>(&path, b"VTEST001"), None);
    }
}
