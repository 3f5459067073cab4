//! `vellum_search` is ranked full-text search over a vault, built on
//! [tantivy](https://docs.rs/tantivy). The index is a cache: it is kept on disk
//! and brought up to date each time it is opened, but it is never trusted.
//! Whatever is wrong with it, vellum rebuilds it and the search still works.
//!
//! # What is indexed
//!
//! One document per note, keyed by its vault path:
//!
//! | field     | holds                                                   | query weight |
//! |-----------|---------------------------------------------------------|--------------|
//! | `title`   | the note's title (stored)                               | ×3           |
//! | `claims`  | the core claim and every inline claim                   | ×2           |
//! | `sources` | each `[!ref]` source's title, "why it matters" and URL  | ×1           |
//! | `body`    | the body as plain prose (stored, for snippets): markup, the H1, the keyword row and the linkage tree left out | ×1 |
//! | `tags`    | frontmatter and inline tags, and frontmatter `keywords` | ×1           |
//! | `path`    | the vault path, untokenized (stored, the key)           | not searched by default |
//! | `draft`   | `draft: true` (stored, for filtering)                   | –            |
//! | `hash`    | blake3 of the note's whole text, hex (stored)           | –            |
//!
//! Text is tokenized on non-alphanumerics, lowercased, ASCII-folded and
//! stemmed for English, so `kernels` finds `kernel` and `naïve` finds `naive`;
//! a run of Chinese, Japanese or Korean characters becomes its overlapping
//! pairs of characters (see `cjk.rs`), at index and query time, so
//! `数据库` finds a note saying `分布式数据库系统`.
//! Ranking is BM25, summed over the fields with the weights above.
//!
//! # Invalidation rules
//!
//! [`SearchIndex::open`] compares the vault with the index every time:
//!
//! - the stored `(path, hash)` pairs are read once (from fast fields, not the
//!   document store); a note whose hash differs is deleted by its path and added
//!   again, a new path is added, a path no longer in the vault is deleted; notes
//!   with the same hash are left alone. Nothing is written when nothing changed.
//! - the whole index is thrown away and rebuilt when `VERSION` is missing or
//!   differs from [`version_stamp`] (the index format [`FORMAT_VERSION`] or the
//!   vellum version changed), when the schema differs, when tantivy cannot open
//!   it, when a checksum fails, or when reading it errors or panics.
//! - when `.vellum/search/` cannot be created or written (a read-only vault), or
//!   notes changed while another vellum holds the writer lock, the index is built in memory for this
//!   run only and [`UpdateStats::persisted`] is `false`.
//!
//! So the cache can make a search slower, never wrong, and never make it fail.
//! For the same reason the index is written without `fsync` (see the `dir`
//! module): a commit lost to a power cut fails the checksums on the next open
//! and is rebuilt.
//!
//! # On-disk layout
//!
//! ```text
//! <vault>/.vellum/.gitignore     "*": the folder is not committed with the vault
//! <vault>/.vellum/search/VERSION  "vellum-search <format> vellum <version>", written last
//! <vault>/.vellum/search/…        tantivy's files: meta.json, .managed.json, segments
//! <vault>/.vellum/search/STAMPS   the vault's file stamps at the last sync, and the index files' own
//! <vault>/.vellum/query/…         the query facts cache (the `facts` module)
//! ```
//!
//! # Opening without loading the vault
//!
//! [`SearchIndex::open_quick`] is the fast path used by `vellum search`: it
//! compares today's file stamps (path, size, modification time; see
//! [`stamps`]) with those recorded by the last sync in `STAMPS`. When nothing
//! changed it opens the index as it is; when a few notes changed it reads and
//! parses just those and re-indexes them. It gives up (and the caller loads the
//! vault and calls [`SearchIndex::open`]) when there is no `STAMPS`, when the
//! version differs, when one of the index's own files is not the one recorded
//! (changed or truncated behind vellum's back: the full open checks checksums),
//! or when more than [`QUICK_LIMIT`] notes changed. [`SearchIndex::open`] deletes
//! `STAMPS` before touching the index, and [`SearchIndex::record_stamps`] writes
//! it after a sync, so `STAMPS` never describes an index other than the one on disk.
//!
//! `VERSION` is written only after a full build has been committed, so a build
//! that was interrupted is detected (no `VERSION`) and redone. The vault loader
//! skips `.vellum/`, so the index never indexes itself.

mod cjk;
mod dir;
mod plain;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, QueryParserError, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use vellum_cache::{CACHE_DIR, prepare_cache_dir};
use vellum_cache::{blob, stamps};
use vellum_vault::{FileStamp, NoteFile, Vault};

use crate::dir::CacheDirectory;

/// The index format. Bump it whenever the schema, the tokenizer or what goes
/// into a field changes: every existing index is then rebuilt on next open.
pub const FORMAT_VERSION: u32 = 2;

/// Name of the tokenizer registered on every index (stemmed English, CJK
/// runs as pairs of characters).
const TOKENIZER: &str = "vellum_en";

/// Characters of a snippet around the best match.
const SNIPPET_CHARS: usize = 160;

/// Writer memory budget per indexing thread.
const WRITER_BUDGET_PER_THREAD: usize = 64 << 20;

/// At most this many changed notes are re-indexed by [`SearchIndex::open_quick`].
pub const QUICK_LIMIT: usize = 256;

const STAMPS_FILE: &str = "STAMPS";
const STAMPS_MAGIC: &[u8; 8] = b"VLMSTP01";

/// What `STAMPS` holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Synced {
    /// The vault's files, settled (see [`stamps::settle`]).
    vault: Vec<FileStamp>,
    /// The index folder's own files, as written by the sync.
    index: Vec<FileStamp>,
}

/// Stamps of the files of the index folder (not `STAMPS` itself, not locks).
fn index_files(dir: &Path) -> Vec<FileStamp> {
    let mut out: Vec<FileStamp> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(STAMPS_FILE) || name.ends_with(".lock") {
                return None;
            }
            let meta = e.metadata().ok()?;
            Some(FileStamp { path: name, size: meta.len(), mtime_ns: stamps::mtime_ns(&meta) })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// What `VERSION` must hold for an index on disk to be reused.
#[must_use]
pub fn version_stamp() -> String {
    format!("vellum-search {FORMAT_VERSION} vellum {}\n", env!("CARGO_PKG_VERSION"))
}

/// The folder holding the search index of the vault at `root`.
#[must_use]
pub fn index_dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("search")
}

/// Something went wrong while searching.
#[derive(Debug, Clone)]
pub enum SearchError {
    /// The query could not be parsed.
    Query(QueryError),
    /// The index could not be built or read, even in memory.
    Index(tantivy::TantivyError),
    /// The vault was loaded to publish: it holds no texts to index.
    LoadedToPublish(vellum_vault::LoadedToPublish),
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Query(e) => write!(f, "invalid search: {e}"),
            Self::Index(e) => write!(f, "search index: {e}"),
            Self::LoadedToPublish(e) => write!(f, "search index: {e}"),
        }
    }
}

impl std::error::Error for SearchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Query(e) => Some(e),
            Self::Index(e) => Some(e),
            Self::LoadedToPublish(e) => Some(e),
        }
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        Self::Index(e)
    }
}

impl From<QueryError> for SearchError {
    fn from(e: QueryError) -> Self {
        Self::Query(e)
    }
}

/// Why a search does not parse. Each says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// There is nothing to look for.
    Empty,
    /// `field:` names no field of the index (a URL is the usual case).
    UnknownField {
        /// The field named.
        field: String,
        /// The whole search.
        query: String,
    },
    /// Quotes or parentheses do not pair up, or the like.
    Syntax {
        /// The whole search.
        query: String,
    },
    /// Every word is excluded (`-word`, `NOT word`).
    OnlyExclusions,
    /// Another error of tantivy's query parser, in its words.
    Other(String),
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the search is empty"),
            Self::UnknownField { field, query } => write!(
                f,
                "`{field}:` is not a field (fields: title, claims, sources, body, tags); \
                 to search for the text itself, quote it: \"{}\"",
                query.replace('"', "")
            ),
            Self::Syntax { query } => {
                write!(f, "`{query}` is not valid search syntax; check quotes and parentheses")
            }
            Self::OnlyExclusions => f.write_str("a search cannot only exclude words: add a word to look for"),
            Self::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for QueryError {}

impl QueryError {
    /// The error for `query`, which tantivy's parser rejected with `e`.
    fn parsing(query: &str, e: &QueryParserError) -> Self {
        match e {
            QueryParserError::FieldDoesNotExist(field) => {
                Self::UnknownField { field: field.clone(), query: query.to_owned() }
            }
            QueryParserError::SyntaxError(_) => Self::Syntax { query: query.to_owned() },
            QueryParserError::AllButQueryForbidden => Self::OnlyExclusions,
            other => Self::Other(other.to_string()),
        }
    }
}

/// What [`SearchIndex::open`] had to do to bring the index up to date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateStats {
    /// Notes indexed for the first time (every note on a full build).
    pub added: usize,
    /// Notes whose text changed, re-indexed.
    pub updated: usize,
    /// Notes gone from the vault, deleted from the index.
    pub removed: usize,
    /// Notes whose text is unchanged, not touched.
    pub unchanged: usize,
    /// Whether the index lives on disk (`false`: built in memory for this run).
    pub persisted: bool,
    /// Why an existing index was thrown away and rebuilt, or, when
    /// [`persisted`](Self::persisted) is `false`, why it could not be kept on
    /// disk. `None` when the index on disk was reused or built for the first time.
    pub rebuilt: Option<String>,
    /// Time spent opening and updating the index (not loading the vault).
    pub elapsed: Duration,
}

impl UpdateStats {
    /// Notes written to the index: added, updated or removed.
    #[must_use]
    pub fn changed(&self) -> usize {
        self.added + self.updated + self.removed
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Vault path of the note.
    pub path: String,
    /// Its title.
    pub title: String,
    /// BM25 score; higher is better. Only comparable within one search.
    pub score: f32,
    /// Whether the note is a draft.
    pub draft: bool,
    /// The best passage of the body (else the title) as plain text on one
    /// line, each match wrapped in `[` and `]`; `…` marks cut text.
    pub snippet: String,
    /// The same passage as HTML (escaped), each match wrapped in `<b>…</b>`.
    pub snippet_html: String,
    /// The passage without markers, for rendering the matches another way.
    pub snippet_text: String,
    /// Byte ranges of the matches in [`snippet_text`](Self::snippet_text).
    pub highlights: Vec<Range<usize>>,
}

impl Hit {
    /// The passage with each match between `open` and `close`
    /// (`hit.marked("[", "]") == hit.snippet`).
    #[must_use]
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.snippet_text.len() + 8);
        let mut at = 0;
        for r in &self.highlights {
            let (Some(before), Some(word)) =
                (self.snippet_text.get(at..r.start), self.snippet_text.get(r.clone()))
            else {
                continue;
            };
            out.push_str(before);
            out.push_str(open);
            out.push_str(word);
            out.push_str(close);
            at = r.end;
        }
        out.push_str(self.snippet_text.get(at..).unwrap_or_default());
        out
    }
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
struct Fields {
    path: Field,
    title: Field,
    body: Field,
    claims: Field,
    sources: Field,
    tags: Field,
    draft: Field,
    hash: Field,
}

fn schema() -> (Schema, Fields) {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing);
    let stored_text = text.clone().set_stored();
    let mut b = Schema::builder();
    let fields = Fields {
        path: b.add_text_field("path", STRING | STORED | FAST),
        title: b.add_text_field("title", stored_text.clone()),
        body: b.add_text_field("body", stored_text),
        claims: b.add_text_field("claims", text.clone()),
        sources: b.add_text_field("sources", text.clone()),
        tags: b.add_text_field("tags", text),
        draft: b.add_bool_field("draft", INDEXED | STORED),
        hash: b.add_text_field("hash", STRING | STORED | FAST),
    };
    (b.build(), fields)
}

fn register_tokenizer(index: &Index) {
    let analyzer = TextAnalyzer::builder(cjk::WordsAndPairs::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register(TOKENIZER, analyzer);
}

/// A note's content hash: blake3 of its whole text, in hex.
fn content_hash(text: &vellum_vault::NoteText) -> String {
    blake3::Hash::from_bytes(text.hash()).to_hex().to_string()
}

/// The tantivy document for a note.
fn document(f: &Fields, n: &NoteFile, hash: &str) -> TantivyDocument {
    let note = &n.note;
    let journal = &note.journal;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.path, &n.path);
    doc.add_text(f.title, &n.title);
    doc.add_text(f.body, plain::prose(&body_without_repeats(n)));
    if let Some(core) = &journal.core_claim {
        doc.add_text(f.claims, &core.value);
    }
    for claim in &journal.claims {
        doc.add_text(f.claims, &claim.value);
    }
    for source in &journal.sources {
        let parts =
            [source.title.as_deref(), source.why.as_deref(), source.url.as_ref().map(|u| u.value.as_str())];
        for part in parts.into_iter().flatten() {
            doc.add_text(f.sources, part);
        }
    }
    let mut tags = note.all_tags();
    tags.extend(note.properties.keywords.iter().map(|k| k.value.to_lowercase()));
    for tag in &tags {
        doc.add_text(f.tags, tag);
    }
    doc.add_bool(f.draft, n.is_draft());
    doc.add_text(f.hash, hash);
    doc
}

/// The body of a note without what other fields already hold and what would
/// crowd its snippets: the first H1 (the title), the keyword row (in `tags`)
/// and the linkage tree (tags and links). Empty for a note loaded to
/// publish, which [`SearchIndex::open`] refuses.
fn body_without_repeats(n: &NoteFile) -> String {
    let Ok(kept) = n.kept() else { return String::new() };
    let note = &n.note;
    // A canvas's text is JSON, a base's YAML: what they show is searched, not their syntax.
    if let Some(canvas) = &note.canvas {
        return canvas.text();
    }
    if note.base {
        return note.headings.iter().map(|h| h.text.as_str()).collect::<Vec<_>>().join("\n");
    }
    let body = note.body;
    let mut cut: Vec<vellum_syntax::Span> = [
        note.h1().map(|h| h.span),
        note.journal.keyword_row.as_ref().map(|k| k.span),
        kept.detail.linkage.as_ref().map(|l| l.span),
    ]
    .into_iter()
    .flatten()
    .filter(|s| s.start >= body.start && s.end <= body.end)
    .collect();
    cut.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(body.len());
    let mut at = body.start;
    for s in cut {
        if s.start < at {
            continue;
        }
        out.push_str(kept.text.get(at..s.start).unwrap_or_default());
        out.push('\n');
        at = s.end;
    }
    out.push_str(kept.text.get(at..body.end).unwrap_or_default());
    out
}

/// The full-text index of a vault, ready to [`search`](Self::search).
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    persisted: bool,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("notes", &self.num_notes())
            .field("persisted", &self.persisted)
            .finish_non_exhaustive()
    }
}

/// Why an index on disk cannot be reused (or updated right now).
struct Stale {
    reason: String,
    /// Another process holds the writer lock: the index is not damaged, only
    /// busy, so it must not be deleted.
    busy: bool,
}

impl Stale {
    fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into(), busy: false }
    }
}

impl<E: fmt::Display> From<E> for Stale {
    fn from(e: E) -> Self {
        Self::new(e.to_string())
    }
}

impl SearchIndex {
    /// Open the index of `vault` in `<vault>/.vellum/search/`, bring it up to
    /// date with the notes, and say what that took. Builds it when it is
    /// missing, rebuilds it when it is stale or damaged, and falls back to an
    /// index in memory when the vault folder cannot be written.
    ///
    /// # Errors
    /// When the vault was loaded to publish (it holds no texts), or when
    /// even an index in memory cannot be built.
    pub fn open(vault: &Vault) -> Result<(SearchIndex, UpdateStats), SearchError> {
        let start = Instant::now();
        vault.kept().map_err(SearchError::LoadedToPublish)?;
        // From here on the index may change: the recorded stamps no longer hold.
        let _ = std::fs::remove_file(index_dir(&vault.root).join(STAMPS_FILE));
        let hashes: Vec<String> = vault.notes.par_iter().map(|n| content_hash(&n.text)).collect();
        let dir = index_dir(&vault.root);
        let fallback = match prepare_cache_dir(&vault.root, &dir) {
            Ok(()) => match guarded(|| open_persistent(&dir, vault, &hashes)) {
                Ok((index, mut stats)) => {
                    stats.elapsed = start.elapsed();
                    return Ok((index, stats));
                }
                Err(Stale { reason, busy: true }) => reason,
                Err(Stale { reason, busy: false }) => {
                    match guarded(|| build_persistent(&dir, vault, &hashes)) {
                        Ok((index, mut stats)) => {
                            stats.rebuilt = (!reason.is_empty()).then_some(reason);
                            stats.elapsed = start.elapsed();
                            return Ok((index, stats));
                        }
                        Err(e) => e.reason,
                    }
                }
            },
            Err(e) => format!("cannot create `{}`: {e}", dir.display()),
        };
        let (index, mut stats) = build_in_ram(vault, &hashes)?;
        stats.rebuilt = Some(fallback);
        stats.elapsed = start.elapsed();
        Ok((index, stats))
    }

    /// Open the index of the vault at `root` without loading the vault, when
    /// the stamps recorded at the last sync tell what changed since: nothing,
    /// or at most [`QUICK_LIMIT`] notes, which are read, parsed and re-indexed.
    /// `stamps` are today's, from [`vellum_vault::file_stamps`]; they are
    /// recorded again after an update. `None` means this cannot be done safely
    /// (see the crate documentation): load the vault and call [`Self::open`].
    #[must_use]
    pub fn open_quick(root: &Path, stamps: &[FileStamp]) -> Option<(SearchIndex, UpdateStats)> {
        let start = Instant::now();
        let dir = index_dir(root);
        if std::fs::read_to_string(dir.join("VERSION")).ok()? != version_stamp() {
            return None;
        }
        let synced: Synced = blob::read_blob(&dir.join(STAMPS_FILE), STAMPS_MAGIC)?;
        if synced.index != index_files(&dir) {
            return None;
        }
        let changes = stamps::note_changes(&synced.vault, stamps);
        if changes.changed.len() + changes.removed.len() > QUICK_LIMIT {
            return None;
        }
        let (index, mut stats) = guarded(|| quick_update(root, &dir, &synced.vault, &changes)).ok()?;
        if stats.changed() > 0 && !index.record_stamps(root, stamps) {
            let _ = std::fs::remove_file(dir.join(STAMPS_FILE));
        }
        stats.elapsed = start.elapsed();
        Some((index, stats))
    }

    /// Record that the index on disk is in sync with the vault files of
    /// `stamps` (taken before the vault that was indexed was loaded), so that
    /// the next [`Self::open_quick`] can trust it. Returns whether they were
    /// written (not for an index in memory, nor when the folder is read-only).
    pub fn record_stamps(&self, root: &Path, stamps: &[FileStamp]) -> bool {
        if !self.persisted {
            return false;
        }
        let dir = index_dir(root);
        let synced = Synced { vault: stamps::settle(stamps, stamps::now_ns()), index: index_files(&dir) };
        blob::write_blob(&dir.join(STAMPS_FILE), STAMPS_MAGIC, &synced).is_ok()
    }

    /// Whether the index lives on disk.
    #[must_use]
    pub fn persisted(&self) -> bool {
        self.persisted
    }

    /// How many notes the index holds.
    #[must_use]
    pub fn num_notes(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Search the notes. `query` uses tantivy's query syntax: words (all must
    /// match), `"a phrase"`, `OR`, `AND`, `-word` or `NOT word`, parentheses,
    /// `field:word` on `title`, `claims`, `sources`, `body`, `tags`, and `word^2`
    /// boosts. Returns at most `limit` hits, best first; drafts only when
    /// `include_drafts`.
    ///
    /// # Errors
    /// [`SearchError::Query`] when the query cannot be parsed,
    /// [`SearchError::Index`] when the index cannot be read.
    pub fn search(&self, query: &str, limit: usize, include_drafts: bool) -> Result<Vec<Hit>, SearchError> {
        if query.trim().is_empty() {
            return Err(QueryError::Empty.into());
        }
        let f = &self.fields;
        let mut parser =
            QueryParser::for_index(&self.index, vec![f.title, f.claims, f.sources, f.body, f.tags]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.claims, 2.0);
        let user_query = parser.parse_query(query).map_err(|e| QueryError::parsing(query, &e))?;
        let searcher = self.reader.searcher();
        let filtered: Box<dyn Query>;
        let query_ref: &dyn Query = if include_drafts {
            &*user_query
        } else {
            let drafts = TermQuery::new(Term::from_field_bool(f.draft, true), IndexRecordOption::Basic);
            filtered = Box::new(BooleanQuery::new(vec![
                (Occur::Must, user_query.box_clone()),
                (Occur::MustNot, Box::new(drafts)),
            ]));
            &*filtered
        };
        let top = searcher.search(query_ref, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut body_snippets = SnippetGenerator::create(&searcher, &*user_query, f.body)?;
        body_snippets.set_max_num_chars(SNIPPET_CHARS);
        let title_snippets = SnippetGenerator::create(&searcher, &*user_query, f.title)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text =
                |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let title = text(f.title);
            let body = text(f.body);
            let mut snippet = body_snippets.snippet(&body);
            let mut source_len = body.len();
            if snippet.is_empty() {
                snippet = title_snippets.snippet(&title);
                source_len = title.len();
            }
            let (snippet_text, highlights) =
                if snippet.is_empty() { (title.clone(), Vec::new()) } else { one_line(&snippet, source_len) };
            let mut hit = Hit {
                path: text(f.path),
                title,
                score,
                draft: doc.get_first(f.draft).and_then(|v| v.as_bool()).unwrap_or(false),
                snippet: String::new(),
                snippet_html: if snippet.is_empty() { String::new() } else { snippet.to_html() },
                snippet_text,
                highlights,
            };
            if hit.snippet_html.is_empty() {
                hit.snippet_html = html_escape(&hit.snippet_text);
            }
            hit.snippet = hit.marked("[", "]");
            hits.push(hit);
        }
        Ok(hits)
    }
}

/// A tantivy snippet as one line: whitespace collapsed, `…` where text was
/// cut, highlights moved to match.
fn one_line(snippet: &Snippet, source_len: usize) -> (String, Vec<Range<usize>>) {
    let fragment = snippet.fragment();
    let range = snippet.fragment_range();
    let mut out = String::with_capacity(fragment.len() + 8);
    // Map every byte offset of the fragment to its offset in `out`.
    let mut map = vec![0usize; fragment.len() + 1];
    if range.start > 0 {
        out.push_str("… ");
    }
    let mut last_space = true;
    for (i, c) in fragment.char_indices() {
        map[i] = out.len();
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    map[fragment.len()] = out.len();
    let trimmed_end = out.trim_end().len();
    out.truncate(trimmed_end);
    if range.end < source_len {
        out.push_str(" …");
    }
    let highlights = tantivy::snippet::collapse_overlapped_ranges(snippet.highlighted())
        .into_iter()
        .filter_map(|r| {
            let (start, end) = (*map.get(r.start)?, *map.get(r.end)?);
            (start < end && end <= trimmed_end).then_some(start..end)
        })
        .collect();
    (out, highlights)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Run `f`, turning a panic (tantivy reading a damaged file) into a stale index.
fn guarded<T>(f: impl FnOnce() -> Result<T, Stale>) -> Result<T, Stale> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(Stale::new("reading the index panicked")))
}

/// Reuse the index in `dir` and bring it up to date, or say why it cannot be.
fn open_persistent(
    dir: &Path,
    vault: &Vault,
    hashes: &[String],
) -> Result<(SearchIndex, UpdateStats), Stale> {
    match std::fs::read_to_string(dir.join("VERSION")) {
        Ok(v) if v == version_stamp() => {}
        Ok(v) => {
            return Err(Stale::new(format!(
                "the index format changed from `{}` to `{}`",
                v.trim(),
                version_stamp().trim()
            )));
        }
        Err(_) if !dir.join("meta.json").exists() => return Err(Stale::new(String::new())),
        Err(_) => return Err(Stale::new("the last index build did not finish")),
    }
    let (schema, fields) = schema();
    let index = Index::open(CacheDirectory::open(dir)?)?;
    if index.schema() != schema {
        return Err(Stale::new("the index schema changed"));
    }
    let damaged = index.validate_checksum()?;
    if !damaged.is_empty() {
        return Err(Stale::new(format!("{} damaged index files", damaged.len())));
    }
    register_tokenizer(&index);
    let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let stored = stored_hashes(&reader)?;

    let mut stats = UpdateStats { persisted: true, ..UpdateStats::default() };
    let mut to_add: Vec<usize> = Vec::new();
    let mut to_delete: Vec<&str> = Vec::new();
    let mut seen = 0usize;
    for (i, n) in vault.notes.iter().enumerate() {
        match stored.get(n.path.as_str()) {
            Some(Some(h)) if *h == hashes[i] => stats.unchanged += 1,
            Some(_) => {
                stats.updated += 1;
                to_delete.push(&n.path);
                to_add.push(i);
            }
            None => {
                stats.added += 1;
                to_add.push(i);
            }
        }
        if stored.contains_key(n.path.as_str()) {
            seen += 1;
        }
    }
    if seen < stored.len() {
        let in_vault: std::collections::HashSet<&str> = vault.notes.iter().map(|n| n.path.as_str()).collect();
        for path in stored.keys().filter(|p| !in_vault.contains(String::as_str(p))) {
            stats.removed += 1;
            to_delete.push(path);
        }
    }
    if to_add.is_empty() && to_delete.is_empty() {
        return Ok((SearchIndex { index, reader, fields, persisted: true }, stats));
    }
    let mut writer = new_writer(&index, to_add.len()).map_err(|e| match e {
        tantivy::TantivyError::LockFailure(..) => {
            Stale { reason: "another vellum is updating the index".to_owned(), busy: true }
        }
        other => Stale::from(other),
    })?;
    for path in to_delete {
        writer.delete_term(Term::from_field_text(fields.path, path));
    }
    for i in to_add {
        writer.add_document(document(&fields, &vault.notes[i], &hashes[i]))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    reader.reload()?;
    Ok((SearchIndex { index, reader, fields, persisted: true }, stats))
}

/// Open the index in `dir` and apply `changes` (relative to the `recorded`
/// stamps) by reading just the changed notes.
fn quick_update(
    root: &Path,
    dir: &Path,
    recorded: &[FileStamp],
    changes: &stamps::NoteChanges,
) -> Result<(SearchIndex, UpdateStats), Stale> {
    let (schema, fields) = schema();
    let index = Index::open(CacheDirectory::open(dir)?)?;
    if index.schema() != schema {
        return Err(Stale::new("the index schema changed"));
    }
    register_tokenizer(&index);
    let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let mut stats = UpdateStats { persisted: true, ..UpdateStats::default() };
    if changes.changed.is_empty() && changes.removed.is_empty() {
        stats.unchanged = reader.searcher().num_docs().try_into().unwrap_or(usize::MAX);
        return Ok((SearchIndex { index, reader, fields, persisted: true }, stats));
    }
    let fresh = vellum_vault::load_notes(root, &changes.changed);
    let mut writer = new_writer(&index, fresh.notes.len())?;
    for path in changes.changed.iter().chain(&changes.removed) {
        writer.delete_term(Term::from_field_text(fields.path, path));
    }
    for n in &fresh.notes {
        writer.add_document(document(&fields, n, &content_hash(&n.text)))?;
        if recorded.binary_search_by(|s| s.path.as_str().cmp(&n.path)).is_ok() {
            stats.updated += 1;
        } else {
            stats.added += 1;
        }
    }
    // A note that no longer loads (now binary, unreadable) leaves the index.
    stats.removed = changes.removed.len() + fresh.problems.len();
    writer.commit()?;
    writer.wait_merging_threads()?;
    reader.reload()?;
    stats.unchanged = usize::try_from(reader.searcher().num_docs())
        .unwrap_or(usize::MAX)
        .saturating_sub(stats.added + stats.updated);
    Ok((SearchIndex { index, reader, fields, persisted: true }, stats))
}

/// `path → hash` for every live document; `None` for a path held twice (a
/// path that must be rewritten).
fn stored_hashes(reader: &IndexReader) -> Result<HashMap<String, Option<String>>, Stale> {
    let searcher = reader.searcher();
    let mut out: HashMap<String, Option<String>> = HashMap::with_capacity(searcher.num_docs() as usize);
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let (Some(paths), Some(hashes)) = (ff.str("path")?, ff.str("hash")?) else {
            if segment.num_docs() == 0 {
                continue;
            }
            return Err(Stale::new("the index has no path or hash column"));
        };
        let path_terms = all_terms(&paths)?;
        let hash_terms = all_terms(&hashes)?;
        for doc in segment.doc_ids_alive() {
            let path = paths.ords().first(doc).and_then(|o| path_terms.get(usize::try_from(o).ok()?));
            let hash = hashes.ords().first(doc).and_then(|o| hash_terms.get(usize::try_from(o).ok()?));
            let (Some(path), Some(hash)) = (path, hash) else {
                return Err(Stale::new("a document has no path or hash"));
            };
            out.entry(path.clone()).and_modify(|h| *h = None).or_insert_with(|| Some(hash.clone()));
        }
    }
    Ok(out)
}

/// Every term of a fast-field dictionary, by ordinal.
fn all_terms(column: &tantivy::columnar::StrColumn) -> Result<Vec<String>, Stale> {
    let dict = column.dictionary();
    let mut terms = Vec::with_capacity(dict.num_terms());
    let mut stream = dict.stream()?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(terms)
}

/// A writer sized for `docs` documents: one thread for a few, more for a build.
fn new_writer(index: &Index, docs: usize) -> tantivy::Result<IndexWriter> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = if docs < 1000 { 1 } else { cpus.clamp(1, 4) };
    let budget = if docs < 1000 { 16 << 20 } else { WRITER_BUDGET_PER_THREAD };
    index.writer_with_num_threads(threads, threads * budget)
}

/// Delete whatever is in `dir` and build the index there from scratch.
fn build_persistent(
    dir: &Path,
    vault: &Vault,
    hashes: &[String],
) -> Result<(SearchIndex, UpdateStats), Stale> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let (schema, fields) = schema();
    let index = Index::create(CacheDirectory::open(dir)?, schema, tantivy::IndexSettings::default())?;
    let (index, stats) = fill(index, fields, vault, hashes, true)?;
    let tmp = dir.join("VERSION.tmp");
    std::fs::write(&tmp, version_stamp())?;
    std::fs::rename(&tmp, dir.join("VERSION"))?;
    Ok((index, stats))
}

/// Build the index in memory, for this run only.
fn build_in_ram(vault: &Vault, hashes: &[String]) -> Result<(SearchIndex, UpdateStats), SearchError> {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    Ok(fill(index, fields, vault, hashes, false)?)
}

/// Index every note of the vault into an empty index.
fn fill(
    index: Index,
    fields: Fields,
    vault: &Vault,
    hashes: &[String],
    persisted: bool,
) -> tantivy::Result<(SearchIndex, UpdateStats)> {
    register_tokenizer(&index);
    let mut writer = new_writer(&index, vault.notes.len())?;
    // Documents are built on rayon's threads while tantivy's index them.
    vault
        .notes
        .par_iter()
        .zip(hashes)
        .try_for_each(|(n, hash)| writer.add_document(document(&fields, n, hash)).map(drop))?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let stats = UpdateStats { added: vault.notes.len(), persisted, ..UpdateStats::default() };
    Ok((SearchIndex { index, reader, fields, persisted }, stats))
}
