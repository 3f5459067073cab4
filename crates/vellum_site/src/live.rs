//! A site kept in memory and brought up to date after every change: the
//! engine of `vellum serve`.
//!
//! [`LiveSite`] owns the vault model, the rendered note bodies and every
//! output file. It is built by the same pipeline as a site on disk (the
//! `pipeline` module), run over everything, or taken up without rendering
//! from what a cached build to disk left ([`LiveSite::resume`]); [`LiveSite::edit_notes`] works
//! out what an edit dirtied (bodies, note pages, other pages, site files)
//! and runs the pipeline's phases on just that. It (or [`LiveSite::rebuild`], given a new vault)
//! returns only the files that changed, so a server can swap them in and
//! tell browsers.
//!
//! **Invariant:** after any sequence of updates, [`LiveSite::files`] is exactly
//! what a fresh in-memory build of the current vault produces (the tests
//! compare the two byte for byte).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use vellum_vault::{NoteIdx, Target, Vault};

use crate::cache::Hash;
use crate::config::{self, SiteConfig};
use crate::observe::Silent;
use crate::output::{MemorySink, SiteFile};
use crate::pages::{Body, Card, Want};
use crate::pipeline::{Keep, Pipeline, Search, Setup, SiteFiles};
use crate::plan::{Layout, NoteFacts, Plan};
use crate::social::{self, OgImage};
use crate::theme::Theme;
use crate::{BuildError, BuildOptions, BuildReport, feeds};

/// The files that differ after an update.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Update {
    /// Output-relative path → new content, or `None` when the file is gone.
    pub changed: Vec<(String, Option<SiteFile>)>,
    /// How long the update took.
    pub elapsed: Duration,
    /// Why every note body was rendered again, when it was (a full rebuild).
    pub full: Option<Rebuild>,
    /// Note bodies rendered in this update.
    pub rendered: usize,
    /// Time per step of an incremental update (plan, render, note pages, other pages, files).
    pub steps: Vec<(&'static str, Duration)>,
}

impl Update {
    /// Whether only stylesheets changed (a browser can swap them without reloading).
    #[must_use]
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty() && self.changed.iter().all(|(p, _)| p.ends_with(".css"))
    }
}

/// Why an update built the whole site again instead of the parts an edit
/// changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rebuild {
    /// A new vault was given ([`LiveSite::rebuild`]): files were added,
    /// removed or renamed, or an edit could not be applied in place.
    VaultReloaded,
    /// The theme or the `[site]` settings were read again ([`LiveSite::reload_theme`]).
    ThemeReloaded,
    /// The previous update stopped half-way, so nothing of it was kept.
    NothingKept,
    /// Which notes are published changed (a draft flag, say).
    PublishedSetChanged,
    /// The URL of this note (vault path) changed.
    UrlChanged(String),
    /// The URL of a page of a tag, keyword or unwritten note changed.
    PageMoved {
        /// `tag`, `keyword` or `unwritten note`.
        kind: &'static str,
        /// Its name, lowercase.
        name: String,
    },
    /// A digest (claims, questions, sources) gained or lost a page.
    DigestPageCountChanged,
    /// The redirect pages (aliases, old URLs) changed.
    RedirectsChanged,
}

impl std::fmt::Display for Rebuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::VaultReloaded => f.write_str("the vault was loaded again"),
            Self::ThemeReloaded => f.write_str("the theme or settings changed"),
            Self::NothingKept => f.write_str("the previous update did not finish"),
            Self::PublishedSetChanged => f.write_str("which notes are published changed"),
            Self::UrlChanged(path) => write!(f, "the URL of `{path}` changed"),
            Self::PageMoved { kind, name } => write!(f, "the page of the {kind} `{name}` moved"),
            Self::DigestPageCountChanged => f.write_str("a digest gained or lost a page"),
            Self::RedirectsChanged => f.write_str("the redirects of aliases or old URLs changed"),
        }
    }
}

/// A site in memory, updated in place.
pub struct LiveSite {
    vault: Vault,
    opts: BuildOptions,
    cfg: SiteConfig,
    theme: Theme,
    files: FxHashMap<String, SiteFile>,
    bodies: Vec<Option<Body>>,
    report: BuildReport,
    /// What the current site was made from, to see what an edit changes.
    state: State,
}

/// What the current site was planned and filled from.
#[derive(Default)]
struct State {
    /// The plan's layout (with the pages the renderer asked for); `None`
    /// only while an edit holds it.
    layout: Option<Layout>,
    cards: Vec<Option<Card>>,
    /// Every page URL of tags, keywords and unwritten notes (after the renderer's requests).
    named: BTreeMap<String, String>,
    /// Output paths of pages other than notes', and of attachments.
    others: FxHashSet<String>,
    /// The notes each tag, keyword and unwritten page lists, by folder.
    lists: FxHashMap<String, Vec<NoteIdx>>,
    /// The context key of each page other than the notes' (see
    /// `Globals::keyed_context`): an edit refills only the pages whose key changed.
    page_keys: FxHashMap<String, Hash>,
    /// Each published note's entry of `search-index.json`.
    search_docs: Vec<Option<String>>,
    /// Output paths of page 2 onwards of every paginated list (`Plan::later_pages`).
    later: Vec<String>,
}

/// `kind:key → rel` of every tag, keyword and unwritten page.
fn named_rels(plan: &Plan<'_>) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (k, t) in &plan.tags {
        m.insert(format!("t:{k}"), t.rel.clone());
    }
    for (k, p) in &plan.keywords {
        m.insert(format!("k:{k}"), p.rel.clone());
    }
    for p in &plan.unwritten {
        m.insert(format!("u:{}", p.name.to_lowercase()), p.rel.clone());
    }
    m
}

/// The first page of [`named_rels`] `old` has at another URL in `new`.
fn moved(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Option<Rebuild> {
    let (key, _) = old.iter().find(|(k, v)| new.get(*k).is_some_and(|w| w != *v))?;
    let (kind, name) = match key.split_once(':') {
        Some(("t", name)) => ("tag", name),
        Some(("k", name)) => ("keyword", name),
        Some((_, name)) => ("unwritten note", name),
        None => ("page", key.as_str()),
    };
    Some(Rebuild::PageMoved { kind, name: name.to_owned() })
}

impl std::fmt::Debug for LiveSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSite").field("root", &self.vault.root).field("files", &self.files.len()).finish()
    }
}

/// A whole site built in memory: files, bodies, report and state.
type Built = (MemorySink, Vec<Option<Body>>, BuildReport, State);

/// What a pipeline over a site in memory is given.
fn setup<'r>(opts: &BuildOptions, theme: &'r Theme) -> Setup<'r> {
    Setup {
        theme,
        drafts: opts.include_drafts,
        preview: opts.preview,
        keep: Keep::Always,
        cache: None,
        observer: &Silent,
    }
}

/// Build the whole site of `vault` into memory: every phase of the pipeline.
fn full(vault: &Vault, opts: &BuildOptions, cfg: &SiteConfig, theme: &Theme) -> Result<Built, BuildError> {
    let start = Instant::now();
    let site = config::Site::resolve(cfg, &vault.root);
    let mut sink = MemorySink::default();
    let mut report = BuildReport::default();
    let plan = Plan::new(vault, site, opts.include_drafts);
    let cards = plan.cards();
    let bodies = (0..vault.notes.len()).map(|_| None).collect();
    let mut p = Pipeline::new(vault, plan, cards, bodies, &mut sink, setup(opts, theme));
    report.attachments = p.build_all()?;
    p.report_into(&mut report);
    let Pipeline { plan, cards, bodies, page_keys, search_docs, .. } = p;
    report.files = sink.files.len();
    report.timings.total = start.elapsed();
    let state = State::of(plan, cards, search_docs, page_keys, sink.files.keys());
    Ok((sink, bodies, report, state))
}

/// The output paths of the published notes' pages.
fn note_pages(plan: &Plan<'_>) -> FxHashSet<String> {
    plan.published.iter().filter_map(|&i| plan.rel[i].as_ref().map(|r| format!("{r}index.html"))).collect()
}

impl State {
    /// The state of a whole site: planned by `plan`, with these cards, search
    /// entries and context keys of pages other than notes', and these files.
    fn of<'a>(
        plan: Plan<'_>,
        cards: Vec<Option<Card>>,
        search_docs: Vec<Option<String>>,
        page_keys: impl IntoIterator<Item = (String, Hash)>,
        files: impl Iterator<Item = &'a String>,
    ) -> Self {
        let notes = note_pages(&plan);
        let others: FxHashSet<String> = files.filter(|k| !notes.contains(*k)).cloned().collect();
        let page_keys = page_keys.into_iter().filter(|(rel, _)| others.contains(rel)).collect();
        Self {
            later: plan.later_pages(&cards),
            page_keys,
            named: named_rels(&plan),
            others,
            lists: plan.lists(),
            cards,
            search_docs,
            layout: Some(plan.into_layout()),
        }
    }
}

/// Bodies, state and files of a site taken up from disk.
type TakenUp = (Vec<Option<Body>>, State, FxHashMap<String, SiteFile>);

/// Bodies, state and files of the site a cached build of `vault` left in
/// `output` (see [`LiveSite::resume`]); `None` when they cannot all be had.
fn resumed(
    vault: &Vault,
    opts: &BuildOptions,
    cfg: &SiteConfig,
    theme: &Theme,
    output: &std::path::Path,
) -> Option<TakenUp> {
    let site = config::Site::resolve(cfg, &vault.root);
    let mut plan = Plan::new(vault, site, opts.include_drafts);
    let keys = crate::cache::Keys::new(vault, &plan, opts, &theme.fingerprint);
    let (cache, _) = crate::cache::Cache::open(&vault.root, &opts.cache_file, &keys.salt, output).ok()?;
    if cache.previous() != Some(output) {
        return None;
    }
    let mut bodies: Vec<Option<Body>> = (0..vault.notes.len()).map(|_| None).collect();
    for &i in &plan.published {
        let (text, asked, feed) = cache.recorded_body(&keys, &plan, i)?;
        bodies[i] = Some(Body { html: crate::pages::BodyHtml::Cached { feed }, text, asked, key: None });
    }
    drop(cache);
    let mut requested = crate::plan::Requested::default();
    for b in bodies.iter().flatten() {
        requested.merge(&b.asked.requested);
    }
    if !requested.is_empty() {
        plan.add_requested(requested);
    }
    let cards = plan.cards();

    // The attachments a build copies: what the bodies and the plan link to.
    let mut attachments: FxHashSet<String> = FxHashSet::default();
    let linked = bodies.iter().flatten().flat_map(|b| b.asked.attachments.iter().copied());
    for f in linked.chain(plan.linked_attachments()).chain(plan.image_attachments()) {
        if vault.files.kind(f) == vellum_vault::FileKind::Attachment {
            attachments.insert(vault.files.path(f).to_owned());
        }
    }
    let files = read_site(output, &vault.root, &attachments).ok()?;

    if !note_pages(&plan).iter().all(|rel| files.contains_key(rel)) {
        return None;
    }
    let search_docs = feeds::search_docs(&plan, &cards, &bodies);
    // Context keys are not recorded: the first update fills the pages it
    // looks at, and compares their bytes.
    let state = State::of(plan, cards, search_docs, Vec::new(), files.keys());
    Some((bodies, state, files))
}

/// Every file of the output folder `dir` but vellum's marker, read in
/// parallel: an attachment the site copies (`attachments`, the same bytes as
/// in the vault at `root`) as [`SiteFile::Copied`] from the vault, as a build
/// in memory holds it; every other file with its bytes.
fn read_site(
    dir: &std::path::Path,
    root: &std::path::Path,
    attachments: &FxHashSet<String>,
) -> std::io::Result<FxHashMap<String, SiteFile>> {
    let mut found = Vec::new();
    list_files(dir, "", &mut found)?;
    found
        .into_par_iter()
        .map(|(rel, path)| {
            let bytes = std::fs::read(path)?;
            let src = root.join(&rel);
            let copied = attachments.contains(&rel) && std::fs::read(&src).is_ok_and(|b| b == bytes);
            let file = if copied { SiteFile::Copied(src) } else { SiteFile::Generated(bytes.into()) };
            Ok((rel, file))
        })
        .collect()
}

/// The files under `dir` (at `rel` in the output) but the marker, as
/// (output path, file path).
fn list_files(
    dir: &std::path::Path,
    rel: &str,
    found: &mut Vec<(String, std::path::PathBuf)>,
) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let Some(name) = e.file_name().to_str().map(str::to_owned) else {
            return Err(std::io::Error::other("a file name that is not UTF-8"));
        };
        let here = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if e.file_type()?.is_dir() {
            list_files(&e.path(), &here, found)?;
        } else if here != crate::output::MARKER {
            found.push((here, e.path()));
        }
    }
    Ok(())
}

impl LiveSite {
    /// Build the site of `vault` in memory. `opts.output` is not used; the
    /// `[site]` settings are `opts.site`, else the vault's (`vellum.toml`).
    ///
    /// # Errors
    /// A template that fails, or an invalid `[site]` table.
    pub fn build(vault: Vault, opts: BuildOptions) -> Result<Self, BuildError> {
        let cfg = match &opts.site {
            Some(c) => c.clone(),
            None => vault.config.site.clone()?,
        };
        let theme = Theme::load(&vault.root)?;
        let (sink, bodies, report, state) = full(&vault, &opts, &cfg, &theme)?;
        Ok(Self { vault, opts, cfg, theme, files: sink.files, bodies, report, state })
    }

    /// Take up the site that a build to disk with the build cache (`opts.cache`,
    /// into `opts.output`, with `opts`' other options) left, instead of
    /// building it again: its files are read from the output, each body's
    /// text and what it asked for from the build cache, and the plan, cards,
    /// lists and search entries are made from `vault` without rendering.
    /// `report` is what that build reported.
    ///
    /// Call it only when that output is the build of `vault` as loaded: right
    /// after the build, or when [`crate::up_to_date`] says nothing changed
    /// since (stamps taken before `vault` was loaded). `Ok(None)` when the
    /// output or the cache does not hold what is needed (a record missing,
    /// another salt): build then.
    ///
    /// **Invariant:** the files are those of [`LiveSite::build`] of the same
    /// vault, and every later update gives the same files as it would there
    /// (the tests compare the two).
    ///
    /// # Errors
    /// An invalid `[site]` table, or a theme that cannot be read.
    pub fn resume(vault: Vault, opts: BuildOptions, report: BuildReport) -> Result<Option<Self>, BuildError> {
        let cfg = match &opts.site {
            Some(c) => c.clone(),
            None => vault.config.site.clone()?,
        };
        let theme = Theme::load(&vault.root)?;
        let Some(output) = crate::cache::absolute_output(&opts.output) else { return Ok(None) };
        let Some((bodies, state, files)) = resumed(&vault, &opts, &cfg, &theme, &output) else {
            return Ok(None);
        };
        Ok(Some(Self { vault, opts, cfg, theme, files, bodies, report, state }))
    }

    /// Every file of the site.
    #[must_use]
    pub fn files(&self) -> &FxHashMap<String, SiteFile> {
        &self.files
    }

    /// The vault the site shows.
    #[must_use]
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// What the last full build produced (counts, timings).
    #[must_use]
    pub fn report(&self) -> &BuildReport {
        &self.report
    }

    /// Use these `[site]` settings from the next rebuild on.
    pub fn set_site_config(&mut self, cfg: SiteConfig) {
        self.opts.site = Some(cfg.clone());
        self.cfg = cfg;
    }

    /// Read the theme (`_theme/`) again and take `[site]` from `vault` (as
    /// it read `vellum.toml`), then rebuild everything ([`Rebuild::ThemeReloaded`]).
    ///
    /// # Errors
    /// As [`LiveSite::build`]; on error the site is unchanged.
    pub fn reload_theme(&mut self, vault: Vault) -> Result<Update, BuildError> {
        if self.opts.site.is_none() {
            self.cfg = vault.config.site.clone()?;
        }
        self.theme = Theme::load(&vault.root)?;
        let mut update = self.rebuild(vault)?;
        update.full = Some(Rebuild::ThemeReloaded);
        Ok(update)
    }

    /// Show `vault` instead: build everything again and report what differs
    /// ([`Rebuild::VaultReloaded`]).
    ///
    /// # Errors
    /// A template that fails; the site is then unchanged.
    pub fn rebuild(&mut self, vault: Vault) -> Result<Update, BuildError> {
        let start = Instant::now();
        let built = full(&vault, &self.opts, &self.cfg, &self.theme)?;
        self.vault = vault;
        Ok(self.install(built, start, Rebuild::VaultReloaded))
    }
}

/// What an edited note was before the edit, to see what the edit changed.
struct Before {
    note: NoteIdx,
    facts: NoteFacts,
    targets: Vec<Target>,
    digests: Digests,
}

/// What the journal's digest pages show of a note besides its card (and
/// whether it has a core claim, which the card shows: it puts the note on
/// the claims page).
#[derive(PartialEq, Eq)]
struct Digests {
    core_claim: bool,
    claims: Vec<String>,
    questions: Vec<String>,
    sources: Vec<(Option<String>, Option<String>, Option<String>)>,
}

impl Digests {
    fn of(vault: &Vault, i: NoteIdx) -> Self {
        let j = &vault.notes[i].note.journal;
        Self {
            core_claim: j.core_claim.is_some(),
            claims: j.claims.iter().map(|c| c.value.clone()).collect(),
            questions: j.questions.iter().map(|q| q.value.clone()).collect(),
            sources: j
                .sources
                .iter()
                .map(|s| (s.url.as_ref().map(|u| u.value.clone()), s.title.clone(), s.why.clone()))
                .collect(),
        }
    }

    /// Which digests list the note (claims, questions) and under which
    /// sources: all that decides how many items, hence pages, they have.
    fn listing(&self) -> (bool, bool, Vec<String>) {
        let mut sources: Vec<String> =
            self.sources.iter().filter_map(|s| s.0.as_deref()).map(crate::pages::source_key).collect();
        sources.sort_unstable();
        sources.dedup();
        (self.core_claim || !self.claims.is_empty(), !self.questions.is_empty(), sources)
    }
}

fn targets(vault: &Vault, i: NoteIdx) -> Vec<Target> {
    vault.resolved[i].iter().map(|r| r.target.clone()).collect()
}

/// Title, URL, description, core claim and draft flag of a card.
type NodeFields<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, bool);

/// What a card shows in `previews.json` and `graph.json`.
fn node_fields(c: Option<&Card>) -> Option<NodeFields<'_>> {
    c.map(|c| (c.title.as_str(), c.url.as_str(), c.description.as_deref(), c.core_claim.as_deref(), c.draft))
}

/// An edit applied to the vault model, with what the edited notes were before.
struct Edit {
    /// The edited notes, sorted.
    edited: Vec<NoteIdx>,
    before: Vec<Before>,
    /// Neighbours of the edited notes before the edit (links in and out).
    old_near: FxHashSet<NoteIdx>,
    /// Notes whose links resolve differently now.
    relinked: Vec<NoteIdx>,
}

/// Time per step of an update.
struct Steps {
    done: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Steps {
    fn new() -> Self {
        Self { done: Vec::new(), lap: Instant::now() }
    }

    /// Step `name` ends now.
    fn lap(&mut self, name: &'static str) {
        self.done.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

/// How an edit went: applied in place, or the site has to be built again.
enum Applied {
    Done { changed: Vec<(String, Option<SiteFile>)>, rendered: usize },
    Fallback(Rebuild),
}

/// What changed about the cards and links of an edit (see [`refresh_cards`]).
struct CardChanges {
    /// The cards of before, of the notes whose card may have changed.
    old: FxHashMap<NoteIdx, Option<Card>>,
    /// Notes whose card (or place in the timeline) changed.
    changed: Vec<NoteIdx>,
    /// Edited notes whose links now lead elsewhere.
    links: Vec<NoteIdx>,
}

impl CardChanges {
    fn old_card(&self, i: NoteIdx) -> Option<&Card> {
        self.old.get(&i).and_then(Option::as_ref)
    }
}

impl LiveSite {
    /// Apply edits to existing notes (`(vault path, new text)`) incrementally:
    /// re-parse only these notes, re-resolve the links that can change,
    /// re-render only the bodies that can differ (the edited notes, notes
    /// that embed them or link to a heading or block of theirs, transitively
    /// through embeds, and notes whose links now resolve differently), refill
    /// the pages that show a changed card (backlinks, local graphs, lists)
    /// and regenerate the site-wide files the edit touches, keeping only
    /// those whose bytes differ.
    ///
    /// When the edits leave everything the plan reads as it was (titles,
    /// dates, tags, keywords, drafts, unresolved links, attachments: the
    /// common case of editing a note's text), the plan is kept and the work
    /// depends on what the edit touches, not on the vault's size.
    ///
    /// Falls back to a full rebuild (its reason in [`Update::full`]) when an
    /// edit changes the site's shape: which notes are published or their
    /// URLs, the URL of a tag, keyword or unwritten page, or the number of
    /// pages of a digest under a kept plan. Returns `Ok(None)` when the
    /// edits cannot be applied in place (a path that is not a loaded note, or
    /// aliases that take part in resolution changed): rebuild from disk then.
    ///
    /// # Errors
    /// A template that fails; the site may then be partly updated, so the
    /// caller should rebuild.
    pub fn edit_notes(&mut self, edits: Vec<(String, String)>) -> Result<Option<Update>, BuildError> {
        let start = Instant::now();
        let mut steps = Steps::new();
        let Some(edit) = self.apply_texts(edits) else { return Ok(None) };
        steps.lap("parse+resolve");
        match self.update_in_place(&edit, &mut steps)? {
            Applied::Done { changed, rendered } => Ok(Some(Update {
                changed,
                elapsed: start.elapsed(),
                full: None,
                rendered,
                steps: steps.done,
            })),
            Applied::Fallback(why) => {
                let built = full(&self.vault, &self.opts, &self.cfg, &self.theme)?;
                Ok(Some(self.install(built, start, why)))
            }
        }
    }

    /// Put the new texts into the vault model; what the edited notes were
    /// before. `None` when a path is not a loaded note or the edit cannot be
    /// applied in place (see [`Vault::replace_texts`]).
    fn apply_texts(&mut self, edits: Vec<(String, String)>) -> Option<Edit> {
        let mut idx_edits = Vec::with_capacity(edits.len());
        for (path, text) in edits {
            match self.vault.note_by_path(&path) {
                Some(i) if self.vault.notes[i].path == path => idx_edits.push((i, text)),
                _ => return None,
            }
        }
        let mut edited: Vec<NoteIdx> = idx_edits.iter().map(|(i, _)| *i).collect();
        edited.sort_unstable();
        edited.dedup();
        let vault = &self.vault;
        let before: Vec<Before> = edited
            .iter()
            .map(|&e| Before {
                note: e,
                facts: NoteFacts::of(vault, e),
                targets: targets(vault, e),
                digests: Digests::of(vault, e),
            })
            .collect();
        let mut old_near: FxHashSet<NoteIdx> = FxHashSet::default();
        for &e in &edited {
            old_near.extend(vault.backlinks(e).iter().map(|&(s, _)| s));
            old_near.extend(linked(vault, e));
        }
        let relinked = self.vault.replace_texts(idx_edits)?;
        Some(Edit { edited, before, old_near, relinked })
    }

    /// Run the pipeline's phases on what `edit` dirtied, or say why the
    /// whole site has to be built again.
    fn update_in_place(&mut self, edit: &Edit, steps: &mut Steps) -> Result<Applied, BuildError> {
        let Some(layout) = self.state.layout.take() else {
            return Ok(Applied::Fallback(Rebuild::NothingKept));
        };
        let vault = &self.vault;
        let site = config::Site::resolve(&self.cfg, &vault.root);
        let drafts = self.opts.include_drafts;
        // The plan as it was, over the edited vault.
        let old_plan = Plan::over(vault, layout);
        let mut kept = edit.before.iter().all(|b| NoteFacts::of(vault, b.note) == b.facts);
        // A note that gained or lost its social card (an `image` property
        // added or removed) changes the site's list of files.
        kept &= edit.edited.iter().all(|&i| {
            let card = matches!(old_plan.og_image(i), Some(OgImage::Card(_)));
            let had = old_plan.rel[i]
                .as_ref()
                .is_some_and(|rel| self.files.contains_key(&format!("{rel}{}", social::CARD_FILE)));
            card == had
        });
        let (plan, mut old_plan) = if kept {
            (old_plan, None)
        } else {
            let plan = Plan::new(vault, site.clone(), drafts);
            if let Some(why) = reshaped(vault, &old_plan, &plan) {
                return Ok(Applied::Fallback(why));
            }
            (plan, Some(old_plan))
        };
        steps.lap(if kept { "plan kept" } else { "plan" });

        let render = bodies_to_render(vault, &plan, edit);
        let mut sink = MemorySink::default();
        let cards = std::mem::take(&mut self.state.cards);
        let bodies = std::mem::take(&mut self.bodies);
        let mut p = Pipeline::new(vault, plan, cards, bodies, &mut sink, setup(&self.opts, &self.theme));
        p.search_docs = std::mem::take(&mut self.state.search_docs);
        p.in_place = std::mem::take(&mut self.state.page_keys);
        p.in_place.retain(|rel, _| self.files.contains_key(rel));
        // A kept plan holds the pages the old bodies asked for: the new ones must ask for the same.
        let asked_same = p.render_bodies(&render)?;
        steps.lap("render");
        if kept && !asked_same {
            kept = false;
            old_plan = Some(p.set_plan(Plan::new(vault, site, drafts)));
        }
        if !kept {
            let requested = p.requested();
            p.plan.add_requested(requested);
            p.refresh_globals();
            if let Some(why) = moved(&self.state.named, &named_rels(&p.plan)) {
                return Ok(Applied::Fallback(why));
            }
        }
        let changes = refresh_cards(&mut p, old_plan.as_ref(), edit);
        let pages = note_pages_to_fill(vault, &p.plan, old_plan.as_ref(), &render, &changes, edit);
        p.fill_note_pages(&pages, false)?;
        steps.lap("note pages");

        let digests_now: Vec<Digests> = edit.before.iter().map(|b| Digests::of(vault, b.note)).collect();
        let digests_changed = edit.before.iter().zip(&digests_now).any(|(b, now)| *now != b.digests);
        // Which pages the lists have: with a kept plan only a digest can gain
        // or lose one (the other lists and their lengths are the plan's), and
        // only when an edited note joined or left it.
        let listing_changed =
            edit.before.iter().zip(&digests_now).any(|(b, now)| now.listing() != b.digests.listing());
        let later = if kept && !listing_changed { None } else { Some(p.plan.later_pages(&p.cards)) };
        if kept && later.as_ref().is_some_and(|l| *l != self.state.later) {
            return Ok(Applied::Fallback(Rebuild::DigestPageCountChanged));
        }
        // A kept plan with no card and no digest changed: no other page can differ.
        if !(kept && changes.changed.is_empty() && !digests_changed) {
            let changed_set: FxHashSet<NoteIdx> = changes.changed.iter().copied().collect();
            let counts = old_plan.as_ref().map_or((false, false), |old| counts_changed(old, &p.plan));
            let old_lists = &self.state.lists;
            let list = |rel: &str, notes: &[NoteIdx]| {
                old_lists.get(rel).is_none_or(|old| old.as_slice() != notes)
                    || notes.iter().any(|n| changed_set.contains(n))
            };
            let single = |rel: &str| single_changed(rel, !changed_set.is_empty(), digests_changed, counts);
            p.fill_other_pages(&Want { single: &single, list: &list })?;
        }
        steps.lap("other pages");

        let mut touched: Vec<NoteIdx> = changes.changed.iter().chain(&render).copied().collect();
        touched.sort_unstable();
        touched.dedup();
        let files = site_files(&mut p, kept, &changes, &touched);
        if files.feed {
            // A site taken up from disk holds the HTML of the feed's notes of then only.
            p.render_feed_bodies()?;
        }
        p.write_site_files(&files)?;
        // A card shows only its own note (and the site's title, which an edit does not change).
        p.write_social_cards(&edit.edited, false)?;
        let listed = if kept {
            None
        } else {
            let (files, others) = (&self.files, &self.state.others);
            let mut listed = listed_files(&p, later.as_deref().unwrap_or_default(), &self.theme, files);
            let copies = p.attachments(&|rel: &str| files.contains_key(rel) && !others.contains(rel));
            listed.extend(copies.iter().map(|(_, rel)| rel.clone()));
            p.sink.finish(&copies)?;
            Some(listed)
        };
        steps.lap("json+feed");

        let Pipeline { plan, cards, bodies, search_docs, page_keys, in_place, .. } = p;
        drop(old_plan);
        self.bodies = bodies;
        let mut keys = in_place;
        keys.extend(page_keys);
        let changed = take_files(&mut self.files, &self.state.others, sink, listed.as_ref());
        if let Some(others) = listed {
            keys.retain(|rel, _| others.contains(rel));
            self.state.later = later.unwrap_or_default();
            self.state.named = named_rels(&plan);
            self.state.lists = plan.lists();
            self.state.others = others;
        }
        self.state.cards = cards;
        self.state.page_keys = keys;
        self.state.search_docs = search_docs;
        self.state.layout = Some(plan.into_layout());
        steps.lap("diff");
        Ok(Applied::Done { changed, rendered: render.len() })
    }

    /// Take a whole site built by [`full`] as the current one.
    fn install(&mut self, (sink, bodies, report, state): Built, start: Instant, why: Rebuild) -> Update {
        let rendered = report.notes;
        let changed = diff(&self.files, sink.files.clone());
        self.files = sink.files;
        self.bodies = bodies;
        self.report = report;
        self.state = state;
        Update { changed, elapsed: start.elapsed(), full: Some(why), rendered, steps: Vec::new() }
    }
}

/// Swap the files of `sink` into `files` (only those whose bytes differ)
/// and, when `listed` names every file other than notes' pages the site has
/// now, drop those of `others` (the same, before) it no longer has; what
/// changed, by path.
fn take_files(
    files: &mut FxHashMap<String, SiteFile>,
    others: &FxHashSet<String>,
    sink: MemorySink,
    listed: Option<&FxHashSet<String>>,
) -> Vec<(String, Option<SiteFile>)> {
    let mut changed = Vec::new();
    if let Some(listed) = listed {
        for gone in others.iter().filter(|k| !listed.contains(*k)) {
            if files.remove(gone).is_some() {
                changed.push((gone.clone(), None));
            }
        }
    }
    for (rel, file) in sink.files {
        if files.get(&rel) != Some(&file) {
            files.insert(rel.clone(), file.clone());
            changed.push((rel, Some(file)));
        }
    }
    changed.sort_by(|a, b| a.0.cmp(&b.0));
    changed
}

/// Why `new` cannot stand in for `old` in place: which notes are published,
/// the URL of one of them, or the redirects changed.
fn reshaped(vault: &Vault, old: &Plan<'_>, new: &Plan<'_>) -> Option<Rebuild> {
    if new.published != old.published {
        return Some(Rebuild::PublishedSetChanged);
    }
    if let Some(moved) = new.rel.iter().zip(&old.rel).position(|(a, b)| a != b) {
        return Some(Rebuild::UrlChanged(vault.notes[moved].path.clone()));
    }
    (new.redirects != old.redirects).then_some(Rebuild::RedirectsChanged)
}

/// Bodies to render again: what reads an edited note's text (embeds,
/// heading links, bases, transitively through embeds) or resolves differently now.
/// A plain link reads only the note's URL, which an in-place edit keeps.
fn bodies_to_render(vault: &Vault, plan: &Plan<'_>, edit: &Edit) -> Vec<NoteIdx> {
    let mut render: FxHashSet<NoteIdx> = edit.edited.iter().chain(&edit.relinked).copied().collect();
    // A base's rows are the vault's notes: any edit can change them.
    render.extend((0..vault.notes.len()).filter(|&i| vault.notes[i].reads_every_note()));
    for &e in &edit.edited {
        for &(src, li) in vault.backlinks(e) {
            let l = &vault.notes[src].note.links[li];
            if l.kind.is_embed() || l.fragment.is_some() {
                render.insert(src);
            }
        }
    }
    // Embeds inline other notes' content: whatever embeds a re-rendered note is re-rendered too.
    let mut frontier: Vec<NoteIdx> = render.iter().copied().collect();
    while let Some(n) = frontier.pop() {
        for &(src, li) in vault.backlinks(n) {
            if vault.notes[src].note.links[li].kind.is_embed() && render.insert(src) {
                frontier.push(src);
            }
        }
    }
    let mut render: Vec<NoteIdx> = render.into_iter().filter(|&i| plan.is_published(i)).collect();
    render.sort_unstable();
    render
}

/// Make the cards that can have changed again and see which did. With a
/// kept plan (`old_plan` is `None`) only the edited notes' cards can
/// change; otherwise every card is made again (an unchanged one keeps its
/// template value and digest) and a changed rank counts as a changed card.
fn refresh_cards(p: &mut Pipeline<'_, '_>, old_plan: Option<&Plan<'_>>, edit: &Edit) -> CardChanges {
    let old: FxHashMap<NoteIdx, Option<Card>> = match old_plan {
        None => {
            let cards = &mut p.cards;
            edit.edited.iter().map(|&e| (e, std::mem::replace(&mut cards[e], p.plan.card(e)))).collect()
        }
        Some(_) => {
            let mut fresh = p.plan.cards();
            for (new, old) in fresh.iter_mut().zip(p.cards.iter_mut()) {
                if new == old {
                    std::mem::swap(new, old);
                }
            }
            std::mem::replace(&mut p.cards, fresh).into_iter().enumerate().collect()
        }
    };
    let mut changes = CardChanges { old, changed: Vec::new(), links: Vec::new() };
    let (plan, cards) = (&p.plan, &p.cards);
    changes.changed = match old_plan {
        None => edit.edited.iter().copied().filter(|&e| cards[e].as_ref() != changes.old_card(e)).collect(),
        Some(old) => plan
            .published
            .iter()
            .copied()
            .filter(|&i| cards[i].as_ref() != changes.old_card(i) || plan.rank[i] != old.rank[i])
            .collect(),
    };
    changes.links =
        edit.before.iter().filter(|b| targets(p.vault, b.note) != b.targets).map(|b| b.note).collect();
    changes
}

/// Note pages to fill again: re-rendered bodies, and the pages that show a
/// changed card (backlinks, links, local graphs) or gained or lost a link
/// from an edited note; with a new plan, also the pages linking to an
/// unwritten page whose place in the list changed.
fn note_pages_to_fill(
    vault: &Vault,
    plan: &Plan<'_>,
    old_plan: Option<&Plan<'_>>,
    render: &[NoteIdx],
    changes: &CardChanges,
    edit: &Edit,
) -> Vec<NoteIdx> {
    let mut pages: FxHashSet<NoteIdx> = render.iter().copied().collect();
    for &c in &changes.changed {
        pages.insert(c);
        pages.extend(plan.backlinks(c));
        // A folder note's page lists the notes of its folder.
        pages.extend(plan.listing_note(c));
        pages.extend(linked(vault, c));
    }
    if !changes.links.is_empty() || old_plan.is_some() {
        pages.extend(edit.old_near.iter().copied());
        for &e in &changes.links {
            pages.extend(linked(vault, e));
        }
    }
    if let Some(old) = old_plan {
        for (k, u) in plan.unwritten.iter().enumerate() {
            if old.unwritten.get(k).map(|o| o.name.as_str()) != Some(u.name.as_str()) {
                pages.extend(u.notes.iter().copied());
            }
        }
    }
    let mut pages: Vec<NoteIdx> = pages.into_iter().filter(|&i| plan.is_published(i)).collect();
    pages.sort_unstable();
    pages
}

/// Whether the tag index and the keyword index show other names, URLs or counts.
fn counts_changed(old: &Plan<'_>, new: &Plan<'_>) -> (bool, bool) {
    let tags = |p: &Plan<'_>| p.tags.values().map(|t| (t.rel.clone(), t.notes.len())).collect::<Vec<_>>();
    let kws = |p: &Plan<'_>| p.keywords.values().map(|k| (k.rel.clone(), k.notes.len())).collect::<Vec<_>>();
    (tags(old) != tags(new), kws(old) != kws(new))
}

/// Whether the page at `rel` that lists no notes of its own, or all of
/// them, can have changed: the index when a card did, the digests when a
/// card or what a digest shows of a note did, the tag and keyword indexes
/// when their names, URLs or counts did (`counts`).
fn single_changed(rel: &str, cards: bool, digests: bool, (tags, keywords): (bool, bool)) -> bool {
    match rel {
        "index.html" | "timeline/index.html" => cards,
        "claims/index.html" | "questions/index.html" | "sources/index.html" => cards || digests,
        "tags/index.html" => tags,
        "keywords/index.html" => keywords,
        // The graph, search and 404 pages show only the site's settings.
        _ => false,
    }
}

/// The site-wide files an edit can have changed, each only when something
/// it shows did (`touched`: notes whose card changed or body was rendered).
/// A search entry shows a card and the start of a body: only the shards of
/// the touched notes' entries can differ (and which notes are published,
/// hence the shards, is the same).
fn site_files(p: &mut Pipeline<'_, '_>, kept: bool, changes: &CardChanges, touched: &[NoteIdx]) -> SiteFiles {
    let shards = p.refresh_search_docs(touched);
    let nodes =
        changes.changed.iter().any(|&i| node_fields(p.cards[i].as_ref()) != node_fields(changes.old_card(i)));
    let in_feed = feeds::feed_notes(&p.plan).iter().any(|i| touched.binary_search(i).is_ok());
    SiteFiles {
        search: Search::Shards(shards),
        previews: !kept || nodes,
        graph: !kept || nodes || !changes.links.is_empty(),
        feed: !kept || in_feed,
        sitemap: !kept || !changes.changed.is_empty(),
        robots: false,
        explorer: !kept,
        // Their addresses and targets are the plan's; a new plan may give a note another title.
        redirects: !kept,
    }
}

/// Output paths of every file of the site now but notes' pages and
/// attachments: the pages other than notes', the site files, the theme's
/// files and robots.txt (when the site has them: `files`).
fn listed_files(
    p: &Pipeline<'_, '_>,
    later: &[String],
    theme: &Theme,
    files: &FxHashMap<String, SiteFile>,
) -> FxHashSet<String> {
    let plan = &p.plan;
    let mut listed: FxHashSet<String> = p.page_keys.iter().map(|(rel, _)| rel.clone()).collect();
    listed.extend(plan.lists().keys().map(|rel| format!("{rel}index.html")));
    for rel in [
        "search-index.json",
        "previews.json",
        "graph.json",
        "feed.xml",
        "sitemap.xml",
        crate::folders::EXPLORER,
    ] {
        listed.insert(rel.to_owned());
    }
    listed.extend((0..plan.published.len().div_ceil(feeds::SHARD)).map(feeds::shard_rel));
    listed.extend(plan.single_pages());
    listed.extend(later.iter().cloned());
    listed.extend(plan.card_rels());
    for (name, _) in &theme.assets {
        if files.contains_key(name) {
            listed.insert(name.clone());
        }
    }
    if files.contains_key("robots.txt") {
        listed.insert("robots.txt".to_owned());
    }
    listed.extend(plan.redirects.iter().map(|r| format!("{}index.html", r.rel)));
    if !plan.redirects.is_empty() {
        listed.insert(crate::redirects::NETLIFY.to_owned());
    }
    listed
}

/// Notes that note `i` links to (resolved, any kind).
fn linked(vault: &Vault, i: NoteIdx) -> impl Iterator<Item = NoteIdx> + '_ {
    vault.resolved[i].iter().filter_map(|r| r.target.note())
}

/// The entries of `new` that are not in `old` or differ, and `None` for the
/// paths of `old` that `new` no longer has.
fn diff(
    old: &FxHashMap<String, SiteFile>,
    new: FxHashMap<String, SiteFile>,
) -> Vec<(String, Option<SiteFile>)> {
    let mut out: Vec<(String, Option<SiteFile>)> =
        old.keys().filter(|k| !new.contains_key(*k)).map(|k| (k.clone(), None)).collect();
    for (k, v) in new {
        if old.get(&k) != Some(&v) {
            out.push((k, Some(v)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
