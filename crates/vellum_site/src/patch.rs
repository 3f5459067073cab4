//! Patching the published site in place: a build after edits that change
//! nothing but the edited notes' own pages, without loading the vault.
//!
//! Most edits of a journal touch one note's prose. Such an edit changes that
//! note's page and its entry in the search index, and nothing else: every
//! other page reads of a note only what its parse *says* outside the body's
//! prose — title, properties, headings, block ids, links, tags, the journal's
//! components, its reading time — and an embed, which reads the text itself.
//! So a full build records, beside the build cache ([`crate::cache`]):
//!
//! - the **state** of the vault it published: every file's stamp, the file
//!   index's paths and each note's aliases (to resolve links as the whole
//!   vault does), the URL of every note, tag, keyword and unwritten page,
//!   the page globals, and per note the [`outward`] digest of its parse,
//!   whether some note embeds it, whether it is in the feed and where its
//!   search entry is;
//! - each note page's **view** without its body ([`StoredView`]);
//! - each search shard's **entries**.
//!
//! [`patch`] then answers a build whose stamps differ from the state's only
//! in notes whose outward digest is unchanged, that no note embeds and that
//! are not in the feed: it parses those notes (and what they link to and
//! embed, [`vellum_vault::load_partial`]), renders their bodies with the
//! recorded URLs (a question the record cannot answer — a page the plan did
//! not have, an attachment the note did not link before — gives up), fills
//! their pages from the stored views, puts their new text in their search
//! shards, and swaps those few files into the output. Anything else, or
//! anything missing, and `None` sends the caller to the full build.
//!
//! **What a kill leaves.** The new files are written first into a folder of
//! the spare kept beside the output (`.<output>.vellum-spare/.vellum-patch/`,
//! never published); then the build cache is told, in one
//! commit, that those pages are no longer what its page keys say (their keys
//! are dropped, the freshness record cleared, a journal names the files);
//! then each file is renamed over the old one (atomic per file); then one
//! commit records the new state and clears the journal. A kill before the
//! first commit leaves the site as it was; after it, a site whose patched
//! files are each old or new, and a journal that makes the next build a full
//! one, which replaces them all. A reader sees each file whole, and the
//! edited note's page and its search entry change a few microseconds apart.

use std::path::{Path, PathBuf};
use std::time::Instant;

use redb::{Database, ReadableDatabase, TableDefinition};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use vellum_cache::stamps::FileStamp;
use vellum_render::{RenderOptions, Urls, render_note};
use vellum_vault::{FileId, KnownNote, NoteIdx, Target, Vault};

use crate::cache::{self, Hash};
use crate::pages::{Globals, StoredView};
use crate::plan::Plan;
use crate::{BuildError, BuildOptions, BuildReport, Fresh, feeds, text};

/// The state a full build leaves for patching (key [`STATE_KEY`]) and the
/// journal of a patch under way (key [`JOURNAL_KEY`]).
pub(crate) const STATE: TableDefinition<&str, &[u8]> = TableDefinition::new("patch");
/// Each note page's [`StoredView`], by output path.
pub(crate) const VIEWS: TableDefinition<&str, &[u8]> = TableDefinition::new("views");
/// Each search shard's entries, by shard number.
pub(crate) const SHARDS: TableDefinition<u64, &[u8]> = TableDefinition::new("shards");
pub(crate) const STATE_KEY: &str = "state";
pub(crate) const JOURNAL_KEY: &str = "journal";

/// More edited notes than this: a full build (it re-plans anyway, soon).
const MOST: usize = 64;

/// What a full build leaves for patching.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct State {
    /// [`Fresh`]'s identity of the build: vellum, its options, the output.
    identity: Hash,
    /// Every file's stamp when the build began (sorted by path; untrusted
    /// ones settled to unknown, so they always count as changed).
    stamps: Vec<FileStamp>,
    /// The file index's paths.
    paths: Vec<String>,
    /// Every note that loaded, sorted by path.
    notes: Vec<NoteState>,
    base_path: String,
    /// Tag, keyword and unwritten pages: key (as the plan looks them up) → folder.
    tags: FxHashMap<String, String>,
    keywords: FxHashMap<String, String>,
    unwritten: FxHashMap<String, String>,
    globals: [String; 5],
    /// The feed's entries, newest first (their bodies are in the build
    /// cache's note entries).
    feed: Vec<feeds::FeedItem>,
    /// Characters of body text kept per note, and per search entry.
    text_budget: usize,
    snippet_budget: usize,
    /// The build's warnings, reported again by a patch.
    pub(crate) warnings: Vec<String>,
}

/// What the state knows of one note.
#[derive(Debug, Serialize, Deserialize)]
struct NoteState {
    path: String,
    aliases: Vec<String>,
    /// Its page's folder; `None` when it is not published.
    rel: Option<String>,
    /// [`outward`] of its parse.
    outward: Hash,
    /// Some other document reads it ([`read_notes`]): an edit of it is a full build's.
    read: bool,
    in_feed: bool,
    /// Its search entry: shard and position.
    entry: Option<(u32, u32)>,
}

/// The digest of everything other pages can read of a note: what its parse
/// says, without where it says it ([`crate::spanless`]) and without the body
/// itself; its word count only as the reading time cards show.
pub(crate) fn outward(title: &str, note: &vellum_syntax::Note) -> Hash {
    let mut h = blake3::Hasher::new();
    let d = |h: &mut blake3::Hasher, v: &dyn erased::Digest| v.digest(h);
    d(&mut h, &title);
    d(&mut h, &note.frontmatter);
    d(&mut h, &note.properties);
    d(&mut h, &note.headings);
    d(&mut h, &note.links);
    d(&mut h, &note.tags);
    d(&mut h, &note.block_ids);
    d(&mut h, &note.journal);
    d(&mut h, &note.components);
    d(&mut h, &note.errors);
    d(&mut h, &crate::pages::reading_minutes(note.words));
    d(&mut h, &note.canvas);
    d(&mut h, &note.base);
    d(&mut h, &note.base_blocks.len());
    *h.finalize().as_bytes()
}

/// Object-safe digesting of the parts of a note.
mod erased {
    pub(super) trait Digest {
        fn digest(&self, h: &mut blake3::Hasher);
    }
    impl<T: serde::Serialize> Digest for T {
        fn digest(&self, h: &mut blake3::Hasher) {
            crate::spanless::digest(h, self);
        }
    }
}

impl State {
    /// The state of the build that `plan` describes, its search shards
    /// written as `shards` (entries in order), its feed `in_feed`.
    pub(crate) fn of(
        plan: &Plan<'_>,
        globals: &Globals,
        cards: &[Option<crate::pages::Card>],
        in_feed: &FxHashSet<NoteIdx>,
        shards: &[Vec<String>],
        fresh: &Fresh,
        entries: &FxHashMap<String, cache::NoteEntry>,
    ) -> Option<Self> {
        use rayon::prelude::*;
        let vault = plan.vault;
        let stamps = fresh.settled()?;
        let read = read_notes(vault, entries);
        // Where each note's entry is: the shards hold the published notes
        // with a card, in path order (`feeds::search_shards`).
        let mut entry = vec![None; vault.notes.len()];
        for (k, chunk) in plan.published.chunks(feeds::SHARD).enumerate() {
            let with_card = chunk.iter().filter(|&&i| cards[i].is_some());
            if shards.get(k).map(Vec::len) != Some(with_card.clone().count()) {
                return None;
            }
            for (j, &i) in with_card.enumerate() {
                entry[i] = Some((u32::try_from(k).ok()?, u32::try_from(j).ok()?));
            }
        }
        if shards.len() != plan.published.len().div_ceil(feeds::SHARD) {
            return None;
        }
        let notes = (0..vault.notes.len())
            .into_par_iter()
            .map(|i| {
                let n = &vault.notes[i];
                NoteState {
                    path: n.path.clone(),
                    aliases: n.note.properties.aliases.iter().map(|a| a.value.clone()).collect(),
                    rel: plan.rel[i].clone(),
                    outward: outward(&n.title, &n.note),
                    read: read[i],
                    in_feed: in_feed.contains(&i),
                    entry: entry[i],
                }
            })
            .collect();
        let published = plan.published.len();
        Some(Self {
            identity: fresh.identity(),
            stamps,
            paths: vault.files.iter().map(|(_, p)| p.to_owned()).collect(),
            notes,
            base_path: plan.site.base_path.clone(),
            tags: plan.tags.iter().map(|(k, t)| (k.clone(), t.rel.clone())).collect(),
            keywords: plan.keywords.iter().map(|(k, p)| (k.clone(), p.rel.clone())).collect(),
            unwritten: plan.unwritten_keys().map(|(k, rel)| (k.to_owned(), rel.to_owned())).collect(),
            globals: globals.stored(),
            feed: feeds::feed_items(plan, cards).into_iter().map(|(_, item)| item).collect(),
            text_budget: feeds::text_budget(published),
            snippet_budget: feeds::snippet_budget(published),
            warnings: Vec::new(),
        })
    }
}

/// Which notes another document reads more of than what [`outward`]
/// digests: the notes embedded (by a note or a canvas: the embed shows their
/// text), and, when some base shows, sorts or filters by a file's size or
/// times (which every edit changes), every note a document rendering a base
/// asked about (`entries`: this build's cache entries, by path).
fn read_notes(vault: &Vault, entries: &FxHashMap<String, cache::NoteEntry>) -> Vec<bool> {
    let mut read = vec![false; vault.notes.len()];
    let embeds = |n: usize| {
        vault.resolved[n].iter().enumerate().filter_map(move |(l, r)| {
            let embed = vault.notes[n].note.links.get(l).is_none_or(|l| l.kind.is_embed());
            match r.target {
                Target::Note { note, .. } | Target::MissingFragment { note } if embed => Some(note),
                _ => None,
            }
        })
    };
    for n in 0..vault.notes.len() {
        for m in embeds(n) {
            read[m] = true;
        }
    }
    // Documents that render a base: bases, notes with base blocks, and
    // (to the renderer's embed depth) whatever embeds one of them.
    let mut bases: Vec<bool> =
        vault.notes.iter().map(|n| n.note.base || !n.note.base_blocks.is_empty()).collect();
    let stats = bases.iter().enumerate().filter(|(_, b)| **b).any(|(i, _)| {
        vault
            .text(i)
            .map_or(true, |t| ["file.size", "file.mtime", "file.ctime"].iter().any(|k| t.contains(k)))
    });
    if !stats {
        return read;
    }
    for _ in 0..=RenderOptions::default().max_embed_depth {
        for n in 0..vault.notes.len() {
            if !bases[n] && embeds(n).any(|m| bases[m]) {
                bases[n] = true;
            }
        }
    }
    let index: FxHashMap<&str, usize> =
        vault.notes.iter().enumerate().map(|(i, n)| (n.path.as_str(), i)).collect();
    for (n, _) in bases.iter().enumerate().filter(|(_, b)| **b) {
        let asked = entries.get(&vault.notes[n].path).into_iter().flat_map(cache::NoteEntry::asked_notes);
        for path in asked {
            if let Some(&m) = index.get(path) {
                read[m] = true;
            }
        }
    }
    read
}

/// The renderer's view of the recorded URLs; what it could not answer as
/// the plan would have.
struct StoredUrls<'s> {
    state: &'s State,
    vault: &'s Vault,
    notes: &'s FxHashMap<&'s str, &'s NoteState>,
    attachments: std::sync::Mutex<Vec<FileId>>,
    unanswered: std::sync::atomic::AtomicBool,
}

impl StoredUrls<'_> {
    fn url(&self, rel: &str) -> String {
        format!("{}{rel}", self.state.base_path)
    }

    fn page(&self, map: &FxHashMap<String, String>, key: &str) -> String {
        match map.get(key) {
            Some(rel) => self.url(rel),
            None => {
                self.unanswered.store(true, std::sync::atomic::Ordering::Relaxed);
                String::new()
            }
        }
    }
}

impl Urls for StoredUrls<'_> {
    fn note(&self, idx: NoteIdx) -> Option<String> {
        match self.notes.get(self.vault.notes[idx].path.as_str()) {
            Some(n) => n.rel.as_deref().map(|rel| self.url(rel)),
            None => {
                self.unanswered.store(true, std::sync::atomic::Ordering::Relaxed);
                None
            }
        }
    }

    fn attachment(&self, file: FileId) -> String {
        self.attachments.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(file);
        self.url(&crate::plan::attachment_rel(self.vault.files.path(file)))
    }

    fn unwritten(&self, name: &str) -> String {
        self.page(&self.state.unwritten, &name.trim().to_lowercase())
    }

    fn tag(&self, tag: &str) -> String {
        match crate::plan::normalise_tag(tag) {
            Some(key) => self.page(&self.state.tags, &key),
            None => self.url("tags/"),
        }
    }

    fn keyword(&self, keyword: &str) -> String {
        self.page(&self.state.keywords, &keyword.trim().to_lowercase())
    }
}

/// A file of the output to replace: its output path and new bytes.
type Replacement = (String, Vec<u8>);

/// Why a build could not be patched: it is then a full build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declined(pub &'static str);

impl std::fmt::Display for Declined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

const NO_RECORD: &str = "the build cache holds no record to patch from";
const FILES: &str = "files were added, removed or renamed";

/// `Option` to `Result` with the reason a patch gives up.
trait Because<T> {
    fn because(self, why: &'static str) -> Result<T, Declined>;
}

impl<T> Because<T> for Option<T> {
    fn because(self, why: &'static str) -> Result<T, Declined> {
        self.ok_or(Declined(why))
    }
}

/// Patch the output of the last build in place when the vault changed only
/// in notes whose edits reach no other page (see the module's documentation).
///
/// # Errors
/// [`Declined`] when this build cannot be patched (nothing was written: do a
/// full build); the inner error when writing the output failed after the
/// build cache was told (the next build is then a full one).
pub fn patch(
    root: &Path,
    opts: &BuildOptions,
    fresh: &Fresh,
) -> Result<Result<BuildReport, BuildError>, Declined> {
    let start = Instant::now();
    let output = fresh.output().because(NO_RECORD)?.to_path_buf();
    let now = fresh.sorted_stamps().because(NO_RECORD)?;
    let settled = fresh.settled().because(NO_RECORD)?;
    let file = root.join(&opts.cache_file);
    if !file.is_file() {
        return Err(Declined(NO_RECORD));
    }
    let db = match Database::open(&file) {
        Ok(db) => db,
        Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(Declined("the build cache is in use")),
        Err(_) => return Err(Declined(NO_RECORD)),
    };
    let (meta, state, changed) = {
        let txn = db.begin_read().ok().because(NO_RECORD)?;
        let meta = cache::read_meta(&txn).because(NO_RECORD)?;
        if !cache::describes(&meta, &output) {
            return Err(Declined("the output is not the one the build cache describes"));
        }
        let t = txn.open_table(STATE).ok().because(NO_RECORD)?;
        if t.get(JOURNAL_KEY).ok().because(NO_RECORD)?.is_some() {
            return Err(Declined("a patch was interrupted"));
        }
        let state = t.get(STATE_KEY).ok().flatten().because(NO_RECORD)?;
        let state: State = postcard::from_bytes(state.value()).ok().because(NO_RECORD)?;
        if state.identity != fresh.identity() {
            return Err(Declined(NO_RECORD));
        }
        if state.stamps.len() != now.len() {
            return Err(Declined(FILES));
        }
        let mut changed = Vec::new();
        for (old, new) in state.stamps.iter().zip(now) {
            if old.path != new.path {
                return Err(Declined(FILES));
            }
            if old != new {
                changed.push(new.path.clone());
            }
        }
        (meta, state, changed)
    };
    if changed.is_empty() || changed.len() > MOST {
        return Err(Declined("too many files changed"));
    }
    let notes: FxHashMap<&str, &NoteState> = state.notes.iter().map(|n| (n.path.as_str(), n)).collect();
    for path in &changed {
        let n = notes.get(path.as_str()).because("a file other than a note changed")?;
        if !path.ends_with(".md") {
            return Err(Declined("a file other than a note changed"));
        }
        if n.read {
            return Err(Declined("an edited note is embedded or listed by a base"));
        }
    }
    let (config, problems) = vellum_vault::read_config(root);
    if !problems.is_empty() {
        return Err(Declined("the settings have problems to report"));
    }
    let site = match &opts.site {
        Some(c) => c.clone(),
        None => config.site.clone().ok().because("vellum.toml is invalid")?,
    };
    let site = crate::config::Site::resolve(&site, root);
    let render_opts = RenderOptions::default()
        .with_properties(site.properties.clone())
        .with_locale(site.catalogue.locale.clone());
    let known: Vec<KnownNote> =
        state.notes.iter().map(|n| KnownNote { path: n.path.clone(), aliases: n.aliases.clone() }).collect();
    let vault = vellum_vault::load_partial(
        root,
        config,
        state.paths.clone(),
        &known,
        &changed,
        render_opts.max_embed_depth,
    );
    if !vault.problems.is_empty() {
        return Err(Declined("an edited note cannot be read"));
    }
    let theme = crate::theme::Theme::load(root).ok().because("the theme has problems to report")?;
    let globals = Globals::from_stored(&state.globals).because(NO_RECORD)?;
    let txn = db.begin_read().ok().because(NO_RECORD)?;
    let (entries, views, shard_table) = (
        txn.open_table(cache::NOTES).ok().because(NO_RECORD)?,
        txn.open_table(VIEWS).ok().because(NO_RECORD)?,
        txn.open_table(SHARDS).ok().because(NO_RECORD)?,
    );
    let mut files: Vec<Replacement> = Vec::new();
    let mut shards: FxHashMap<u32, Vec<String>> = FxHashMap::default();
    let mut patched: Vec<(String, cache::NoteEntry, String)> = Vec::new();
    for path in &changed {
        let n = notes.get(path.as_str()).because(NO_RECORD)?;
        let idx = vault.notes.binary_search_by(|f| f.path.as_str().cmp(path)).ok().because(NO_RECORD)?;
        let file = &vault.notes[idx];
        if outward(&file.title, &file.note) != n.outward {
            return Err(Declined("an edit changes what other pages show of a note"));
        }
        let Some(rel) = &n.rel else { continue };
        let entry = entries.get(path.as_str()).ok().flatten().because(NO_RECORD)?;
        let entry: cache::NoteEntry = postcard::from_bytes(entry.value()).ok().because(NO_RECORD)?;
        let urls = StoredUrls {
            state: &state,
            vault: &vault,
            notes: &notes,
            attachments: std::sync::Mutex::default(),
            unanswered: std::sync::atomic::AtomicBool::new(false),
        };
        let body = render_note(&vault, idx, &urls, &render_opts)
            .ok()
            .because("an edited note changed while it was read")?;
        let mut linked: Vec<&str> = urls
            .attachments
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .into_iter()
            .map(|f| vault.files.path(f))
            .collect();
        linked.sort_unstable();
        linked.dedup();
        if urls.unanswered.into_inner() || !entry.asked_only(&linked) {
            return Err(Declined("an edit links a page or attachment the site does not have"));
        }
        let text = text::html_to_text(&body.html, state.text_budget);
        let view = stored_view(&views, rel).because(NO_RECORD)?;
        let mut backlinks = Vec::new();
        for b in view.backlinks().because(NO_RECORD)? {
            let rel = notes.get(b.as_str()).and_then(|b| b.rel.as_deref()).because(NO_RECORD)?;
            backlinks.push(stored_view(&views, rel).and_then(|v| v.card()).because(NO_RECORD)?);
        }
        let body_parts = (&text[..], (&body.html[..], &body.toc[..], &body.properties[..]));
        let ctx = view.context(&globals, body_parts, file.note.words, backlinks).because(NO_RECORD)?;
        let page = theme.render("note.html", ctx).ok().because("a template failed")?;
        files.push((format!("{rel}index.html"), page.into_bytes()));
        let (k, j) = n.entry.because(NO_RECORD)?;
        let docs = match shards.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let docs = shard_table.get(u64::from(k)).ok().flatten().because(NO_RECORD)?;
                e.insert(postcard::from_bytes(docs.value()).ok().because(NO_RECORD)?)
            }
        };
        let doc = docs.get_mut(j as usize).because(NO_RECORD)?;
        *doc = feeds::with_text(doc, &text, state.snippet_budget).because(NO_RECORD)?;
        let url = format!("{}{rel}", state.base_path);
        let base = cache::base_of(&meta.salt, path, &vault.text_hash(idx), &url);
        let html = n.in_feed.then(|| body.html.clone());
        patched.push((path.clone(), entry.patched(base, text, html), format!("{rel}index.html")));
    }
    if patched.iter().any(|(path, _, _)| notes.get(path.as_str()).is_some_and(|n| n.in_feed)) {
        let mut bodies: Vec<Option<String>> = Vec::with_capacity(state.feed.len());
        for item in &state.feed {
            let html = match patched.iter().find(|(p, _, _)| *p == item.path) {
                Some((_, e, _)) => e.html.clone(),
                None => {
                    let e = entries.get(item.path.as_str()).ok().flatten().because(NO_RECORD)?;
                    postcard::from_bytes::<cache::NoteEntry>(e.value()).ok().because(NO_RECORD)?.html
                }
            };
            bodies.push(Some(html.because(NO_RECORD)?));
        }
        let items: Vec<(&feeds::FeedItem, Option<&str>)> =
            state.feed.iter().zip(&bodies).map(|(item, html)| (item, html.as_deref())).collect();
        files.push(("feed.xml".to_owned(), feeds::atom_of(&site, &items).ok().because("the feed failed")?));
    }
    drop((entries, views, shard_table, txn));
    let mut shard_list: Vec<(u32, Vec<String>)> = shards.into_iter().collect();
    shard_list.sort_unstable_by_key(|(k, _)| *k);
    for (k, docs) in &shard_list {
        files.push((feeds::shard_rel(*k as usize), feeds::join_shard(docs.iter().map(String::as_str))));
    }
    let written = match swap(&db, &output, &files, &patched) {
        Ok(()) => files.len(),
        Err(e) => return Ok(Err(e)),
    };
    let mut state = state;
    state.stamps = settled;
    if let Err(e) = settle(&db, &state, &shard_list, &patched, fresh) {
        return Ok(Err(e));
    }
    let counts = meta.counts.report(output);
    Ok(Ok(BuildReport {
        warnings: state.warnings.clone(),
        rendered: patched.len(),
        reused: counts.pages.saturating_sub(patched.len()),
        patched: written,
        timings: crate::Timings { total: start.elapsed(), ..crate::Timings::default() },
        ..counts
    }))
}

/// The stored view of the page in folder `rel`.
fn stored_view(views: &redb::ReadOnlyTable<&str, &[u8]>, rel: &str) -> Option<StoredView> {
    postcard::from_bytes(views.get(format!("{rel}index.html").as_str()).ok()??.value()).ok()
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io { path: path.to_path_buf(), source }
}

fn db_error(path: &Path, e: impl std::fmt::Display) -> BuildError {
    BuildError::Io { path: path.to_path_buf(), source: std::io::Error::other(e.to_string()) }
}

/// Write `files` into a folder of the output's spare, tell the build cache
/// (page keys dropped, freshness cleared, journal written), then rename each
/// into place.
fn swap(
    db: &Database,
    output: &Path,
    files: &[Replacement],
    patched: &[(String, cache::NoteEntry, String)],
) -> Result<(), BuildError> {
    // Staged in the spare beside the output (same file system, never
    // published, skipped by the vault's walk; the next full build, which
    // takes the spare as its staging folder, deletes whatever a kill left).
    let dir = crate::output::spare_of(output).join(".vellum-patch");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    for (k, (rel, bytes)) in files.iter().enumerate() {
        let tmp = dir.join(k.to_string());
        std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
        staged.push((tmp, output.join(rel)));
    }
    let journal: Vec<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    let w = db.begin_write().map_err(|e| db_error(output, e))?;
    {
        let bytes = postcard::to_stdvec(&journal).map_err(|e| db_error(output, e))?;
        let mut t = w.open_table(STATE).map_err(|e| db_error(output, e))?;
        t.insert(JOURNAL_KEY, bytes.as_slice()).map_err(|e| db_error(output, e))?;
        let mut pages = w.open_table(cache::PAGES).map_err(|e| db_error(output, e))?;
        for (_, _, rel) in patched {
            pages.remove(rel.as_str()).map_err(|e| db_error(output, e))?;
        }
        cache::clear_fresh(&w).map_err(|e| db_error(output, e))?;
    }
    w.commit().map_err(|e| db_error(output, e))?;
    for (tmp, to) in &staged {
        std::fs::rename(tmp, to).map_err(io(to))?;
    }
    let _ = std::fs::remove_dir(&dir);
    Ok(())
}

/// Record the patched vault: its stamps, the shards' entries, the notes'
/// cache entries, the freshness of the output; the journal is cleared.
fn settle(
    db: &Database,
    state: &State,
    shards: &[(u32, Vec<String>)],
    patched: &[(String, cache::NoteEntry, String)],
    fresh: &Fresh,
) -> Result<(), BuildError> {
    let at = Path::new(".vellum");
    let w = db.begin_write().map_err(|e| db_error(at, e))?;
    {
        let bytes = postcard::to_stdvec(state).map_err(|e| db_error(at, e))?;
        let mut t = w.open_table(STATE).map_err(|e| db_error(at, e))?;
        t.insert(STATE_KEY, bytes.as_slice()).map_err(|e| db_error(at, e))?;
        t.remove(JOURNAL_KEY).map_err(|e| db_error(at, e))?;
        let mut t = w.open_table(SHARDS).map_err(|e| db_error(at, e))?;
        for (k, docs) in shards {
            let bytes = postcard::to_stdvec(docs).map_err(|e| db_error(at, e))?;
            t.insert(u64::from(*k), bytes.as_slice()).map_err(|e| db_error(at, e))?;
        }
        let mut t = w.open_table(cache::NOTES).map_err(|e| db_error(at, e))?;
        for (path, entry, _) in patched {
            let bytes = postcard::to_stdvec(entry).map_err(|e| db_error(at, e))?;
            t.insert(path.as_str(), bytes.as_slice()).map_err(|e| db_error(at, e))?;
        }
        if let Some(key) = fresh.key() {
            cache::set_fresh(&w, key).map_err(|e| db_error(at, e))?;
        }
    }
    w.commit().map_err(|e| db_error(at, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(notes: &[(&str, &str)]) -> Vault {
        let paths = notes.iter().map(|(p, _)| (*p).to_owned()).collect();
        let texts = notes.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        Vault::from_texts(PathBuf::from("/v"), vellum_vault::Config::default(), paths, texts)
    }

    fn outward_of(text: &str) -> Hash {
        let note = vellum_syntax::parse_file("A.md", text);
        outward("A", &note)
    }

    #[test]
    fn the_outward_digest_follows_what_other_pages_read_not_where_it_is() {
        let base = "---\ntitle: A\ntags: [x]\n---\n# A\n\nProse with [[B]].\n\n## Later\n\nMore prose.\n";
        let more_prose = base.replace("Prose with", "Some new words first. Prose with");
        assert_eq!(outward_of(base), outward_of(&more_prose), "prose moved the link, nothing else");
        for changed in [
            base.replace("[[B]]", "[[C]]"),
            base.replace("tags: [x]", "tags: [y]"),
            base.replace("## Later", "## Sooner"),
            base.replace("More prose.", "More prose. #tagged"),
            base.replace("title: A", "title: B"),
            format!("{base}\n{}\n", "word ".repeat(400)),
        ] {
            assert_ne!(outward_of(base), outward_of(&changed), "{changed}");
        }
    }

    #[test]
    fn embedded_notes_are_read_and_linked_ones_are_not() {
        let v = vault(&[("A.md", "![[B]] and [[C]]\n"), ("B.md", "B's text\n"), ("C.md", "C's text\n")]);
        assert_eq!(read_notes(&v, &FxHashMap::default()), [false, true, false]);
    }

    #[test]
    fn a_base_showing_file_times_reads_the_notes_it_asked_about() {
        let base = "views:\n  - type: table\n    order:\n      - file.mtime\n";
        let v = vault(&[("A.md", "[[B]]\n"), ("B.md", "B\n"), ("List.base", base)]);
        let entry = cache::NoteEntry::for_questions;
        let entries: FxHashMap<String, cache::NoteEntry> =
            [("List.base".to_owned(), entry(&["A.md", "B.md"])), ("A.md".to_owned(), entry(&["B.md"]))]
                .into_iter()
                .collect();
        assert_eq!(read_notes(&v, &entries), [true, true, false]);
        let quiet =
            vault(&[("A.md", "[[B]]\n"), ("B.md", "B\n"), ("List.base", "views:\n  - type: table\n")]);
        assert_eq!(read_notes(&quiet, &entries), [false, false, false], "no file times shown");
    }
}
