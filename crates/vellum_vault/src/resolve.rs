//! File-level link resolution, the way Obsidian does it.
//!
//! This module answers one question: *which file of the vault does a link
//! target name?* It knows nothing about Markdown syntax (the caller has
//! already split `[[target#fragment|display]]` into its parts) and does no
//! I/O: a [`FileIndex`] is built once from the list of vault paths, and every
//! lookup afterwards is a hash lookup plus work proportional to the number of
//! files that share the target's name.
//!
//! # The rules (Obsidian 1.13, as measured in the running app)
//!
//! 1. **Names are case-insensitive**, extensions included: `[[log]]` and
//!    `[[LOG]]` reach `Log.md`, `[[Ext.MD]]` reaches `Ext.md`.
//! 2. **`[[Name]]` means `[[Name.md]]`.** A file matches a target when its
//!    name equals the target's last component, or that component plus `.md`.
//!    So `[[Figure 1.png]]` reaches `Figure 1.png`, and `[[v1.2 notes]]`
//!    reaches `v1.2 notes.md` even though `.2 notes` looks like an extension.
//!    Attachments always need their extension: `[[Figure 1]]` does not reach
//!    `Figure 1.png`.
//! 3. **Folders in the target are a path suffix.** `[[b/Note]]` names the
//!    vault path `b/Note.md`, but also matches `x/b/Note.md`: the target's
//!    folders must be the trailing *whole* folders of the file's path
//!    (`ab/Note.md` does not match). A leading `/` (`[[/b/Note]]`) anchors the
//!    target at the vault root, and then only the exact path matches.
//! 4. **Tie-break**, when several files match, in this order:
//!    1. the file whose vault path *is* the target wins ([`Rule::ExactPath`]:
//!       `[[Note]]` is the root `Note.md`, `[[b/Note]]` is `b/Note.md`), even
//!       over a file beside the linking note;
//!    2. else the file in the linking note's **own** folder wins
//!       ([`Rule::SameFolder`]); ancestor folders count for nothing;
//!    3. else, for an attachment, the file in the vault's attachment folder
//!       for the linking note wins ([`Rule::AttachmentFolder`]: Obsidian's
//!       `attachmentFolderPath`, set with [`FileIndex::set_attachment_folder`]);
//!    4. else the **shortest path string** wins ([`Rule::ShortestPath`]), not
//!       the one with the fewest folders: `a/b/Note.md` beats `zzzz/Note.md`.
//!       Equal lengths fall back to path order, so results are deterministic.
//!
//!    With a single match the rule is [`Rule::OnlyCandidate`].
//! 5. **Frontmatter aliases are not link targets.** Obsidian leaves `[[AL]]`
//!    unresolved even when a note declares `aliases: [AL]`. Vellum can opt in
//!    (`vellum.toml`): aliases registered with [`FileIndex::add_alias`] are
//!    consulted only when `use_aliases` is set *and* no file matches
//!    ([`Rule::Alias`]).
//! 6. **Markdown destinations** (`[x](My%20Note.md)`) are percent-decoded and
//!    then looked up vault-wide exactly like wikilinks, so `My%20Note.md`
//!    written at the root reaches `Sub/My Note.md`. A destination starting
//!    with `./` or `../` (wikilinks too) is resolved against the linking
//!    note's folder instead, by exact path only ([`Rule::Relative`]); if
//!    `..` climbs above the vault root the result is [`Rule::EscapesVault`].
//!    URLs are not the resolver's business: callers test [`is_external`]
//!    first. A wikilink such as `[[https://example.com]]` is simply a note
//!    name that does not exist.
//! 7. **An empty target** (`[[#Heading]]`) links the note to itself
//!    ([`Rule::Empty`]).
//! 8. Surrounding whitespace is trimmed, inner spaces are kept, `]` and other
//!    punctuation are ordinary characters, and a backslash is *not* a path
//!    separator. Only `/` separates folders.
//!
//! # Decisions where Obsidian's behaviour is not measured
//!
//! * Lower-casing is done character by character (Unicode simple lower-case
//!   mapping, no context), so `Σ` always becomes `σ` and a name folds the
//!   same way whether or not `.md` follows it. No Unicode normalisation
//!   (NFC/NFD) is applied.
//! * "Shortest path string" is measured in UTF-16 code units, which is what a
//!   JavaScript `path.length` counts; for ASCII paths this is the byte length.
//! * A file named exactly like the target and a note named like the target
//!   plus `.md` are equal candidates; the tie-break above decides between
//!   them.
//! * Targets that do not start with `./` or `../` are not normalised: an inner
//!   `..` segment is matched literally (and so never matches). A relative
//!   target whose last segment is empty, `.` or `..` names a folder and is
//!   [`Rule::NoMatch`].
//! * A target starting with `/` gets exact-path lookup only, like a relative
//!   one, and never falls back to suffix matching.
//! * Among attachments sharing a name, the one in the attachment folder
//!   (`attachmentFolderPath`) is preferred before the shortest path: that is
//!   where Obsidian puts the file a note embeds, so it is the one meant. The
//!   folder counts only when it is not the vault root (every path there is
//!   already shortest) nor the note's own folder (already preferred).

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::obsidian::AttachmentFolder;

/// Index of a file in the vault, dense from 0 in the order the paths were
/// given to [`FileIndex::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

impl FileId {
    /// The id as a `usize`, for indexing side tables.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What kind of file a vault path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A Markdown note: the name ends in `.md` (any case).
    Note,
    /// Any other file (image, PDF, canvas, ...), linked by its full name.
    Attachment,
}

/// Which rule decided a [`Resolution`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Several files matched and one sits exactly at the path the target
    /// names (vault-root-relative), or the target started with `/`.
    ExactPath,
    /// Exactly one file matched.
    OnlyCandidate,
    /// Several files matched; the one in the linking note's own folder won.
    SameFolder,
    /// Several attachments matched; the one in the vault's attachment folder
    /// for the linking note (`attachmentFolderPath`) won.
    AttachmentFolder,
    /// Several files matched, none at the exact path or beside the linking
    /// note; the shortest path string won.
    ShortestPath,
    /// No file matched; an alias (opt-in via `vellum.toml`) resolved it.
    Alias,
    /// The target started with `./` or `../` and was resolved relative to the
    /// linking note's folder.
    Relative,
    /// Nothing in the vault matches the target.
    NoMatch,
    /// A relative target climbs above the vault root.
    EscapesVault,
    /// The target is empty (`[[#Heading]]`): the link points at the linking
    /// note itself.
    Empty,
}

impl Rule {
    /// A one-line human explanation, as printed by `vellum explain`.
    #[must_use]
    pub fn describe(&self) -> &'static str {
        match self {
            Rule::ExactPath => "the target names this exact vault path, which wins over any other match",
            Rule::OnlyCandidate => "exactly one file in the vault matches the target",
            Rule::SameFolder => "several files match; the one in the linking note's own folder wins",
            Rule::AttachmentFolder => {
                "several attachments match; the one in the vault's attachment folder for the linking note wins"
            }
            Rule::ShortestPath => {
                "several files match and none is at the exact path or in the linking note's folder; the shortest path wins"
            }
            Rule::Alias => {
                "no file has this name; it was resolved through a frontmatter alias (enabled in vellum.toml)"
            }
            Rule::Relative => {
                "the target starts with ./ or ../ and is resolved relative to the linking note's folder"
            }
            Rule::NoMatch => "no file in the vault matches the target",
            Rule::EscapesVault => "the relative path climbs above the vault root",
            Rule::Empty => "the target is empty, so the link points at the linking note itself",
        }
    }
}

/// The outcome of resolving one link target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The file the link reaches, if any.
    pub target: Option<FileId>,
    /// The rule that decided (or why nothing was found).
    pub rule: Rule,
    /// Every file that matched the target (name and folder suffix), sorted by
    /// path, so callers can report ambiguity. For [`Rule::Alias`] these are
    /// the notes carrying the alias; for [`Rule::Empty`] the linking note.
    pub candidates: Vec<FileId>,
}

impl Resolution {
    /// Whether the link reaches a file.
    #[must_use]
    pub fn is_resolved(&self) -> bool {
        self.target.is_some()
    }

    /// Whether more than one file matched (the tie-break had to choose).
    #[must_use]
    pub fn is_ambiguous(&self) -> bool {
        self.candidates.len() > 1
    }

    fn none(rule: Rule) -> Self {
        Resolution { target: None, rule, candidates: Vec::new() }
    }
}

/// Does a Markdown link destination carry a URL scheme (`https:`, `mailto:`,
/// `obsidian:`, `file:` ...) or start with `//`?
///
/// Such destinations are URLs, not vault files; callers test this before
/// [`FileIndex::resolve_markdown`]. A scheme is an ASCII letter followed by
/// letters, digits, `+`, `.` or `-`, 2 to 32 characters in all (CommonMark's
/// autolink rule), so a Windows drive letter `C:` is not a scheme. Do not use
/// this on wikilink targets: `[[https://x]]` is an (unresolved) note name.
#[must_use]
pub fn is_external(dest: &str) -> bool {
    let dest = dest.trim_start();
    let dest = dest.strip_prefix('<').unwrap_or(dest);
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest.as_bytes()[..colon];
    (2..=32).contains(&scheme.len())
        && scheme[0].is_ascii_alphabetic()
        && scheme.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
}

/// Lower-case `s` character by character (no context-dependent mappings),
/// borrowing when nothing changes in the common ASCII case.
fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.chars().flat_map(char::to_lowercase).collect())
    }
}

/// Split a path into (folder, name); the folder is `""` at the vault root.
fn split_dir(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Is `dir` equal to `suffix`, or does it end with `/` + `suffix`?
fn dir_has_suffix(dir: &str, suffix: &str) -> bool {
    if suffix.is_empty() || dir == suffix {
        return true;
    }
    dir.len() > suffix.len() && dir.ends_with(suffix) && dir.as_bytes()[dir.len() - suffix.len() - 1] == b'/'
}

/// Join `target` (starting with `./` or `../`) onto `base_dir`, resolving `.`
/// and `..` segments. `None` when `..` climbs above the vault root.
fn normalize_relative(base_dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// How a target's folder part constrains candidate folders.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// Folders are a path suffix (`[[b/Note]]` also matches `x/b/Note.md`).
    Suffix,
    /// Only the exact vault path matches (leading `/`, or relative forms).
    Exact,
}

/// Index of every file in a vault, for Obsidian-exact link resolution.
///
/// Built once by [`FileIndex::new`] from vault-relative paths with `/`
/// separators (`"hardware/Nvidia Open Sources GPU Kernel Modules.md"`,
/// `"attachments/die-shot.png"`). Lookups hash the lower-cased file name, so
/// each resolution costs a couple of hash lookups plus a pass over the files
/// sharing that name.
///
/// ```
/// use vellum_vault::resolve::{FileIndex, Rule};
///
/// let index = FileIndex::new(vec![
///     "Note.md".to_owned(),
///     "b/Note.md".to_owned(),
///     "Sub/My Note.md".to_owned(),
/// ]);
/// let r = index.resolve_wikilink("note", "b/source.md", false);
/// assert_eq!(r.target.map(|id| index.path(id)), Some("Note.md"));
/// assert_eq!(r.rule, Rule::ExactPath);
/// assert_eq!(r.candidates.len(), 2);
///
/// let r = index.resolve_markdown("My%20Note.md", "source.md", false);
/// assert_eq!(r.target.map(|id| index.path(id)), Some("Sub/My Note.md"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    /// Vault paths as given, indexed by `FileId`.
    paths: Vec<String>,
    /// Lower-cased paths, indexed by `FileId`.
    folded: Vec<Box<str>>,
    /// Path length in UTF-16 code units (Obsidian's `path.length`).
    lengths: Vec<u32>,
    /// Position of each file in path order, indexed by `FileId`.
    rank: Vec<u32>,
    /// Note or attachment, indexed by `FileId`.
    kinds: Vec<FileKind>,
    /// Lower-cased file name → files; notes are also keyed by their name
    /// without `.md`. Each list is sorted by path.
    by_name: FxHashMap<Box<str>, Vec<FileId>>,
    /// Lower-cased alias → notes carrying it, sorted by path.
    aliases: FxHashMap<Box<str>, Vec<FileId>>,
    /// Where the vault keeps attachments (`attachmentFolderPath`).
    attachments: AttachmentFolder,
}

impl FileIndex {
    /// Build the index from every file of the vault (notes and attachments).
    ///
    /// `FileId(i)` is the file at `paths[i]`. Paths are vault-relative, use
    /// `/` separators and have no leading `/`. Duplicate paths are kept (each
    /// gets its own id); lookups then prefer the first in path order.
    ///
    /// # Panics
    ///
    /// If there are more than `u32::MAX` files.
    #[must_use]
    pub fn new(paths: Vec<String>) -> Self {
        let n = paths.len();
        let to_u32 = |i: usize| u32::try_from(i).expect("more than u32::MAX files in the vault");
        let _ = to_u32(n);

        let folded: Vec<Box<str>> = paths.iter().map(|p| fold(p).into()).collect();
        let lengths: Vec<u32> = paths.iter().map(|p| to_u32(p.encode_utf16().count())).collect();
        let kinds: Vec<FileKind> = folded
            .iter()
            .map(|p| if p.ends_with(".md") { FileKind::Note } else { FileKind::Attachment })
            .collect();

        let mut order: Vec<u32> = (0..n).map(to_u32).collect();
        order.sort_by(|&a, &b| paths[a as usize].cmp(&paths[b as usize]).then(a.cmp(&b)));
        let mut rank = vec![0u32; n];
        for (r, &id) in order.iter().enumerate() {
            rank[id as usize] = to_u32(r);
        }

        // Insert in path order so every candidate list is already sorted.
        let mut by_name: FxHashMap<Box<str>, Vec<FileId>> = FxHashMap::default();
        by_name.reserve(n + n / 2);
        for &id in &order {
            let (_, name) = split_dir(&folded[id as usize]);
            by_name.entry(name.into()).or_default().push(FileId(id));
            if kinds[id as usize] == FileKind::Note {
                let stem = &name[..name.len() - 3];
                if !stem.is_empty() {
                    by_name.entry(stem.into()).or_default().push(FileId(id));
                }
            }
        }

        FileIndex {
            paths,
            folded,
            lengths,
            rank,
            kinds,
            by_name,
            aliases: FxHashMap::default(),
            attachments: AttachmentFolder::VaultRoot,
        }
    }

    /// Prefer, among attachments sharing a name, the one in `folder` (the
    /// vault's `attachmentFolderPath`) over the shortest path.
    pub fn set_attachment_folder(&mut self, folder: AttachmentFolder) {
        self.attachments = folder;
    }

    /// The vault path of `id`, as given to [`FileIndex::new`].
    ///
    /// # Panics
    ///
    /// If `id` is not from this index.
    #[must_use]
    pub fn path(&self, id: FileId) -> &str {
        &self.paths[id.index()]
    }

    /// Whether `id` is a note or an attachment.
    ///
    /// # Panics
    ///
    /// If `id` is not from this index.
    #[must_use]
    pub fn kind(&self, id: FileId) -> FileKind {
        self.kinds[id.index()]
    }

    /// Number of files in the index.
    #[must_use]
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether the index holds no files.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Every file with its path, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &str)> + '_ {
        self.paths.iter().enumerate().map(|(i, p)| (FileId(i as u32), p.as_str()))
    }

    /// The file at exactly this vault path, compared case-insensitively.
    #[must_use]
    pub fn lookup_path(&self, path: &str) -> Option<FileId> {
        let folded = fold(path);
        let (_, name) = split_dir(&folded);
        self.by_name.get(name)?.iter().copied().find(|&id| *self.folded[id.index()] == *folded)
    }

    /// Whether `file` is an Excalidraw drawing (`*.excalidraw.md`, or the
    /// plugin's older `*.excalidraw`).
    #[must_use]
    pub fn is_excalidraw(&self, file: FileId) -> bool {
        let p = &self.folded[file.index()];
        p.ends_with(".excalidraw.md") || p.ends_with(".excalidraw")
    }

    /// The image the Excalidraw plugin exported beside the drawing `file`:
    /// `Drawing.excalidraw.svg` (or `.png`), else `Drawing.svg` (or `.png`),
    /// as its "keep the .excalidraw extension" setting names them. SVG is
    /// preferred; `None` for a file that is not a drawing or has no export.
    #[must_use]
    pub fn excalidraw_export(&self, file: FileId) -> Option<FileId> {
        let path = &self.paths[file.index()];
        let dir = &path[..path.len() - path.rsplit('/').next().unwrap_or(path).len()];
        self.excalidraw_export_names(file).iter().find_map(|name| self.lookup_path(&format!("{dir}{name}")))
    }

    /// The file names [`FileIndex::excalidraw_export`] looks for beside the
    /// drawing `file`, in its order of preference (none for a file that is
    /// not a drawing).
    #[must_use]
    pub fn excalidraw_export_names(&self, file: FileId) -> Vec<String> {
        if !self.is_excalidraw(file) {
            return Vec::new();
        }
        let path = &self.paths[file.index()];
        let name = path.rsplit('/').next().unwrap_or(path);
        let drawing = if name.to_ascii_lowercase().ends_with(".md") { &name[..name.len() - 3] } else { name };
        let plain = &drawing[..drawing.len() - ".excalidraw".len()];
        [drawing, plain].iter().flat_map(|base| [format!("{base}.svg"), format!("{base}.png")]).collect()
    }

    /// The vault paths of the files named `name` (any case; a note also by
    /// its name without `.md`), in path order: all that resolving a link by
    /// this name reads of the file list.
    pub fn named(&self, name: &str) -> impl Iterator<Item = &str> + '_ {
        let list = self.by_name.get(&*fold(name)).map_or(&[][..], Vec::as_slice);
        list.iter().map(|id| self.paths[id.index()].as_str())
    }

    /// Register `alias` (from a note's frontmatter `aliases`) for `note`.
    ///
    /// Obsidian never resolves links through aliases; vellum does so only
    /// when `vellum.toml` opts in (`use_aliases` in the resolve calls), and
    /// only when no file matches. Matching is case-insensitive; surrounding
    /// whitespace is ignored and empty aliases are skipped.
    pub fn add_alias(&mut self, alias: &str, note: FileId) {
        let alias = alias.trim();
        if alias.is_empty() {
            return;
        }
        let list = self.aliases.entry(fold(alias).into()).or_default();
        let rank = &self.rank;
        if let Err(pos) = list.binary_search_by_key(&rank[note.index()], |id| rank[id.index()]) {
            list.insert(pos, note);
        }
    }

    /// Resolve a wikilink or embed target from the note at vault path `from`.
    ///
    /// `target` is the part before `#` and `|`, already split off by the
    /// caller: `"folder/Note"`, `"Note.md"`, `"Figure 1.png"`, `"Sq]uare"`,
    /// `"../Note"`, or `""` for `[[#Heading]]`. See the module docs for the
    /// rules.
    #[must_use]
    pub fn resolve_wikilink(&self, target: &str, from: &str, use_aliases: bool) -> Resolution {
        self.resolve_target(target.trim(), from, use_aliases)
    }

    /// Resolve a Markdown link destination from the note at vault path `from`.
    ///
    /// `dest` is the raw destination without its `#fragment`, possibly still
    /// wrapped in `<...>`, possibly percent-encoded (`My%20Note.md`). It is
    /// decoded, then resolved exactly like a wikilink target: vault-wide by
    /// name, relative to `from` for `./` and `../`, from the vault root for a
    /// leading `/`. A destination that does not decode to UTF-8 is
    /// [`Rule::NoMatch`]. URLs must be filtered out first with
    /// [`is_external`].
    #[must_use]
    pub fn resolve_markdown(&self, dest: &str, from: &str, use_aliases: bool) -> Resolution {
        let mut dest = dest.trim();
        if dest.len() >= 2 && dest.starts_with('<') && dest.ends_with('>') {
            dest = dest[1..dest.len() - 1].trim();
        }
        match percent_encoding::percent_decode_str(dest).decode_utf8() {
            Ok(decoded) => self.resolve_target(&decoded, from, use_aliases),
            Err(_) => Resolution::none(Rule::NoMatch),
        }
    }

    /// Shared resolution of an already trimmed (and decoded) target.
    fn resolve_target(&self, target: &str, from: &str, use_aliases: bool) -> Resolution {
        if target.is_empty() {
            let me = self.lookup_path(from);
            return Resolution { target: me, rule: Rule::Empty, candidates: me.into_iter().collect() };
        }

        let source_dir = fold(split_dir(from).0);

        if target.starts_with("./") || target.starts_with("../") {
            let Some(joined) = normalize_relative(&source_dir, &fold(target)) else {
                return Resolution::none(Rule::EscapesVault);
            };
            // `./`, `..`, `sub/`: the target names a folder, never a file.
            if matches!(target.rsplit('/').next(), Some("" | "." | "..")) {
                return Resolution::none(Rule::NoMatch);
            }
            let mut res = self.match_files(&joined, Anchor::Exact, &source_dir, from);
            if res.target.is_some() {
                res.rule = Rule::Relative;
            }
            return res;
        }

        let folded = fold(target);
        let res = match folded.strip_prefix('/') {
            Some(rooted) => self.match_files(rooted, Anchor::Exact, &source_dir, from),
            None => self.match_files(&folded, Anchor::Suffix, &source_dir, from),
        };
        if res.target.is_none()
            && use_aliases
            && let Some(res) = self.match_alias(&folded, &source_dir)
        {
            return res;
        }
        res
    }

    /// Match files against a lower-cased target path and apply the
    /// tie-break. `source_dir` is the lower-cased folder of the linking note,
    /// `from` its path.
    fn match_files(&self, target: &str, anchor: Anchor, source_dir: &str, from: &str) -> Resolution {
        let (tdir, name) = split_dir(target);
        let Some(list) = self.by_name.get(name).filter(|_| !name.is_empty()) else {
            return Resolution::none(Rule::NoMatch);
        };
        // The attachment folder matters only among several attachments, and
        // only when it is neither the root nor the note's own folder.
        let attachment_dir = match &self.attachments {
            AttachmentFolder::VaultRoot | AttachmentFolder::SameFolder => None,
            _ if list.len() < 2 || !list.iter().any(|id| self.kinds[id.index()] == FileKind::Attachment) => {
                None
            }
            folder => Some(fold(&folder.for_note(from)).into_owned()),
        };

        let mut candidates = Vec::new();
        // (tier, length, rank): lower is better. Tier 0 = exact path,
        // 1 = the linking note's folder, 2 = the attachment folder,
        // 3 = anywhere else.
        let mut best: Option<((u8, u32, u32), FileId)> = None;
        for &id in list {
            let (cdir, _) = split_dir(&self.folded[id.index()]);
            let matches = match anchor {
                Anchor::Exact => cdir == tdir,
                Anchor::Suffix => dir_has_suffix(cdir, tdir),
            };
            if !matches {
                continue;
            }
            candidates.push(id);
            let tier = if cdir == tdir {
                0
            } else if cdir == source_dir {
                1
            } else if attachment_dir.as_deref() == Some(cdir)
                && self.kinds[id.index()] == FileKind::Attachment
            {
                2
            } else {
                3
            };
            let key = (tier, self.lengths[id.index()], self.rank[id.index()]);
            if best.is_none_or(|(b, _)| key < b) {
                best = Some((key, id));
            }
        }

        let Some(((tier, _, _), winner)) = best else {
            return Resolution::none(Rule::NoMatch);
        };
        let rule = if anchor == Anchor::Exact {
            Rule::ExactPath
        } else if candidates.len() == 1 {
            Rule::OnlyCandidate
        } else {
            match tier {
                0 => Rule::ExactPath,
                1 => Rule::SameFolder,
                2 => Rule::AttachmentFolder,
                _ => Rule::ShortestPath,
            }
        };
        Resolution { target: Some(winner), rule, candidates }
    }

    /// Resolve a lower-cased target through registered aliases: the note in
    /// the linking note's folder wins, else the shortest path.
    fn match_alias(&self, folded_target: &str, source_dir: &str) -> Option<Resolution> {
        let list = self.aliases.get(folded_target)?;
        let winner = list.iter().copied().min_by_key(|&id| {
            let (cdir, _) = split_dir(&self.folded[id.index()]);
            (cdir != source_dir, self.lengths[id.index()], self.rank[id.index()])
        })?;
        Some(Resolution { target: Some(winner), rule: Rule::Alias, candidates: list.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(paths: &[&str]) -> FileIndex {
        FileIndex::new(paths.iter().map(|p| (*p).to_owned()).collect())
    }

    /// Resolve a wikilink and return (target path, rule).
    fn wl<'a>(ix: &'a FileIndex, target: &str, from: &str) -> (Option<&'a str>, Rule) {
        let r = ix.resolve_wikilink(target, from, false);
        (r.target.map(|id| ix.path(id)), r.rule)
    }

    /// Resolve a Markdown destination and return (target path, rule).
    fn md<'a>(ix: &'a FileIndex, dest: &str, from: &str) -> (Option<&'a str>, Rule) {
        let r = ix.resolve_markdown(dest, from, false);
        (r.target.map(|id| ix.path(id)), r.rule)
    }

    fn cand_paths<'a>(ix: &'a FileIndex, r: &Resolution) -> Vec<&'a str> {
        r.candidates.iter().map(|&id| ix.path(id)).collect()
    }

    // --- the index itself ---------------------------------------------------

    #[test]
    fn ids_paths_kinds_and_len() {
        let ix = index(&["b/Note.md", "img/a.PNG", "Upper.MD", "README"]);
        assert_eq!(ix.len(), 4);
        assert!(!ix.is_empty());
        assert_eq!(ix.path(FileId(1)), "img/a.PNG");
        assert_eq!(ix.kind(FileId(0)), FileKind::Note);
        assert_eq!(ix.kind(FileId(1)), FileKind::Attachment);
        assert_eq!(ix.kind(FileId(2)), FileKind::Note);
        assert_eq!(ix.kind(FileId(3)), FileKind::Attachment);
        let all: Vec<_> = ix.iter().map(|(id, _)| id.0).collect();
        assert_eq!(all, [0, 1, 2, 3]);
        assert!(FileIndex::default().is_empty());
    }

    #[test]
    fn lookup_path_is_exact_and_case_insensitive() {
        let ix = index(&["b/Note.md", "x/b/Note.md", "Note.md"]);
        assert_eq!(ix.lookup_path("B/NOTE.md"), Some(FileId(0)));
        assert_eq!(ix.lookup_path("note.md"), Some(FileId(2)));
        assert_eq!(ix.lookup_path("b/Note"), None);
        assert_eq!(ix.lookup_path("Note"), None);
        assert_eq!(ix.lookup_path("/b/Note.md"), None);
        assert_eq!(ix.lookup_path(""), None);
    }

    // --- rule 1: case-insensitivity ----------------------------------------

    #[test]
    fn names_are_case_insensitive() {
        let ix = index(&["Log.md", "casesrc.md"]);
        assert_eq!(wl(&ix, "log", "casesrc.md"), (Some("Log.md"), Rule::OnlyCandidate));
        assert_eq!(wl(&ix, "LOG", "casesrc.md"), (Some("Log.md"), Rule::OnlyCandidate));
    }

    #[test]
    fn extensions_are_case_insensitive() {
        let ix = index(&["Ext.md", "pics/Photo.PNG"]);
        assert_eq!(wl(&ix, "Ext.MD", "src.md").0, Some("Ext.md"));
        assert_eq!(wl(&ix, "photo.png", "src.md").0, Some("pics/Photo.PNG"));
    }

    #[test]
    fn folders_are_case_insensitive() {
        let ix = index(&["Projects/Plan.md", "other/Plan.md"]);
        assert_eq!(wl(&ix, "projects/PLAN", "src.md"), (Some("Projects/Plan.md"), Rule::OnlyCandidate));
    }

    #[test]
    fn folding_is_per_character_so_final_sigma_is_consistent() {
        // `to_lowercase` on "ΟΔΟΣ.md" gives a medial σ, on "ΟΔΟΣ" a final ς;
        // per-character folding makes both σ so the stem key still matches.
        let ix = index(&["ΟΔΟΣ.md"]);
        assert_eq!(wl(&ix, "ΟΔΟΣ", "src.md").0, Some("ΟΔΟΣ.md"));
        assert_eq!(wl(&ix, "οδοσ", "src.md").0, Some("ΟΔΟΣ.md"));
        assert_eq!(wl(&ix, "ΟΔΟΣ.md", "src.md").0, Some("ΟΔΟΣ.md"));
    }

    // --- rule 2: [[Name]] = [[Name.md]], attachments by full name ----------

    #[test]
    fn name_with_or_without_md_extension() {
        let ix = index(&["Note.md"]);
        assert_eq!(wl(&ix, "Note", "src.md").0, Some("Note.md"));
        assert_eq!(wl(&ix, "Note.md", "src.md").0, Some("Note.md"));
        assert_eq!(wl(&ix, "Note.md.md", "src.md").1, Rule::NoMatch);
    }

    #[test]
    fn attachments_need_their_extension() {
        let ix = index(&["attachments/Figure 1.png", "attachments/die-shot.png", "Doc.pdf"]);
        assert_eq!(
            wl(&ix, "Figure 1.png", "src.md"),
            (Some("attachments/Figure 1.png"), Rule::OnlyCandidate)
        );
        assert_eq!(wl(&ix, "Doc.pdf", "a/src.md").0, Some("Doc.pdf"));
        assert_eq!(wl(&ix, "Figure 1", "src.md"), (None, Rule::NoMatch));
        assert_eq!(wl(&ix, "die-shot", "src.md"), (None, Rule::NoMatch));
        let r = ix.resolve_wikilink("die-shot.png", "src.md", false);
        assert_eq!(r.target.map(|id| ix.kind(id)), Some(FileKind::Attachment));
    }

    #[test]
    fn dotted_name_that_is_not_an_extension() {
        let ix = index(&["v1.2 notes.md", "my.file.name.md"]);
        assert_eq!(wl(&ix, "v1.2 notes", "src.md").0, Some("v1.2 notes.md"));
        assert_eq!(wl(&ix, "v1.2 notes.md", "src.md").0, Some("v1.2 notes.md"));
        assert_eq!(wl(&ix, "my.file.name", "src.md").0, Some("my.file.name.md"));
        assert_eq!(wl(&ix, "my.file", "src.md").1, Rule::NoMatch);
    }

    #[test]
    fn note_named_like_an_attachment_plus_md_is_a_candidate_too() {
        let ix = index(&["img/Figure 1.png", "notes/Figure 1.png.md"]);
        let r = ix.resolve_wikilink("Figure 1.png", "src.md", false);
        assert_eq!(cand_paths(&ix, &r), ["img/Figure 1.png", "notes/Figure 1.png.md"]);
        assert_eq!(r.rule, Rule::ShortestPath);
        assert_eq!(r.target.map(|id| ix.path(id)), Some("img/Figure 1.png"));
    }

    // --- rule 3: folders are a path suffix, leading `/` is the root --------

    #[test]
    fn folder_target_matches_whole_component_suffixes() {
        let ix = index(&["b/Note.md", "x/b/Note.md", "ab/Note.md", "Note.md"]);
        let r = ix.resolve_wikilink("b/Note", "src.md", false);
        assert_eq!(cand_paths(&ix, &r), ["b/Note.md", "x/b/Note.md"]);
        assert_eq!(r.rule, Rule::ExactPath);
        assert_eq!(r.target.map(|id| ix.path(id)), Some("b/Note.md"));
    }

    #[test]
    fn folder_suffix_alone_resolves() {
        let ix = index(&["x/b/Note.md", "ab/Note.md"]);
        assert_eq!(wl(&ix, "b/Note", "src.md"), (Some("x/b/Note.md"), Rule::OnlyCandidate));
        assert_eq!(wl(&ix, "x/b/Note", "src.md").0, Some("x/b/Note.md"));
        assert_eq!(wl(&ix, "y/b/Note", "src.md"), (None, Rule::NoMatch));
    }

    #[test]
    fn spec_folder_path_example() {
        let ix = index(&["Projects/Three laws of motion.md", "Three laws of motion.md"]);
        assert_eq!(
            wl(&ix, "Projects/Three laws of motion", "Daily/2024-01-01.md"),
            (Some("Projects/Three laws of motion.md"), Rule::OnlyCandidate)
        );
        assert_eq!(
            wl(&ix, "Three laws of motion", "Projects/x.md"),
            (Some("Three laws of motion.md"), Rule::ExactPath)
        );
    }

    #[test]
    fn leading_slash_anchors_at_vault_root() {
        let ix = index(&["x/b/Note.md", "Top.md", "sub/Top.md"]);
        assert_eq!(wl(&ix, "/b/Note", "src.md"), (None, Rule::NoMatch));
        assert_eq!(wl(&ix, "/x/b/Note", "src.md"), (Some("x/b/Note.md"), Rule::ExactPath));
        assert_eq!(wl(&ix, "/Top", "sub/src.md"), (Some("Top.md"), Rule::ExactPath));
        assert_eq!(wl(&ix, "/", "src.md"), (None, Rule::NoMatch));
    }

    #[test]
    fn trailing_slash_or_empty_name_is_no_match() {
        let ix = index(&["b/Note.md", "b.md"]);
        assert_eq!(wl(&ix, "b/", "src.md"), (None, Rule::NoMatch));
    }

    // --- rule 4: tie-break -------------------------------------------------

    #[test]
    fn exact_path_wins_for_bare_name() {
        let ix = index(&["a/Note.md", "Note.md", "zzzz/Note.md"]);
        let r = ix.resolve_wikilink("Note", "a/src.md", false);
        // Even over the file beside the linking note.
        assert_eq!(r.target.map(|id| ix.path(id)), Some("Note.md"));
        assert_eq!(r.rule, Rule::ExactPath);
        assert_eq!(cand_paths(&ix, &r), ["Note.md", "a/Note.md", "zzzz/Note.md"]);
    }

    #[test]
    fn exact_path_wins_over_same_folder_for_folder_target() {
        let ix = index(&["b/Note.md", "x/b/Note.md"]);
        assert_eq!(wl(&ix, "b/Note", "x/b/src.md"), (Some("b/Note.md"), Rule::ExactPath));
    }

    #[test]
    fn same_folder_wins_over_shorter_path() {
        let ix = index(&["a/Note.md", "zzzz/deep/Note.md"]);
        assert_eq!(wl(&ix, "Note", "zzzz/deep/src.md"), (Some("zzzz/deep/Note.md"), Rule::SameFolder));
        // Folder comparison is case-insensitive as well.
        assert_eq!(wl(&ix, "Note", "ZZZZ/Deep/src.md"), (Some("zzzz/deep/Note.md"), Rule::SameFolder));
    }

    #[test]
    fn the_attachment_folder_wins_over_a_shorter_path() {
        let paths = ["b/a.png", "assets/a.png", "notes/a.png", "x/x.md", "assets/x.md"];
        let mut ix = index(&paths);
        // Without an attachment folder the shortest path wins.
        assert_eq!(wl(&ix, "a.png", "q/n.md"), (Some("b/a.png"), Rule::ShortestPath));

        ix.set_attachment_folder(AttachmentFolder::Folder("Assets".to_owned()));
        assert_eq!(wl(&ix, "a.png", "q/n.md"), (Some("assets/a.png"), Rule::AttachmentFolder));
        // The note's own folder and a path still come first.
        assert_eq!(wl(&ix, "a.png", "notes/n.md"), (Some("notes/a.png"), Rule::SameFolder));
        assert_eq!(wl(&ix, "/b/a.png", "q/n.md"), (Some("b/a.png"), Rule::ExactPath));
        // Notes are never moved by it.
        assert_eq!(wl(&ix, "x", "q/n.md"), (Some("x/x.md"), Rule::ShortestPath));

        // `./img`: a folder under the linking note's.
        let mut ix = index(&["b/a.png", "notes/img/a.png", "notes/sub/n.md"]);
        ix.set_attachment_folder(AttachmentFolder::UnderNote("img".to_owned()));
        assert_eq!(wl(&ix, "a.png", "notes/n.md"), (Some("notes/img/a.png"), Rule::AttachmentFolder));
        assert_eq!(wl(&ix, "a.png", "notes/sub/n.md"), (Some("b/a.png"), Rule::ShortestPath));
    }

    #[test]
    fn excalidraw_drawings_find_the_export_beside_them() {
        let ix = index(&[
            "d/A.excalidraw.md",
            "d/A.excalidraw.png",
            "d/A.excalidraw.svg",
            "d/B.excalidraw.md",
            "d/B.png",
            "d/C.excalidraw",
            "d/C.svg",
            "d/None.excalidraw.md",
            "d/None.md",
        ]);
        let export = |p: &str| {
            let id = ix.lookup_path(p).expect("a file");
            ix.excalidraw_export(id).map(|e| ix.path(e))
        };
        assert_eq!(export("d/A.excalidraw.md"), Some("d/A.excalidraw.svg"), "SVG first");
        assert_eq!(export("d/B.excalidraw.md"), Some("d/B.png"), "without .excalidraw");
        assert_eq!(export("d/C.excalidraw"), Some("d/C.svg"), "the older file kind");
        assert_eq!(export("d/None.excalidraw.md"), None);
        assert_eq!(export("d/None.md"), None, "not a drawing");
        assert!(!ix.is_excalidraw(ix.lookup_path("d/None.md").expect("a file")));
    }

    #[test]
    fn same_folder_applies_to_folder_targets() {
        let ix = index(&["p/b/Note.md", "longer/q/b/Note.md"]);
        assert_eq!(wl(&ix, "b/Note", "longer/q/b/src.md"), (Some("longer/q/b/Note.md"), Rule::SameFolder));
    }

    #[test]
    fn ancestor_folder_does_not_count() {
        let ix = index(&["b/Note.md", "zzzz/Note.md"]);
        assert_eq!(wl(&ix, "Note", "zzzz/deep/src.md"), (Some("b/Note.md"), Rule::ShortestPath));
    }

    #[test]
    fn descendant_folder_does_not_count() {
        let ix = index(&["a/b/Note.md", "c/Note.md"]);
        assert_eq!(wl(&ix, "Note", "a/src.md"), (Some("c/Note.md"), Rule::ShortestPath));
    }

    #[test]
    fn shortest_path_string_not_fewest_components() {
        // a/b/Note.md: 3 components, 11 chars; zzzz/Note.md: 2 components, 12 chars.
        let ix = index(&["zzzz/Note.md", "a/b/Note.md"]);
        assert_eq!(wl(&ix, "Note", "src.md"), (Some("a/b/Note.md"), Rule::ShortestPath));
        let ix = index(&["Archive/Note.md", "a/b/Note.md"]);
        assert_eq!(wl(&ix, "Note", "src.md").0, Some("a/b/Note.md"));
        // And not tree order either.
        let ix = index(&["a/b/Note.md", "b/Note.md"]);
        assert_eq!(wl(&ix, "Note", "src.md").0, Some("b/Note.md"));
    }

    #[test]
    fn equal_lengths_fall_back_to_path_order_whatever_the_input_order() {
        for paths in [["bb/N.md", "aa/N.md"], ["aa/N.md", "bb/N.md"]] {
            let ix = index(&paths);
            let r = ix.resolve_wikilink("N", "src.md", false);
            assert_eq!(r.target.map(|id| ix.path(id)), Some("aa/N.md"));
            assert_eq!(r.rule, Rule::ShortestPath);
            assert_eq!(cand_paths(&ix, &r), ["aa/N.md", "bb/N.md"]);
            assert!(r.is_ambiguous());
        }
    }

    #[test]
    fn shortest_path_counts_utf16_units_like_javascript() {
        // 5 CJK chars: 10 UTF-16 units but 20 bytes; the ASCII path is 16 of
        // both. Obsidian compares JavaScript string lengths.
        let ix = index(&["abcdefghijk/N.md", "日本語日本/N.md"]);
        assert_eq!(wl(&ix, "N", "src.md").0, Some("日本語日本/N.md"));
    }

    #[test]
    fn single_candidate_reports_only_candidate() {
        let ix = index(&["deep/inside/Lonely.md"]);
        let r = ix.resolve_wikilink("Lonely", "src.md", false);
        assert_eq!(r.rule, Rule::OnlyCandidate);
        assert!(r.is_resolved());
        assert!(!r.is_ambiguous());
    }

    // --- rule 5: aliases ---------------------------------------------------

    #[test]
    fn aliases_are_not_targets_by_default() {
        let mut ix = index(&["q/Real Name.md", "q/alsrc.md", "alsrc-root.md"]);
        ix.add_alias("AL", FileId(0));
        assert_eq!(wl(&ix, "AL", "q/alsrc.md"), (None, Rule::NoMatch));
        assert_eq!(wl(&ix, "AL", "alsrc-root.md"), (None, Rule::NoMatch));
        assert_eq!(wl(&ix, "al", "alsrc-root.md"), (None, Rule::NoMatch));
    }

    #[test]
    fn aliases_resolve_when_opted_in() {
        let mut ix = index(&["q/Real Name.md", "src.md"]);
        ix.add_alias(" AL ", FileId(0));
        ix.add_alias("AL", FileId(0)); // registering twice is harmless
        ix.add_alias("", FileId(0));
        let r = ix.resolve_wikilink("al", "src.md", true);
        assert_eq!(r.target, Some(FileId(0)));
        assert_eq!(r.rule, Rule::Alias);
        assert_eq!(r.candidates, [FileId(0)]);
        let r = ix.resolve_markdown("AL", "src.md", true);
        assert_eq!(r.rule, Rule::Alias);
    }

    #[test]
    fn files_take_precedence_over_aliases() {
        let mut ix = index(&["Other.md", "AL.md"]);
        ix.add_alias("AL", FileId(0));
        assert_eq!(ix.resolve_wikilink("AL", "src.md", true).target, Some(FileId(1)));
    }

    #[test]
    fn shared_alias_prefers_same_folder_then_shortest() {
        let mut ix = index(&["longfolder/One.md", "b/Two.md", "c/Three.md"]);
        for id in 0..3 {
            ix.add_alias("Shared", FileId(id));
        }
        let r = ix.resolve_wikilink("shared", "c/src.md", true);
        assert_eq!(r.target.map(|id| ix.path(id)), Some("c/Three.md"));
        assert_eq!(cand_paths(&ix, &r), ["b/Two.md", "c/Three.md", "longfolder/One.md"]);
        let r = ix.resolve_wikilink("shared", "src.md", true);
        assert_eq!(r.target.map(|id| ix.path(id)), Some("b/Two.md"));
    }

    // --- rule 6: Markdown destinations --------------------------------------

    #[test]
    fn markdown_destinations_are_decoded_and_looked_up_vault_wide() {
        let ix = index(&["Sub/My Note.md", "md1.md", "Sub/md2.md"]);
        assert_eq!(md(&ix, "My%20Note.md", "md1.md").0, Some("Sub/My Note.md"));
        assert_eq!(md(&ix, "Sub/My%20Note.md", "md1.md").0, Some("Sub/My Note.md"));
        assert_eq!(md(&ix, "My%20Note.md", "Sub/md2.md").0, Some("Sub/My Note.md"));
        // Vault path, not source-relative: no `Sub/Sub/My Note.md`.
        assert_eq!(md(&ix, "Sub/My%20Note.md", "Sub/md2.md").0, Some("Sub/My Note.md"));
        assert_eq!(md(&ix, "My%20Note", "md1.md").0, Some("Sub/My Note.md"));
        assert_eq!(md(&ix, "Sub/My Note.md", "md1.md").0, Some("Sub/My Note.md"));
    }

    #[test]
    fn markdown_angle_brackets_and_weird_names() {
        let ix = index(&["Sub/We!rd (name) [x] #1.md", "path with spaces.md"]);
        assert_eq!(
            md(&ix, "Sub/We!rd%20(name)%20[x]%20%231.md", "a.md").0,
            Some("Sub/We!rd (name) [x] #1.md")
        );
        assert_eq!(md(&ix, "<path with spaces.md>", "a.md").0, Some("path with spaces.md"));
    }

    #[test]
    fn markdown_invalid_utf8_after_decoding_is_no_match() {
        let ix = index(&["Note.md"]);
        assert_eq!(md(&ix, "No%FFte.md", "a.md"), (None, Rule::NoMatch));
        // A `%` not followed by two hex digits is kept literally.
        let ix = index(&["100%.md"]);
        assert_eq!(md(&ix, "100%.md", "a.md").0, Some("100%.md"));
        assert_eq!(md(&ix, "100%25.md", "a.md").0, Some("100%.md"));
    }

    #[test]
    fn markdown_vault_absolute() {
        let ix = index(&["x.md", "sub/x.md"]);
        assert_eq!(md(&ix, "/x.md", "sub/src.md"), (Some("x.md"), Rule::ExactPath));
        assert_eq!(md(&ix, "/sub/x.md", "src.md"), (Some("sub/x.md"), Rule::ExactPath));
        assert_eq!(md(&ix, "/missing.md", "src.md"), (None, Rule::NoMatch));
    }

    #[test]
    fn wikilinks_are_not_percent_decoded() {
        let ix = index(&["My Note.md"]);
        assert_eq!(wl(&ix, "My%20Note", "src.md"), (None, Rule::NoMatch));
    }

    #[test]
    fn relative_markdown_destinations() {
        let ix = index(&["a/Note.md", "a/b/Note.md", "Note.md", "a/b/c/x.md"]);
        assert_eq!(md(&ix, "../Note.md", "a/b/src.md"), (Some("a/Note.md"), Rule::Relative));
        assert_eq!(md(&ix, "./Note.md", "a/b/src.md"), (Some("a/b/Note.md"), Rule::Relative));
        assert_eq!(md(&ix, "../../Note.md", "a/b/src.md"), (Some("Note.md"), Rule::Relative));
        assert_eq!(md(&ix, "./c/./x.md", "a/b/src.md").0, Some("a/b/c/x.md"));
        assert_eq!(md(&ix, "./c/../Note.md", "a/b/src.md").0, Some("a/b/Note.md"));
        assert_eq!(md(&ix, "../Note", "a/b/src.md").0, Some("a/Note.md"));
        assert_eq!(md(&ix, "..%2FNote.md", "a/b/src.md").0, Some("a/Note.md"));
    }

    #[test]
    fn relative_wikilinks() {
        let ix = index(&["a/Note.md", "a/b/src.md", "z/Note.md"]);
        assert_eq!(wl(&ix, "../Note", "a/b/src.md"), (Some("a/Note.md"), Rule::Relative));
        let r = ix.resolve_wikilink("../Note", "a/b/src.md", false);
        assert_eq!(cand_paths(&ix, &r), ["a/Note.md"]);
        // Case-insensitive, like every other lookup.
        assert_eq!(wl(&ix, "../NOTE", "A/B/src.md").0, Some("a/Note.md"));
        assert_eq!(wl(&ix, "../../Z/note", "a/b/src.md").0, Some("z/Note.md"));
        // A relative target naming a folder is never a file (no folder-note guess).
        let ix = index(&["a/b.md", "a/b/src.md", "a.md"]);
        assert_eq!(wl(&ix, "./", "a/b/src.md"), (None, Rule::NoMatch));
        assert_eq!(wl(&ix, "../b/", "a/b/src.md"), (None, Rule::NoMatch));
        assert_eq!(wl(&ix, "./..", "a/b/src.md"), (None, Rule::NoMatch));
    }

    #[test]
    fn relative_targets_get_exact_lookup_only() {
        // `./Missing` stays unresolved in Obsidian even if `Missing` exists elsewhere.
        let ix = index(&["other/Missing.md", "b/Target.md", "a/Target.md"]);
        assert_eq!(wl(&ix, "./Missing", "b/src.md"), (None, Rule::NoMatch));
        assert_eq!(md(&ix, "./Target.md", "b/Source.md").0, Some("b/Target.md"));
    }

    #[test]
    fn relative_escaping_the_vault() {
        let ix = index(&["Note.md"]);
        assert_eq!(md(&ix, "../Note.md", "src.md"), (None, Rule::EscapesVault));
        assert_eq!(md(&ix, "../../Note.md", "a/src.md"), (None, Rule::EscapesVault));
        assert_eq!(wl(&ix, "../Note", "src.md"), (None, Rule::EscapesVault));
        // Climbing out and back in still escapes, as a path would.
        assert_eq!(md(&ix, "./../x/../Note.md", "src.md"), (None, Rule::EscapesVault));
    }

    #[test]
    fn external_destinations() {
        for url in [
            "https://example.com/Note.md",
            "http://x",
            "mailto:me@example.com",
            "obsidian://open?vault=v&file=Note",
            "file:///C:/x.md",
            "<https://example.com>",
            "//cdn.example.com/x.png",
            "x-custom+scheme.v2:thing",
        ] {
            assert!(is_external(url), "{url}");
        }
        for path in [
            "Note.md",
            "My%20Note.md",
            "./a.md",
            "../a.md",
            "/abs.md",
            "C:/x.md",
            "1http://x",
            ":x",
            "#heading",
            "",
        ] {
            assert!(!is_external(path), "{path}");
        }
    }

    #[test]
    fn url_shaped_wikilink_is_an_unresolved_note() {
        let ix = index(&["example.com.md", "Note.md"]);
        assert_eq!(wl(&ix, "https://example.com", "src.md"), (None, Rule::NoMatch));
    }

    // --- rule 7: empty target ----------------------------------------------

    #[test]
    fn empty_target_is_a_self_link() {
        let ix = index(&["a/selfedge.md"]);
        let r = ix.resolve_wikilink("", "a/selfedge.md", false);
        assert_eq!(r.target, Some(FileId(0)));
        assert_eq!(r.rule, Rule::Empty);
        assert_eq!(r.candidates, [FileId(0)]);
        assert_eq!(wl(&ix, "   ", "a/selfedge.md").1, Rule::Empty);
        assert_eq!(md(&ix, "", "a/selfedge.md").0, Some("a/selfedge.md"));
        // A source outside the index gives no target but the same rule.
        assert_eq!(wl(&ix, "", "not/indexed.md"), (None, Rule::Empty));
    }

    // --- rule 8: whitespace, punctuation, backslashes ---------------------

    #[test]
    fn whitespace_trimmed_inner_spaces_kept() {
        let ix = index(&["Sp ace.md", "Space.md"]);
        assert_eq!(wl(&ix, "  Sp ace\t", "src.md").0, Some("Sp ace.md"));
        assert_eq!(wl(&ix, "Sp  ace", "src.md").1, Rule::NoMatch);
        assert_eq!(md(&ix, " Sp%20ace.md ", "src.md").0, Some("Sp ace.md"));
    }

    #[test]
    fn square_bracket_inside_target() {
        let ix = index(&["Sq]uare.md", "[brackets] (x).md"]);
        assert_eq!(wl(&ix, "Sq]uare", "src.md").0, Some("Sq]uare.md"));
        assert_eq!(wl(&ix, "[brackets] (x)", "src.md").0, Some("[brackets] (x).md"));
    }

    #[test]
    fn backslash_is_not_a_separator() {
        let ix = index(&["a/b.md", "a\\b.md"]);
        assert_eq!(wl(&ix, "a\\b", "src.md"), (Some("a\\b.md"), Rule::OnlyCandidate));
        let ix = index(&["a/b.md"]);
        assert_eq!(wl(&ix, "a\\b", "src.md").1, Rule::NoMatch);
    }

    #[test]
    fn unusual_characters_in_names() {
        let ix = index(&[
            "日記/2024年 メモ.md",
            "emoji/🚀 Launch.md",
            "money/$100 plan.md",
            "dots/..hidden..name.md",
            "Ünïcödé/Çafé.md",
            "media/猫 photo.JPG",
        ]);
        assert_eq!(wl(&ix, "2024年 メモ", "src.md").0, Some("日記/2024年 メモ.md"));
        assert_eq!(wl(&ix, "日記/2024年 メモ", "src.md").0, Some("日記/2024年 メモ.md"));
        assert_eq!(wl(&ix, "🚀 launch", "src.md").0, Some("emoji/🚀 Launch.md"));
        assert_eq!(wl(&ix, "$100 Plan", "src.md").0, Some("money/$100 plan.md"));
        assert_eq!(wl(&ix, "..hidden..name", "src.md").0, Some("dots/..hidden..name.md"));
        assert_eq!(wl(&ix, "ünïcödé/ÇAFÉ", "src.md").0, Some("Ünïcödé/Çafé.md"));
        assert_eq!(wl(&ix, "猫 photo.jpg", "src.md").0, Some("media/猫 photo.JPG"));
        assert_eq!(
            md(&ix, "%E6%97%A5%E8%A8%98/2024%E5%B9%B4%20%E3%83%A1%E3%83%A2.md", "src.md").0,
            Some("日記/2024年 メモ.md")
        );
    }

    // --- odds and ends ------------------------------------------------------

    #[test]
    fn every_rule_has_a_description() {
        for rule in [
            Rule::ExactPath,
            Rule::OnlyCandidate,
            Rule::SameFolder,
            Rule::AttachmentFolder,
            Rule::ShortestPath,
            Rule::Alias,
            Rule::Relative,
            Rule::NoMatch,
            Rule::EscapesVault,
            Rule::Empty,
        ] {
            assert!(!rule.describe().is_empty());
        }
    }

    #[test]
    fn candidates_sorted_by_path_and_exclude_folder_mismatches() {
        let ix = index(&["z/b/Note.md", "c/Note.md", "b/Note.md", "a/b/Note.md"]);
        let r = ix.resolve_wikilink("b/note", "src.md", false);
        assert_eq!(cand_paths(&ix, &r), ["a/b/Note.md", "b/Note.md", "z/b/Note.md"]);
    }

    #[test]
    fn case_duplicates_are_deterministic() {
        let ix = index(&["note.md", "Note.md"]);
        assert_eq!(wl(&ix, "NOTE", "src.md").0, Some("Note.md"));
        assert_eq!(ix.lookup_path("NOTE.md"), Some(FileId(1)));
    }
}
