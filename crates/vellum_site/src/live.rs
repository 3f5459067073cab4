//! A site kept in memory and brought up to date after every change: the
//! engine of `vellum serve`.
//!
//! [`LiveSite`] owns the vault model, the rendered note bodies and every
//! output file. [`LiveSite::edit_notes`] (or [`LiveSite::rebuild`], given a new vault) returns only the
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
use crate::pages::{Body, Card, Globals, Want};
use crate::plan::{Detached, NoteFacts, Plan};
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
    /// What the current site was made from, to see what an edit changes.
    state: State,
}

/// What the current site was planned and filled from.
#[derive(Default)]
struct State {
    /// The plan (with the pages the renderer asked for), detached from the
    /// vault; `None` only while an edit holds it.
    plan: Option<Detached>,
    cards: Vec<Option<Card>>,
    /// Every page URL of tags, keywords and unwritten notes (after the renderer's requests).
    named: BTreeMap<String, String>,
    /// Output paths of pages other than notes', and of attachments.
    others: FxHashSet<String>,
    /// The notes each tag, keyword and unwritten page lists, by folder.
    lists: FxHashMap<String, Vec<NoteIdx>>,
    /// The context key of each page other than the notes' (see
    /// `Globals::keyed_context`): an edit refills only the pages whose key changed.
    page_keys: FxHashMap<String, crate::cache::Hash>,
    /// Each published note's entry of `search-index.json`.
    search_docs: Vec<Option<String>>,
    /// Output paths of page 2 onwards of every paginated list (`Plan::later_pages`).
    later: Vec<String>,
}

impl State {
    fn of(
        plan: Plan<'_>,
        cards: Vec<Option<Card>>,
        bodies: &[Option<Body>],
        others: FxHashSet<String>,
        mut page_keys: FxHashMap<String, crate::cache::Hash>,
    ) -> Self {
        page_keys.retain(|rel, _| others.contains(rel));
        let search_docs = search_docs(&plan, &cards, bodies);
        Self {
            later: plan.later_pages(&cards),
            page_keys,
            named: named_rels(&plan),
            others,
            lists: plan.lists(),
            cards,
            search_docs,
            plan: Some(plan.detach()),
        }
    }
}

/// Every published note's search entry, by note index.
fn search_docs(plan: &Plan<'_>, cards: &[Option<Card>], bodies: &[Option<Body>]) -> Vec<Option<String>> {
    let budget = feeds::snippet_budget(plan.published.len());
    (0..cards.len())
        .map(|i| cards[i].as_ref().map(|c| feeds::search_doc(c, bodies[i].as_ref(), budget)))
        .collect()
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

/// A whole site built in memory: files, bodies, report and state.
type Built = (MemorySink, Vec<Option<Body>>, BuildReport, State);

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
    // The same plan again, to keep (planning is cheap next to rendering).
    let mut plan = Plan::new(vault, site, opts.include_drafts);
    plan.add_requested(crate::asked_by(&bodies).1);
    let notes: FxHashSet<String> = plan
        .published
        .iter()
        .filter_map(|&i| plan.rel[i].as_ref().map(|r| format!("{r}index.html")))
        .collect();
    let others = sink.files.keys().filter(|k| !notes.contains(*k)).cloned().collect();
    let cards = plan.cards();
    let state = State::of(plan, cards, &bodies, others, page_keys.into_iter().collect());
    Ok((sink, bodies, report, state))
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
        let (sink, bodies, report, state) = full(&vault, &opts, &cfg, &theme)?;
        Ok(Self { vault, opts, cfg, theme, files: sink.files, bodies, report, state })
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
        let mut edited: Vec<NoteIdx> = idx_edits.iter().map(|(i, _)| *i).collect();
        edited.sort_unstable();
        edited.dedup();
        let before: Vec<Before> = edited
            .iter()
            .map(|&e| Before {
                note: e,
                facts: NoteFacts::of(&self.vault, e),
                targets: targets(&self.vault, e),
                digests: Digests::of(&self.vault, e),
            })
            .collect();
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
        let Some(detached) = self.state.plan.take() else {
            return self.rebuild_current(start, "no plan was kept");
        };
        let vault = &self.vault;
        let site = config::Site::resolve(&self.cfg, &vault.root);
        let drafts = self.opts.include_drafts;
        // The plan as it was, over the edited vault (its data is the old plan's).
        let old_plan = Plan::attach(vault, detached);
        let mut kept = before.iter().all(|b| NoteFacts::of(vault, b.note) == b.facts);
        let (mut plan, mut old_plan) = if kept {
            (old_plan, None)
        } else {
            let plan = Plan::new(vault, site.clone(), drafts);
            if plan.published != old_plan.published || plan.rel != old_plan.rel {
                return self.rebuild_current(start, "which notes are published changed");
            }
            (plan, Some(old_plan))
        };
        step(if kept { "plan kept" } else { "plan" });

        // Bodies to render again: what reads an edited note's text (embeds,
        // heading links) or resolves differently now. A plain link reads
        // only the note's URL, which an in-place edit keeps.
        let mut render: FxHashSet<NoteIdx> = edited.iter().copied().chain(relinked.iter().copied()).collect();
        for &e in &edited {
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
        let render: Vec<NoteIdx> = {
            let mut v: Vec<NoteIdx> = render.into_iter().filter(|&i| plan.is_published(i)).collect();
            v.sort_unstable();
            v
        };
        let budget = feeds::text_budget(plan.published.len());
        let ropts = RenderOptions::default();
        let fresh: Vec<(NoteIdx, Body)> =
            render.par_iter().map(|&i| (i, crate::render_body(vault, &plan, i, &ropts, budget))).collect();
        // A kept plan holds the pages the old bodies asked for: the new ones must ask for the same.
        let mut asked_same = true;
        for (i, b) in fresh {
            asked_same &= self.bodies[i].as_ref().is_some_and(|old| old.asked.same_pages(&b.asked));
            self.bodies[i] = Some(b);
        }
        step("render");
        if kept && !asked_same {
            kept = false;
            old_plan = Some(plan);
            plan = Plan::new(vault, site, drafts);
        }
        let mut used = FxHashSet::default();
        if !kept {
            let (u, requested) = crate::asked_by(&self.bodies);
            used = u;
            plan.add_requested(requested);
            if !agree(&self.state.named, &named_rels(&plan)) {
                drop(plan);
                drop(old_plan);
                return self.rebuild_current(start, "a tag, keyword or unwritten page moved");
            }
        }

        // Cards, and the notes whose card or rank changed.
        // With a kept plan only the edited notes' cards can change: the old
        // ones are kept aside (`old_cards` holds just those then).
        let mut cards = std::mem::take(&mut self.state.cards);
        let old_cards: FxHashMap<NoteIdx, Option<Card>> = if kept {
            edited.iter().map(|&e| (e, std::mem::replace(&mut cards[e], plan.card(e)))).collect()
        } else {
            let mut fresh = plan.cards();
            // An unchanged card keeps its template value and digest (made once).
            for (new, old) in fresh.iter_mut().zip(cards.iter_mut()) {
                if new == old {
                    std::mem::swap(new, old);
                }
            }
            std::mem::replace(&mut cards, fresh).into_iter().enumerate().collect()
        };
        let old_card = |i: NoteIdx| old_cards.get(&i).and_then(Option::as_ref);
        let changed_cards: Vec<NoteIdx> = match &old_plan {
            None => edited.iter().copied().filter(|&e| cards[e].as_ref() != old_card(e)).collect(),
            Some(old) => plan
                .published
                .iter()
                .copied()
                .filter(|&i| cards[i].as_ref() != old_card(i) || plan.rank[i] != old.rank[i])
                .collect(),
        };
        let links_changed: Vec<NoteIdx> =
            before.iter().filter(|b| targets(vault, b.note) != b.targets).map(|b| b.note).collect();

        // Note pages to fill again: re-rendered bodies, and the pages that
        // show a changed card (backlinks, links, local graphs) or gained or
        // lost a link from an edited note.
        let mut pages: FxHashSet<NoteIdx> = render.iter().copied().collect();
        for &c in &changed_cards {
            pages.insert(c);
            pages.extend(plan.backlinks(c));
            pages.extend(linked(vault, c));
        }
        if !links_changed.is_empty() || old_plan.is_some() {
            pages.extend(old_near.iter().copied());
            for &e in &links_changed {
                pages.extend(linked(vault, e));
            }
        }
        if old_plan.is_some() {
            let old_unwritten: Vec<&str> =
                old_plan.iter().flat_map(|p| p.unwritten.iter().map(|u| u.name.as_str())).collect();
            for (k, u) in plan.unwritten.iter().enumerate() {
                if old_unwritten.get(k) != Some(&u.name.as_str()) {
                    pages.extend(u.notes.iter().copied());
                }
            }
        }
        let mut pages: Vec<NoteIdx> = pages.into_iter().filter(|&i| plan.is_published(i)).collect();
        pages.sort_unstable();

        let globals = Globals::new(&plan, drafts, self.opts.preview, self.theme.has_custom_css);
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

        let mut sink = MemorySink::default();
        for (rel, html) in note_pages {
            sink.add(rel, html)?;
        }
        // Other pages. A tag, keyword or unwritten page changes only when the
        // notes it lists change, or the card of one of them does; the index
        // and the digests when a card or what a digest shows of a note does.
        let changed_set: FxHashSet<NoteIdx> = changed_cards.iter().copied().collect();
        let digests_now: Vec<Digests> = before.iter().map(|b| Digests::of(vault, b.note)).collect();
        let digests_changed = before.iter().zip(&digests_now).any(|(b, now)| *now != b.digests);
        // Which pages the lists have: with a kept plan only a digest can gain
        // or lose one (the other lists and their lengths are the plan's), and
        // only when an edited note joined or left it.
        let listing_changed =
            before.iter().zip(&digests_now).any(|(b, now)| now.listing() != b.digests.listing());
        let later = if kept && !listing_changed { None } else { Some(plan.later_pages(&cards)) };
        if kept && later.as_ref().is_some_and(|l| *l != self.state.later) {
            drop(plan);
            drop(old_plan);
            self.state.cards = cards;
            return self.rebuild_current(start, "a digest gained or lost a page");
        }
        let old_lists = &self.state.lists;
        let list = |rel: &str, notes: &[NoteIdx]| {
            old_lists.get(rel).is_none_or(|old| old.as_slice() != notes)
                || notes.iter().any(|n| changed_set.contains(n))
        };
        // The tag and keyword indexes show each page's name, URL and count.
        let counts_changed = |old: &Plan<'_>| {
            let tags =
                |p: &Plan<'_>| p.tags.values().map(|t| (t.rel.clone(), t.notes.len())).collect::<Vec<_>>();
            let kws = |p: &Plan<'_>| {
                p.keywords.values().map(|k| (k.rel.clone(), k.notes.len())).collect::<Vec<_>>()
            };
            (tags(old) != tags(&plan), kws(old) != kws(&plan))
        };
        let (tags_changed, keywords_changed) = old_plan.as_ref().map_or((false, false), counts_changed);
        let single = |rel: &str| match rel {
            "index.html" => !changed_set.is_empty(),
            "claims/index.html" | "questions/index.html" | "sources/index.html" => {
                !changed_set.is_empty() || digests_changed
            }
            "tags/index.html" => tags_changed,
            "keywords/index.html" => keywords_changed,
            // The graph, search and 404 pages show only the site's settings.
            _ => false,
        };
        let want = Want { single: &single, list: &list };
        // Of those, only the pages whose context key changed are filled again.
        let old_keys = &self.state.page_keys;
        let files = &self.files;
        // A kept plan with no card and no digest changed: no other page can differ.
        let none = kept && changed_set.is_empty() && !digests_changed;
        let others: Vec<(String, Option<Vec<u8>>, crate::cache::Hash)> =
            if none { Vec::new() } else { plan.other_pages(&globals, &cards, &want) }
                .into_par_iter()
                .map(|page| {
                    let (rel, name, (ctx, key)) = page.make();
                    if old_keys.get(&rel) == Some(&key) && files.contains_key(&rel) {
                        return Ok((rel, None, key));
                    }
                    theme.render(name, ctx).map(|h| (rel, Some(h.into_bytes()), key))
                })
                .collect::<Result<_, _>>()?;
        let mut page_keys = std::mem::take(&mut self.state.page_keys);
        let mut other_keys: FxHashSet<String> = FxHashSet::default();
        for (rel, html, key) in others {
            other_keys.insert(rel.clone());
            page_keys.insert(rel.clone(), key);
            if let Some(html) = html {
                sink.add(rel, html)?;
            }
        }
        step("other pages");

        // Site-wide files: each made again only when something it shows changed.
        let changed_or_rendered: FxHashSet<NoteIdx> = changed_set.iter().chain(&render).copied().collect();
        let mut search_docs = std::mem::take(&mut self.state.search_docs);
        // A search entry shows a card and the start of a body: only those of
        // changed cards and re-rendered bodies can differ (and which notes are
        // published, hence the shards, is the same).
        let budget = feeds::snippet_budget(plan.published.len());
        let mut shards: Vec<usize> = Vec::new();
        for &i in &changed_or_rendered {
            let doc = cards[i].as_ref().map(|c| feeds::search_doc(c, bodies[i].as_ref(), budget));
            if search_docs[i] != doc {
                search_docs[i] = doc;
                if let Ok(pos) = plan.published.binary_search(&i) {
                    shards.push(pos / feeds::SHARD);
                }
            }
        }
        shards.sort_unstable();
        shards.dedup();
        for k in shards {
            let notes = plan.published.iter().skip(k * feeds::SHARD).take(feeds::SHARD);
            let docs = notes.filter_map(|&i| search_docs[i].as_deref());
            sink.add(feeds::shard_rel(k), feeds::join_shard(docs))?;
        }
        let nodes_changed =
            changed_cards.iter().any(|&i| node_fields(cards[i].as_ref()) != node_fields(old_card(i)));
        if !kept || nodes_changed {
            sink.add("previews.json".to_owned(), feeds::previews(&plan, &cards))?;
        }
        if !kept || nodes_changed || !links_changed.is_empty() {
            sink.add("graph.json".to_owned(), graph::site_json(&plan, &cards))?;
        }
        if !kept || feeds::feed_notes(&plan).iter().any(|i| changed_or_rendered.contains(i)) {
            sink.add("feed.xml".to_owned(), feeds::atom(&plan, &cards, bodies)?)?;
        }
        if !kept || !changed_cards.is_empty() {
            sink.add("sitemap.xml".to_owned(), feeds::sitemap(&plan, &cards))?;
        }
        // With a kept plan nothing else can have changed: the same pages,
        // files and attachments. Otherwise list what the site holds now.
        if !kept {
            other_keys.extend(plan.lists().keys().map(|rel| format!("{rel}index.html")));
            for rel in ["search-index.json", "previews.json", "graph.json", "feed.xml", "sitemap.xml"] {
                other_keys.insert(rel.to_owned());
            }
            other_keys.extend((0..plan.published.len().div_ceil(feeds::SHARD)).map(feeds::shard_rel));
            other_keys.extend(crate::pages::SINGLE_PAGES.iter().map(|&rel| rel.to_owned()));
            other_keys.extend(later.iter().flatten().cloned());
            for (name, _) in &theme.assets {
                if self.files.contains_key(name) {
                    other_keys.insert(name.clone());
                }
            }
            if self.files.contains_key("robots.txt") {
                other_keys.insert("robots.txt".to_owned());
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
                    sink.has(&rel) || (self.files.contains_key(&rel) && !self.state.others.contains(&rel));
                if clash || rel.split('/').any(|p| p == ".." || p.is_empty()) || rel == MARKER {
                    continue;
                }
                let src = vault.root.join(&rel);
                if src.is_file() {
                    other_keys.insert(rel.clone());
                    sink.files.insert(rel, SiteFile::Copied(src));
                }
            }
        }
        step("json+feed");

        let mut changed = Vec::new();
        if !kept {
            for gone in self.state.others.iter().filter(|k| !other_keys.contains(*k)) {
                if self.files.remove(gone).is_some() {
                    changed.push((gone.clone(), None));
                }
            }
        }
        for (rel, file) in sink.files {
            if self.files.get(&rel) != Some(&file) {
                self.files.insert(rel.clone(), file.clone());
                changed.push((rel, Some(file)));
            }
        }
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        drop(old_plan);
        if kept {
            self.state.cards = cards;
            self.state.page_keys = page_keys;
            self.state.search_docs = search_docs;
            self.state.plan = Some(plan.detach());
        } else {
            page_keys.retain(|rel, _| other_keys.contains(rel));
            self.state = State {
                later: later.unwrap_or_default(),
                named: named_rels(&plan),
                lists: plan.lists(),
                others: other_keys,
                page_keys,
                cards,
                search_docs,
                plan: Some(plan.detach()),
            };
        }
        step("diff");
        Ok(Some(Update { changed, elapsed: start.elapsed(), full: false, rendered: render.len(), steps }))
    }

    /// Rebuild everything from the vault as it is now (the fallback of [`LiveSite::edit_notes`]).
    fn rebuild_current(&mut self, start: Instant, _why: &'static str) -> Result<Option<Update>, BuildError> {
        let built = full(&self.vault, &self.opts, &self.cfg, &self.theme)?;
        Ok(Some(self.install(built, start)))
    }

    /// Take a whole site built by [`full`] as the current one.
    fn install(&mut self, (sink, bodies, report, state): Built, start: Instant) -> Update {
        let rendered = report.notes;
        let changed = diff(&self.files, sink.files.clone());
        self.files = sink.files;
        self.bodies = bodies;
        self.report = report;
        self.state = state;
        Update { changed, elapsed: start.elapsed(), full: true, rendered, steps: Vec::new() }
    }
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
