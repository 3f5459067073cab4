//! The publishing pipeline: the phases of a build as the methods of one
//! [`Pipeline`]. A full build (`crate::build`, and `LiveSite`'s first
//! build) runs all of them ([`Pipeline::build_all`]); a live edit
//! (`crate::live`) works out what the edit dirtied and runs the same
//! methods on just that: some bodies, some note pages, some other pages,
//! some site files.
//!
//! The phases, in order:
//!
//! 1. [`Pipeline::render_bodies`]: note bodies, rendered through
//!    [`render_body`] (the one place a body is rendered) or taken from the
//!    build cache;
//! 2. [`Pipeline::fill_note_pages`]: the notes' pages around them;
//! 3. [`Pipeline::fill_other_pages`]: index, tags, keywords, digests,
//!    unwritten notes, graph, search and 404 pages;
//! 4. [`Pipeline::write_site_files`]: search index, previews, graph JSON,
//!    feed, sitemap, robots.txt, redirect pages and `_redirects`;
//! 5. `Pipeline::write_social_cards`: each note's social card (see `crate::social`);
//! 6. [`Pipeline::attachments`]: the attachments published notes link to.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use vellum_render::{RenderOptions, render_note};
use vellum_vault::{FileId, FileKind, NoteIdx, TextError, Vault};

use crate::cache::{self, Hash};
use crate::observe::{Observer, Phase};
use crate::output::{MARKER, Sink};
use crate::pages::{Body, BodyHtml, Card, Globals, Want};
use crate::plan::{Plan, Requested, SiteUrls};
use crate::social::{self, Social};
use crate::theme::Theme;
use crate::{BuildError, BuildReport, Timings, changed_fails, feeds, graph, redirects, text};

/// Render note `i`'s body with `plan` deciding the URLs, recording what it
/// asked for; `budget` characters of its plain text are kept.
///
/// Fails when a released text it reads changed on disk ([`render_note`]).
pub(crate) fn render_body(
    vault: &Vault,
    plan: &Plan<'_>,
    i: NoteIdx,
    opts: &RenderOptions,
    budget: usize,
) -> Result<Body, TextError> {
    let urls = SiteUrls::new(plan);
    let r = render_note(vault, i, &urls, opts)?;
    let text = text::html_to_text(&r.html, budget);
    Ok(Body {
        html: BodyHtml::Rendered { html: r.html, toc: r.toc, properties: r.properties },
        text,
        asked: urls.into_asked(),
        key: None,
    })
}

/// How long a body keeps its HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Until its page is written (a build to disk: the bodies of the whole
    /// vault are never in memory at once). The feed's bodies keep theirs.
    UntilWritten,
    /// For good (the site in memory of `vellum serve`, which edits refill).
    Always,
}

/// The build cache as one build uses it.
pub(crate) struct Cached {
    /// The keys of this build's inputs.
    pub(crate) keys: cache::Keys,
    /// What the last build left.
    pub(crate) cache: cache::Cache,
    /// What this build leaves (saved once the output is in place).
    pub(crate) record: cache::Record,
}

/// Which of the files made from the whole site a run writes.
#[derive(Debug)]
pub(crate) struct SiteFiles {
    pub(crate) search: Search,
    /// `previews.json`.
    pub(crate) previews: bool,
    /// `graph.json`.
    pub(crate) graph: bool,
    /// `feed.xml`.
    pub(crate) feed: bool,
    /// `sitemap.xml`.
    pub(crate) sitemap: bool,
    /// `robots.txt`.
    pub(crate) robots: bool,
    /// `explorer.html`: the folder tree every page loads.
    pub(crate) explorer: bool,
    /// The redirect pages and `_redirects` (`crate::redirects`).
    pub(crate) redirects: bool,
}

impl SiteFiles {
    /// Every one of them.
    pub(crate) fn all() -> Self {
        Self {
            search: Search::All,
            previews: true,
            graph: true,
            feed: true,
            sitemap: true,
            robots: true,
            explorer: true,
            redirects: true,
        }
    }
}

/// Which files of the search index a run writes.
#[derive(Debug)]
pub(crate) enum Search {
    /// `search-index.json` and every shard.
    All,
    /// These shards (by number).
    Shards(Vec<usize>),
}

/// What a [`Pipeline`] is given besides its vault, plan, cards, bodies and sink.
pub(crate) struct Setup<'r> {
    pub(crate) theme: &'r Theme,
    /// Drafts are published (`--drafts`).
    pub(crate) drafts: bool,
    /// `vellum serve`'s private preview.
    pub(crate) preview: bool,
    pub(crate) keep: Keep,
    pub(crate) cache: Option<Cached>,
    pub(crate) observer: &'r dyn Observer,
}

/// One build or one update of a site: the plan, cards and bodies it fills
/// pages from, the sink it writes to, and the build cache.
pub(crate) struct Pipeline<'v, 'r> {
    pub(crate) vault: &'v Vault,
    pub(crate) plan: Plan<'v>,
    /// The values every page gets; made again with [`Pipeline::refresh_globals`]
    /// when the plan changes.
    pub(crate) globals: Globals,
    /// Each published note's card, by note index.
    pub(crate) cards: Vec<Option<Card>>,
    /// Each published note's body, by note index.
    pub(crate) bodies: Vec<Option<Body>>,
    pub(crate) sink: &'r mut dyn Sink,
    theme: &'r Theme,
    drafts: bool,
    preview: bool,
    keep: Keep,
    /// The open build cache and the keys of this build's inputs.
    cache: Option<(cache::Keys, cache::Cache)>,
    /// What this build leaves in the cache.
    pub(crate) record: Option<cache::Record>,
    observer: &'r dyn Observer,
    /// Context keys of pages other than notes' that are in place already (a
    /// live site): such a page whose key is unchanged is not filled again.
    pub(crate) in_place: FxHashMap<String, Hash>,
    /// Every page other than a note's that this run filled, reused or left
    /// in place, with its context key.
    pub(crate) page_keys: Vec<(String, Hash)>,
    /// Each published note's search entry, by note index (with
    /// [`Keep::Always`]: an edit rewrites only the shards whose entries changed).
    pub(crate) search_docs: Vec<Option<String>>,
    /// The notes of the feed (with [`Keep::UntilWritten`]: their bodies keep their HTML).
    pub(crate) in_feed: FxHashSet<NoteIdx>,
    /// The entries of each search shard written, kept for the build cache.
    pub(crate) shards: Vec<Vec<String>>,
    render_opts: RenderOptions,
    /// Characters of plain text kept per body.
    budget: usize,
    /// Bodies rendered (not taken from the cache).
    rendered: AtomicUsize,
    /// Pages filled or reused (each once).
    pub(crate) pages: usize,
    pub(crate) warnings: Vec<String>,
    pub(crate) timings: Timings,
    /// Social cards: where they are kept, how many were put in and drawn.
    pub(crate) social: Social,
}

/// A note's page, its build-cache key, and the view the cache keeps of it.
type NotePage = (Page, Option<Hash>, Option<crate::pages::StoredView>);

/// A page filled by the pipeline.
enum Page {
    /// Rendered: its bytes.
    Written(String, Vec<u8>),
    /// Linked from the previous output (the build cache knows it unchanged).
    Reused(String, PathBuf),
    /// Already in place with the same context (a live site).
    Unchanged(String),
}

impl Page {
    /// Its output-relative path.
    fn rel(&self) -> &str {
        match self {
            Self::Written(rel, _) | Self::Reused(rel, _) | Self::Unchanged(rel) => rel,
        }
    }
}

impl<'v, 'r> Pipeline<'v, 'r> {
    /// A pipeline over `plan` with these cards and bodies (one slot per note).
    pub(crate) fn new(
        vault: &'v Vault,
        plan: Plan<'v>,
        cards: Vec<Option<Card>>,
        bodies: Vec<Option<Body>>,
        sink: &'r mut dyn Sink,
        setup: Setup<'r>,
    ) -> Self {
        let Setup { theme, drafts, preview, keep, cache, observer } = setup;
        let render_opts = RenderOptions::default()
            .with_properties(plan.site.properties.clone())
            .with_locale(plan.site.catalogue.locale.clone());
        let (cache, record) = match cache {
            Some(Cached { keys, cache, record }) => (Some((keys, cache)), Some(record)),
            None => (None, None),
        };
        let in_feed = match keep {
            Keep::UntilWritten => feeds::feed_notes(&plan).into_iter().collect(),
            Keep::Always => FxHashSet::default(),
        };
        let budget = feeds::text_budget(plan.published.len());
        // Cards are kept with the build cache; a live site only reads them.
        let card_dir = vault.root.join(social::CARD_DIR);
        let store = match (cache.is_some(), keep) {
            (true, _) => social::Store::ReadWrite(card_dir),
            (false, Keep::Always) => social::Store::Read(card_dir),
            (false, Keep::UntilWritten) => social::Store::None,
        };
        let mut p = Self {
            vault,
            globals: Globals::new(&plan, drafts, preview, theme.has_custom_css),
            plan,
            cards,
            bodies,
            sink,
            theme,
            drafts,
            preview,
            keep,
            cache,
            record,
            observer,
            in_place: FxHashMap::default(),
            page_keys: Vec::new(),
            search_docs: Vec::new(),
            in_feed,
            shards: Vec::new(),
            render_opts,
            budget,
            rendered: AtomicUsize::new(0),
            pages: 0,
            warnings: Vec::new(),
            timings: Timings::default(),
            social: Social { store: Some(store), ..Social::default() },
        };
        p.refresh_globals();
        p
    }

    /// Make the globals again from the plan as it is now.
    pub(crate) fn refresh_globals(&mut self) {
        self.globals = Globals::new(&self.plan, self.drafts, self.preview, self.theme.has_custom_css);
        // Page keys serve the build cache and a live site's updates; a
        // build to disk without a cache does not hash its pages.
        self.globals.keys = self.keep == Keep::Always || self.cache.is_some();
    }

    /// Take `plan` instead (and make the globals again); the old plan is returned.
    pub(crate) fn set_plan(&mut self, plan: Plan<'v>) -> Plan<'v> {
        let old = std::mem::replace(&mut self.plan, plan);
        self.refresh_globals();
        old
    }

    /// Note bodies rendered so far (the rest came from the build cache).
    pub(crate) fn rendered(&self) -> usize {
        self.rendered.load(Ordering::Relaxed)
    }

    /// Every phase over the whole site. The note bodies and their pages go
    /// 256 notes at a time, so that (with [`Keep::UntilWritten`]) the bodies
    /// of the whole vault are never in memory at once. The pages are filled
    /// with the plan as it is before rendering; if a body asked for a page
    /// the plan did not foresee (a tag, keyword or unwritten note met only in
    /// rendered text), the plan grows and every note page is filled again
    /// over the first ones. Returns how many attachments were copied.
    pub(crate) fn build_all(&mut self) -> Result<usize, BuildError> {
        let start = Instant::now();
        let write_before = self.sink.write_time();
        self.observer.phase(Phase::Render);
        let published = self.plan.published.clone();
        let mut render_time = Duration::ZERO;
        for chunk in published.chunks(256) {
            let t = Instant::now();
            self.render_bodies(chunk)?;
            render_time += t.elapsed();
            self.fill_note_pages(chunk, false)?;
        }
        let requested = self.requested();
        if !requested.is_empty() {
            self.plan.add_requested(requested);
            self.cards = self.plan.cards();
            self.refresh_globals();
            self.sink.sync()?;
            self.fill_note_pages(&published, true)?;
        }
        self.timings.render = render_time;

        self.observer.phase(Phase::Pages);
        self.fill_other_pages(&Want::ALL)?;
        self.write_assets()?;
        self.timings.pages = start
            .elapsed()
            .saturating_sub(render_time)
            .saturating_sub(self.sink.write_time().saturating_sub(write_before));

        self.render_feed_bodies()?;
        self.write_site_files(&SiteFiles::all())?;
        let (t, w) = (Instant::now(), self.sink.write_time());
        self.write_social_cards(&published, true)?;
        self.timings.social = self.since(t, w);

        self.observer.phase(Phase::Write);
        let copies = self.attachments(&|_| false);
        self.sink.finish(&copies)?;
        self.observer.finished();
        Ok(copies.len())
    }

    /// Render the bodies of `notes` (or take them from the build cache).
    /// Returns whether every one asked for the same attachments and
    /// unforeseen pages as the body it replaces (what a kept plan holds on
    /// a body's behalf).
    ///
    /// # Errors
    /// [`BuildError::Changed`] when released texts changed on disk.
    pub(crate) fn render_bodies(&mut self, notes: &[NoteIdx]) -> Result<bool, BuildError> {
        let this = &*self;
        let made = changed_fails(
            notes
                .par_iter()
                .map(|&i| {
                    this.observer.advanced(1);
                    let (body, entry) = this.render_or_reuse(i)?;
                    Ok((i, body, entry))
                })
                .collect(),
        )?;
        let mut same = true;
        for (i, mut body, entry) in made {
            if let (Some(e), Some(record)) = (entry, self.record.as_mut()) {
                record.notes.insert(self.vault.notes[i].path.clone(), e);
            }
            if self.keep == Keep::UntilWritten {
                // Only the cache entry (made above) reads the questions.
                body.asked.questions = Vec::new();
            }
            same &= self.bodies[i].as_ref().is_some_and(|old| old.asked.same_pages(&body.asked));
            self.bodies[i] = Some(body);
        }
        Ok(same)
    }

    /// Render note `i`'s body now.
    fn render(&self, i: NoteIdx) -> Result<Body, TextError> {
        render_body(self.vault, &self.plan, i, &self.render_opts, self.budget)
    }

    /// Note `i`'s body from the build cache when it is still valid, else
    /// rendered; with its cache entry when caching.
    fn render_or_reuse(&self, i: NoteIdx) -> Result<(Body, Option<cache::NoteEntry>), TextError> {
        let Some((keys, c)) = &self.cache else {
            self.rendered.fetch_add(1, Ordering::Relaxed);
            return Ok((self.render(i)?, None));
        };
        let in_feed = self.in_feed.contains(&i);
        if let Some(v) = c.body(keys, &self.plan, i) {
            let mut entry = v.entry;
            let feed = if in_feed { entry.html.clone() } else { None };
            if !in_feed {
                entry.html = None;
            }
            let body =
                Body { html: BodyHtml::Cached { feed }, text: v.text, asked: v.asked, key: Some(v.key) };
            return Ok((body, Some(entry)));
        }
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let mut body = self.render(i)?;
        let (key, mut entry) = cache::entry(keys, &self.plan, i, &body.text, &body.asked);
        if in_feed {
            entry.html = body.html.feed().map(str::to_owned);
        }
        body.key = Some(key);
        Ok((body, Some(entry)))
    }

    /// The unforeseen pages all bodies asked for (merged in note order).
    pub(crate) fn requested(&self) -> Requested {
        let mut requested = Requested::default();
        for b in self.bodies.iter().flatten() {
            requested.merge(&b.asked.requested);
        }
        requested
    }

    /// Fill the pages of `notes` (with `replace`, over pages of the same
    /// names written before). A page the build cache knows unchanged is
    /// linked from the previous output; a body whose HTML is not at hand is
    /// rendered again for its page. With [`Keep::UntilWritten`] each body
    /// then drops its HTML (but the feed's).
    pub(crate) fn fill_note_pages(&mut self, notes: &[NoteIdx], replace: bool) -> Result<(), BuildError> {
        let this = &*self;
        let pages: Vec<NotePage> =
            notes.par_iter().filter_map(|&i| this.note_page(i)).collect::<Result<_, _>>()?;
        if !replace {
            self.pages += pages.len();
        }
        let pages = pages
            .into_iter()
            .map(|(page, key, stored)| {
                if let (Some(r), Some(view)) = (self.record.as_mut(), stored) {
                    r.views.push((page.rel().to_owned(), view));
                }
                (page, key)
            })
            .collect();
        add_pages(&mut *self.sink, self.record.as_mut(), pages, replace)?;
        if self.keep == Keep::UntilWritten {
            for &i in notes.iter().filter(|i| !self.in_feed.contains(i)) {
                if let Some(b) = self.bodies[i].as_mut()
                    && matches!(b.html, BodyHtml::Rendered { .. })
                {
                    b.html = BodyHtml::Dropped;
                }
            }
        }
        Ok(())
    }

    /// The page of note `i`, with its build-cache key when caching (and,
    /// when it is written, the view the cache keeps of it); `None` when the
    /// note has no page.
    fn note_page(&self, i: NoteIdx) -> Option<Result<NotePage, BuildError>> {
        let body = self.bodies[i].as_ref()?;
        let rel = format!("{}index.html", self.plan.rel[i].as_deref()?);
        self.observer.advanced(1);
        let (plan, g, cards) = (&self.plan, &self.globals, &self.cards[..]);
        let recording = self.record.as_ref().is_some_and(|r| r.patchable);
        let mut key = None;
        let mut ctx = None;
        let mut stored = None;
        if let (Some(body_key), Some((keys, c))) = (body.key, &self.cache) {
            let parts: [&[u8]; 3] = [&keys.salt, b"note.html", &body_key];
            let k = match body.html.page() {
                // The body is at hand: one view of the note for key and context.
                Some(html) => {
                    let (v, k, s) =
                        plan.note_context_and_key(g, i, cards, (&body.text, html), &parts, recording)?;
                    ctx = Some(v);
                    stored = s;
                    k
                }
                None => plan.note_page_key(i, cards, &body.text, &parts)?,
            };
            key = Some(k);
            if let Some(from) = c.reusable(&rel, &k) {
                return Some(Ok((Page::Reused(rel, from), key, None)));
            }
        }
        let ctx = match (ctx, body.html.page()) {
            (Some(ctx), _) => ctx,
            (None, Some(html)) => plan.note_context(g, i, cards, &body.text, html)?,
            (None, None) => {
                self.rendered.fetch_add(1, Ordering::Relaxed);
                let fresh = match self.render(i) {
                    Ok(fresh) => fresh,
                    Err(e) => return Some(Err(e.into())),
                };
                plan.note_context(g, i, cards, &fresh.text, fresh.html.page()?)?
            }
        };
        if recording && stored.is_none() {
            stored = plan.stored_view(i, cards, &body.text);
        }
        let page = self.theme.render("note.html", ctx);
        Some(page.map(|html| (Page::Written(rel, html.into_bytes()), key, stored)))
    }

    /// Fill the pages other than notes' that `want` asks for, a few at a
    /// time (8: enough for two cores), each handed to the sink before the
    /// next are filled (the index and digest pages list every note and are
    /// large). A page is linked from the previous output when the build
    /// cache knows it unchanged, and left as it is when it is
    /// [`in place`](Pipeline::in_place) with the same context key.
    pub(crate) fn fill_other_pages(&mut self, want: &Want<'_>) -> Result<(), BuildError> {
        let (plan, globals, cards) = (&self.plan, &self.globals, &self.cards);
        let (theme, cache, in_place) = (self.theme, self.cache.as_ref(), &self.in_place);
        let mut others = plan.other_pages(globals, cards, want).into_iter();
        loop {
            let some: Vec<_> = others.by_ref().take(8).collect();
            if some.is_empty() {
                break;
            }
            let pages: Vec<(Page, Option<Hash>, Hash)> = some
                .into_par_iter()
                .map(|page| {
                    let (rel, name, (ctx, ctx_key)) = page.make();
                    let mut key = None;
                    if let Some((keys, c)) = cache {
                        let k = cache::hash_json(&[&keys.salt, name.as_bytes(), &ctx_key], &());
                        key = Some(k);
                        if let Some(from) = c.reusable(&rel, &k) {
                            return Ok((Page::Reused(rel, from), key, ctx_key));
                        }
                    }
                    if in_place.get(&rel) == Some(&ctx_key) {
                        return Ok((Page::Unchanged(rel), key, ctx_key));
                    }
                    theme.render(name, ctx).map(|html| (Page::Written(rel, html.into_bytes()), key, ctx_key))
                })
                .collect::<Result<_, _>>()?;
            self.pages += pages.len();
            self.page_keys.extend(pages.iter().map(|(page, _, ctx_key)| (page.rel().to_owned(), *ctx_key)));
            let pages = pages.into_iter().map(|(page, key, _)| (page, key)).collect();
            add_pages(&mut *self.sink, self.record.as_mut(), pages, false)?;
        }
        Ok(())
    }

    /// The theme's stylesheets and scripts (with the renderer's code
    /// highlighting classes and the snippets' callout types in `style.css`).
    pub(crate) fn write_assets(&mut self) -> Result<(), BuildError> {
        for (name, text) in &self.theme.assets {
            let mut text = text.clone();
            if name == "style.css" {
                // Code highlighting classes from the renderer (light and dark).
                text.push_str("\n/* Code highlighting (vellum_render) */\n");
                text.push_str(&vellum_render::highlight_css());
                text.push_str(&crate::callouts::snippet_css(&self.vault.config.snippet_callouts));
            }
            self.sink.add(name.clone(), text.into_bytes())?;
        }
        Ok(())
    }

    /// The feed carries whole bodies: render those of its notes whose HTML
    /// is not at hand (taken from a cache that did not keep it).
    ///
    /// # Errors
    /// [`BuildError::Changed`] when released texts changed on disk.
    pub(crate) fn render_feed_bodies(&mut self) -> Result<(), BuildError> {
        let missing: Vec<NoteIdx> = feeds::feed_notes(&self.plan)
            .into_iter()
            .filter(|&i| self.bodies[i].as_ref().is_some_and(|b| b.html.feed().is_none()))
            .collect();
        let this = &*self;
        let fresh: Vec<(NoteIdx, Body)> =
            changed_fails(missing.par_iter().map(|&i| Ok((i, this.render(i)?))).collect())?;
        self.rendered.fetch_add(fresh.len(), Ordering::Relaxed);
        for (i, b) in fresh {
            let Some(html) = b.html.feed().map(str::to_owned) else { continue };
            let path = &self.vault.notes[i].path;
            if let Some(e) = self.record.as_mut().and_then(|r| r.notes.get_mut(path)) {
                e.html = Some(html.clone());
            }
            if let Some(slot) = self.bodies[i].as_mut() {
                slot.html = BodyHtml::Cached { feed: Some(html) };
            }
        }
        Ok(())
    }

    /// Make the search entries of `notes` again; the shards whose entries changed.
    pub(crate) fn refresh_search_docs(&mut self, notes: &[NoteIdx]) -> Vec<usize> {
        let budget = feeds::snippet_budget(self.plan.published.len());
        let mut shards = Vec::new();
        for &i in notes {
            let doc = self.cards[i].as_ref().map(|c| feeds::search_doc(c, self.bodies[i].as_ref(), budget));
            if self.search_docs[i] != doc {
                self.search_docs[i] = doc;
                if let Ok(pos) = self.plan.published.binary_search(&i) {
                    shards.push(pos / feeds::SHARD);
                }
            }
        }
        shards.sort_unstable();
        shards.dedup();
        shards
    }

    /// Write the site files `files` asks for. Each phase's time leaves out
    /// the writing its files set off (the write phase's).
    pub(crate) fn write_site_files(&mut self, files: &SiteFiles) -> Result<(), BuildError> {
        self.observer.phase(Phase::Search);
        let (t, w) = (Instant::now(), self.sink.write_time());
        self.write_search(&files.search)?;
        if files.previews {
            self.sink.add("previews.json".to_owned(), feeds::previews(&self.plan, &self.cards))?;
        }
        if files.explorer {
            self.sink.add(crate::folders::EXPLORER.to_owned(), self.plan.explorer(&self.cards))?;
        }
        self.timings.search = self.since(t, w);

        self.observer.phase(Phase::Graph);
        let (t, w) = (Instant::now(), self.sink.write_time());
        if files.graph {
            self.sink.add("graph.json".to_owned(), graph::site_json(&self.plan, &self.cards))?;
        }
        self.timings.graph = self.since(t, w);

        self.observer.phase(Phase::Feed);
        let (t, w) = (Instant::now(), self.sink.write_time());
        if files.feed {
            self.sink.add("feed.xml".to_owned(), feeds::atom(&self.plan, &self.cards, &self.bodies)?)?;
        }
        if files.sitemap {
            self.sink.add("sitemap.xml".to_owned(), feeds::sitemap(&self.plan, &self.cards))?;
        }
        if files.robots {
            self.sink.add("robots.txt".to_owned(), feeds::robots(&self.plan))?;
        }
        if files.redirects {
            self.write_redirects()?;
        }
        self.timings.feed = self.since(t, w);
        Ok(())
    }

    /// The redirect pages, and `_redirects` when there is one.
    fn write_redirects(&mut self) -> Result<(), BuildError> {
        for r in &self.plan.redirects {
            if let Some(page) = redirects::page(&self.plan, r) {
                self.sink.add(format!("{}index.html", r.rel), page)?;
            }
        }
        if !self.plan.redirects.is_empty() {
            self.sink.add(redirects::NETLIFY.to_owned(), redirects::netlify(&self.plan))?;
        }
        Ok(())
    }

    /// Time since `t`, less the sink's writing since it stood at `w`.
    fn since(&self, t: Instant, w: Duration) -> Duration {
        t.elapsed().saturating_sub(self.sink.write_time().saturating_sub(w))
    }

    /// The search index. A build to disk makes it one shard at a time (only
    /// one is in memory); a live site keeps every entry, for its edits.
    fn write_search(&mut self, search: &Search) -> Result<(), BuildError> {
        match search {
            Search::All if self.keep == Keep::UntilWritten => {
                self.sink.add("search-index.json".to_owned(), feeds::search_manifest(&self.plan))?;
                let keep = self.record.as_ref().is_some_and(|r| r.patchable);
                for (rel, docs) in feeds::search_shards(&self.plan, &self.cards, &self.bodies) {
                    self.sink.add(rel, feeds::join_shard(docs.iter().map(String::as_str)))?;
                    if keep {
                        self.shards.push(docs);
                    }
                }
            }
            Search::All => {
                self.search_docs = feeds::search_docs(&self.plan, &self.cards, &self.bodies);
                self.sink.add("search-index.json".to_owned(), feeds::search_manifest(&self.plan))?;
                for k in 0..self.plan.published.len().div_ceil(feeds::SHARD) {
                    self.write_shard(k)?;
                }
            }
            Search::Shards(shards) => {
                for &k in shards {
                    self.write_shard(k)?;
                }
            }
        }
        Ok(())
    }

    /// Search shard `k` from the kept entries.
    fn write_shard(&mut self, k: usize) -> Result<(), BuildError> {
        let notes = self.plan.published.iter().skip(k * feeds::SHARD).take(feeds::SHARD);
        let docs = notes.filter_map(|&i| self.search_docs.get(i)?.as_deref());
        let bytes = feeds::join_shard(docs);
        self.sink.add(feeds::shard_rel(k), bytes)
    }

    /// The attachments the published notes link to or embed, as `(source,
    /// output path)`: not those that clash with a generated file (written to
    /// the sink, or `in_place` already) or are missing on disk (each a warning).
    pub(crate) fn attachments(&mut self, in_place: &dyn Fn(&str) -> bool) -> Vec<(PathBuf, String)> {
        let mut files: Vec<FileId> = self
            .bodies
            .iter()
            .flatten()
            .flat_map(|b| b.asked.attachments.iter().copied())
            .chain(self.plan.linked_attachments())
            .chain(self.plan.image_attachments())
            .collect();
        files.sort_unstable();
        files.dedup();
        let mut copies = Vec::new();
        for file in files {
            if self.vault.files.kind(file) != FileKind::Attachment {
                continue;
            }
            let rel = self.vault.files.path(file).to_owned();
            let clash = self.sink.has(&rel) || in_place(&rel);
            if clash || rel.split('/').any(|p| p == ".." || p.is_empty()) || rel == MARKER {
                self.warnings
                    .push(format!("attachment `{rel}` clashes with a generated file and was not copied"));
                continue;
            }
            let src = self.vault.root.join(&rel);
            if !src.is_file() {
                self.warnings.push(format!("attachment `{rel}` is missing on disk and was not copied"));
                continue;
            }
            copies.push((src, rel));
        }
        copies
    }

    /// Leave in the record what a patch of this build's output starts from
    /// (see `crate::patch`): the state of the vault as `fresh` took it, and
    /// the build's `warnings`.
    pub(crate) fn record_state(&mut self, fresh: &crate::Fresh, warnings: &[String]) {
        let Some(record) = self.record.as_mut().filter(|r| r.patchable) else { return };
        record.shards = std::mem::take(&mut self.shards);
        record.patch = crate::patch::State::of(
            &self.plan,
            &self.globals,
            &self.cards,
            &self.in_feed,
            &record.shards,
            fresh,
            &record.notes,
        )
        .map(|mut state| {
            state.warnings = warnings.to_vec();
            state
        });
    }

    /// The open build cache and what this build leaves in it (saved once
    /// the output is in place).
    pub(crate) fn into_record(self) -> Option<(cache::Cache, cache::Record)> {
        self.cache.map(|(_, c)| c).zip(self.record)
    }

    /// Put the counts, timings and warnings of the run into `report`.
    pub(crate) fn report_into(&mut self, report: &mut BuildReport) {
        let plan = &self.plan;
        report.pages = self.pages;
        report.notes = plan.published.len();
        report.drafts = plan.published.iter().filter(|&&i| self.vault.notes[i].is_draft()).count();
        report.tags = plan.tags.len();
        report.keywords = plan.keywords.len();
        report.unwritten = plan.unwritten.len();
        report.warnings.extend(plan.warnings.iter().cloned());
        report.rendered = self.rendered();
        report.social_cards = self.social.cards;
        report.social_cards_drawn = self.social.drawn;
        let t = &mut report.timings;
        (t.render, t.pages, t.search, t.graph, t.feed, t.social) = (
            self.timings.render,
            self.timings.pages,
            self.timings.search,
            self.timings.graph,
            self.timings.feed,
            self.timings.social,
        );
        report.warnings.append(&mut self.warnings);
    }
}

/// Hand pages (written, linked from the previous output, or left in place)
/// to `sink` and record their keys; with `replace`, over pages of the same
/// names written before.
fn add_pages(
    sink: &mut dyn Sink,
    mut record: Option<&mut cache::Record>,
    pages: Vec<(Page, Option<Hash>)>,
    replace: bool,
) -> Result<(), BuildError> {
    for (page, key) in pages {
        let rel = match page {
            Page::Written(rel, html) if replace => {
                sink.replace(rel.clone(), html)?;
                rel
            }
            Page::Written(rel, html) => {
                sink.add(rel.clone(), html)?;
                rel
            }
            Page::Reused(rel, from) => {
                sink.reuse(rel.clone(), from)?;
                rel
            }
            Page::Unchanged(_) => continue,
        };
        if let (Some(r), Some(k)) = (record.as_deref_mut(), key) {
            r.pages.push((rel, k));
        }
    }
    Ok(())
}
