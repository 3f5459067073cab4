//! The site plan: which notes are published, where every page lives, and the
//! tag, keyword and unwritten-note pages, all decided before anything renders.
//!
//! Slugs are claimed in a fixed order so URLs are stable: the site's own
//! sections first, then published notes in path order (each its valid
//! `permalink` when that is free, else its path's slug:
//! `vellum_syntax::url::claim_notes`), then tags, keywords and unwritten
//! notes (each sorted), then drafts (only with `--drafts`), so a draft never
//! changes a published URL, and last the redirects (`crate::redirects`).

use std::collections::BTreeMap;
use std::sync::Mutex;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rustc_hash::{FxHashMap, FxHashSet};
use vellum_render::Urls;
use vellum_vault::{FileId, NoteIdx, Target, Vault};

use crate::config::Site;
use crate::folders::{Folders, home_note};
use crate::redirects::{self, Redirect};
use crate::slug::{Slugs, url_slug};

/// The site's own top-level sections; notes cannot take these slugs.
pub(crate) const RESERVED: &[&str] = vellum_syntax::url::SECTIONS;

/// Characters left as they are in URL paths.
const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// A tag page.
#[derive(Debug, Clone)]
pub(crate) struct TagInfo {
    /// The tag, lowercase, `a/b` for nested tags.
    pub(crate) name: String,
    /// Output-relative folder, `tags/a/b/`.
    pub(crate) rel: String,
    /// Notes with this tag or a tag below it, newest first.
    pub(crate) notes: Vec<NoteIdx>,
    /// Notes with exactly this tag.
    pub(crate) direct: usize,
}

/// A keyword or unwritten-note page.
#[derive(Debug, Clone)]
pub(crate) struct NamedPage {
    /// The name as first written.
    pub(crate) name: String,
    /// Output-relative folder.
    pub(crate) rel: String,
    /// Notes that carry the keyword, or published notes that link to the unwritten note.
    pub(crate) notes: Vec<NoteIdx>,
}

/// Everything about the site's structure: what it decided (its
/// [`Layout`], which it dereferences to) over the vault it was made from.
pub(crate) struct Plan<'v> {
    pub(crate) vault: &'v Vault,
    layout: Layout,
}

/// What a [`Plan`] decided. It owns all of it, so that `LiveSite` can keep
/// it across an edit of the vault and put it over the edited vault again
/// ([`Plan::over`]) when the edit left everything the plan reads
/// unchanged (see [`NoteFacts`]).
pub(crate) struct Layout {
    pub(crate) site: Site,
    /// Published notes (drafts too with `--drafts`), in path order.
    pub(crate) published: Vec<NoteIdx>,
    /// The same, newest first (by `created`, then title); undated last.
    pub(crate) newest: Vec<NoteIdx>,
    /// Per note: its position in `newest`, or `None` when not published.
    pub(crate) rank: Vec<Option<usize>>,
    /// Per note: its output-relative folder (`hardware/cuda-moat/`).
    pub(crate) rel: Vec<Option<String>>,
    /// Tag pages by lowercase tag, parents before children.
    pub(crate) tags: BTreeMap<String, TagInfo>,
    /// Keyword pages by lowercase keyword.
    pub(crate) keywords: BTreeMap<String, NamedPage>,
    /// Unwritten-note pages, most wanted first.
    pub(crate) unwritten: Vec<NamedPage>,
    unwritten_by_key: FxHashMap<String, usize>,
    /// The folders of the published notes (see `crate::folders`).
    pub(crate) folders: Folders,
    /// The note that is the front page, at the site's root (see `crate::folders`).
    pub(crate) home: Option<NoteIdx>,
    /// What planning found wrong (a `[site] home` naming no published note).
    pub(crate) warnings: Vec<String>,
    /// Redirect pages (old URLs of renamed notes, then aliases), in claim order.
    pub(crate) redirects: Vec<Redirect>,
    slugs: Slugs,
}

impl std::ops::Deref for Plan<'_> {
    type Target = Layout;
    fn deref(&self) -> &Layout {
        &self.layout
    }
}

impl std::ops::DerefMut for Plan<'_> {
    fn deref_mut(&mut self) -> &mut Layout {
        &mut self.layout
    }
}

/// Everything [`Plan::new`] reads of one note. When an edit leaves the facts
/// of every edited note as they were (and the file index is unchanged, as it
/// is for edits), a new plan would equal the old one: [`Plan::attach`] reuses it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NoteFacts {
    unreadable: bool,
    draft: bool,
    title: String,
    created: Option<jiff::civil::Date>,
    tags: Vec<String>,
    keywords: Vec<String>,
    /// Targets of the links that resolve to no file, with whether each is an
    /// embed (unwritten pages, their order and who links to them).
    unresolved: Vec<(String, bool)>,
    /// Attachments linked or embedded.
    attachments: Vec<FileId>,
    /// `permalink` as written (the note's URL).
    permalink: Option<String>,
    /// Aliases (its redirect pages).
    aliases: Vec<String>,
}

impl NoteFacts {
    pub(crate) fn of(vault: &Vault, idx: NoteIdx) -> Self {
        let n = &vault.notes[idx];
        let mut unresolved = Vec::new();
        let mut attachments = Vec::new();
        for (li, r) in vault.resolved[idx].iter().enumerate() {
            match r.target {
                Target::Unresolved => {
                    let l = &n.note.links[li];
                    unresolved.push((l.target.clone(), l.kind.is_embed()));
                }
                Target::Attachment(f) => attachments.push(f),
                _ => {}
            }
        }
        Self {
            unreadable: frontmatter_unreadable(n),
            draft: n.is_draft(),
            title: n.title.clone(),
            created: n.note.properties.created.as_ref().map(|d| d.value),
            tags: tags_of(vault, idx),
            keywords: keywords_of(vault, idx),
            unresolved,
            attachments,
            permalink: n.note.properties.permalink.as_ref().map(|p| p.value.clone()),
            aliases: n.note.properties.aliases.iter().map(|a| a.value.clone()).collect(),
        }
    }
}

/// Claim the URLs of `notes` (in path order) in `slugs`: each note's
/// folder, `hardware/cuda-moat/`.
fn claim_urls(vault: &Vault, slugs: &mut Slugs, notes: &[NoteIdx]) -> Vec<String> {
    let claims: Vec<(&str, Option<&str>)> = notes
        .iter()
        .map(|&i| {
            let n = &vault.notes[i];
            (n.path.as_str(), n.note.properties.permalink.as_ref().map(|p| p.value.as_str()))
        })
        .collect();
    vellum_syntax::url::claim_notes(slugs, &claims).into_iter().map(|u| format!("{}/", u.rel)).collect()
}

/// The tags of a note as the site shows them (lowercase, no empty parts).
fn tags_of(vault: &Vault, idx: NoteIdx) -> Vec<String> {
    let mut tags: Vec<String> =
        vault.notes[idx].note.all_tags().iter().filter_map(|t| normalise_tag(t)).collect();
    tags.dedup();
    tags
}

/// The keywords of a note: frontmatter `keywords` and the keyword row.
fn keywords_of(vault: &Vault, idx: NoteIdx) -> Vec<String> {
    let note = &vault.notes[idx].note;
    let mut seen = FxHashSet::default();
    note.properties
        .keywords
        .iter()
        .map(|k| k.value.trim())
        .chain(note.journal.keyword_row.iter().flat_map(|row| row.value.iter().map(|k| k.value.trim())))
        .filter(|k| !k.is_empty() && seen.insert(k.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Whether the note's YAML frontmatter failed to parse (so `draft` is unknown).
fn frontmatter_unreadable(n: &vellum_vault::NoteFile) -> bool {
    n.note.errors.iter().any(|e| e.kind == vellum_syntax::ErrorKind::MalformedYaml)
}

impl<'v> Plan<'v> {
    pub(crate) fn new(vault: &'v Vault, site: Site, include_drafts: bool) -> Self {
        let mut slugs = Slugs::default();
        for r in RESERVED {
            slugs.reserve(r);
        }
        let n = vault.notes.len();
        // A note whose frontmatter cannot be read might be a draft: it is never
        // published, not even with drafts included (the CLI reports it).
        // Hidden notes (template folders, Obsidian's excluded files) never are,
        // nor Excalidraw drawings: the plugin's JSON, shown where they are
        // embedded through the image exported beside them.
        let published: Vec<NoteIdx> = (0..n)
            .filter(|&i| !vault.is_hidden(i))
            .filter(|&i| !vault.files.is_excalidraw(vault.notes[i].file))
            .filter(|&i| !frontmatter_unreadable(&vault.notes[i]))
            .filter(|&i| include_drafts || !vault.notes[i].is_draft())
            .collect();
        let mut rel = vec![None; n];
        let live: Vec<NoteIdx> = published.iter().copied().filter(|&i| !vault.notes[i].is_draft()).collect();
        for (&i, r) in live.iter().zip(claim_urls(vault, &mut slugs, &live)) {
            rel[i] = Some(r);
        }
        let mut newest = published.clone();
        newest.sort_by(|&a, &b| {
            let (na, nb) = (&vault.notes[a], &vault.notes[b]);
            let date = |n: &vellum_vault::NoteFile| n.note.properties.created.as_ref().map(|d| d.value);
            date(nb).cmp(&date(na)).then_with(|| na.title.to_lowercase().cmp(&nb.title.to_lowercase()))
        });
        let mut rank = vec![None; n];
        for (r, &i) in newest.iter().enumerate() {
            rank[i] = Some(r);
        }
        let layout = Layout {
            site,
            published,
            newest,
            rank,
            rel,
            tags: BTreeMap::new(),
            keywords: BTreeMap::new(),
            unwritten: Vec::new(),
            unwritten_by_key: FxHashMap::default(),
            folders: Folders::default(),
            home: None,
            warnings: Vec::new(),
            redirects: Vec::new(),
            slugs,
        };
        let mut plan = Plan { vault, layout };
        plan.collect_tags();
        plan.collect_keywords();
        plan.collect_unwritten();
        let l = &mut plan.layout;
        l.folders = Folders::plan(vault, &l.published, &l.rel, &mut l.slugs);
        let drafts: Vec<NoteIdx> =
            l.published.iter().copied().filter(|&i| vault.notes[i].is_draft()).collect();
        for (&i, r) in drafts.iter().zip(claim_urls(vault, &mut l.slugs, &drafts)) {
            l.rel[i] = Some(r);
        }
        l.folders.claim_rest(&mut l.slugs);
        // The front page's note lives at the root (its slug stays claimed,
        // so that choosing a front page moves no other page).
        let (home, warning) = home_note(vault, l.site.home.as_deref(), &l.published);
        if let Some(h) = home {
            l.rel[h] = Some(String::new());
            // A folder whose note is the front page gets its own page at that slug.
            for f in l.folders.list.iter_mut().filter(|f| f.note == Some(h)) {
                f.note = None;
            }
        }
        l.home = home;
        l.warnings.extend(warning);
        l.redirects = redirects::claim(vault, &mut l.slugs, &l.rel);
        plan
    }

    /// `url` prefixed with the base path.
    pub(crate) fn url(&self, rel: &str) -> String {
        format!("{}{rel}", self.site.base_path)
    }

    pub(crate) fn note_url(&self, idx: NoteIdx) -> Option<String> {
        self.rel.get(idx)?.as_deref().map(|r| self.url(r))
    }

    pub(crate) fn is_published(&self, idx: NoteIdx) -> bool {
        self.rank.get(idx).is_some_and(Option::is_some)
    }

    /// Sort notes newest first.
    fn sort_newest(&self, notes: &mut [NoteIdx]) {
        notes.sort_by_key(|&i| self.rank[i]);
    }

    /// The tags of a note as the site shows them (lowercase, no empty parts).
    pub(crate) fn note_tags(&self, idx: NoteIdx) -> Vec<String> {
        tags_of(self.vault, idx)
    }

    /// The keywords of a note: frontmatter `keywords` and the keyword row.
    pub(crate) fn note_keywords(&self, idx: NoteIdx) -> Vec<String> {
        keywords_of(self.vault, idx)
    }

    /// What the plan decided, without its vault.
    pub(crate) fn into_layout(self) -> Layout {
        self.layout
    }

    /// A plan's layout over `vault` again. Only sound when nothing the plan
    /// read changed: the same file index, and the same [`NoteFacts`] for
    /// every note edited since the layout was taken.
    pub(crate) fn over(vault: &'v Vault, layout: Layout) -> Self {
        Plan { vault, layout }
    }

    fn collect_tags(&mut self) {
        let mut tags: BTreeMap<String, TagInfo> = BTreeMap::new();
        for &i in &self.published {
            for tag in self.note_tags(i) {
                let mut prefix = String::new();
                for (k, part) in tag.split('/').enumerate() {
                    if k > 0 {
                        prefix.push('/');
                    }
                    prefix.push_str(part);
                    let info = tags.entry(prefix.clone()).or_insert_with(|| TagInfo {
                        name: prefix.clone(),
                        rel: String::new(),
                        notes: Vec::new(),
                        direct: 0,
                    });
                    if info.notes.last() != Some(&i) {
                        info.notes.push(i);
                    }
                }
                if let Some(info) = tags.get_mut(&tag) {
                    info.direct += 1;
                }
            }
        }
        for info in tags.values_mut() {
            info.rel = format!("{}/", self.slugs.claim(&tag_path(&info.name)));
            let mut notes = std::mem::take(&mut info.notes);
            self.sort_newest(&mut notes);
            info.notes = notes;
        }
        self.tags = tags;
    }

    fn collect_keywords(&mut self) {
        let mut keywords: BTreeMap<String, NamedPage> = BTreeMap::new();
        for &i in &self.published {
            for kw in self.note_keywords(i) {
                let page = keywords.entry(kw.to_lowercase()).or_insert_with(|| NamedPage {
                    name: kw.clone(),
                    rel: String::new(),
                    notes: Vec::new(),
                });
                if page.notes.last() != Some(&i) {
                    page.notes.push(i);
                }
            }
        }
        for page in keywords.values_mut() {
            page.rel = format!("{}/", self.slugs.claim(&keyword_path(&page.name)));
            let mut notes = std::mem::take(&mut page.notes);
            self.sort_newest(&mut notes);
            page.notes = notes;
        }
        self.keywords = keywords;
    }

    fn collect_unwritten(&mut self) {
        let vault = self.vault;
        let mut pages: Vec<NamedPage> = Vec::new();
        for (name, refs) in vault.unresolved() {
            let mut notes: Vec<NoteIdx> = refs
                .iter()
                .filter(|&&(src, li)| {
                    self.is_published(src) && !vault.notes[src].note.links[li].kind.is_embed()
                })
                .map(|&(src, _)| src)
                .collect();
            notes.dedup();
            if notes.is_empty() {
                continue;
            }
            self.sort_newest(&mut notes);
            notes.dedup();
            pages.push(NamedPage { name, rel: String::new(), notes });
        }
        // Claim slugs in name order, so the suffixes do not depend on popularity.
        let mut by_name: Vec<usize> = (0..pages.len()).collect();
        by_name.sort_by(|&a, &b| {
            pages[a]
                .name
                .to_lowercase()
                .cmp(&pages[b].name.to_lowercase())
                .then(pages[a].name.cmp(&pages[b].name))
        });
        for k in by_name {
            pages[k].rel = format!("{}/", self.slugs.claim(&unwritten_path(&pages[k].name)));
        }
        for (k, page) in pages.iter().enumerate() {
            for key in unwritten_keys(&page.name) {
                self.unwritten_by_key.entry(key).or_insert(k);
            }
        }
        self.unwritten = pages;
    }

    /// Add pages that the renderer asked for but the plan did not foresee, so
    /// no link is left dangling.
    pub(crate) fn add_requested(&mut self, req: Requested) {
        // The renderer was given `<path>/`; when that path is already some other
        // page, the link lands there and no page is added.
        for (key, name) in req.tags {
            let path = tag_path(&key);
            if !self.tags.contains_key(&key) && !self.slugs.is_taken(&path) {
                let rel = format!("{}/", self.slugs.claim(&path));
                self.tags.insert(key, TagInfo { name, rel, notes: Vec::new(), direct: 0 });
            }
        }
        for (key, name) in req.keywords {
            let path = keyword_path(&name);
            if !self.keywords.contains_key(&key) && !self.slugs.is_taken(&path) {
                let rel = format!("{}/", self.slugs.claim(&path));
                self.keywords.insert(key, NamedPage { name, rel, notes: Vec::new() });
            }
        }
        for (key, name) in req.unwritten {
            let path = unwritten_path(&name);
            if !self.unwritten_by_key.contains_key(&key) && !self.slugs.is_taken(&path) {
                let rel = format!("{}/", self.slugs.claim(&path));
                let k = self.unwritten.len();
                self.unwritten_by_key.insert(key, k);
                self.unwritten.push(NamedPage { name, rel, notes: Vec::new() });
            }
        }
    }

    /// The page of tag `tag` (any case, with or without `#`).
    pub(crate) fn tag_rel(&self, tag: &str) -> Lookup<'_> {
        let key = normalise_tag(tag).unwrap_or_default();
        self.tags.get(&key).map_or(Lookup::Unplanned(key), |t| Lookup::Planned(&t.rel))
    }

    /// The page of keyword `keyword` (any case).
    pub(crate) fn keyword_rel(&self, keyword: &str) -> Lookup<'_> {
        let key = keyword.trim().to_lowercase();
        self.keywords.get(&key).map_or(Lookup::Unplanned(key), |k| Lookup::Planned(&k.rel))
    }

    /// The page of the unwritten note `name` (any case).
    pub(crate) fn unwritten_rel(&self, name: &str) -> Lookup<'_> {
        let key = name.trim().to_lowercase();
        match self.unwritten_by_key.get(&key) {
            Some(&k) => Lookup::Planned(&self.unwritten[k].rel),
            None => Lookup::Unplanned(key),
        }
    }

    /// The URL of an attachment: its vault path, percent-encoded.
    pub(crate) fn attachment_url(&self, file: FileId) -> String {
        self.url(&attachment_rel(self.vault.files.path(file)))
    }

    /// Each unwritten page's key (as [`Plan::unwritten_rel`] looks it up) and folder.
    pub(crate) fn unwritten_keys(&self) -> impl Iterator<Item = (&str, &str)> {
        self.unwritten_by_key.iter().map(|(k, &i)| (k.as_str(), self.unwritten[i].rel.as_str()))
    }

    /// Attachments that published notes link to or embed.
    pub(crate) fn linked_attachments(&self) -> FxHashSet<FileId> {
        self.published
            .iter()
            .flat_map(|&i| self.vault.resolved[i].iter())
            .filter_map(|r| match r.target {
                Target::Attachment(f) => Some(f),
                _ => None,
            })
            .collect()
    }

    /// Published notes that link to `idx` (once each, newest first, itself excluded).
    pub(crate) fn backlinks(&self, idx: NoteIdx) -> Vec<NoteIdx> {
        let mut v: Vec<NoteIdx> = self
            .vault
            .backlinks(idx)
            .iter()
            .map(|&(src, _)| src)
            .filter(|&src| src != idx && self.is_published(src))
            .collect();
        self.sort_newest(&mut v);
        v.dedup();
        v
    }

    /// Where note `idx` links: published notes and unwritten pages, each once, in order.
    pub(crate) fn outlinks(&self, idx: NoteIdx) -> Vec<Neighbour> {
        let mut out = Vec::new();
        let mut seen = FxHashSet::default();
        for (li, r) in self.vault.resolved[idx].iter().enumerate() {
            let n = match r.target {
                Target::Note { note, .. } | Target::MissingFragment { note }
                    if note != idx && self.is_published(note) =>
                {
                    Neighbour::Note(note)
                }
                Target::Unresolved => match self
                    .unwritten_by_key
                    .get(&self.vault.notes[idx].note.links[li].target.to_lowercase())
                {
                    Some(&k) => Neighbour::Unwritten(k),
                    None => continue,
                },
                _ => continue,
            };
            if seen.insert(n) {
                out.push(n);
            }
        }
        out
    }
}

/// Where the plan puts a tag, keyword or unwritten page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup<'p> {
    /// The page's output-relative folder.
    Planned(&'p str),
    /// Not planned (yet): the page's key, under which the renderer asks for
    /// it to be added (see [`Plan::add_requested`]).
    Unplanned(String),
}

/// A node next to a note in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Neighbour {
    Note(NoteIdx),
    Unwritten(usize),
}

/// The output path of the attachment at vault path `path`: the path, percent-encoded.
pub(crate) fn attachment_rel(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// `#Hardware/GPU/` → `hardware/gpu`; `None` when nothing is left.
pub(crate) fn normalise_tag(tag: &str) -> Option<String> {
    let parts: Vec<&str> = tag.trim().trim_start_matches('#').split('/').filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join("/").to_lowercase())
}

fn or_untitled(s: String) -> String {
    if s.is_empty() { "untitled".to_owned() } else { s }
}

fn tag_path(tag: &str) -> String {
    let parts: Vec<String> = tag.split('/').map(|p| or_untitled(url_slug(p))).collect();
    format!("tags/{}", parts.join("/"))
}

fn keyword_path(keyword: &str) -> String {
    format!("keywords/{}", or_untitled(url_slug(keyword)))
}

fn unwritten_path(name: &str) -> String {
    format!("unwritten/{}", or_untitled(url_slug(name)))
}

/// The keys an unwritten target is found under: as written and percent-decoded.
fn unwritten_keys(name: &str) -> Vec<String> {
    let lower = name.trim().to_lowercase();
    let decoded = vellum_syntax::percent_decode(&lower);
    let mut keys = vec![lower.clone()];
    if decoded != lower {
        keys.push(decoded);
    }
    if let Some(stem) = lower.strip_suffix(".md") {
        keys.push(stem.to_owned());
    }
    keys
}

/// Names the renderer asked about that the plan did not know.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Requested {
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) keywords: BTreeMap<String, String>,
    pub(crate) unwritten: BTreeMap<String, String>,
}

/// What rendering one note asked for.
#[derive(Debug, Default)]
pub(crate) struct Asked {
    pub(crate) attachments: Vec<FileId>,
    pub(crate) requested: Requested,
    /// Every question the renderer asked the plan, sorted and deduplicated:
    /// what the build cache replays to know whether a cached body is still
    /// what rendering would produce (see `crate::cache`).
    pub(crate) questions: Vec<Question>,
}

/// One question a note's rendering asked: its answer is a pure function of
/// the plan (for a note, also of that note's text, which embeds and heading
/// anchors read; for a name, of the files that carry it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Question {
    /// [`Urls::note`]: a linked or embedded note.
    Note(NoteIdx),
    /// [`Urls::attachment`].
    Attachment(FileId),
    /// [`Urls::unwritten`], by name as asked.
    Unwritten(String),
    /// [`Urls::tag`].
    Tag(String),
    /// [`Urls::keyword`].
    Keyword(String),
    /// [`Urls::looked_up`]: which files carry a name.
    Name(String),
    /// [`Urls::listed_all`]: every file there is.
    AllFiles,
}

impl Asked {
    /// Whether `other` asked for the same attachments and unforeseen pages
    /// (what a kept plan holds on a body's behalf).
    pub(crate) fn same_pages(&self, other: &Asked) -> bool {
        self.attachments == other.attachments && self.requested == other.requested
    }
}

impl Requested {
    /// Whether no unforeseen page was asked for.
    pub(crate) fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.keywords.is_empty() && self.unwritten.is_empty()
    }

    /// Add `other`'s names; the first name seen for a key wins.
    pub(crate) fn merge(&mut self, other: &Requested) {
        for (mine, theirs) in [
            (&mut self.tags, &other.tags),
            (&mut self.keywords, &other.keywords),
            (&mut self.unwritten, &other.unwritten),
        ] {
            for (k, v) in theirs {
                mine.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
}

/// The renderer's view of the plan: URLs, and a record of the attachments
/// and unforeseen pages it asked for.
pub(crate) struct SiteUrls<'p, 'v> {
    plan: &'p Plan<'v>,
    attachments: Mutex<FxHashSet<FileId>>,
    requested: Mutex<Requested>,
    questions: Mutex<Vec<Question>>,
}

impl<'p, 'v> SiteUrls<'p, 'v> {
    pub(crate) fn new(plan: &'p Plan<'v>) -> Self {
        Self { plan, attachments: Mutex::default(), requested: Mutex::default(), questions: Mutex::default() }
    }

    /// What one note's rendering asked for.
    pub(crate) fn into_asked(self) -> Asked {
        let mut questions = self.questions.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let a = self.attachments.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let requested = self.requested.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut attachments: Vec<FileId> = a.into_iter().collect();
        attachments.sort_unstable();
        questions.extend(attachments.iter().map(|&f| Question::Attachment(f)));
        questions.sort_unstable();
        questions.dedup();
        Asked { attachments, requested, questions }
    }

    fn ask(&self, q: Question) {
        self.questions.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(q);
    }

    fn request(
        &self,
        pick: impl FnOnce(&mut Requested) -> &mut BTreeMap<String, String>,
        key: String,
        name: &str,
    ) {
        let mut req = self.requested.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        pick(&mut req).entry(key).or_insert_with(|| name.trim().to_owned());
    }

    /// The URL of a page added after rendering (see [`Plan::add_requested`]).
    fn fallback(&self, path: &str) -> String {
        self.plan.url(&format!("{path}/"))
    }
}

impl Urls for SiteUrls<'_, '_> {
    fn looked_up(&self, name: &str) {
        self.ask(Question::Name(name.to_owned()));
    }

    fn listed_all(&self) {
        self.ask(Question::AllFiles);
    }

    fn note(&self, idx: NoteIdx) -> Option<String> {
        self.ask(Question::Note(idx));
        self.plan.note_url(idx)
    }

    fn attachment(&self, file: FileId) -> String {
        self.attachments.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(file);
        self.plan.attachment_url(file)
    }

    fn unwritten(&self, name: &str) -> String {
        self.ask(Question::Unwritten(name.to_owned()));
        match self.plan.unwritten_rel(name) {
            Lookup::Planned(rel) => self.plan.url(rel),
            Lookup::Unplanned(key) => {
                self.request(|r| &mut r.unwritten, key, name);
                self.fallback(&unwritten_path(name))
            }
        }
    }

    fn tag(&self, tag: &str) -> String {
        self.ask(Question::Tag(tag.to_owned()));
        match self.plan.tag_rel(tag) {
            Lookup::Planned(rel) => self.plan.url(rel),
            Lookup::Unplanned(key) if key.is_empty() => self.plan.url("tags/"),
            Lookup::Unplanned(key) => {
                let path = tag_path(&key);
                self.request(|r| &mut r.tags, key.clone(), &key);
                self.fallback(&path)
            }
        }
    }

    fn keyword(&self, keyword: &str) -> String {
        self.ask(Question::Keyword(keyword.to_owned()));
        match self.plan.keyword_rel(keyword) {
            Lookup::Planned(rel) => self.plan.url(rel),
            Lookup::Unplanned(key) => {
                self.request(|r| &mut r.keywords, key, keyword);
                self.fallback(&keyword_path(keyword))
            }
        }
    }
}
