//! The parse cache, `<vault>/.vellum/parse/`: every note as a build parsed
//! it (kept for publishing), so that the next build reads and parses only the
//! notes whose files changed.
//!
//! One blob (see [`blob`](crate::blob)), `notes.bin`: per note its stamp
//! (taken before the note was read), its text's length and BLAKE3, and its
//! parse. A load offers every note to the cache ([`ParseCache`] is a
//! [`ParseStore`]): a note whose stamp is today what was recorded, and
//! [`trusted`], is taken from it; any other is read and parsed as usual.
//! The blob is salted with the running executable ([`exe_identity`]), so a
//! rebuilt vellum, whose parser may differ, parses everything again.
//!
//! What a reused note is worth is exactly what parsing its file gives: the
//! stamps rule (see [`stamps`](crate::stamps)) is what makes it so, and
//! `tests/parsed.rs` checks a vault loaded through the cache against one
//! loaded without it after edits.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use vellum_syntax::Note;
use vellum_vault::{FileStamp, NoteText, ParseStore, Vault};

use crate::blob::{read_blob, write_blob};
use crate::stamps::{exe_identity, now_ns, settle, trusted};

const MAGIC: &[u8; 8] = b"VLMPRS01";

/// The folder of the parse cache of the vault at `root`.
#[must_use]
pub fn parse_dir(root: &Path) -> PathBuf {
    root.join(crate::CACHE_DIR).join("parse")
}

/// One note as recorded: read back owned.
#[derive(Deserialize)]
struct Entry {
    stamp: FileStamp,
    text: NoteText,
    note: Note,
}

/// One note as written: borrowed from the vault.
#[derive(Serialize)]
struct EntryRef<'v> {
    stamp: &'v FileStamp,
    text: &'v NoteText,
    note: &'v Note,
}

#[derive(Deserialize)]
struct Stored {
    exe: [u8; 24],
    notes: Vec<Entry>,
}

#[derive(Serialize)]
struct StoredRef<'v> {
    exe: [u8; 24],
    notes: Vec<EntryRef<'v>>,
}

/// The parses recorded by the last build, offered to a load
/// ([`vellum_vault::Texts::ReleaseReusing`]), then saved again with what the
/// load parsed ([`ParseCache::save`]).
pub struct ParseCache {
    root: PathBuf,
    /// Recorded entries by path; a reused one is taken out (each path is
    /// offered once per load).
    recorded: FxHashMap<String, Mutex<Option<(NoteText, Note)>>>,
    /// The stamps to record: the reused notes' (unchanged) and the parsed ones'.
    stamps: Mutex<FxHashMap<String, FileStamp>>,
    /// Notes in the blob read back, to know whether a save is needed.
    read_back: usize,
    now: i128,
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseCache").field("root", &self.root).field("recorded", &self.read_back).finish()
    }
}

impl ParseCache {
    /// Open the parse cache of the vault at `root`: empty when there is none,
    /// or it was written by another vellum or is damaged.
    #[must_use]
    pub fn open(root: &Path) -> Self {
        let stored: Option<Stored> = read_blob(&parse_dir(root).join("notes.bin"), MAGIC);
        let entries = stored.filter(|s| s.exe == exe_identity()).map(|s| s.notes).unwrap_or_default();
        let read_back = entries.len();
        let mut recorded = FxHashMap::default();
        let mut stamps = FxHashMap::default();
        recorded.reserve(entries.len());
        stamps.reserve(entries.len());
        for Entry { stamp, text, note } in entries {
            recorded.insert(stamp.path.clone(), Mutex::new(Some((text, note))));
            stamps.insert(stamp.path.clone(), stamp);
        }
        Self { root: root.to_path_buf(), recorded, stamps: Mutex::new(stamps), read_back, now: now_ns() }
    }

    /// How many notes the cache held when it was opened.
    #[must_use]
    pub fn len(&self) -> usize {
        self.read_back
    }

    /// Whether the cache held no note when it was opened.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.read_back == 0
    }

    /// Record the notes of `vault` (loaded through this cache) for the next
    /// load, unless they are exactly what was read back. Returns whether the
    /// blob was written; a cache that cannot be written is simply not saved.
    pub fn save(&self, vault: &Vault) -> bool {
        let stamps = self.stamps.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if vault.timings.parsed == 0 && vault.notes.len() == self.read_back {
            return false;
        }
        let notes: Vec<EntryRef<'_>> = vault
            .notes
            .iter()
            .filter_map(|n| {
                let stamp = stamps.get(&n.path)?;
                n.text.is_released().then_some(EntryRef { stamp, text: &n.text, note: &n.note })
            })
            .collect();
        let dir = parse_dir(&self.root);
        crate::prepare_cache_dir(&self.root, &dir).is_ok()
            && write_blob(&dir.join("notes.bin"), MAGIC, &StoredRef { exe: exe_identity(), notes }).is_ok()
    }
}

impl ParseStore for ParseCache {
    fn reuse(&self, stamp: &FileStamp) -> Option<(NoteText, Note)> {
        if !trusted(stamp, self.now) {
            return None;
        }
        let slot = self.recorded.get(&stamp.path)?;
        let recorded =
            self.stamps.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&stamp.path)?.clone();
        if recorded != *stamp {
            return None;
        }
        slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }

    fn parsed(&self, stamp: FileStamp) {
        // A stamp too young to trust is recorded as unknown: never reused.
        let stamp = settle(std::slice::from_ref(&stamp), self.now).pop().unwrap_or(stamp);
        self.stamps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(stamp.path.clone(), stamp);
    }
}
