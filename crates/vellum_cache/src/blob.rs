//! Checksummed, versioned blobs: how the caches in `.vellum/` store what they
//! read back.
//!
//! A blob is `MAGIC ‖ crc32(payload) ‖ payload`, the payload being
//! postcard-encoded and carrying the vellum version. A blob whose magic,
//! checksum, encoding or version is wrong reads as absent: never trusted,
//! rebuilt by the caller. Blobs are written to a temporary file and renamed
//! into place, so a reader sees the old blob or the new one. A cache bumps its
//! magic when the layout of its payload changes.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;

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
    write_atomic(path, &bytes)
}

/// Write `bytes` to `path` atomically: into a temporary file beside it, then
/// renamed over it, so a reader sees the old file or the new one, never part.
///
/// # Errors
/// When the file cannot be written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let unique = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{unique}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
