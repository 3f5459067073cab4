//! `vellum_vault` loads a vault and builds its model: every note parsed, every
//! link resolved exactly as Obsidian resolves it, and the link graph
//! (backlinks, unresolved "unwritten" notes, orphans).
//!
//! 1. [`load()`] walks the folder and reads notes in parallel ([`load`](mod@load) module);
//! 2. a [`resolve::FileIndex`] of every file is built once (hash lookups, no scan per link);
//! 3. each link is resolved to a note (and heading or block), an attachment, or
//!    nothing ([`Target`]), in parallel;
//! 4. the graph is derived from the resolved links.
//!
//! **Invariant:** the model is a pure function of the files read; only the
//! `load` module touches the disk.

pub mod config;
mod css;
pub mod facts;
mod find;
pub mod load;
pub mod obsidian;
pub mod query;
pub mod redirects;
pub mod resolve;
pub mod snippets;
mod update;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use vellum_syntax::{Fragment, Link, LinkKind, Note, NoteDetail, heading_key};

pub use config::{Config, ConfigError, SiteConfig};
pub use find::FindNotes;
pub use load::{FileStamp, LoadProblem, LoadProblemKind, is_note_path};
pub use obsidian::{LinkFormat, LinkStyle, PropertyType, PropertyTypes};
pub use redirects::{HEADER_LINES, REDIRECTS_FILE, Redirect, Redirects};
pub use resolve::{FileId, FileIndex, FileKind, Resolution, Rule};
pub use snippets::{SnippetCallout, SnippetCallouts};

/// A parsed note and where it lives.
#[derive(Debug)]
pub struct NoteFile {
    /// Its file in the index.
    pub file: FileId,
    /// Vault-relative path with `/` separators.
    pub path: String,
    /// The full text, or what the vault remembers of it when it was
    /// released ([`Texts::Release`]; then [`Vault::text`] reads it again).
    pub text: NoteText,
    /// The parsed note.
    pub note: Note,
    /// Its title ([`title_of`]).
    pub title: String,
}

/// A note's text as the vault holds it: in memory, or released after
/// parsing (a vault loaded with [`Texts::Release`]) and known again by its
/// length and BLAKE3 hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NoteText {
    /// The text itself.
    Kept(String),
    /// The text was dropped after parsing; [`Vault::text`] reads the file
    /// again and accepts it only if it still has this length and hash.
    Released {
        /// Length in bytes.
        len: usize,
        /// BLAKE3 of the text.
        blake3: [u8; 32],
    },
}

impl NoteText {
    /// A released text: what it was, to know it again.
    #[must_use]
    pub fn released(text: &str) -> Self {
        Self::Released { len: text.len(), blake3: *blake3::hash(text.as_bytes()).as_bytes() }
    }

    /// The text, when it is kept in memory.
    #[must_use]
    pub fn as_kept(&self) -> Option<&str> {
        match self {
            Self::Kept(text) => Some(text),
            Self::Released { .. } => None,
        }
    }

    /// Whether the text was released.
    #[must_use]
    pub fn is_released(&self) -> bool {
        matches!(self, Self::Released { .. })
    }

    /// The BLAKE3 hash of the text.
    #[must_use]
    pub fn hash(&self) -> [u8; 32] {
        match self {
            Self::Kept(text) => *blake3::hash(text.as_bytes()).as_bytes(),
            Self::Released { blake3, .. } => *blake3,
        }
    }

    /// Whether `text` is this text (for a released one: same length and hash).
    #[must_use]
    pub fn is(&self, text: &str) -> bool {
        match self {
            Self::Kept(kept) => kept == text,
            Self::Released { len, blake3 } => {
                text.len() == *len && blake3::hash(text.as_bytes()).as_bytes() == blake3
            }
        }
    }
}

/// A note's text and the parts of its parse only checking, querying and
/// editing read: what a vault loaded with [`Texts::Keep`] holds of every note.
#[derive(Debug, Clone, Copy)]
pub struct Kept<'a> {
    /// The full text.
    pub text: &'a str,
    /// The note's [`NoteDetail`].
    pub detail: &'a NoteDetail,
}

/// A note of a vault loaded to publish ([`Texts::Release`]) handed to code
/// that reads what such a load drops (the text, the [`NoteDetail`]): checking
/// it would give wrong answers, so the code refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedToPublish {
    /// The first such note met.
    pub path: String,
}

impl std::fmt::Display for LoadedToPublish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` was loaded to publish: its text and the parts of its parse that checking, \
             querying and editing read were dropped (load the vault with `Texts::Keep`)",
            self.path
        )
    }
}

impl std::error::Error for LoadedToPublish {}

/// Why [`Vault::text`] could not give a released note's text back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    /// The note's vault path.
    pub path: String,
    /// What happened.
    pub kind: TextErrorKind,
}

/// What happened to a released note's file since it was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextErrorKind {
    /// It reads, but is no longer the text that was parsed.
    Changed,
    /// It cannot be read as a note any more (gone, unreadable, not UTF-8):
    /// the reason, for the user.
    Unreadable(String),
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            TextErrorKind::Changed => write!(f, "`{}` changed on disk since the vault was loaded", self.path),
            TextErrorKind::Unreadable(why) => {
                write!(f, "`{}` could not be read again since the vault was loaded: {why}", self.path)
            }
        }
    }
}

impl std::error::Error for TextError {}

/// What [`load_with`] keeps of the notes' texts.
#[derive(Clone, Copy, Default)]
pub enum Texts<'a> {
    /// Every text stays in memory (check, query, edit, serve).
    #[default]
    Keep,
    /// Each note is parsed as soon as it is read and its text dropped:
    /// the vault holds the parsed notes only, and [`Vault::text`] reads a
    /// text again (and checks that it is the one parsed) when it is needed.
    /// What `vellum build` uses: at 100,000 notes the texts are ~500 MB.
    ///
    /// Such a vault is loaded to publish, so each note also keeps only what
    /// publishing reads ([`Note::keep_for_publishing`]: no
    /// [`vellum_syntax::NoteDetail`]), and resolved links keep no
    /// [`Resolution::candidates`]. Checking, querying and editing refuse it
    /// ([`LoadedToPublish`]): they load with [`Texts::Keep`].
    Release,
    /// [`Texts::Release`], taking each note whose file is unchanged from an
    /// earlier load's parse instead of reading and parsing it again.
    ReleaseReusing(&'a dyn ParseStore),
}

/// Parses recorded by an earlier load, which [`Texts::ReleaseReusing`]
/// offers each note to (a cache of them lives in `vellum_cache`).
///
/// **Contract:** [`ParseStore::reuse`] answers only when the note's file
/// is provably the one that was parsed (same stamp, and a stamp it can
/// trust); a wrong answer would publish an old text.
pub trait ParseStore: Sync {
    /// The recorded text identity and parse (kept for publishing) of the note
    /// whose file has `stamp` now (taken before the file is read), or `None`
    /// to have it read and parsed.
    fn reuse(&self, stamp: &FileStamp) -> Option<(NoteText, Note)>;

    /// A note this load read and parsed (the vault holds its text identity
    /// and parse): its stamp, taken before it was read, for the store to record.
    fn parsed(&self, stamp: FileStamp);
}

impl NoteFile {
    /// The file name without folder and `.md`: what `[[Name]]` links to.
    #[must_use]
    pub fn stem(&self) -> &str {
        stem_of(&self.path)
    }

    /// Its vault path without the `.md`: what `[[folder/Name]]` links to.
    #[must_use]
    pub fn path_without_md(&self) -> &str {
        let name_start = self.path.rfind('/').map_or(0, |i| i + 1);
        self.path.get(..name_start + self.stem().len()).unwrap_or(&self.path)
    }

    /// Its text and [`NoteDetail`].
    ///
    /// # Errors
    /// When the note was loaded to publish ([`Texts::Release`]).
    pub fn kept(&self) -> Result<Kept<'_>, LoadedToPublish> {
        match (self.text.as_kept(), self.note.detail()) {
            (Some(text), Some(detail)) => Ok(Kept { text, detail }),
            _ => Err(LoadedToPublish { path: self.path.clone() }),
        }
    }

    /// Whether the document is a Markdown note, not a JSON Canvas or an
    /// Obsidian base (which the vault also holds as documents).
    #[must_use]
    pub fn is_markdown(&self) -> bool {
        self.note.canvas.is_none() && !self.note.base
    }

    /// Whether rendering the document reads every note: an Obsidian base, or
    /// a note holding a `base` code block (its rows are the vault's notes).
    #[must_use]
    pub fn reads_every_note(&self) -> bool {
        self.note.base || !self.note.base_blocks.is_empty()
    }

    /// Whether the note is a draft (`draft: true`).
    #[must_use]
    pub fn is_draft(&self) -> bool {
        self.note.properties.is_draft()
    }
}

/// The file name of a vault path without folder and `.md` (any case): what
/// `[[Name]]` links to.
#[must_use]
pub fn stem_of(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.len()
        .checked_sub(3)
        .and_then(|n| name.get(..n))
        .filter(|_| name.to_ascii_lowercase().ends_with(".md"))
        .unwrap_or(name)
}

/// The title a note shows: its frontmatter `title` unless blank, else its
/// file name without folder and `.md` (any case), as Obsidian shows it.
#[must_use]
pub fn title_of(path: &str, note: &Note) -> String {
    match &note.properties.title {
        Some(t) if !t.value.trim().is_empty() => t.value.clone(),
        // A canvas or a base shows its name without the extension, as Obsidian's tab does.
        _ if note.canvas.is_some() || note.base => {
            let name = stem_of(path);
            name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_owned()
        }
        _ => stem_of(path).to_owned(),
    }
}

/// Index of a note in [`Vault::notes`].
pub type NoteIdx = usize;

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A note, and within it the whole note, a heading (index into its
    /// headings) or a block id.
    Note {
        /// The note.
        note: NoteIdx,
        /// The part of the note.
        anchor: Anchor,
    },
    /// A note exists but the heading or block the link names does not.
    MissingFragment {
        /// The note.
        note: NoteIdx,
    },
    /// A non-note file (an image, a PDF).
    Attachment(FileId),
    /// Nothing in the vault: an unwritten note.
    Unresolved,
    /// A relative path that climbs out of the vault.
    EscapesVault,
}

impl Target {
    /// The note the link leads to, whether or not the heading or block it
    /// names is there; `None` for an attachment or nothing.
    #[must_use]
    pub fn note(&self) -> Option<NoteIdx> {
        match *self {
            Target::Note { note, .. } | Target::MissingFragment { note } => Some(note),
            Target::Attachment(_) | Target::Unresolved | Target::EscapesVault => None,
        }
    }
}

/// The part of a note a link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The whole note.
    Note,
    /// A heading, by index into the note's headings.
    Heading(usize),
    /// A block id.
    Block(String),
}

/// A link with what it resolved to.
#[derive(Debug, Clone)]
pub struct ResolvedLink {
    /// Where it leads.
    pub target: Target,
    /// How the file was chosen (candidates, rule).
    pub resolution: Resolution,
}

/// The loaded vault: notes, files, resolved links and the graph.
#[derive(Debug)]
pub struct Vault {
    /// The folder.
    pub root: PathBuf,
    /// Settings from `vellum.toml`.
    pub config: Config,
    /// Every file, notes and attachments.
    pub files: FileIndex,
    /// Every note that loaded, sorted by path.
    pub notes: Vec<NoteFile>,
    /// Files that could not be loaded.
    pub problems: Vec<LoadProblem>,
    /// For each note, for each of its links (same order), where it leads.
    pub resolved: Vec<Vec<ResolvedLink>>,
    note_of_file: FxHashMap<FileId, NoteIdx>,
    backlinks: Vec<Vec<(NoteIdx, usize)>>,
    aliases: FxHashMap<String, Vec<NoteIdx>>,
    /// The redirect record (`.vellum-redirects`): old URLs of renamed notes.
    pub redirects: Redirects,
    /// How long loading took, step by step (for `vellum build`'s phase split).
    pub timings: load::LoadTimings,
}

/// The vault holding `start`: the nearest folder from `start` upward that
/// holds `.obsidian/` or `vellum.toml` (how Obsidian and vellum mark a vault
/// root), or `None` when no folder above does.
#[must_use]
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(".obsidian").is_dir() || d.join(config::CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Load the vault at `root`: read `vellum.toml`, walk, parse and resolve.
///
/// # Errors
/// Only when `root` is not a readable folder; every problem with a single
/// file is reported in [`Vault::problems`] instead.
pub fn load(root: &Path) -> std::io::Result<Vault> {
    load_with(root, Texts::Keep)
}

/// [`load()`], keeping the notes' texts or not (see [`Texts`]).
///
/// # Errors
/// Only when `root` is not a readable folder.
pub fn load_with(root: &Path, texts_kept: Texts) -> std::io::Result<Vault> {
    let meta = std::fs::metadata(root)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"));
    }
    let (config, mut problems) = read_config(root);
    let redirects = match std::fs::read_to_string(root.join(REDIRECTS_FILE)) {
        Ok(text) => {
            let (redirects, bad_lines) = redirects::parse(&text);
            problems.extend(bad_lines);
            redirects
        }
        Err(_) => Redirects::default(),
    };
    let started = std::time::Instant::now();
    let (found, walk_problems) = load::walk(root, &config.exclude);
    problems.extend(walk_problems);
    let walked = started.elapsed();
    if let Texts::Release | Texts::ReleaseReusing(_) = texts_kept {
        let store = match texts_kept {
            Texts::ReleaseReusing(store) => Some(store),
            _ => None,
        };
        // Read and parse in one pass, so the texts are never all in memory.
        let parsed: Vec<Option<Result<(Parsed, bool), LoadProblem>>> = found
            .par_iter()
            .map(|f| {
                f.is_note.then(|| {
                    // Stamped before it is read: a recorded stamp never describes a newer text.
                    let stamp = store.map(|s| (s, load::stamp(&f.abs, f.rel.clone())));
                    if let Some((text, note)) = stamp.as_ref().and_then(|(s, stamp)| s.reuse(stamp)) {
                        return Ok(((f.rel.clone(), text, note), false));
                    }
                    load::read_note(f).map(|text| {
                        let mut note = vellum_syntax::parse_file(&f.rel, &text);
                        note.keep_for_publishing();
                        if let Some((s, stamp)) = stamp {
                            s.parsed(stamp);
                        }
                        ((f.rel.clone(), NoteText::released(&text), note), true)
                    })
                })
            })
            .collect();
        let (walked, read_and_parsed) = (walked, started.elapsed());
        let mut notes = Vec::new();
        let mut fresh = 0;
        for content in parsed {
            match content {
                Some(Ok((p, parsed))) => {
                    fresh += usize::from(parsed);
                    notes.push(p);
                }
                Some(Err(problem)) => problems.push(problem),
                None => {}
            }
        }
        let paths = loaded_paths(&found, notes.iter().map(|p| p.0.as_str()));
        let mut vault = Vault::from_parsed(root.to_path_buf(), config, paths, notes);
        vault.problems = problems;
        vault.redirects = redirects;
        // Which files a link could have meant is for reporting ambiguity
        // (check, explain); a vault loaded to publish does not report.
        for link in vault.resolved.iter_mut().flatten() {
            link.resolution.candidates = Vec::new();
        }
        // Reading and parsing overlapped: `read` is the walk alone.
        vault.timings.read = walked;
        vault.timings.parse += read_and_parsed.saturating_sub(walked);
        vault.timings.parsed = fresh;
        return Ok(vault);
    }
    let contents = load::read_all(&found);
    let read = started.elapsed();
    let mut texts = Vec::new();
    for (f, content) in found.iter().zip(contents) {
        match content {
            Some(Ok(text)) => texts.push((f.rel.clone(), text)),
            Some(Err(problem)) => problems.push(problem),
            None => {}
        }
    }
    let paths = loaded_paths(&found, texts.iter().map(|(p, _)| p.as_str()));
    let mut vault = Vault::from_texts(root.to_path_buf(), config, paths, texts);
    vault.problems = problems;
    vault.redirects = redirects;
    vault.timings.read = read;
    Ok(vault)
}

/// The vault's settings as a load reads them: `vellum.toml` (its defaults,
/// with a problem in place, when it is invalid), Obsidian's property types
/// and settings, and the callout types of the enabled CSS snippets; what
/// could not be read is in the problems, which never stop a load.
#[must_use]
pub fn read_config(root: &Path) -> (Config, Vec<LoadProblem>) {
    let mut problems = Vec::new();
    let config = match std::fs::read_to_string(root.join(config::CONFIG_FILE)) {
        Ok(text) => Config::from_toml(&text).unwrap_or_else(|invalid| {
            let config::InvalidConfig { error, site } = *invalid;
            // Point at the bad key or value, so the problem is shown in place.
            let span = error.span.map(|r| {
                let start = vellum_syntax::text::floor_char_boundary(&text, r.start.min(text.len()));
                let end = vellum_syntax::text::ceil_char_boundary(&text, r.end.min(text.len()).max(start));
                vellum_syntax::Span::new(start, end)
            });
            problems.push(LoadProblem {
                path: error.file,
                kind: LoadProblemKind::Config,
                message: format!("invalid vellum.toml, using defaults: {}", error.message),
                text: span.map(|_| text.clone()),
                span,
            });
            Config { site, ..Config::default() }
        }),
        Err(_) => Config::default(),
    };
    let (property_types, types_problems) = obsidian::read_types(root);
    let (settings, settings_problems) = obsidian::read_settings(root);
    let config = Config { property_types, obsidian: settings, ..config };
    problems.extend(types_problems);
    problems.extend(settings_problems);
    let (snippet_callouts, snippet_problems) = snippets::read_callouts(root);
    let config = Config { snippet_callouts, ..config };
    problems.extend(snippet_problems);
    (config, problems)
}

/// A note read and parsed: path, text (kept or released) and parse.
type Parsed = (String, NoteText, Note);

/// Every file path of the walk, less the notes that failed to load (those
/// stay out of the index, like notes that are not there).
fn loaded_paths<'a>(found: &[load::Found], loaded: impl Iterator<Item = &'a str>) -> Vec<String> {
    let loaded: std::collections::HashSet<&str> = loaded.collect();
    found.iter().filter(|f| !f.is_note || loaded.contains(f.rel.as_str())).map(|f| f.rel.clone()).collect()
}

/// What [`load()`] would see of the vault's files without reading any of
/// them: the stamps and the problems of the walk.
#[derive(Debug, Clone)]
pub struct Walked {
    /// The [`FileStamp`] of every file the walk finds (notes and attachments)
    /// and of `vellum.toml`, `.vellum-redirects` and the Obsidian settings
    /// vellum reads ([`obsidian::SETTINGS_FILES`]), sorted by path.
    pub stamps: Vec<FileStamp>,
    /// The problems the walk met (symbolic link loops, links out of the
    /// vault, names vellum cannot use): the same as [`load()`] reports, in
    /// the same order. They can change while no stamp does (a symlink
    /// retargeted), so a cache compares them too.
    pub problems: Vec<LoadProblem>,
}

/// The [`FileStamp`] of every file [`load()`] would read (notes and
/// attachments, with the same walk and exclusions), of `vellum.toml`,
/// `.vellum-redirects` and the Obsidian settings vellum reads
/// ([`obsidian::SETTINGS_FILES`], and the CSS snippet settings of
/// [`snippets::settings_paths`]), sorted by path, without reading any
/// content: what caches compare to know whether the vault changed since they
/// were written.
///
/// # Errors
/// Only when `root` is not a readable folder.
pub fn file_stamps(root: &Path) -> std::io::Result<Vec<FileStamp>> {
    let mut stamps = walk_stamps(root)?.stamps;
    // Obsidian's settings that the model reads (the walk skips `.obsidian/`).
    for rel in snippets::settings_paths(root) {
        stamps.push(load::stamp(&root.join(&rel), rel));
    }
    stamps.sort_by(|a, b| a.path.cmp(&b.path));
    stamps.dedup_by(|a, b| a.path == b.path);
    Ok(stamps)
}

/// [`file_stamps`] and the problems of the same walk ([`Walked`]).
///
/// # Errors
/// Only when `root` is not a readable folder.
pub fn walk_stamps(root: &Path) -> std::io::Result<Walked> {
    let meta = std::fs::metadata(root)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"));
    }
    let config_path = root.join(config::CONFIG_FILE);
    let excludes = std::fs::read_to_string(&config_path)
        .ok()
        .and_then(|text| Config::from_toml(&text).ok())
        .map(|c| c.exclude)
        .unwrap_or_default();
    let (found, problems) = load::walk(root, &excludes);
    let mut stamps = load::stamp_all(&found);
    for (path, name) in [(config_path, config::CONFIG_FILE), (root.join(REDIRECTS_FILE), REDIRECTS_FILE)] {
        if path.is_file() {
            stamps.push(load::stamp(&path, name.to_owned()));
        }
    }
    for file in obsidian::SETTINGS_FILES {
        let path = root.join(file);
        if path.is_file() {
            stamps.push(load::stamp(&path, file.to_owned()));
        }
    }
    stamps.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Walked { stamps, problems })
}

/// A note of the vault as a partial vault ([`load_partial`]) knows it
/// without parsing it: its path and its `aliases`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownNote {
    /// Vault-relative path.
    pub path: String,
    /// Its frontmatter `aliases`, as written.
    pub aliases: Vec<String>,
}

/// Load the notes at `check` so that their links resolve exactly as in the
/// whole vault, parsing only what that needs: a *partial* vault, what the
/// check cache uses to check again a few notes of a large vault.
///
/// `paths` is every file of the whole vault's [`FileIndex`] (the walk's files
/// less the notes that failed to load) and `known` every note that loaded,
/// in path order, with its aliases. Resolution reads the file index (and the
/// aliases when `resolve_aliases` is on), which are whole; what a link into
/// a note reads of it (its headings, block ids, draft flag) comes from
/// parsing that note, so the notes the checked ones link to are read and
/// parsed too, and so are the notes owning an alias that an unresolved link
/// names (the help of `V403` names them). [`Vault::notes`] holds exactly
/// those notes, sorted by path; only the checked ones' resolved links and
/// diagnostics mean what they mean in the whole vault. Notes that cannot be
/// read are in [`Vault::problems`].
///
/// `embed_depth` more levels of *embeds* are followed beyond the notes the
/// checked ones link to: what rendering a checked note reads (an embedded
/// note's own embeds, up to the renderer's depth); checking needs none.
#[must_use]
pub fn load_partial(
    root: &Path,
    config: Config,
    paths: Vec<String>,
    known: &[KnownNote],
    check: &[String],
    embed_depth: usize,
) -> Vault {
    let use_aliases = config.links.resolve_aliases;
    let mut files = FileIndex::new(paths);
    if use_aliases {
        for k in known {
            if let Some(f) = files.lookup_path(&k.path) {
                for alias in &k.aliases {
                    files.add_alias(alias, f);
                }
            }
        }
    }
    let mut problems = Vec::new();
    let mut parsed = read_and_parse(root, check, &mut problems);
    let is_note: rustc_hash::FxHashSet<&str> = known.iter().map(|k| k.path.as_str()).collect();
    let mut owners: FxHashMap<String, Vec<&str>> = FxHashMap::default();
    for k in known {
        for alias in &k.aliases {
            owners.entry(alias.to_lowercase()).or_default().push(&k.path);
        }
    }
    let mut loaded: rustc_hash::FxHashSet<String> = check.iter().cloned().collect();
    // Level 0: every link of the checked notes; then only embeds.
    let mut from = 0;
    for level in 0..=embed_depth {
        let mut more: Vec<String> = Vec::new();
        for (path, _, note) in &parsed[from..] {
            for link in note.links.iter().filter(|l| level == 0 || l.kind.is_embed()) {
                let r = resolution(&files, use_aliases, path, link);
                let wanted: Vec<&str> = match (r.target, r.rule) {
                    (_, Rule::EscapesVault) => Vec::new(),
                    (Some(f), _) => vec![files.path(f)],
                    (None, _) => owners.get(&link.target.to_lowercase()).cloned().unwrap_or_default(),
                };
                for p in wanted {
                    if is_note.contains(p) && loaded.insert(p.to_owned()) {
                        more.push(p.to_owned());
                    }
                }
            }
        }
        if more.is_empty() {
            break;
        }
        from = parsed.len();
        parsed.extend(read_and_parse(root, &more, &mut problems));
    }
    let mut vault = Vault::assemble(root.to_path_buf(), config, files, parsed, false);
    vault.problems = problems;
    vault
}

/// Read and parse the notes at `paths` (vault-relative), keeping their texts;
/// the ones that cannot be loaded go to `problems`.
fn read_and_parse(root: &Path, paths: &[String], problems: &mut Vec<LoadProblem>) -> Vec<Parsed> {
    let found: Vec<load::Found> = paths
        .iter()
        .map(|rel| load::Found { rel: rel.clone(), abs: root.join(rel), is_note: true })
        .collect();
    let read: Vec<Result<Parsed, LoadProblem>> = found
        .par_iter()
        .map(|f| {
            load::read_note(f).map(|text| {
                let note = vellum_syntax::parse_file(&f.rel, &text);
                (f.rel.clone(), NoteText::Kept(text), note)
            })
        })
        .collect();
    let mut out = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(p) => out.push(p),
            Err(problem) => problems.push(problem),
        }
    }
    out
}

/// Which file `link`, written in the note at `from`, names: Obsidian's rules
/// over the file index (and the aliases when `use_aliases`).
/// The file name `link` is resolved by: the last part of its target (a
/// Markdown destination decoded first), as written; `None` when it names
/// no file (`[[#Heading]]`, a folder). Resolution reads only the files that
/// carry this name ([`FileIndex::named`]), the linking note's path, the
/// attachment folder and, when no file matches, the aliases.
#[must_use]
pub fn lookup_name(link: &Link) -> Option<String> {
    let target = link.target.trim();
    let target = match link.kind {
        LinkKind::Wiki | LinkKind::Embed => std::borrow::Cow::Borrowed(target),
        LinkKind::Markdown | LinkKind::MarkdownEmbed => {
            let t = target.strip_prefix('<').and_then(|t| t.strip_suffix('>')).map_or(target, str::trim);
            percent_encoding::percent_decode_str(t).decode_utf8().ok()?
        }
    };
    let name = target.rsplit('/').next().unwrap_or_default();
    (!name.is_empty()).then(|| name.to_owned())
}

fn resolution(files: &FileIndex, use_aliases: bool, from: &str, link: &Link) -> Resolution {
    match link.kind {
        LinkKind::Wiki | LinkKind::Embed => files.resolve_wikilink(&link.target, from, use_aliases),
        LinkKind::Markdown | LinkKind::MarkdownEmbed => {
            if link.target.is_empty() {
                files.resolve_wikilink("", from, use_aliases)
            } else {
                files.resolve_markdown(&link.target, from, use_aliases)
            }
        }
    }
}

/// Read the notes at `paths` (vault-relative) as [`load()`] reads them,
/// without parsing: each one's text, or the problem that keeps it from
/// loading. In the order of `paths`, in parallel.
#[must_use]
pub fn read_notes(root: &Path, paths: &[String]) -> Vec<Result<String, LoadProblem>> {
    let found: Vec<load::Found> = paths
        .iter()
        .map(|rel| load::Found { rel: rel.clone(), abs: root.join(rel), is_note: true })
        .collect();
    load::read_all(&found).into_iter().flatten().collect()
}

/// Load only the notes at `paths` (vault-relative, `/`-separated) as a vault
/// of their own, with the default configuration: what a cache needs to refresh
/// a few changed notes without reading the rest. Links resolve among these
/// notes only, so use it for what depends on a note's own text (its search
/// document), not for the link graph. Files that cannot be loaded are in
/// [`Vault::problems`]; paths with `..` or an absolute path are refused there too.
#[must_use]
pub fn load_notes(root: &Path, paths: &[String]) -> Vault {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    for rel in paths {
        if rel.split('/').any(|p| p == ".." || p.is_empty()) || Path::new(rel).is_absolute() {
            problems.push(LoadProblem {
                path: rel.clone(),
                kind: LoadProblemKind::Unreadable,
                message: "not a path inside the vault".to_owned(),
                text: None,
                span: None,
            });
        } else {
            found.push(load::Found { rel: rel.clone(), abs: root.join(rel), is_note: true });
        }
    }
    let mut texts = Vec::new();
    for (f, content) in found.iter().zip(load::read_all(&found)) {
        match content {
            Some(Ok(text)) => texts.push((f.rel.clone(), text)),
            Some(Err(problem)) => problems.push(problem),
            None => {}
        }
    }
    let names = texts.iter().map(|(p, _)| p.clone()).collect();
    let mut vault = Vault::from_texts(root.to_path_buf(), Config::default(), names, texts);
    vault.problems = problems;
    vault
}

impl Vault {
    /// Build a vault from texts already in memory: `paths` lists every file
    /// (notes and attachments), `notes` the `(path, text)` of each note.
    /// Used by [`load()`] and by tests.
    #[must_use]
    pub fn from_texts(
        root: PathBuf,
        config: Config,
        paths: Vec<String>,
        notes: Vec<(String, String)>,
    ) -> Self {
        let started = std::time::Instant::now();
        let parsed: Vec<Parsed> = notes
            .into_par_iter()
            .map(|(path, text)| {
                let note = vellum_syntax::parse_file(&path, &text);
                (path, NoteText::Kept(text), note)
            })
            .collect();
        let parse = started.elapsed();
        let mut vault = Self::from_parsed(root, config, paths, parsed);
        vault.timings.parse += parse;
        vault
    }

    /// [`Vault::from_texts`] from notes already parsed.
    fn from_parsed(root: PathBuf, config: Config, paths: Vec<String>, parsed: Vec<Parsed>) -> Self {
        Self::assemble(root, config, FileIndex::new(paths), parsed, true)
    }

    /// The vault of `parsed` notes over the file index `files`; the notes'
    /// aliases are added to the index when `add_aliases` (and the
    /// configuration resolves aliases): a partial vault's index has them
    /// already, for every note of the whole vault.
    fn assemble(
        root: PathBuf,
        config: Config,
        mut files: FileIndex,
        parsed: Vec<Parsed>,
        add_aliases: bool,
    ) -> Self {
        let started = std::time::Instant::now();
        files.set_attachment_folder(config.obsidian.attachment_folder.clone());
        let mut notes = Vec::with_capacity(parsed.len());
        for (path, text, note) in parsed {
            let Some(file) = files.lookup_path(&path) else { continue };
            let title = title_of(&path, &note);
            notes.push(NoteFile { file, path, text, note, title });
        }
        notes.sort_by(|a, b| a.path.cmp(&b.path));
        let parse = started.elapsed();
        let started = std::time::Instant::now();
        let note_of_file: FxHashMap<FileId, NoteIdx> =
            notes.iter().enumerate().map(|(i, n)| (n.file, i)).collect();
        if add_aliases && config.links.resolve_aliases {
            for n in &notes {
                for alias in &n.note.properties.aliases {
                    files.add_alias(&alias.value, n.file);
                }
            }
        }
        let mut vault = Vault {
            root,
            config,
            files,
            notes,
            problems: Vec::new(),
            resolved: Vec::new(),
            note_of_file,
            backlinks: Vec::new(),
            aliases: FxHashMap::default(),
            redirects: Redirects::default(),
            timings: load::LoadTimings { parse, ..load::LoadTimings::default() },
        };
        for (i, n) in vault.notes.iter().enumerate() {
            for alias in &n.note.properties.aliases {
                vault.aliases.entry(alias.value.to_lowercase()).or_default().push(i);
            }
        }
        vault.resolved = (0..vault.notes.len())
            .into_par_iter()
            .map(|i| vault.notes[i].note.links.iter().map(|l| vault.resolve_link(i, l)).collect())
            .collect();
        let mut backlinks = vec![Vec::new(); vault.notes.len()];
        for (src, links) in vault.resolved.iter().enumerate() {
            for (li, r) in links.iter().enumerate() {
                if let Some(note) = r.target.note() {
                    backlinks[note].push((src, li));
                }
            }
        }
        vault.backlinks = backlinks;
        vault.timings.resolve = started.elapsed();
        vault
    }

    /// The text of note `idx`: the one in memory, or, when the vault was
    /// loaded with [`Texts::Release`], read again from its file and checked
    /// against what was parsed.
    ///
    /// # Errors
    /// A released note's file that is no longer the text parsed
    /// ([`TextErrorKind::Changed`]) or cannot be read
    /// ([`TextErrorKind::Unreadable`]).
    pub fn text(&self, idx: NoteIdx) -> Result<std::borrow::Cow<'_, str>, TextError> {
        let n = &self.notes[idx];
        if let NoteText::Kept(text) = &n.text {
            return Ok(std::borrow::Cow::Borrowed(text));
        }
        let found = load::Found { rel: n.path.clone(), abs: self.root.join(&n.path), is_note: true };
        match load::read_note(&found) {
            Ok(text) if n.text.is(&text) => Ok(std::borrow::Cow::Owned(text)),
            Ok(_) => Err(TextError { path: n.path.clone(), kind: TextErrorKind::Changed }),
            Err(problem) => {
                Err(TextError { path: n.path.clone(), kind: TextErrorKind::Unreadable(problem.message) })
            }
        }
    }

    /// The text and [`NoteDetail`] of every note, in note order: what
    /// checking, querying and editing read.
    ///
    /// # Errors
    /// When the vault was loaded to publish ([`Texts::Release`]).
    pub fn kept(&self) -> Result<Vec<Kept<'_>>, LoadedToPublish> {
        self.notes.iter().map(NoteFile::kept).collect()
    }

    /// The BLAKE3 hash of note `idx`'s text (computed at load for a released
    /// text).
    #[must_use]
    pub fn text_hash(&self, idx: NoteIdx) -> [u8; 32] {
        self.notes[idx].text.hash()
    }

    /// Whether note `idx` is hidden by Obsidian's settings (in a template
    /// folder, or an excluded file): its links resolve and links to it
    /// resolve, but it is neither checked, listed nor published
    /// ([`obsidian::Settings::hides`]).
    #[must_use]
    pub fn is_hidden(&self, idx: NoteIdx) -> bool {
        self.config.obsidian.hides(&self.notes[idx].path)
    }

    /// What keeps the vault from being published whole, as `(vault path,
    /// message)`: documents that did not load, and notes whose YAML
    /// frontmatter is malformed (they might be drafts, so they are left out).
    /// Hidden files are not published anyway; an Obsidian setting or a
    /// redirect line vellum cannot read is only a warning (it never stops a
    /// build) and is not listed.
    #[must_use]
    pub fn publish_errors(&self) -> Vec<(&str, String)> {
        let problems = self.problems.iter().filter(|p| {
            !self.config.obsidian.hides(&p.path)
                && !matches!(p.kind, LoadProblemKind::ObsidianSetting | LoadProblemKind::Redirects)
        });
        let malformed = self.notes.iter().enumerate().filter(|&(i, n)| {
            !self.is_hidden(i)
                && n.note.errors.iter().any(|e| e.kind == vellum_syntax::ErrorKind::MalformedYaml)
        });
        problems
            .map(|p| (p.path.as_str(), p.message.clone()))
            .chain(malformed.map(|(_, n)| {
                (n.path.as_str(), "malformed YAML frontmatter; the note is left out of the site".to_owned())
            }))
            .collect()
    }

    /// The note stored in file `id`, if it is a loaded note.
    #[must_use]
    pub fn note_of_file(&self, id: FileId) -> Option<NoteIdx> {
        self.note_of_file.get(&id).copied()
    }

    /// The note a setting names (`"Start here"`, `"[[docs/Welcome]]"`): the
    /// name resolved as a wikilink written at the vault's root.
    #[must_use]
    pub fn note_named(&self, name: &str) -> Option<NoteIdx> {
        let target = name.trim().trim_start_matches("[[").trim_end_matches("]]");
        self.files
            .resolve_wikilink(target, "", self.config.links.resolve_aliases)
            .target
            .and_then(|f| self.note_of_file(f))
    }

    /// The note at a vault path (case-insensitive).
    #[must_use]
    pub fn note_by_path(&self, path: &str) -> Option<NoteIdx> {
        self.files.lookup_path(path).and_then(|f| self.note_of_file(f))
    }

    /// The Excalidraw drawing a link to `target` reaches, if it reaches one
    /// whole: a drawing note (not a heading or block in it) or an older
    /// `.excalidraw` file.
    #[must_use]
    pub fn drawing(&self, target: &Target) -> Option<FileId> {
        let file = match target {
            Target::Attachment(f) => *f,
            Target::Note { note, anchor: Anchor::Note } => self.notes[*note].file,
            _ => return None,
        };
        self.files.is_excalidraw(file).then_some(file)
    }

    /// Resolve `link`, written in note `from`.
    #[must_use]
    pub fn resolve_link(&self, from: NoteIdx, link: &Link) -> ResolvedLink {
        let src = &self.notes[from];
        let resolution = resolution(&self.files, self.config.links.resolve_aliases, &src.path, link);
        let target = match (resolution.target, resolution.rule) {
            (_, Rule::EscapesVault) => Target::EscapesVault,
            (None, _) => Target::Unresolved,
            (Some(file), _) => match self.note_of_file(file) {
                None => Target::Attachment(file),
                Some(note) => match self.anchor(note, link.fragment.as_ref()) {
                    Some(anchor) => Target::Note { note, anchor },
                    None => Target::MissingFragment { note },
                },
            },
        };
        ResolvedLink { target, resolution }
    }

    /// Find the heading chain or block a fragment names in `note`.
    fn anchor(&self, note: NoteIdx, fragment: Option<&Fragment>) -> Option<Anchor> {
        let n = &self.notes[note].note;
        match fragment {
            None => Some(Anchor::Note),
            Some(f) if f.is_empty() => Some(Anchor::Note),
            Some(Fragment::Block(id)) => n
                .block_ids
                .iter()
                .find(|b| b.id.eq_ignore_ascii_case(id))
                .map(|b| Anchor::Block(b.id.clone())),
            Some(Fragment::Heading(chain)) => find_heading_chain(&n.headings, chain).map(Anchor::Heading),
        }
    }

    /// Notes that list `name` (any case) in their `aliases`.
    #[must_use]
    pub fn notes_with_alias(&self, name: &str) -> &[NoteIdx] {
        self.aliases.get(&name.to_lowercase()).map_or(&[], Vec::as_slice)
    }

    /// Links into note `idx`: `(source note, index of the link in its links)`.
    #[must_use]
    pub fn backlinks(&self, idx: NoteIdx) -> &[(NoteIdx, usize)] {
        self.backlinks.get(idx).map_or(&[], Vec::as_slice)
    }

    /// Unresolved targets ("unwritten notes"), keyed by the lowercased target,
    /// with the target as first written and every `(note, link)` that wants it;
    /// most wanted first, then by name. Links in hidden notes do not count.
    #[must_use]
    pub fn unresolved(&self) -> Vec<(String, Vec<(NoteIdx, usize)>)> {
        let mut map: FxHashMap<String, (String, Vec<(NoteIdx, usize)>)> = FxHashMap::default();
        for (src, links) in self.resolved.iter().enumerate() {
            if self.is_hidden(src) {
                continue;
            }
            for (li, r) in links.iter().enumerate() {
                if r.target == Target::Unresolved {
                    let target = &self.notes[src].note.links[li].target;
                    map.entry(target.to_lowercase())
                        .or_insert_with(|| (target.clone(), Vec::new()))
                        .1
                        .push((src, li));
                }
            }
        }
        let mut out: Vec<_> = map.into_values().collect();
        out.sort_by(|a, b| {
            b.1.len().cmp(&a.1.len()).then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase()))
        });
        out
    }

    /// Notes with no resolved link in or out (self-links aside); hidden
    /// notes are not listed, and their links count for nothing.
    #[must_use]
    pub fn orphans(&self) -> Vec<NoteIdx> {
        (0..self.notes.len())
            .filter(|&i| !self.is_hidden(i))
            .filter(|&i| {
                let no_in = self.backlinks(i).iter().all(|&(src, _)| src == i || self.is_hidden(src));
                let no_out = self.resolved[i].iter().all(|r| match r.target {
                    Target::Note { note, .. } | Target::MissingFragment { note } => note == i,
                    Target::Attachment(_) => false,
                    Target::Unresolved | Target::EscapesVault => true,
                });
                no_in && no_out
            })
            .collect()
    }
}

/// Find the heading a chain `H1#H2#H3` names: the last heading of the chain,
/// nested (by level) under the previous ones, each matched with [`heading_key`].
#[must_use]
pub fn find_heading_chain(headings: &[vellum_syntax::Heading], chain: &[String]) -> Option<usize> {
    let keys: Vec<String> = chain.iter().map(|c| heading_key(c)).collect();
    let (last, parents) = keys.split_last()?;
    'candidates: for (i, h) in headings.iter().enumerate() {
        if h.key() != *last {
            continue;
        }
        // Walk up: each parent must be an enclosing heading (lower level, earlier).
        let mut level = h.level;
        let mut pos = i;
        for parent in parents.iter().rev() {
            let found = headings[..pos].iter().rposition(|p| p.level < level && p.key() == *parent);
            match found {
                Some(p) if headings[p + 1..pos].iter().all(|m| m.level > headings[p].level) => {
                    level = headings[p].level;
                    pos = p;
                }
                _ => continue 'candidates,
            }
        }
        return Some(i);
    }
    None
}

#[cfg(test)]
mod tests;
