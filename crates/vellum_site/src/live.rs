//! A site kept in memory and brought up to date after every change: the
//! engine of `vellum serve`.
//!
//! [`LiveSite`] owns the vault model, the rendered note bodies and every
//! output file. [`LiveSite::update`] takes the new vault and returns only the
//! files that changed, so a server can swap them in and tell browsers.
//!
//! **Invariant:** after any sequence of updates, [`LiveSite::files`] is exactly
//! what a fresh in-memory build of the current vault produces (the tests
//! compare the two byte for byte).

use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use vellum_render::RenderOptions;
use vellum_vault::{FileKind, NoteIdx, Target, Vault};

use crate::config::{self, SiteConfig};
use crate::output::{MARKER, MemorySink, Sink, SiteFile};
use crate::pages::{Body, Card, Globals};
use crate::plan::Plan;
use crate::theme::Theme;
use crate::{BuildError, BuildOptions, BuildReport, feeds, graph};

/// The files that differ after an update.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Update {
    /// Output-relative path → new content, or `None` when the file is gone.
    pub changed: Vec<(String, Option<SiteFile>)>,
    /// How long the update took.
    pub elapsed: Duration,
    /// Whether every note body was rendered again (a full rebuild).
    pub full: bool,
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

/// A site in memory, updated in place.
pub struct LiveSite {
    vault: Vault,
    opts: BuildOptions,
    cfg: SiteConfig,
    theme: Theme,
    files: FxHashMap<String, SiteFile>,
    bodies: Vec<Option<Body>>,
    report: BuildReport,
    /// What the current site was planned from, to see what an edit changes.
    shape: Shape,
}

/// The parts of a plan an edit is compared against.
#[derive(Default)]
struct Shape {
    published: Vec<NoteIdx>,
    rel: Vec<Option<String>>,
    rank: Vec<Option<usize>>,
    cards: Vec<Option<Card>>,
    /// Every page URL of tags, keywords and unwritten notes (after the renderer's requests).
    named: BTreeMap<String, String>,
    unwritten: Vec<String>,
    /// Output paths of pages other than notes', and of attachments.
    others: FxHashSet<String>,
    /// The notes each tag, keyword and unwritten page lists, by folder.
    lists: FxHashMap<String, Vec<NoteIdx>>,
    /// The context key of each page other than the notes' (see
    /// `Globals::keyed_context`): an edit refills only the pages whose key changed.
    page_keys: FxHashMap<String, crate::cache::Hash>,
}

impl Shape {
    fn of(
        plan: &Plan<'_>,
        cards: Vec<Option<Card>>,
        others: FxHashSet<String>,
        mut page_keys: FxHashMap<String, crate::cache::Hash>,
    ) -> Self {
        page_keys.retain(|rel, _| others.contains(rel));
        Self {
            page_keys,
            published: plan.published.clone(),
            rel: plan.rel.clone(),
            rank: plan.rank.clone(),
            cards,
            named: named_rels(plan),
            unwritten: plan.unwritten.iter().map(|u| u.name.clone()).collect(),
            others,
            lists: plan.lists(),
        }
    }
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

/// Whether two maps agree on every key they share.
fn agree(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> bool {
    a.iter().all(|(k, v)| b.get(k).is_none_or(|w| w == v))
}

impl std::fmt::Debug for LiveSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSite").field("root", &self.vault.root).field("files", &self.files.len()).finish()
    }
}

/// A whole site built in memory: files, bodies, report and shape.
type Built = (MemorySink, Vec<Option<Body>>, BuildReport, Shape);

/// Build the whole site of `vault` into memory.
fn full(vault: &Vault, opts: &BuildOptions, cfg: &SiteConfig, theme: &Theme) -> Result<Built, BuildError> {
    let start = Instant::now();
    let site = config::Site::resolve(cfg, &vault.root);
    let mut sink = MemorySink::default();
    let mut report = BuildReport::default();
    let (bodies, _, page_keys) =
        crate::run(vault, opts, site.clone(), theme, &mut sink, &mut report, crate::Mode::Memory)?;
    report.files = sink.files.len();
    report.timings.total = start.elapsed();
    // The same plan again, to remember its shape (planning is cheap next to rendering).
    let mut plan = Plan::new(vault, site, opts.include_drafts);
    plan.add_requested(crate::asked_by(&bodies).1);
    let notes: FxHashSet<String> = plan
        .published
        .iter()
        .filter_map(|&i| plan.rel[i].as_ref().map(|r| format!("{r}index.html")))
        .collect();
    let others = sink.files.keys().filter(|k| !notes.contains(*k)).cloned().collect();
    let shape = Shape::of(&plan, plan.cards(), others, page_keys.into_iter().collect());
    Ok((sink, bodies, report, shape))
}

impl LiveSite {
    /// Build the site of `vault` in memory. `opts.output` is not used; the
    /// `[site]` settings are `opts.site`, else read from `vellum.toml`.
    ///
    /// # Errors
    /// A template that fails, or an invalid `[site]` table.
    pub fn build(vault: Vault, opts: BuildOptions) -> Result<Self, BuildError> {
        let cfg = match &opts.site {
            Some(c) => c.clone(),
            None => SiteConfig::load(&vault.root)?,
        };
        let theme = Theme::load(&vault.root)?;
        let (sink, bodies, report, shape) = full(&vault, &opts, &cfg, &theme)?;
        Ok(Self { vault, opts, cfg, theme, files: sink.files, bodies, report, shape })
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

    /// Read the theme (`_theme/`) and `vellum.toml`'s `[site]` again, then
    /// rebuild everything.
    ///
    /// # Errors
    /// As [`LiveSite::build`]; on error the site is unchanged.
    pub fn reload_theme(&mut self, vault: Vault) -> Result<Update, BuildError> {
        if self.opts.site.is_none() {
            self.cfg = SiteConfig::load(&vault.root)?;
        }
        self.theme = Theme::load(&vault.root)?;
        self.rebuild(vault)
    }

    /// Show `vault` instead: build everything again and report what differs.
    ///
    /// # Errors
    /// A template that fails; the site is then unchanged.
    pub fn rebuild(&mut self, vault: Vault) -> Result<Update, BuildError> {
        let start = Instant::now();
        let built = full(&vault, &self.opts, &self.cfg, &self.theme)?;
        self.vault = vault;
        Ok(self.install(built, start))
    }
}

impl LiveSite {
    /// Apply edits to existing notes (`(vault path, new text)`) incrementally:
    /// re-parse only these notes, re-resolve the links that can change,
    /// re-render only the bodies that can differ (the edited notes, notes that
    /// link to them or embed them, transitively through embeds, and notes whose
    /// links now resolve differently), refill the pages that show a changed
    /// card (backlinks, local graphs, lists) and regenerate the site-wide
    /// pages and files, keeping only those whose bytes differ.
    ///
    /// Falls back to a full rebuild (reported in [`Update::full`]) when an edit
    /// changes the site's shape: which notes are published or their URLs, or
    /// the URL of a tag, keyword or unwritten page. Returns `Ok(None)` when the
    /// edits cannot be applied in place (a path that is not a loaded note, or
    /// aliases that take part in resolution changed): rebuild from disk then.
    ///
    /// # Errors
    /// A template that fails; the site may then be partly updated, so the
    /// caller should rebuild.
    pub fn edit_notes(&mut self, edits: Vec<(String, String)>) -> Result<Option<Update>, BuildError> {
        let start = Instant::now();
        let mut idx_edits = Vec::with_capacity(edits.len());
        for (path, text) in edits {
            match self.vault.note_by_path(&path) {
                Some(i) if self.vault.notes[i].path == path => idx_edits.push((i, text)),
                _ => return Ok(None),
            }
        }
        let edited: Vec<NoteIdx> = idx_edits.iter().map(|(i, _)| *i).collect();
        // Neighbours before the edit (links in and out).
        let mut old_near: FxHashSet<NoteIdx> = FxHashSet::default();
        for &e in &edited {
            old_near.extend(self.vault.backlinks(e).iter().map(|&(s, _)| s));
            old_near.extend(linked(&self.vault, e));
        }
        let mut steps = Vec::new();
        let mut lap = Instant::now();
        let mut step = |name: &'static str| {
            steps.push((name, lap.elapsed()));
            lap = Instant::now();
        };
        let Some(relinked) = self.vault.replace_texts(idx_edits) else { return Ok(None) };
        step("parse+resolve");
        let vault = &self.vault;
        let site = config::Site::resolve(&self.cfg, &vault.root);
        let mut plan = Plan::new(vault, site, self.opts.include_drafts);
        if plan.published != self.shape.published || plan.rel != self.shape.rel {
            return self.rebuild_current(start, "which notes are published changed");
        }

        step("plan");
        // Bodies to render again.
        let mut render: FxHashSet<NoteIdx> = edited.iter().copied().chain(relinked.iter().copied()).collect();
        for &e in &edited {
            render.extend(vault.backlinks(e).iter().map(|&(s, _)| s));
        }
        render.extend(
            old_near.iter().copied().filter(|&n| {
                self.shape.published.binary_search(&n).is_ok() && links_to_any(vault, n, &edited)
            }),
        );
        // Embeds inline other notes' content: whatever embeds a re-rendered note is re-rendered too.
        let mut frontier: Vec<NoteIdx> = render.iter().copied().collect();
        while let Some(n) = frontier.pop() {
            for &(src, li) in vault.backlinks(n) {
                if vault.notes[src].note.links[li].kind.is_embed() && render.insert(src) {
                    frontier.push(src);
                }
            }
        }
        let render: Vec<NoteIdx> = {
            let mut v: Vec<NoteIdx> = render.into_iter().filter(|&i| plan.is_published(i)).collect();
            v.sort_unstable();
            v
        };
        let budget = feeds::text_budget(plan.published.len());
        let ropts = RenderOptions::default();
        let fresh: Vec<(NoteIdx, Body)> =
            render.par_iter().map(|&i| (i, crate::render_body(vault, &plan, i, &ropts, budget))).collect();
        for (i, b) in fresh {
            self.bodies[i] = Some(b);
        }
        step("render");
        let (used, requested) = crate::asked_by(&self.bodies);
        plan.add_requested(requested);
        let named = named_rels(&plan);
        if !agree(&self.shape.named, &named) {
            return self.rebuild_current(start, "a tag, keyword or unwritten page moved");
        }

        // Pages that show a changed card, rank or unwritten page.
        let cards = plan.cards();
        let mut pages: FxHashSet<NoteIdx> = render.iter().copied().collect();
        let mut changed_cards: Vec<NoteIdx> = edited.clone();
        for &i in &plan.published {
            if cards[i] != self.shape.cards[i] || plan.rank[i] != self.shape.rank[i] {
                changed_cards.push(i);
            }
        }
        for &c in &changed_cards {
            pages.insert(c);
            pages.extend(plan.backlinks(c));
            pages.extend(linked(vault, c));
        }
        pages.extend(old_near.iter().copied());
        for (k, u) in plan.unwritten.iter().enumerate() {
            if self.shape.unwritten.get(k) != Some(&u.name) {
                pages.extend(u.notes.iter().copied());
            }
        }
        let mut pages: Vec<NoteIdx> = pages.into_iter().filter(|&i| plan.is_published(i)).collect();
        pages.sort_unstable();

        let globals =
            Globals::new(&plan, self.opts.include_drafts, self.opts.preview, self.theme.has_custom_css);
        let theme = &self.theme;
        let bodies = &self.bodies;
        let note_pages: Vec<(String, Vec<u8>)> = pages
            .par_iter()
            .filter_map(|&i| {
                let body = bodies[i].as_ref()?;
                let ctx = plan.note_context(&globals, i, &cards, body)?;
                let rel = plan.rel[i].as_deref()?;
                Some(theme.render("note.html", ctx).map(|h| (format!("{rel}index.html"), h.into_bytes())))
            })
            .collect::<Result<_, _>>()?;

        step("note pages");
        // Site-wide pages and files, all regenerated; only differing bytes are kept.
        let mut sink = MemorySink::default();
        for (rel, html) in note_pages {
            sink.add(rel, html)?;
        }
        // A tag, keyword or unwritten page changes only when the notes it
        // lists change, or the card of one of them does: only those are filled.
        let changed_set: FxHashSet<NoteIdx> = changed_cards.iter().copied().collect();
        let old_lists = &self.shape.lists;
        let keep = |rel: &str, notes: &[NoteIdx]| {
            old_lists.get(rel).is_none_or(|old| old.as_slice() != notes)
                || notes.iter().any(|n| changed_set.contains(n))
        };
        // Of those, and of the index and digests, only the pages whose context
        // key changed are filled again.
        let old_keys = &self.shape.page_keys;
        let files = &self.files;
        let others: Vec<(String, Option<Vec<u8>>, crate::cache::Hash)> = plan
            .other_pages(&globals, &cards, &keep)
            .into_par_iter()
            .map(|(rel, name, (ctx, key))| {
                if old_keys.get(&rel) == Some(&key) && files.contains_key(&rel) {
                    return Ok((rel, None, key));
                }
                theme.render(name, ctx).map(|h| (rel, Some(h.into_bytes()), key))
            })
            .collect::<Result<_, _>>()?;
        let mut page_keys = self.shape.page_keys.clone();
        let mut other_keys: FxHashSet<String> = FxHashSet::default();
        for (rel, html, key) in others {
            other_keys.insert(rel.clone());
            page_keys.insert(rel.clone(), key);
            if let Some(html) = html {
                sink.add(rel, html)?;
            }
        }
        // The pages left as they were are still part of the site.
        other_keys.extend(old_lists.keys().map(|rel| format!("{rel}index.html")));
        step("other pages");
        let mut generated = vec![
            ("search-index.json".to_owned(), feeds::search_index(&plan, &cards, bodies)),
            ("previews.json".to_owned(), feeds::previews(&plan, &cards)),
            ("graph.json".to_owned(), graph::site_json(&plan, &cards)),
            ("feed.xml".to_owned(), feeds::atom(&plan, &cards, bodies)?),
            ("sitemap.xml".to_owned(), feeds::sitemap(&plan, &cards)),
        ];
        for (rel, bytes) in generated.drain(..) {
            other_keys.insert(rel.clone());
            sink.add(rel, bytes)?;
        }
        for (name, _) in &theme.assets {
            if let Some(f) = self.files.get(name) {
                other_keys.insert(name.clone());
                sink.files.insert(name.clone(), f.clone());
            }
        }
        if let Some(f) = self.files.get("robots.txt") {
            other_keys.insert("robots.txt".to_owned());
            sink.files.insert("robots.txt".to_owned(), f.clone());
        }
        let mut atts: Vec<_> = used.into_iter().chain(plan.linked_attachments()).collect();
        atts.sort();
        atts.dedup();
        for file in atts {
            if vault.files.kind(file) != FileKind::Attachment {
                continue;
            }
            let rel = vault.files.path(file).to_owned();
            let clash =
                sink.has(&rel) || (self.files.contains_key(&rel) && !self.shape.others.contains(&rel));
            if clash || rel.split('/').any(|p| p == ".." || p.is_empty()) || rel == MARKER {
                continue;
            }
            let src = vault.root.join(&rel);
            if src.is_file() {
                other_keys.insert(rel.clone());
                sink.files.insert(rel, SiteFile::Copied(src));
            }
        }

        step("json+feed");
        let mut changed = Vec::new();
        for gone in self.shape.others.iter().filter(|k| !other_keys.contains(*k)) {
            if self.files.remove(gone).is_some() {
                changed.push((gone.clone(), None));
            }
        }
        for (rel, file) in sink.files {
            if self.files.get(&rel) != Some(&file) {
                self.files.insert(rel.clone(), file.clone());
                changed.push((rel, Some(file)));
            }
        }
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        self.shape = Shape::of(&plan, cards, other_keys, page_keys);
        step("diff");
        Ok(Some(Update { changed, elapsed: start.elapsed(), full: false, rendered: render.len(), steps }))
    }

    /// Rebuild everything from the vault as it is now (the fallback of [`LiveSite::edit_notes`]).
    fn rebuild_current(&mut self, start: Instant, _why: &'static str) -> Result<Option<Update>, BuildError> {
        let built = full(&self.vault, &self.opts, &self.cfg, &self.theme)?;
        Ok(Some(self.install(built, start)))
    }

    /// Take a whole site built by [`full`] as the current one.
    fn install(&mut self, (sink, bodies, report, shape): Built, start: Instant) -> Update {
        let rendered = report.notes;
        let changed = diff(&self.files, sink.files.clone());
        self.files = sink.files;
        self.bodies = bodies;
        self.report = report;
        self.shape = shape;
        Update { changed, elapsed: start.elapsed(), full: true, rendered, steps: Vec::new() }
    }
}

/// Notes that note `i` links to (resolved, any kind).
fn linked(vault: &Vault, i: NoteIdx) -> impl Iterator<Item = NoteIdx> + '_ {
    vault.resolved[i].iter().filter_map(|r| match r.target {
        Target::Note { note, .. } | Target::MissingFragment { note } => Some(note),
        _ => None,
    })
}

/// Whether note `n` links to one of `targets`.
fn links_to_any(vault: &Vault, n: NoteIdx, targets: &[NoteIdx]) -> bool {
    linked(vault, n).any(|t| targets.contains(&t))
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
