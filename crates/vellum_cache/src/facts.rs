//! The query facts cache, `<vault>/.vellum/query/`: the
//! [`VaultFacts`] of the vault as it was when
//! they were last computed, so that `vellum query` answers without reading or
//! parsing a note when no file changed.
//!
//! Two blobs (see [`blob`](crate::blob)): `facts.bin` (every note's facts)
//! and `bodies.bin` (the lowercased bodies, read only for queries with bare
//! words). Each carries the [`fresh_key`] of the file stamps taken before the
//! vault was loaded; a cache is used only when today's stamps give the same key.
//! Any change to any file (note, attachment, `vellum.toml`, the property
//! types in `.obsidian/types.json`, which `prop:` comparisons read) therefore makes
//! the next query load the vault and rewrite the cache: simple, and never wrong.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vellum_vault::FileStamp;
use vellum_vault::facts::{Bodies, NoteFacts, VaultFacts};

use crate::blob::{read_blob, write_blob};
use crate::stamps::{fresh_key, now_ns};

const FACTS_MAGIC: &[u8; 8] = b"VLMFCT03";
const BODIES_MAGIC: &[u8; 8] = b"VLMBDY01";

/// The key of the vault's files as the facts were computed from them.
fn key(stamps: &[FileStamp]) -> Option<[u8; 32]> {
    fresh_key(blake3::Hasher::new(), stamps, now_ns())
}

#[derive(Serialize, Deserialize)]
struct Stored<T> {
    digest: [u8; 32],
    data: T,
}

/// The folder of the facts cache of the vault at `root`.
#[must_use]
pub fn facts_dir(root: &Path) -> PathBuf {
    root.join(crate::CACHE_DIR).join("query")
}

/// Facts read back from the cache, not yet checked against today's stamps.
#[derive(Debug)]
pub struct CachedFacts {
    digest: [u8; 32],
    facts: VaultFacts,
}

impl CachedFacts {
    /// Read the cache of the vault at `root` (with the bodies when
    /// `with_bodies`), without knowing yet whether it is current: this can run
    /// while the stamps are being taken. `None` when there is no readable cache.
    #[must_use]
    pub fn read(root: &Path, with_bodies: bool) -> Option<Self> {
        let dir = facts_dir(root);
        let facts: Stored<Vec<NoteFacts>> = read_blob(&dir.join("facts.bin"), FACTS_MAGIC)?;
        let bodies = if with_bodies {
            let bodies: Stored<Bodies> = read_blob(&dir.join("bodies.bin"), BODIES_MAGIC)?;
            if bodies.digest != facts.digest || bodies.data.len() != facts.data.len() {
                return None;
            }
            Some(bodies.data)
        } else {
            None
        };
        Some(Self { digest: facts.digest, facts: VaultFacts { notes: facts.data, bodies } })
    }

    /// The facts, if they were computed from files with exactly these `stamps`
    /// (from [`vellum_vault::file_stamps`]).
    #[must_use]
    pub fn current(self, stamps: &[FileStamp]) -> Option<VaultFacts> {
        (key(stamps) == Some(self.digest)).then_some(self.facts)
    }
}

/// The cached facts of the vault at `root`, if they were computed from files
/// with exactly these `stamps` (from [`vellum_vault::file_stamps`]); with the
/// bodies too when `with_bodies`. `None` means: load the vault.
#[must_use]
pub fn cached_facts(root: &Path, stamps: &[FileStamp], with_bodies: bool) -> Option<VaultFacts> {
    CachedFacts::read(root, with_bodies)?.current(stamps)
}

/// Record `facts`, computed from a vault loaded after `stamps` were taken.
/// Returns whether they were saved: not when some file changed in the last
/// two seconds (its stamp cannot be trusted yet) or the cache folder cannot
/// be written — the next query then simply loads the vault again.
pub fn save_facts(root: &Path, stamps: &[FileStamp], facts: &VaultFacts) -> bool {
    let Some(digest) = key(stamps) else {
        return false;
    };
    let dir = facts_dir(root);
    if crate::prepare_cache_dir(root, &dir).is_err() {
        return false;
    }
    let Some(bodies) = &facts.bodies else {
        return false;
    };
    // Bodies first: a reader never sees new facts with old bodies as valid,
    // because both carry the digest.
    write_blob(&dir.join("bodies.bin"), BODIES_MAGIC, &Stored { digest, data: bodies }).is_ok()
        && write_blob(&dir.join("facts.bin"), FACTS_MAGIC, &Stored { digest, data: &facts.notes }).is_ok()
}
