//! The persistent build cache: a second `vellum build` does only the work
//! that changed.
//!
//! It lives in `<vault>/.vellum/build/cache.redb` (one [redb] file: ACID
//! commits, checksummed pages) and remembers, from the last successful build:
//!
//! - **note bodies**, keyed by content: for each note, a hash of its own
//!   inputs (its path, text and URL, and the build's [salt](Keys::salt)) and
//!   the list of *questions* its rendering asked the plan (the URL of a linked
//!   note, of a tag page, of an attachment, which files carry a name it
//!   resolved…, see [`Question`]) with a hash of their answers. A body is still valid when its own inputs hash the same and
//!   replaying its questions against today's plan gives the same answers: the
//!   renderer is a pure function of exactly these, so an edit re-renders the
//!   edited note and the notes whose questions it changed (the notes that link
//!   to or embed it), nothing else. Only the body's search text and what it
//!   asked for are stored, not its HTML.
//! - **pages**: the hash of each output file's inputs (template context, theme,
//!   salt). A page whose key did not change is hard-linked from the previous
//!   output into the staging folder instead of being rendered and written; the
//!   output is still swapped in atomically.
//! - **freshness**: the file stamps (path, size, mtime) of the whole vault
//!   and theme when the last build began. When nothing changed at all
//!   ([`up_to_date`]), `vellum build` does not even load the vault.
//!
//! Every key includes vellum's version and the identity (size, mtime) of the
//! running executable, so a new vellum never trusts an old cache. A cache
//! that cannot be opened or decoded is deleted and rebuilt; one held by
//! another running build is left alone and this build runs without it.
//! Stamps younger than two seconds are never trusted (an edit within the same
//! clock tick would otherwise go unseen), as in git's index: the freshness key
//! is `vellum_cache`'s [`fresh_key`](stamps::fresh_key), under the one rule
//! every cache of vellum follows.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use vellum_cache::stamps::{self, FileStamp};
use vellum_vault::{NoteIdx, Vault};

use crate::plan::{Lookup, Plan, Question, Requested};
use crate::{BuildOptions, BuildReport};

/// A content hash (BLAKE3).
pub(crate) type Hash = [u8; 32];

/// The cache file, relative to the vault.
pub const CACHE_FILE: &str = ".vellum/build/cache.redb";

pub(crate) const NOTES: TableDefinition<&str, &[u8]> = TableDefinition::new("notes");
pub(crate) const PAGES: TableDefinition<&str, &[u8]> = TableDefinition::new("pages");
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const META_KEY: &str = "meta";

/// Bumped when the layout of what is stored changes.
const FORMAT: u32 = 4;

/// What the cache remembers of one note's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NoteEntry {
    /// Hash of the note's own inputs ([`Keys::base`]).
    base: Hash,
    /// The questions its rendering asked, by path or name.
    questions: Vec<Stored>,
    /// Hash of their answers when it was rendered.
    answers: Hash,
    /// The body's plain text (cut), for search and descriptions.
    pub(crate) text: String,
    /// Vault paths of the attachments the body links to.
    attachments: Vec<String>,
    /// Unforeseen tag, keyword and unwritten pages it asked for.
    requested: [Vec<(String, String)>; 3],
    /// The body's HTML, kept only for the notes of the Atom feed (which
    /// carries whole bodies).
    pub(crate) html: Option<String>,
}

impl NoteEntry {
    /// An entry whose body asked about these notes (tests).
    #[cfg(test)]
    pub(crate) fn for_questions(notes: &[&str]) -> Self {
        Self {
            base: [0; 32],
            questions: notes.iter().map(|n| Stored::Note((*n).to_owned())).collect(),
            answers: [0; 32],
            text: String::new(),
            attachments: Vec::new(),
            requested: Default::default(),
            html: None,
        }
    }

    /// The vault paths of the notes its rendering asked about.
    pub(crate) fn asked_notes(&self) -> impl Iterator<Item = &str> {
        self.questions.iter().filter_map(|q| match q {
            Stored::Note(p) => Some(p.as_str()),
            _ => None,
        })
    }

    /// Whether the body asked for exactly these attachments (vault paths,
    /// sorted) and no page the plan did not foresee: a new body that asks
    /// for the same leaves the site's attachments and pages as they are.
    pub(crate) fn asked_only(&self, attachments: &[&str]) -> bool {
        let mut mine: Vec<&str> = self.attachments.iter().map(String::as_str).collect();
        mine.sort_unstable();
        mine.dedup();
        mine == attachments && self.requested.iter().all(Vec::is_empty)
    }

    /// This entry for the note's new body (same questions, new own inputs
    /// `base` and `text`; the body's `html` for a note of the feed), rendered without a plan: its answers are unknown,
    /// so a full build never takes the body as valid; what it asked for
    /// stays on record for the next patch ([`NoteEntry::asked_only`]).
    pub(crate) fn patched(self, base: Hash, text: String, html: Option<String>) -> Self {
        Self { base, answers: [0; 32], text, html, ..self }
    }

    /// What the body asked for, in today's vault, with these `questions`;
    /// `None` when an attachment it linked is gone.
    fn asked(&self, vault: &Vault, questions: Vec<Question>) -> Option<crate::plan::Asked> {
        let attachments =
            self.attachments.iter().map(|p| vault.files.lookup_path(p)).collect::<Option<Vec<_>>>()?;
        let [tags, keywords, unwritten] = self.requested.clone().map(|v| v.into_iter().collect());
        Some(crate::plan::Asked {
            attachments,
            requested: Requested { tags, keywords, unwritten },
            questions,
        })
    }
}

/// A [`Question`] in a form that survives the next load (paths, not indices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Stored {
    Note(String),
    Attachment(String),
    Unwritten(String),
    Tag(String),
    Keyword(String),
    Name(String),
    AllFiles,
}

/// The last build, as the cache saw it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Meta {
    format: u32,
    /// [`Keys::salt`] of the build (pages are only reused under the same salt).
    pub(crate) salt: Hash,
    /// The output folder it wrote (absolute).
    output: String,
    /// Stamp of the output's marker file right after the swap: if it differs
    /// now, the folder is not the one the page keys describe.
    marker: (u64, i128, u64),
    /// [`Fresh::key`] of the vault when that build began, when it was clean.
    fresh: Option<Hash>,
    /// The counts of that build, reported again when nothing changed.
    pub(crate) counts: Counts,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub(crate) struct Counts {
    pub(crate) pages: usize,
    pub(crate) notes: usize,
    pub(crate) drafts: usize,
    pub(crate) tags: usize,
    pub(crate) keywords: usize,
    pub(crate) unwritten: usize,
    pub(crate) attachments: usize,
    pub(crate) files: usize,
    pub(crate) bytes: u64,
}

impl Counts {
    /// A report of a build into `output` with these counts.
    pub(crate) fn report(&self, output: PathBuf) -> BuildReport {
        BuildReport {
            output,
            pages: self.pages,
            notes: self.notes,
            drafts: self.drafts,
            tags: self.tags,
            keywords: self.keywords,
            unwritten: self.unwritten,
            attachments: self.attachments,
            files: self.files,
            bytes: self.bytes,
            ..BuildReport::default()
        }
    }
}

/// The record of the last build; `None` when there is none (of this format).
pub(crate) fn read_meta(txn: &redb::ReadTransaction) -> Option<Meta> {
    let t = txn.open_table(META).ok()?;
    let meta: Meta = postcard::from_bytes(t.get(META_KEY).ok()??.value()).ok()?;
    (meta.format == FORMAT).then_some(meta)
}

/// Whether `meta` describes the folder at `output` as it is now: that build
/// wrote it, and its marker is the one that build left.
pub(crate) fn describes(meta: &Meta, output: &Path) -> bool {
    Path::new(&meta.output) == output && marker_stamp(output).is_some_and(|m| m == meta.marker)
}

/// Rewrite the record of the last build in `w` with `change` made to it.
fn change_meta(w: &redb::WriteTransaction, change: impl FnOnce(&mut Meta)) -> Result<(), redb::Error> {
    let mut t = w.open_table(META)?;
    let mut meta: Meta = match t.get(META_KEY)? {
        Some(v) => postcard::from_bytes(v.value()).unwrap_or_default(),
        None => return Ok(()),
    };
    change(&mut meta);
    let bytes = postcard::to_stdvec(&meta).unwrap_or_default();
    t.insert(META_KEY, bytes.as_slice())?;
    Ok(())
}

/// The output is being changed in place: no longer known up to date.
pub(crate) fn clear_fresh(w: &redb::WriteTransaction) -> Result<(), redb::Error> {
    change_meta(w, |m| m.fresh = None)
}

/// The output is what a build of the vault in the state `key` gives.
pub(crate) fn set_fresh(w: &redb::WriteTransaction, key: Hash) -> Result<(), redb::Error> {
    change_meta(w, |m| m.fresh = Some(key))
}

fn hasher() -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&FORMAT.to_le_bytes());
    h.update(&stamps::exe_identity());
    h
}

/// Feed a length-prefixed string (so `("ab","c")` and `("a","bc")` differ).
fn put(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// BLAKE3 of `parts` and the JSON of `value`, made without building it
/// (a [`Card`](crate::pages::Card) in `value` counts as its digest).
pub(crate) fn hash_json<T: Serialize + ?Sized>(parts: &[&[u8]], value: &T) -> Hash {
    struct W<'a>(&'a mut blake3::Hasher);
    impl std::io::Write for W<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    // serde_json writes many tiny pieces; the hasher is fastest fed in blocks.
    let mut w = std::io::BufWriter::with_capacity(16 << 10, W(&mut h));
    // A value that cannot be serialized gets a key of its own, never reused.
    if serde_json::to_writer(&mut w, value).is_err() {
        let _ = w.write(b"\0unserializable");
        let _ = w.write(&std::process::id().to_le_bytes());
    }
    drop(w.into_inner());
    *h.finalize().as_bytes()
}

/// Hashes of one build's inputs, shared by every key.
pub(crate) struct Keys {
    /// Everything every body and page depends on: vellum itself, the build
    /// options, the site settings (`vellum.toml`), the theme, and every
    /// note's aliases (which resolution reads when no file matches). The
    /// files there are are not in it: a body records the names it resolved
    /// ([`Question::Name`]), so adding or removing a file re-renders only the
    /// bodies with a link by its name (and those listing every file).
    pub(crate) salt: Hash,
    /// Every file path, hashed: the answer to [`Question::AllFiles`].
    universe: Hash,
    /// BLAKE3 of each note's text.
    text: Vec<Hash>,
    /// Vault path → note.
    by_path: FxHashMap<String, NoteIdx>,
}

impl Keys {
    pub(crate) fn new(vault: &Vault, plan: &Plan<'_>, opts: &BuildOptions, theme_fp: &Hash) -> Self {
        let text: Vec<Hash> = (0..vault.notes.len()).into_par_iter().map(|i| vault.text_hash(i)).collect();
        let mut h = hasher();
        h.update(&[u8::from(opts.include_drafts), u8::from(opts.preview)]);
        h.update(theme_fp);
        put(&mut h, &format!("{:?}", plan.site));
        put(&mut h, &format!("{:?}", vault.config));
        put(&mut h, &format!("{:?}", vellum_render::RenderOptions::default()));
        for n in &vault.notes {
            if !n.note.properties.aliases.is_empty() {
                put(&mut h, &n.path);
                for a in &n.note.properties.aliases {
                    put(&mut h, &a.value);
                }
            }
        }
        let mut universe = blake3::Hasher::new();
        for (_, path) in vault.files.iter() {
            put(&mut universe, path);
        }
        let by_path = vault.notes.iter().enumerate().map(|(i, n)| (n.path.clone(), i)).collect();
        Self { salt: *h.finalize().as_bytes(), universe: *universe.finalize().as_bytes(), text, by_path }
    }

    /// Hash of a note's own inputs.
    pub(crate) fn base(&self, plan: &Plan<'_>, i: NoteIdx) -> Hash {
        let url = plan.note_url(i);
        base_of(
            &self.salt,
            &plan.vault.notes[i].path,
            &self.text[i],
            url.as_deref().unwrap_or("\0unpublished"),
        )
    }

    /// Hash of today's answers to `questions`.
    pub(crate) fn answers(&self, plan: &Plan<'_>, questions: &[Question]) -> Hash {
        let mut h = blake3::Hasher::new();
        for q in questions {
            match q {
                Question::Note(i) => {
                    h.update(b"n");
                    put(&mut h, &plan.vault.notes[*i].path);
                    put(&mut h, plan.note_url(*i).as_deref().unwrap_or("\0unpublished"));
                    h.update(&self.text[*i]);
                }
                Question::Attachment(f) => {
                    h.update(b"a");
                    put(&mut h, plan.vault.files.path(*f));
                    put(&mut h, &plan.attachment_url(*f));
                }
                Question::Unwritten(name) => answer(&mut h, b"u", name, plan.unwritten_rel(name)),
                Question::Tag(name) => answer(&mut h, b"t", name, plan.tag_rel(name)),
                Question::Keyword(name) => answer(&mut h, b"k", name, plan.keyword_rel(name)),
                Question::Name(name) => {
                    h.update(b"f");
                    put(&mut h, name);
                    for path in plan.vault.files.named(name) {
                        put(&mut h, path);
                    }
                    h.update(b"\0");
                }
                Question::AllFiles => {
                    h.update(b"*");
                    h.update(&self.universe);
                }
            }
        }
        *h.finalize().as_bytes()
    }

    /// Today's form of stored questions; `None` when one names a file that is gone.
    fn revive(&self, vault: &Vault, stored: &[Stored]) -> Option<Vec<Question>> {
        stored
            .iter()
            .map(|s| {
                Some(match s {
                    Stored::Note(p) => Question::Note(*self.by_path.get(p)?),
                    Stored::Attachment(p) => Question::Attachment(vault.files.lookup_path(p)?),
                    Stored::Unwritten(n) => Question::Unwritten(n.clone()),
                    Stored::Tag(n) => Question::Tag(n.clone()),
                    Stored::Keyword(n) => Question::Keyword(n.clone()),
                    Stored::Name(n) => Question::Name(n.clone()),
                    Stored::AllFiles => Question::AllFiles,
                })
            })
            .collect()
    }
}

/// Hash of a note's own inputs: the build's salt, its path, its text's
/// hash and its URL (`\0unpublished` when it has none).
pub(crate) fn base_of(salt: &Hash, path: &str, text: &Hash, url: &str) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(salt);
    put(&mut h, path);
    h.update(text);
    put(&mut h, url);
    *h.finalize().as_bytes()
}

fn answer(h: &mut blake3::Hasher, kind: &[u8], name: &str, rel: Lookup<'_>) {
    h.update(kind);
    put(h, name);
    match rel {
        Lookup::Planned(rel) => {
            h.update(b"+");
            put(h, rel);
        }
        Lookup::Unplanned(key) => {
            h.update(b"-");
            put(h, &key);
        }
    }
}

/// A body the cache still vouches for.
pub(crate) struct Valid {
    /// The key pages built around this body are stored under.
    pub(crate) key: Hash,
    pub(crate) text: String,
    pub(crate) asked: crate::plan::Asked,
    /// Its entry, kept for the next build.
    pub(crate) entry: NoteEntry,
}

/// The open cache of one build.
pub(crate) struct Cache {
    db: Database,
    path: PathBuf,
    notes: FxHashMap<String, NoteEntry>,
    /// Page keys of the previous output, when that output is still in place.
    pages: FxHashMap<String, Hash>,
    /// The previous output folder, whose files pages can be linked from.
    previous: Option<PathBuf>,
    /// `notes` holds the whole notes table (so saving can write only the difference).
    notes_loaded: bool,
}

/// Why the cache was not used.
pub(crate) enum Unavailable {
    /// Another build holds it.
    Busy,
    /// The folder or file cannot be created.
    Io(CacheError),
}

/// The build cache could not be created, read or written.
#[derive(Debug)]
pub(crate) struct CacheError {
    /// The folder or file concerned.
    path: PathBuf,
    kind: CacheErrorKind,
}

#[derive(Debug)]
enum CacheErrorKind {
    /// Creating its folder failed.
    Io(std::io::Error),
    /// The database failed.
    Db(redb::Error),
    /// An entry could not be encoded or decoded.
    Encoding(postcard::Error),
    /// A stored page key is not a hash.
    Key,
}

impl CacheError {
    fn io(path: &Path, e: std::io::Error) -> Self {
        Self { path: path.to_path_buf(), kind: CacheErrorKind::Io(e) }
    }

    fn db(path: &Path, e: impl Into<redb::Error>) -> Self {
        Self { path: path.to_path_buf(), kind: CacheErrorKind::Db(e.into()) }
    }

    fn encoding(path: &Path, e: postcard::Error) -> Self {
        Self { path: path.to_path_buf(), kind: CacheErrorKind::Encoding(e) }
    }
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display();
        match &self.kind {
            CacheErrorKind::Io(e) => write!(f, "{path}: {e}"),
            CacheErrorKind::Db(e) => write!(f, "{path}: {e}"),
            CacheErrorKind::Encoding(e) => write!(f, "{path}: {e}"),
            CacheErrorKind::Key => write!(f, "{path}: a page key is not a hash"),
        }
    }
}

impl std::error::Error for CacheError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            CacheErrorKind::Io(e) => Some(e),
            CacheErrorKind::Db(e) => Some(e),
            CacheErrorKind::Encoding(e) => Some(e),
            CacheErrorKind::Key => None,
        }
    }
}

impl Cache {
    /// Open (or create) the cache `file` (relative to the vault at `root`,
    /// [`CACHE_FILE`] unless the build says otherwise). A damaged cache is
    /// deleted and started afresh.
    pub(crate) fn open(
        root: &Path,
        file: &Path,
        salt: &Hash,
        output: &Path,
    ) -> Result<(Self, bool), Unavailable> {
        let path = root.join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Unavailable::Io(CacheError::io(dir, e)))?;
        }
        let mut rebuilt = false;
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(Unavailable::Busy),
            Err(_) => {
                rebuilt = true;
                let _ = std::fs::remove_file(&path);
                Database::create(&path).map_err(|e| Unavailable::Io(CacheError::db(&path, e)))?
            }
        };
        let mut cache = Self::empty(db, path);
        match cache.read(salt, output) {
            Ok(()) => {}
            Err(_) => {
                // Unreadable contents: start from an empty cache.
                rebuilt = true;
                cache.notes.clear();
                cache.pages.clear();
                cache.previous = None;
                drop(cache);
                let path = root.join(file);
                let _ = std::fs::remove_file(&path);
                let db = Database::create(&path).map_err(|e| Unavailable::Io(CacheError::db(&path, e)))?;
                cache = Self::empty(db, path);
            }
        }
        Ok((cache, rebuilt))
    }

    fn empty(db: Database, path: PathBuf) -> Self {
        Self {
            db,
            path,
            notes: FxHashMap::default(),
            pages: FxHashMap::default(),
            previous: None,
            notes_loaded: false,
        }
    }

    fn read(&mut self, salt: &Hash, output: &Path) -> Result<(), CacheError> {
        let path = self.path.clone();
        let db = |e: redb::Error| CacheError::db(&path, e);
        let decode = |e: postcard::Error| CacheError::encoding(&path, e);
        let txn = self.db.begin_read().map_err(|e| db(e.into()))?;
        let meta: Meta = match txn.open_table(META) {
            Ok(t) => match t.get(META_KEY).map_err(|e| db(e.into()))? {
                Some(v) => postcard::from_bytes(v.value()).map_err(decode)?,
                None => return Ok(()),
            },
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(db(e.into())),
        };
        if meta.format != FORMAT {
            return Ok(());
        }
        if let Ok(t) = txn.open_table(NOTES) {
            for row in t.iter().map_err(|e| db(e.into()))? {
                let (k, v) = row.map_err(|e| db(e.into()))?;
                let entry: NoteEntry = postcard::from_bytes(v.value()).map_err(decode)?;
                self.notes.insert(k.value().to_owned(), entry);
            }
            self.notes_loaded = true;
        }
        let same_output = meta.salt == *salt
            && Path::new(&meta.output) == output
            && marker_stamp(output).is_some_and(|m| m == meta.marker);
        if same_output && let Ok(t) = txn.open_table(PAGES) {
            for row in t.iter().map_err(|e| db(e.into()))? {
                let (k, v) = row.map_err(|e| db(e.into()))?;
                let key: Hash = v
                    .value()
                    .try_into()
                    .map_err(|_| CacheError { path: path.clone(), kind: CacheErrorKind::Key })?;
                self.pages.insert(k.value().to_owned(), key);
            }
            self.previous = Some(output.to_path_buf());
        }
        Ok(())
    }

    /// The cached body of note `i`, when it is still what rendering would give.
    pub(crate) fn body(&self, keys: &Keys, plan: &Plan<'_>, i: NoteIdx) -> Option<Valid> {
        let vault = plan.vault;
        let e = self.notes.get(&vault.notes[i].path)?;
        let base = keys.base(plan, i);
        if e.base != base {
            return None;
        }
        let questions = keys.revive(vault, &e.questions)?;
        if keys.answers(plan, &questions) != e.answers {
            return None;
        }
        Some(Valid {
            key: body_key(&base, &e.answers),
            text: e.text.clone(),
            asked: e.asked(vault, questions)?,
            entry: e.clone(),
        })
    }

    /// What the last build into the same output (same salt, marker in
    /// place) recorded of note `i`'s body, when its own inputs are still
    /// the same: the text, attachments and pages it asked for, and the HTML
    /// kept for the feed. The recorded answers are not replayed: only for
    /// the vault that build was made from (right after it, or when
    /// [`up_to_date`] finds nothing changed since).
    pub(crate) fn recorded_body(
        &self,
        keys: &Keys,
        plan: &Plan<'_>,
        i: NoteIdx,
    ) -> Option<(String, crate::plan::Asked, Option<String>)> {
        self.previous.as_ref()?;
        let vault = plan.vault;
        let e = self.notes.get(&vault.notes[i].path)?;
        if e.base != keys.base(plan, i) {
            return None;
        }
        Some((e.text.clone(), e.asked(vault, Vec::new())?, e.html.clone()))
    }

    /// The previous output this cache's page keys describe, when it is in place.
    pub(crate) fn previous(&self) -> Option<&Path> {
        self.previous.as_deref()
    }

    /// The file of the previous output that can stand for the page at `rel`
    /// with context key `key`: there when the previous build wrote that page
    /// under the same key (a page deleted from the output by hand is not).
    pub(crate) fn reusable(&self, rel: &str, key: &Hash) -> Option<PathBuf> {
        let previous = self.previous.as_ref()?;
        (self.pages.get(rel) == Some(key)).then(|| previous.join(rel)).filter(|f| f.is_file())
    }

    /// Remember this build (called after the output was swapped in). Only
    /// what differs from what the cache held is written (redb is
    /// copy-on-write: rewriting every entry would grow the file each build).
    pub(crate) fn save(self, record: Record) -> Result<(), CacheError> {
        let err = |e: redb::Error| CacheError::db(&self.path, e);
        let encode = |e: postcard::Error| CacheError::encoding(&self.path, e);
        let txn = self.db.begin_write().map_err(|e| err(e.into()))?;
        if !self.notes_loaded {
            txn.delete_table(NOTES).map_err(|e| err(e.into()))?;
        }
        // Page keys are only known when the previous output was this one.
        if self.previous.is_none() {
            txn.delete_table(PAGES).map_err(|e| err(e.into()))?;
        }
        {
            let mut t = txn.open_table(NOTES).map_err(|e| err(e.into()))?;
            for (path, entry) in &record.notes {
                if self.notes.get(path) != Some(entry) {
                    let bytes = postcard::to_stdvec(entry).map_err(encode)?;
                    t.insert(path.as_str(), bytes.as_slice()).map_err(|e| err(e.into()))?;
                }
            }
            for gone in self.notes.keys().filter(|p| !record.notes.contains_key(*p)) {
                t.remove(gone.as_str()).map_err(|e| err(e.into()))?;
            }
            // A page filled twice (see `run`) keeps its last key.
            let pages: FxHashMap<&str, &Hash> = record.pages.iter().map(|(r, k)| (r.as_str(), k)).collect();
            let mut t = txn.open_table(PAGES).map_err(|e| err(e.into()))?;
            for (rel, key) in &pages {
                if self.pages.get(*rel) != Some(*key) {
                    t.insert(*rel, key.as_slice()).map_err(|e| err(e.into()))?;
                }
            }
            for gone in self.pages.keys().filter(|r| !pages.contains_key(r.as_str())) {
                t.remove(gone.as_str()).map_err(|e| err(e.into()))?;
            }
            let mut t = txn.open_table(crate::patch::VIEWS).map_err(|e| err(e.into()))?;
            for (rel, view) in &record.views {
                let bytes = postcard::to_stdvec(view).map_err(encode)?;
                t.insert(rel.as_str(), bytes.as_slice()).map_err(|e| err(e.into()))?;
            }
            let mut t = txn.open_table(crate::patch::SHARDS).map_err(|e| err(e.into()))?;
            for (k, docs) in record.shards.iter().enumerate() {
                let bytes = postcard::to_stdvec(docs).map_err(encode)?;
                t.insert(k as u64, bytes.as_slice()).map_err(|e| err(e.into()))?;
            }
            // Without a state of this build, no patch may start from it. The
            // build replaced every file a patch may have left half done.
            let mut t = txn.open_table(crate::patch::STATE).map_err(|e| err(e.into()))?;
            t.remove(crate::patch::JOURNAL_KEY).map_err(|e| err(e.into()))?;
            match &record.patch {
                Some(state) => {
                    let bytes = postcard::to_stdvec(state).map_err(encode)?;
                    t.insert(crate::patch::STATE_KEY, bytes.as_slice()).map_err(|e| err(e.into()))?;
                }
                None => {
                    t.remove(crate::patch::STATE_KEY).map_err(|e| err(e.into()))?;
                }
            }
            let meta = Meta {
                format: FORMAT,
                salt: record.salt,
                output: record.output.to_string_lossy().into_owned(),
                marker: marker_stamp(&record.output).unwrap_or_default(),
                fresh: record.fresh,
                counts: record.counts,
            };
            let bytes = postcard::to_stdvec(&meta).map_err(encode)?;
            let mut t = txn.open_table(META).map_err(|e| err(e.into()))?;
            t.insert(META_KEY, bytes.as_slice()).map_err(|e| err(e.into()))?;
        }
        txn.commit().map_err(|e| err(e.into()))
    }
}

/// The key of a valid body: its own inputs and its answers.
pub(crate) fn body_key(base: &Hash, answers: &Hash) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(base);
    h.update(answers);
    *h.finalize().as_bytes()
}

/// The cache entry of a body rendered in this build.
pub(crate) fn entry(
    keys: &Keys,
    plan: &Plan<'_>,
    i: NoteIdx,
    text: &str,
    asked: &crate::plan::Asked,
) -> (Hash, NoteEntry) {
    let vault = plan.vault;
    let base = keys.base(plan, i);
    let answers = keys.answers(plan, &asked.questions);
    let questions = asked
        .questions
        .iter()
        .map(|q| match q {
            Question::Note(n) => Stored::Note(vault.notes[*n].path.clone()),
            Question::Attachment(f) => Stored::Attachment(vault.files.path(*f).to_owned()),
            Question::Unwritten(n) => Stored::Unwritten(n.clone()),
            Question::Tag(n) => Stored::Tag(n.clone()),
            Question::Keyword(n) => Stored::Keyword(n.clone()),
            Question::Name(n) => Stored::Name(n.clone()),
            Question::AllFiles => Stored::AllFiles,
        })
        .collect();
    let r = &asked.requested;
    let pairs = |m: &std::collections::BTreeMap<String, String>| {
        m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let entry = NoteEntry {
        base,
        questions,
        answers,
        text: text.to_owned(),
        attachments: asked.attachments.iter().map(|&f| vault.files.path(f).to_owned()).collect(),
        requested: [pairs(&r.tags), pairs(&r.keywords), pairs(&r.unwritten)],
        html: None,
    };
    (body_key(&base, &answers), entry)
}

/// What a finished build leaves in the cache.
pub(crate) struct Record {
    pub(crate) salt: Hash,
    pub(crate) output: PathBuf,
    pub(crate) notes: FxHashMap<String, NoteEntry>,
    pub(crate) pages: Vec<(String, Hash)>,
    pub(crate) fresh: Option<Hash>,
    counts: Counts,
    /// The views of the note pages written (see [`crate::patch`]).
    pub(crate) views: Vec<(String, crate::pages::StoredView)>,
    /// Every search shard's entries.
    pub(crate) shards: Vec<Vec<String>>,
    /// What a patch may start from; `None` removes the last one.
    pub(crate) patch: Option<crate::patch::State>,
    /// Views, shards and state are kept ([`crate::BuildOptions::patchable`]).
    pub(crate) patchable: bool,
}

impl Record {
    pub(crate) fn new(salt: Hash, output: PathBuf, fresh: Option<Hash>) -> Self {
        Self {
            salt,
            output,
            notes: FxHashMap::default(),
            pages: Vec::new(),
            fresh,
            counts: Counts::default(),
            views: Vec::new(),
            shards: Vec::new(),
            patch: None,
            patchable: false,
        }
    }

    pub(crate) fn count(&mut self, r: &BuildReport) {
        self.counts = Counts {
            pages: r.pages,
            notes: r.notes,
            drafts: r.drafts,
            tags: r.tags,
            keywords: r.keywords,
            unwritten: r.unwritten,
            attachments: r.attachments,
            files: r.files,
            bytes: r.bytes,
        };
    }
}

/// `(size, mtime, inode)` of the output's marker, written fresh by every build.
fn marker_stamp(output: &Path) -> Option<(u64, i128, u64)> {
    let meta = std::fs::metadata(output.join(crate::MARKER)).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let ino = 0;
    Some((meta.len(), stamps::mtime_ns(&meta), ino))
}

/// The state of a vault before a build: the stamps of every file the build
/// reads, hashed with vellum's identity and the build's options.
#[derive(Debug, Clone)]
pub struct Fresh {
    /// `None` when some stamp is not trusted ([`stamps::trusted`]: a file
    /// changed within the last two seconds) or the vault cannot be walked:
    /// such a state is never recorded or found up to date.
    key: Option<Hash>,
    output: Option<PathBuf>,
    /// The build cache the state is recorded in (relative to the vault).
    cache_file: PathBuf,
    /// vellum, the build's options and its output, hashed.
    identity: Hash,
    /// The stamps, sorted by path; `None` when the vault cannot be walked.
    stamps: Option<Vec<FileStamp>>,
    /// When they were taken.
    now: i128,
}

impl Fresh {
    /// Take the vault's stamps now, before loading it.
    #[must_use]
    pub fn take(root: &Path, opts: &BuildOptions) -> Self {
        let output = absolute_output(&opts.output);
        let now = stamps::now_ns();
        let Ok(mut files) = vellum_vault::file_stamps(root) else {
            let mut fresh = Self::of(&[], opts, output, now);
            fresh.key = None;
            return fresh;
        };
        theme_stamps(&root.join(crate::theme::THEME_DIR), crate::theme::THEME_DIR, &mut files);
        let mut fresh = Self::of(&files, opts, output, now);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        fresh.stamps = Some(files);
        fresh
    }

    /// The state of files with these `stamps`, taken at time `now` (ns), for
    /// a build with `opts` into `output`.
    fn of(stamps: &[FileStamp], opts: &BuildOptions, output: Option<PathBuf>, now: i128) -> Self {
        let mut h = hasher();
        h.update(&[u8::from(opts.include_drafts), u8::from(opts.preview)]);
        put(&mut h, &output.as_deref().unwrap_or(Path::new("")).to_string_lossy());
        Self {
            identity: *h.clone().finalize().as_bytes(),
            key: stamps::fresh_key(h, stamps, now),
            output,
            cache_file: opts.cache_file.clone(),
            stamps: None,
            now,
        }
    }

    pub(crate) fn key(&self) -> Option<Hash> {
        self.key
    }

    /// vellum, the build's options and its output, hashed.
    pub(crate) fn identity(&self) -> Hash {
        self.identity
    }

    /// The output folder, absolute.
    pub(crate) fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    /// The stamps, sorted by path.
    pub(crate) fn sorted_stamps(&self) -> Option<&[FileStamp]> {
        self.stamps.as_deref()
    }

    /// The stamps as a record keeps them: the untrusted ones unknown (see
    /// [`stamps::settle`]), so that they never match again.
    pub(crate) fn settled(&self) -> Option<Vec<FileStamp>> {
        self.stamps.as_ref().map(|s| stamps::settle(s, self.now))
    }
}

/// The stamps of every file under `dir` (the theme, at `rel` in the vault,
/// which the vault's walk leaves out), its sub-folders too: the string
/// catalogues in `_theme/i18n/` change without touching `_theme/` itself.
fn theme_stamps(dir: &Path, rel: &str, files: &mut Vec<FileStamp>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = format!("{rel}/{}", e.file_name().to_string_lossy());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            theme_stamps(&e.path(), &name, files);
        } else {
            let (size, mtime_ns) = e.metadata().map_or((0, 0), |m| (m.len(), stamps::mtime_ns(&m)));
            files.push(FileStamp { path: name, size, mtime_ns });
        }
    }
}

/// The output folder as the build will name it: its parent canonical.
pub(crate) fn absolute_output(output: &Path) -> Option<PathBuf> {
    let name = output.file_name()?;
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(name))
}

/// When nothing changed since the last clean build into the same output
/// (same vellum, options, vault and theme stamps; the output untouched), what
/// that build reported. The vault is not loaded.
#[must_use]
pub fn up_to_date(root: &Path, fresh: &Fresh) -> Option<BuildReport> {
    let key = fresh.key?;
    let output = fresh.output.as_deref()?;
    let path = root.join(&fresh.cache_file);
    if !path.is_file() {
        return None;
    }
    let db = Database::open(&path).ok()?;
    let txn = db.begin_read().ok()?;
    let t = txn.open_table(META).ok()?;
    let meta: Meta = postcard::from_bytes(t.get(META_KEY).ok()??.value()).ok()?;
    if meta.format != FORMAT
        || meta.fresh != Some(key)
        || Path::new(&meta.output) != output
        || marker_stamp(output) != Some(meta.marker)
    {
        return None;
    }
    Some(BuildReport { up_to_date: true, ..meta.counts.report(output.to_path_buf()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(path: &str, mtime_ns: i128) -> FileStamp {
        FileStamp { path: path.to_owned(), size: 1, mtime_ns }
    }

    #[test]
    fn freshness_trusts_exactly_the_stamps_the_shared_rule_trusts() {
        let racy = stamps::RACY_NS;
        let now = 1_000 * racy;
        let opts = BuildOptions::new("out");
        let old = stamp("old.md", now - 3 * racy);
        for mtime in [0, now - 3 * racy, now - racy - 1, now - racy, now - racy + 1, now - 1, now, now + racy]
        {
            let young = stamp("a.md", mtime);
            let fresh = Fresh::of(&[old.clone(), young.clone()], &opts, None, now);
            assert_eq!(fresh.key().is_some(), stamps::trusted(&young, now), "mtime {mtime}");
        }
    }

    #[test]
    fn freshness_keys_cover_the_stamps_the_options_and_the_output() {
        let now = 1_000 * stamps::RACY_NS;
        let files = [stamp("a.md", 5), stamp("_theme/page.html", 7)];
        let opts = BuildOptions::new("out");
        let key = |files: &[FileStamp], opts: &BuildOptions, output: &str| {
            Fresh::of(files, opts, Some(PathBuf::from(output)), now).key()
        };
        let k = key(&files, &opts, "/site").expect("trusted");
        assert_eq!(key(&files, &opts, "/site"), Some(k));
        assert_ne!(key(&files[..1], &opts, "/site"), Some(k), "a file less");
        assert_ne!(key(&[stamp("a.md", 6), stamp("_theme/page.html", 7)], &opts, "/site"), Some(k));
        assert_ne!(key(&files, &opts, "/elsewhere"), Some(k), "another output");
        let mut drafts = opts.clone();
        drafts.include_drafts = true;
        assert_ne!(key(&files, &drafts, "/site"), Some(k), "other options");
    }

    #[test]
    fn a_cache_folder_that_cannot_be_made_is_an_io_error_naming_it() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join(".vellum"), "a file, not a folder").expect("write");
        let Err(Unavailable::Io(e)) =
            Cache::open(tmp.path(), Path::new(CACHE_FILE), &[0; 32], &tmp.path().join("out"))
        else {
            panic!("the cache opened in a folder that cannot exist");
        };
        assert!(matches!(e.kind, CacheErrorKind::Io(_)), "{e:?}");
        let folder = tmp.path().join(".vellum").join("build");
        assert!(e.to_string().starts_with(&format!("{}: ", folder.display())), "{e}");
        assert!(std::error::Error::source(&e).is_some());
    }
}
