//! The check cache, `<vault>/.vellum/check/`: every note's diagnostics as the
//! last `vellum check` found them, so that the next one reads only the notes
//! that changed — and, when nothing changed, none at all.
//!
//! # What a note's diagnostics depend on
//!
//! The rules (`vellum_check::rules`) read, for a note:
//!
//! - its own text;
//! - the configuration (`vellum.toml`) and vellum itself (version and
//!   executable);
//! - the *name universe*: every file path the walk finds (link resolution,
//!   `V402`'s candidates) and every note's aliases (`V403`'s help, and
//!   resolution when `resolve_aliases` is on);
//! - of each note a link of it reaches: the headings (level and text), block
//!   ids, draft flag and embed targets — its *facet* (`V401`, `V404`, `V406`);
//! - every note's `note_id` (`V108`), and every note's `permalink`, draft
//!   flag and path (`V502`: two notes claiming one URL);
//! - the redirect record (`.vellum-redirects`, `V503`);
//!
//! and the walk's own problems (`V005`, `V007`, `V008`) depend on the walk
//! alone, which can change while no stamp does (a symbolic link retargeted).
//!
//! # How the cache uses it
//!
//! One blob (see [`blob`](crate::blob)) holds a `Record`: a salt (vellum,
//! its executable, the text of `vellum.toml`), the stamps of `vellum.toml` and `.vellum-redirects`,
//! a hash of the walk's problems, every file of the walk with its stamp, and
//! per note: text hash, facet hash, aliases, `note_id`, the notes its links
//! reach (its dependencies) and its diagnostics in printable form
//! ([`Located`]). [`check`] takes today's stamps and walk first, then:
//!
//! - salt, the stamps of `vellum.toml` or `.vellum-redirects`, walk problems or the list of files differ,
//!   or no readable cache: **full check** (and a new record);
//! - every note's stamp trusted and equal: **unchanged**, nothing is read;
//! - otherwise the notes whose stamps differ or are too young to trust are
//!   read and hashed; the same hash means unchanged. The changed ones are
//!   parsed: a changed alias, `note_id` or `permalink`, or a draft flag
//!   flipped in a vault where some note has a `permalink`, means a full
//!   check; otherwise they,
//!   and the notes depending on one whose facet changed, are **checked
//!   again** over a partial vault ([`vellum_vault::load_partial`]) that
//!   resolves exactly as the whole one, with every `note_id` from the record
//!   (`vellum_check::check_notes_among`).
//!
//! Files that did not load as notes (`V001`–`V004`) are few: they are read
//! again on every check. One that loads now changes the name universe, so
//! that is a full check too. Whatever cannot be proven unchanged is checked
//! again: a stale answer would be a bug, a slow one is not.
//!
//! The stamps are those taken before any note was read (the `vellum_cache`
//! invariant), settled by the racy-stamp rule, so a note written while it was
//! being checked is read again next time.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use vellum_check::{Located, locate};
use vellum_syntax::{LineIndex, Note};
use vellum_vault::{Config, FileStamp, KnownNote, LoadProblem, Target, Vault, Walked};

use crate::blob::{read_blob, write_blob};
use crate::stamps::{exe_identity, now_ns, settle, trusted};

const MAGIC: &[u8; 8] = b"VLMCHK02";
const CONFIG: &str = "vellum.toml";
/// The files of the walk's stamps that are settings, not notes or
/// attachments: any change of one means a full check.
const SETTINGS: &[&str] = &[CONFIG, vellum_vault::REDIRECTS_FILE];

/// The folder of the check cache of the vault at `root`.
#[must_use]
pub fn check_dir(root: &Path) -> PathBuf {
    root.join(crate::CACHE_DIR).join("check")
}

fn record_path(root: &Path) -> PathBuf {
    check_dir(root).join("check.bin")
}

/// What the last check knew of the vault.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    /// vellum's version and executable and the texts of its settings files.
    salt: [u8; 32],
    /// The stamps (settled) of `vellum.toml` and the redirect record, those there are.
    config: Vec<FileStamp>,
    /// The hash of the walk's problems.
    walk: [u8; 32],
    /// Every file of the walk, in path order, with its settled stamp.
    files: Vec<FileRecord>,
    /// Every note that loaded, in path order (the order of `Vault::notes`).
    notes: Vec<NoteRecord>,
    /// The diagnostics of no note and no failed file: an invalid
    /// `vellum.toml`, the walk's problems.
    general: Vec<Located>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileRecord {
    stamp: FileStamp,
    kind: Kind,
}

/// What a file of the walk was at the last check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Kind {
    /// Not a note: only its path matters.
    Attachment,
    /// A note that loaded: `notes[i]`.
    Note(u32),
    /// A note that did not load (unreadable, not UTF-8, binary, too large).
    Failed,
}

#[derive(Debug, Serialize, Deserialize)]
struct NoteRecord {
    /// Index of its file in [`Record::files`].
    file: u32,
    /// BLAKE3 of its text.
    text: [u8; 32],
    /// [`facet`] of its parse.
    facet: [u8; 32],
    aliases: Vec<String>,
    note_id: Option<String>,
    /// Its `permalink` and whether it is published (`V502` compares every note's URL).
    url: (Option<String>, bool),
    /// The notes its links reach (indices into [`Record::notes`]), sorted.
    deps: Vec<u32>,
    /// Its diagnostics, in report order.
    diagnostics: Vec<Located>,
}

/// What a check found, ready to print.
#[derive(Debug)]
pub struct Report {
    /// Every diagnostic, sorted as `vellum_check::check` sorts them.
    pub diagnostics: Vec<Located>,
    /// How many notes loaded.
    pub notes: usize,
    /// How many files the vault has (notes that loaded and attachments).
    pub files: usize,
    /// How the answer was found.
    pub work: Work,
}

/// How [`check`] found its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// Every note as recorded: `read` notes were read (their stamps were too
    /// young or changed) and found identical.
    Unchanged {
        /// Notes read and hashed.
        read: usize,
    },
    /// Some notes changed: `changed` of them, and `checked` notes checked
    /// again in all (the changed ones and those whose links reach a changed
    /// heading, block or draft flag).
    Partial {
        /// Notes whose text changed.
        changed: usize,
        /// Notes checked again.
        checked: usize,
    },
    /// The whole vault was loaded and checked, for this reason.
    Full(Why),
}

/// Why [`check`] checked the whole vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// No readable cache (none yet, damaged, another vellum).
    NoCache,
    /// vellum, its executable, `vellum.toml`, `.vellum-redirects` or the Obsidian settings vellum reads changed.
    Settings,
    /// A file was added, removed or renamed, or a note started or stopped
    /// loading.
    Files,
    /// The walk met other problems (links out of the vault, loops, names).
    Walk,
    /// A note's aliases, `note_id` or `permalink` changed, or its draft flag
    /// where URLs are claimed.
    Names,
    /// A note changed again while it was being checked.
    Race,
}

impl Why {
    /// A few words for `--verbose`.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Why::NoCache => "no cache",
            Why::Settings => "vellum or its settings changed",
            Why::Files => "files added, removed or renamed",
            Why::Walk => "the walk's problems changed",
            Why::Names => "aliases, note_id or a URL changed",
            Why::Race => "a note changed during the check",
        }
    }
}

impl std::fmt::Display for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Work::Unchanged { read } => write!(f, "cache: nothing changed ({read} notes read)"),
            Work::Partial { changed, checked } => {
                write!(f, "cache: {changed} notes changed, {checked} checked again")
            }
            Work::Full(why) => write!(f, "cache: full check ({})", why.describe()),
        }
    }
}

/// Check the vault at `root`, reusing the check cache as far as it is
/// provably current, and refresh the cache. The diagnostics are exactly those
/// of `vellum_check::check` over `vellum_vault::load(root)`, located.
///
/// # Errors
/// Only when `root` is not a readable folder.
pub fn check(root: &Path) -> std::io::Result<Report> {
    let now = now_ns();
    let walked = vellum_vault::walk_stamps(root)?;
    let mut settings = vec![std::fs::read(root.join(CONFIG)).ok()];
    for file in vellum_vault::obsidian::SETTINGS_FILES {
        settings.push(std::fs::read(root.join(file)).ok());
    }
    for rel in vellum_vault::snippets::settings_paths(root) {
        settings.push(std::fs::read(root.join(&rel)).ok());
        settings.push(Some(rel.into_bytes()));
    }
    let salt = salt(&settings.iter().map(Option::as_deref).collect::<Vec<_>>());
    match read_blob::<Record>(&record_path(root), MAGIC) {
        None => full(root, &walked, salt, now, Why::NoCache),
        Some(record) => match quick(root, &walked, salt, now, record) {
            Ok(report) => Ok(report),
            Err(why) => full(root, &walked, salt, now, why),
        },
    }
}

/// vellum itself and the settings' texts (`vellum.toml`, then Obsidian's
/// settings vellum reads, then each CSS snippet setting and its path), each
/// present or not.
fn salt(settings: &[Option<&[u8]>]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&exe_identity());
    for text in settings {
        match text {
            Some(text) => {
                h.update(&[1]);
                h.update(&(text.len() as u64).to_le_bytes());
                h.update(text);
            }
            None => {
                h.update(&[0]);
            }
        }
    }
    *h.finalize().as_bytes()
}

/// Feed a length-prefixed string.
fn put(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// The hash of the walk's problems.
fn walk_hash(problems: &[LoadProblem]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for p in problems {
        put(&mut h, &p.path);
        put(&mut h, &format!("{:?}", p.kind));
        put(&mut h, &p.message);
    }
    *h.finalize().as_bytes()
}

/// What other notes' diagnostics read of a note: its headings (level and
/// text), block ids, draft flag and the targets of its embeds (`V406`: an
/// embed of a note that embeds the embedding note back).
fn facet(n: &Note) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for l in n.links.iter().filter(|l| l.kind.is_embed()) {
        put(&mut h, &l.target);
    }
    h.update(&[u8::from(n.properties.is_draft())]);
    h.update(&(n.headings.len() as u64).to_le_bytes());
    for heading in &n.headings {
        h.update(&[heading.level]);
        put(&mut h, &heading.text);
    }
    h.update(&(n.block_ids.len() as u64).to_le_bytes());
    for b in &n.block_ids {
        put(&mut h, &b.id);
    }
    *h.finalize().as_bytes()
}

fn aliases(n: &Note) -> Vec<String> {
    n.properties.aliases.iter().map(|a| a.value.clone()).collect()
}

fn note_id(n: &Note) -> Option<String> {
    n.properties.note_id.as_ref().map(|id| id.value.clone())
}

/// What decides a note's URL: its `permalink` and whether it is published.
fn url(n: &Note) -> (Option<String>, bool) {
    (n.properties.permalink.as_ref().map(|p| p.value.clone()), vellum_check::rules::urls::published(n))
}

/// The stamps of the walk's files and those of the settings files among them
/// ([`SETTINGS`] and Obsidian's settings, whose texts are also in the salt).
fn split_config(stamps: &[FileStamp]) -> (Vec<&FileStamp>, Vec<&FileStamp>) {
    stamps.iter().partition(|s| {
        let p = s.path.as_str();
        !SETTINGS.contains(&p) && !vellum_vault::obsidian::SETTINGS_FILES.contains(&p)
    })
}

/// The diagnostics of a file that did not load.
fn failed_diagnostic(p: &LoadProblem) -> Located {
    let d = vellum_check::rules::load::diagnostic(p);
    match p.text.as_deref() {
        Some(text) => locate(d, Some((text, &LineIndex::new(text)))),
        None => locate(d, None),
    }
}

/// Answer from the record, reading only what changed; `Err` says why the
/// whole vault must be checked instead.
fn quick(root: &Path, walked: &Walked, salt: [u8; 32], now: i128, mut record: Record) -> Result<Report, Why> {
    if record.salt != salt {
        return Err(Why::Settings);
    }
    let (stamps, config) = split_config(&walked.stamps);
    let config_same = config.len() == record.config.len()
        && config.iter().zip(&record.config).all(|(now_s, was)| *now_s == was && trusted(now_s, now));
    if !config_same {
        return Err(Why::Settings);
    }
    if walk_hash(&walked.problems) != record.walk {
        return Err(Why::Walk);
    }
    if stamps.len() != record.files.len()
        || stamps.iter().zip(&record.files).any(|(s, f)| s.path != f.stamp.path)
    {
        return Err(Why::Files);
    }
    // Notes to read: a stamp that differs or is too young to trust.
    let mut suspects: Vec<usize> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for (i, (s, f)) in stamps.iter().zip(&record.files).enumerate() {
        match f.kind {
            Kind::Attachment => {}
            Kind::Failed => failed.push(s.path.clone()),
            Kind::Note(_) => {
                if **s != f.stamp || !trusted(s, now) {
                    suspects.push(i);
                }
            }
        }
    }
    // Files that did not load are read again: they must still fail.
    let mut failed_diagnostics = Vec::with_capacity(failed.len());
    for r in vellum_vault::read_notes(root, &failed) {
        match r {
            Ok(_) => return Err(Why::Files),
            Err(p) => failed_diagnostics.push(failed_diagnostic(&p)),
        }
    }
    let paths: Vec<String> = suspects.iter().map(|&i| stamps[i].path.clone()).collect();
    let texts = vellum_vault::read_notes(root, &paths);
    let mut changed: Vec<(u32, String)> = Vec::new();
    for (&i, text) in suspects.iter().zip(texts) {
        let Ok(text) = text else { return Err(Why::Files) };
        let Kind::Note(n) = record.files[i].kind else { continue };
        if *blake3::hash(text.as_bytes()).as_bytes() != record.notes[n as usize].text {
            changed.push((n, text));
        }
    }
    let read = suspects.len();
    let mut work = Work::Unchanged { read };
    if !changed.is_empty() {
        work = recheck(root, &mut record, changed)?;
    }
    // Today's stamps, settled, for the files read (whose texts are now known).
    let dirty = read > 0;
    for &i in &suspects {
        record.files[i].stamp = settle(std::slice::from_ref(stamps[i]), now).remove(0);
    }
    if dirty {
        save(root, &record);
    }
    Ok(report_of(record, failed_diagnostics, work))
}

/// Check again the notes in `changed` (index in the record, new text) and the
/// notes whose links reach one whose facet changed, and put their results in
/// `record`.
fn recheck(root: &Path, record: &mut Record, changed: Vec<(u32, String)>) -> Result<Work, Why> {
    let path_of =
        |record: &Record, n: u32| record.files[record.notes[n as usize].file as usize].stamp.path.clone();
    // Parse the changed notes once, from the texts just read, to see what
    // other notes can see of them.
    let parsed: Vec<(u32, [u8; 32], Note)> = changed
        .into_par_iter()
        .map(|(n, text)| {
            let note = vellum_syntax::parse_file(&path_of(record, n), &text);
            (n, *blake3::hash(text.as_bytes()).as_bytes(), note)
        })
        .collect();
    let mut facet_changed: FxHashSet<u32> = FxHashSet::default();
    // A note leaving or joining the site moves other notes' URLs only where
    // some note claims a URL by its `permalink` (`V502` is reported there).
    let permalinks = record.notes.iter().any(|r| r.url.0.is_some())
        || parsed.iter().any(|(_, _, note)| note.properties.permalink.is_some());
    let mut urls = Vec::with_capacity(parsed.len());
    for (n, _, note) in &parsed {
        let r = &record.notes[*n as usize];
        let url = url(note);
        let url_moved = url.0 != r.url.0 || (permalinks && url.1 != r.url.1);
        if aliases(note) != r.aliases || note_id(note) != r.note_id || url_moved {
            return Err(Why::Names);
        }
        if facet(note) != r.facet {
            facet_changed.insert(*n);
        }
        urls.push((*n, url));
    }
    // The keys below are read from the record: it takes the new flags first.
    for (n, url) in urls {
        record.notes[n as usize].url = url;
    }
    let changed_hash: FxHashMap<u32, [u8; 32]> = parsed.iter().map(|(n, h, _)| (*n, *h)).collect();
    let mut again: Vec<u32> = changed_hash.keys().copied().collect();
    if !facet_changed.is_empty() {
        for (i, r) in record.notes.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if !changed_hash.contains_key(&i) && r.deps.iter().any(|d| facet_changed.contains(d)) {
                again.push(i);
            }
        }
    }
    again.sort_unstable();
    let check: Vec<String> = again.iter().map(|&n| path_of(record, n)).collect();
    let known: Vec<KnownNote> = record
        .notes
        .iter()
        .map(|r| KnownNote {
            path: record.files[r.file as usize].stamp.path.clone(),
            aliases: r.aliases.clone(),
        })
        .collect();
    let paths: Vec<String> =
        record.files.iter().filter(|f| f.kind != Kind::Failed).map(|f| f.stamp.path.clone()).collect();
    let mut config = match std::fs::read_to_string(root.join(CONFIG)) {
        Ok(text) => Config::from_toml(&text).map_err(|_| Why::Settings)?,
        Err(_) => Config::default(),
    };
    // Their text is in the salt: the types read now are the ones recorded.
    config.property_types = vellum_vault::obsidian::read_types(root).0;
    config.snippet_callouts = vellum_vault::snippets::read_callouts(root).0;
    config.obsidian = vellum_vault::obsidian::read_settings(root).0;
    let vault = vellum_vault::load_partial(root, config, paths, &known, &check, 0);
    if !vault.problems.is_empty() {
        return Err(Why::Files);
    }
    let index: FxHashMap<&str, u32> = known
        .iter()
        .enumerate()
        .map(|(i, k)| (k.path.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let mut idx_of = Vec::with_capacity(again.len());
    for (&n, path) in again.iter().zip(&check) {
        let Some(i) = vault.note_by_path(path) else { return Err(Why::Files) };
        // The text checked must be the one decided on: the one read above
        // for a changed note, the recorded one for a note checked because of
        // another.
        let expected = changed_hash.get(&n).copied().unwrap_or(record.notes[n as usize].text);
        if vault.text_hash(i) != expected {
            return Err(Why::Race);
        }
        idx_of.push(i);
    }
    let keys: Vec<vellum_check::NoteKeys<'_>> = known
        .iter()
        .zip(&record.notes)
        .map(|(k, r)| vellum_check::NoteKeys {
            path: k.path.as_str(),
            note_id: r.note_id.as_deref(),
            permalink: r.url.0.as_deref(),
            published: r.url.1,
        })
        .collect();
    let found = vellum_check::check_notes_among(&vault, &idx_of, &keys).map_err(|_| Why::Files)?;
    let mut by_file = by_file(vellum_check::locate_all(&vault, found));
    let mut updates = Vec::with_capacity(again.len());
    for (&n, &i) in again.iter().zip(&idx_of) {
        let note = &vault.notes[i];
        let deps = deps(&vault, i, &index);
        let diagnostics = by_file.remove(note.path.as_str()).unwrap_or_default();
        updates.push((n, vault.text_hash(i), facet(&note.note), deps, diagnostics));
    }
    for (n, text, facet, deps, diagnostics) in updates {
        let r = &mut record.notes[n as usize];
        r.text = text;
        r.facet = facet;
        r.deps = deps;
        r.diagnostics = diagnostics;
    }
    Ok(Work::Partial { changed: changed_hash.len(), checked: again.len() })
}

/// The notes note `i` of `vault` links to, as indices of the whole vault
/// (`index`: path → index).
fn deps(vault: &Vault, i: usize, index: &FxHashMap<&str, u32>) -> Vec<u32> {
    let mut out: Vec<u32> = vault.resolved[i]
        .iter()
        .filter_map(|r| match r.target {
            Target::Note { note, .. } | Target::MissingFragment { note } => {
                index.get(vault.notes[note].path.as_str()).copied()
            }
            Target::Attachment(_) | Target::Unresolved | Target::EscapesVault => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Diagnostics grouped by file, each group in its order.
fn by_file(located: Vec<Located>) -> FxHashMap<String, Vec<Located>> {
    let mut out: FxHashMap<String, Vec<Located>> = FxHashMap::default();
    for l in located {
        out.entry(l.diagnostic.file.clone()).or_default().push(l);
    }
    out
}

/// The report a record gives, with today's diagnostics of the files that did
/// not load.
fn report_of(record: Record, failed: Vec<Located>, work: Work) -> Report {
    let notes = record.notes.len();
    let files = record.files.iter().filter(|f| f.kind != Kind::Failed).count();
    let total =
        record.general.len() + failed.len() + record.notes.iter().map(|n| n.diagnostics.len()).sum::<usize>();
    let mut diagnostics = Vec::with_capacity(total);
    diagnostics.extend(record.general);
    diagnostics.extend(failed);
    for n in record.notes {
        diagnostics.extend(n.diagnostics);
    }
    // Each file's diagnostics are in report order, so a stable sort gives
    // exactly the order of a full check.
    vellum_check::located::sort(&mut diagnostics);
    Report { diagnostics, notes, files, work }
}

/// Load and check the whole vault, then record it when the vault the load
/// saw is the one the walk stamped.
fn full(root: &Path, walked: &Walked, salt: [u8; 32], now: i128, why: Why) -> std::io::Result<Report> {
    let vault = vellum_vault::load(root)?;
    let found = vellum_check::check(&vault).map_err(std::io::Error::other)?;
    let located = vellum_check::locate_all(&vault, found);
    let report = match record_of(&vault, walked, salt, now, &located) {
        Some(record) => {
            save(root, &record);
            Report {
                diagnostics: located,
                notes: vault.notes.len(),
                files: vault.files.len(),
                work: Work::Full(why),
            }
        }
        None => Report {
            diagnostics: located,
            notes: vault.notes.len(),
            files: vault.files.len(),
            work: Work::Full(why),
        },
    };
    // The process ends soon after: leave freeing the vault to the OS.
    std::mem::forget(vault);
    Ok(report)
}

/// The record of a full check of `vault`; `None` when the vault loaded is
/// not the one `walked` describes (a file came or went in between).
fn record_of(
    vault: &Vault,
    walked: &Walked,
    salt: [u8; 32],
    now: i128,
    located: &[Located],
) -> Option<Record> {
    use vellum_vault::LoadProblemKind as K;
    let walk_problems: Vec<&LoadProblem> =
        vault.problems.iter().filter(|p| matches!(p.kind, K::Walk | K::OutsideVault | K::BadName)).collect();
    if walk_problems.len() != walked.problems.len()
        || walk_problems
            .iter()
            .zip(&walked.problems)
            .any(|(a, b)| a.path != b.path || a.kind != b.kind || a.message != b.message)
    {
        return None;
    }
    let failed: FxHashSet<&str> = vault
        .problems
        .iter()
        .filter(|p| matches!(p.kind, K::Unreadable | K::InvalidUtf8 | K::Binary | K::TooLarge))
        .map(|p| p.path.as_str())
        .collect();
    let (stamps, config) = split_config(&walked.stamps);
    let index: FxHashMap<&str, u32> = vault
        .notes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.path.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let mut files = Vec::with_capacity(stamps.len());
    let mut note_file = vec![u32::MAX; vault.notes.len()];
    for (fi, s) in stamps.iter().enumerate() {
        let kind = if !vellum_vault::is_note_path(&s.path) {
            Kind::Attachment
        } else if let Some(&n) = index.get(s.path.as_str()) {
            note_file[n as usize] = u32::try_from(fi).ok()?;
            Kind::Note(n)
        } else if failed.contains(s.path.as_str()) {
            Kind::Failed
        } else {
            return None;
        };
        files.push(FileRecord { stamp: settle(std::slice::from_ref(*s), now).remove(0), kind });
    }
    if note_file.contains(&u32::MAX)
        || files.iter().filter(|f| f.kind != Kind::Failed).count() != vault.files.len()
    {
        return None;
    }
    let mut by_file = by_file(located.to_vec());
    let mut general = Vec::new();
    for (file, ds) in by_file.iter_mut() {
        if !index.contains_key(file.as_str()) && !failed.contains(file.as_str()) {
            general.append(ds);
        }
    }
    vellum_check::located::sort(&mut general);
    let notes = vault
        .notes
        .iter()
        .enumerate()
        .map(|(i, n)| NoteRecord {
            file: note_file[i],
            text: vault.text_hash(i),
            facet: facet(&n.note),
            aliases: aliases(&n.note),
            note_id: note_id(&n.note),
            url: url(&n.note),
            deps: deps(vault, i, &index),
            diagnostics: by_file.remove(n.path.as_str()).unwrap_or_default(),
        })
        .collect();
    Some(Record {
        salt,
        config: config.into_iter().map(|c| settle(std::slice::from_ref(c), now).remove(0)).collect(),
        walk: walk_hash(&walked.problems),
        files,
        notes,
        general,
    })
}

/// Write `record`; a cache that cannot be written is simply not there next
/// time.
fn save(root: &Path, record: &Record) {
    let dir = check_dir(root);
    if crate::prepare_cache_dir(root, &dir).is_ok() {
        let _ = write_blob(&record_path(root), MAGIC, record);
    }
}

const TEXT_MAGIC: &[u8; 8] = b"VLMCTX01";

/// The rendered texts of the last check, by the content they render.
#[derive(Serialize, Deserialize)]
struct Texts {
    /// The executable that rendered them.
    exe: [u8; 24],
    keys: Vec<[u8; 16]>,
    texts: Vec<String>,
}

/// `render` applied to each of `located`, remembered between checks in
/// `.vellum/check/text.bin`: a text is a pure function of the diagnostic, the
/// `variant` (say, colour or not) and the executable, so it is kept under a
/// hash of those and rendered again only for diagnostics not rendered by the
/// last check (printing a snippet costs far more than reading it back). The
/// memo is rewritten when something was rendered, holding this check's texts
/// only.
pub fn render_memo<F>(root: &Path, located: &[&Located], variant: &[u8], render: F) -> Vec<String>
where
    F: Fn(&Located) -> String + Sync,
{
    let path = check_dir(root).join("text.bin");
    let exe = exe_identity();
    let mut memo: FxHashMap<[u8; 16], String> = read_blob::<Texts>(&path, TEXT_MAGIC)
        .filter(|t| t.exe == exe && t.keys.len() == t.texts.len())
        .map(|t| t.keys.into_iter().zip(t.texts).collect())
        .unwrap_or_default();
    let keys: Vec<[u8; 16]> = located
        .par_iter()
        .map_init(Vec::new, |buf, l| {
            buf.clear();
            let mut h = blake3::Hasher::new();
            h.update(&(variant.len() as u64).to_le_bytes());
            h.update(variant);
            if let Ok(bytes) = postcard::to_extend(*l, std::mem::take(buf)) {
                h.update(&bytes);
                *buf = bytes;
            }
            let mut key = [0u8; 16];
            key.copy_from_slice(&h.finalize().as_bytes()[..16]);
            key
        })
        .collect();
    let known: Vec<Option<String>> = keys.iter().map(|k| memo.remove(k)).collect();
    let missing = known.iter().filter(|t| t.is_none()).count();
    let texts: Vec<String> = known
        .into_par_iter()
        .zip(located.par_iter())
        .map(|(text, l)| text.unwrap_or_else(|| render(l)))
        .collect();
    if missing > 0 || !memo.is_empty() {
        /// [`Texts`] borrowed: the same encoding.
        #[derive(Serialize)]
        struct TextsRef<'a> {
            exe: [u8; 24],
            keys: &'a [[u8; 16]],
            texts: &'a [String],
        }
        let dir = check_dir(root);
        if crate::prepare_cache_dir(root, &dir).is_ok() {
            let _ = write_blob(&path, TEXT_MAGIC, &TextsRef { exe, keys: &keys, texts: &texts });
        }
    }
    texts
}
