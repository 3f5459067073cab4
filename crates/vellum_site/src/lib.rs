//! `vellum_site` publishes a vault as a static website: one page per published
//! note around the body from `vellum_render`, the timeline, tag and keyword
//! pages, the journal digests (claims, questions, sources), pages for
//! unwritten notes, an Atom feed, a sitemap, a search index with a small
//! client, and a link graph.
//!
//! [`build`] runs these phases:
//!
//! 1. **Plan** (the `plan` module): pick the published notes (drafts only with
//!    [`BuildOptions::include_drafts`]) and give every page a stable slug URL.
//! 2. **Render**: each published note's body, in parallel, through
//!    [`vellum_render::render_note`] with the plan as [`vellum_render::Urls`].
//! 3. **Pages**: minijinja templates of the theme ([`theme`](mod@theme)) around
//!    the bodies, plus the index, tag, keyword, digest and unwritten pages.
//! 4. **Search index, graph, feed and sitemap**: JSON and XML files.
//! 5. **Write**: everything goes into a staging folder beside the output,
//!    which then replaces the output in one rename (the `output` module).
//!
//! **Invariant:** a draft never reaches the output of a build without
//! `include_drafts`: not as a page, a link, a search entry, a graph node, a
//! feed entry or a count. Everything that lists notes reads them from the
//! plan's published set.

mod cache;
pub mod config;
mod feeds;
mod graph;
pub mod live;
mod output;
mod pages;
mod plan;
mod progress;
pub mod slug;
mod text;
pub mod theme;

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use vellum_render::{RenderOptions, render_note};
use vellum_vault::{FileKind, Vault};

pub use cache::{CACHE_FILE, Fresh, up_to_date};
pub use config::{DEFAULT_PAGE_SIZE, SiteConfig};
pub use live::{LiveSite, Update};
pub use output::MARKER;

pub use crate::output::SiteFile;
use crate::output::{Sink, Staging, Writer};
use crate::pages::{Body, Globals};
use crate::plan::{Plan, SiteUrls};
use crate::progress::Progress;
use crate::theme::Theme;

/// What to build and where.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BuildOptions {
    /// The folder to write the site to (replaced as a whole).
    pub output: PathBuf,
    /// Publish drafts too, each with a visible "draft" badge (`--drafts`).
    pub include_drafts: bool,
    /// Replace the output folder even when vellum did not create it.
    pub force: bool,
    /// Show a progress bar on stderr when the build takes over a second
    /// and stderr is a terminal.
    pub progress: bool,
    /// The `[site]` settings; `None` takes the vault's (`<vault>/vellum.toml`,
    /// read when the vault loaded).
    pub site: Option<SiteConfig>,
    /// A private preview (`vellum serve`): each draft's page carries a
    /// "draft — not published" banner (templates see `build.preview`).
    pub preview: bool,
    /// Use the persistent build cache in `<vault>/.vellum/build/` (see
    /// [`up_to_date`] and the `cache` module): unchanged bodies are not
    /// rendered again and unchanged pages are linked from the previous output.
    pub cache: bool,
    /// The vault's stamps taken before it was loaded ([`Fresh::take`]); when
    /// given, a successful build records them so that the next build with
    /// the same stamps is known to be [`up_to_date`]. Give it only when the
    /// vault loaded cleanly (an up-to-date build reports no problems).
    pub fresh: Option<Fresh>,
}

impl BuildOptions {
    /// Build into `output`, drafts left out, no forcing, no progress bar.
    #[must_use]
    pub fn new(output: impl Into<PathBuf>) -> Self {
        Self {
            output: output.into(),
            include_drafts: false,
            force: false,
            progress: false,
            site: None,
            preview: false,
            cache: false,
            fresh: None,
        }
    }
}

/// Time spent in each phase of a build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timings {
    /// Rendering note bodies.
    pub render: Duration,
    /// Filling templates: note pages, index, tags, keywords, digests, unwritten.
    pub pages: Duration,
    /// The search index and link previews.
    pub search: Duration,
    /// The graph JSON.
    pub graph: Duration,
    /// The Atom feed, sitemap and robots.txt.
    pub feed: Duration,
    /// Writing files, copying attachments and swapping the output in.
    pub write: Duration,
    /// The whole build, planning included.
    pub total: Duration,
}

/// What a build produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildReport {
    /// The output folder (absolute).
    pub output: PathBuf,
    /// HTML pages written.
    pub pages: usize,
    /// Note pages (drafts included when asked for).
    pub notes: usize,
    /// Of those, drafts.
    pub drafts: usize,
    /// Tag pages.
    pub tags: usize,
    /// Keyword pages.
    pub keywords: usize,
    /// Pages of unwritten notes.
    pub unwritten: usize,
    /// Attachments copied.
    pub attachments: usize,
    /// Files written in all.
    pub files: usize,
    /// Bytes written in all.
    pub bytes: u64,
    /// Time per phase.
    pub timings: Timings,
    /// Things the user may want to know (no base URL, a skipped attachment…).
    pub warnings: Vec<String>,
    /// Nothing changed since the last build ([`up_to_date`]): nothing was written.
    pub up_to_date: bool,
    /// Note bodies rendered (the rest came from the build cache).
    pub rendered: usize,
    /// Pages linked unchanged from the previous output instead of written.
    pub reused: usize,
}

/// Why a build failed. The previous output, if any, is left untouched.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// Reading or writing a file failed.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// `vellum.toml` has an invalid `[site]` table (or is not valid TOML).
    Config(vellum_vault::ConfigError),
    /// The output folder is not empty and was not made by vellum (no
    /// `.vellum-output` marker); `force` replaces it anyway.
    ForeignOutput(PathBuf),
    /// The output folder holds the vault or some of its notes; never replaced.
    OutputHoldsVault(PathBuf),
    /// The output path cannot be a folder (no name, or a file is there).
    InvalidOutput(PathBuf),
    /// A template failed to parse or render.
    Template {
        /// The template's name.
        name: String,
        /// What went wrong, with the line.
        message: String,
    },
    /// The Atom feed could not be written.
    Feed(String),
    /// Notes whose texts were released after parsing (see
    /// [`vellum_vault::Texts::Release`]) were no longer the texts parsed
    /// when the build read them again: they changed during the build.
    Changed(Vec<String>),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Config(e) => e.fmt(f),
            Self::ForeignOutput(p) => write!(
                f,
                "refusing to replace `{}`: it is not empty and was not created by vellum (use --force to replace it)",
                p.display()
            ),
            Self::OutputHoldsVault(p) => {
                write!(f, "refusing to write the site to `{}`: it holds the vault's notes", p.display())
            }
            Self::InvalidOutput(p) => write!(f, "`{}` cannot be used as the output folder", p.display()),
            Self::Template { name, message } => write!(f, "template `{name}`: {message}"),
            Self::Feed(m) => write!(f, "cannot write the Atom feed: {m}"),
            Self::Changed(paths) => {
                let shown: Vec<String> = paths.iter().take(5).map(|p| format!("`{p}`")).collect();
                let more =
                    if paths.len() > 5 { format!(" and {} more", paths.len() - 5) } else { String::new() };
                write!(
                    f,
                    "{}{more} changed or became unreadable while the site was being built; nothing was published: build again",
                    shown.join(", ")
                )
            }
        }
    }
}

impl From<vellum_vault::ConfigError> for BuildError {
    fn from(e: vellum_vault::ConfigError) -> Self {
        Self::Config(e)
    }
}

impl From<vellum_vault::TextError> for BuildError {
    fn from(e: vellum_vault::TextError) -> Self {
        Self::Changed(vec![e.path])
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Build the site of `vault` into `opts.output`.
///
/// Notes that failed to load (`vault.problems`) are simply absent. The
/// output folder is replaced only when the whole build succeeded.
///
/// # Errors
/// See [`BuildError`]; on error nothing in the output folder has changed.
pub fn build(vault: &Vault, opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let cfg = match &opts.site {
        Some(c) => c.clone(),
        None => vault.config.site.clone()?,
    };
    let site = config::Site::resolve(&cfg, &vault.root);
    let theme = Theme::load(&vault.root)?;
    let mut staging =
        Staging::prepare(&vault.root, vault.notes.iter().map(|n| n.path.as_str()), &opts.output, opts.force)?;
    let mut report = BuildReport { output: staging.output.clone(), ..BuildReport::default() };
    if site.origin.is_empty() {
        report.warnings.push(
            "`[site] base_url` is not set in vellum.toml: the feed, sitemap and Open Graph tags use relative URLs"
                .to_owned(),
        );
    }
    if staging.inside_vault {
        report.warnings.push(format!(
            "the output `{}` is inside the vault: the next load will index its files; prefer `public/`",
            staging.output.display()
        ));
    }
    let mut writer = Writer::new(staging.tmp.clone(), staging.take_spare());
    let cache_at = opts.cache.then(|| CacheAt {
        root: &vault.root,
        output: &staging.output,
        fresh: opts.fresh.as_ref().and_then(Fresh::key),
    });
    let (_, cached, _) = run(vault, opts, site, &theme, &mut writer, &mut report, Mode::Disk(cache_at))?;
    let swap = Instant::now();
    staging.commit()?;
    report.files = writer.files + 1;
    report.bytes = writer.bytes;
    report.reused = writer.linked;
    report.timings.write = writer.time + swap.elapsed();
    if let Some((c, mut record)) = cached {
        record.count(&report);
        if let Err(e) = c.save(record) {
            report.warnings.push(format!("the build cache could not be saved: {e}"));
        }
    }
    report.timings.total = start.elapsed();
    Ok(report)
}

/// A note's body as the render phase made it (rendered, or taken from the
/// cache), with the cache entry to record for it.
type Rendered = (usize, Body, Option<cache::NoteEntry>);

/// Render note `i`'s body with `plan` deciding the URLs, recording what it asked for.
///
/// Fails when a released text it reads changed on disk ([`render_note`]).
pub(crate) fn render_body(
    vault: &Vault,
    plan: &Plan<'_>,
    i: usize,
    opts: &RenderOptions,
    budget: usize,
) -> Result<Body, vellum_vault::TextError> {
    let urls = SiteUrls::new(plan);
    let r = render_note(vault, i, &urls, opts)?;
    let text = text::html_to_text(&r.html, budget);
    Ok(Body { html: r.html, toc: r.toc, text, asked: urls.into_asked(), key: None, cached: false })
}

/// The attachments and unforeseen pages all bodies asked for (merged in note order).
pub(crate) fn asked_by(
    bodies: &[Option<Body>],
) -> (rustc_hash::FxHashSet<vellum_vault::FileId>, plan::Requested) {
    let mut used = rustc_hash::FxHashSet::default();
    let mut requested = plan::Requested::default();
    for b in bodies.iter().flatten() {
        used.extend(b.asked.attachments.iter().copied());
        requested.merge(&b.asked.requested);
    }
    (used, requested)
}

/// Where a disk build keeps its cache (see [`cache`]); `None` in memory.
pub(crate) struct CacheAt<'a> {
    root: &'a std::path::Path,
    output: &'a std::path::Path,
    fresh: Option<cache::Hash>,
}

/// Where [`run`] builds: to disk (bodies dropped once their page is written,
/// with or without the build cache), or into memory for `vellum serve`
/// (every body kept for incremental edits).
pub(crate) enum Mode<'a> {
    Disk(Option<CacheAt<'a>>),
    Memory,
}

/// What [`run`] hands back: every body, and the open cache with what this
/// build leaves in it (saved once the output is in place).
/// And the key of each page other than the notes' (`LiveSite` keeps them
/// to skip refilling a page whose context did not change).
type Ran = (Vec<Option<Body>>, Option<(cache::Cache, cache::Record)>, Vec<(String, cache::Hash)>);

/// What filling note pages needs besides the plan, globals, cards and bodies
/// of the moment.
struct NoteJob<'a, 'v> {
    vault: &'v Vault,
    theme: &'a Theme,
    cache: Option<(&'a cache::Cache, cache::Hash)>,
    render_opts: &'a RenderOptions,
    budget: usize,
    rendered: &'a std::sync::atomic::AtomicUsize,
    progress: &'a Progress,
}

/// The pages of `notes`: linked from the previous output when the cache
/// knows them unchanged, else rendered (with the body rendered first when
/// only its cached form is at hand).
fn note_pages(
    job: &NoteJob<'_, '_>,
    plan: &Plan<'_>,
    globals: &Globals,
    cards: &[Option<pages::Card>],
    bodies: &[Option<Body>],
    notes: &[usize],
) -> Result<Vec<(Page, Option<cache::Hash>)>, BuildError> {
    notes
        .par_iter()
        .filter_map(|&i| {
            let body = bodies[i].as_ref()?;
            let rel = format!("{}index.html", plan.rel[i].as_deref()?);
            job.progress.inc(1);
            let mut key = None;
            let mut ctx = None;
            if let (Some(body_key), Some((c, salt))) = (body.key, job.cache) {
                let parts: [&[u8]; 3] = [&salt, b"note.html", &body_key];
                let k = if body.cached {
                    plan.note_page_key(i, cards, body, &parts)?
                } else {
                    // The body is at hand: one view of the note for key and context.
                    let (c, k) = plan.note_context_and_key(globals, i, cards, body, &parts)?;
                    ctx = Some(c);
                    k
                };
                key = Some(k);
                if let Some(from) = c.reusable(&rel, &k) {
                    return Some(Ok((Page::Reused(rel, from), key)));
                }
            }
            let ctx = match ctx {
                Some(ctx) => ctx,
                None if body.cached => {
                    job.rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let fresh = match render_body(job.vault, plan, i, job.render_opts, job.budget) {
                        Ok(fresh) => fresh,
                        Err(e) => return Some(Err(e.into())),
                    };
                    plan.note_context(globals, i, cards, &fresh)?
                }
                None => plan.note_context(globals, i, cards, body)?,
            };
            Some(job.theme.render("note.html", ctx).map(|html| (Page::Written(rel, html.into_bytes()), key)))
        })
        .collect()
}

/// A page of the note-page phase: rendered, or taken from the previous output.
enum Page {
    Written(String, Vec<u8>),
    Reused(String, PathBuf),
}

impl Page {
    /// Its output-relative path.
    fn rel(&self) -> &str {
        match self {
            Self::Written(rel, _) | Self::Reused(rel, _) => rel,
        }
    }
}

fn run(
    vault: &Vault,
    opts: &BuildOptions,
    site: config::Site,
    theme: &Theme,
    writer: &mut dyn Sink,
    report: &mut BuildReport,
    mode: Mode<'_>,
) -> Result<Ran, BuildError> {
    let (cache_at, keep_html) = match mode {
        Mode::Disk(cache_at) => (cache_at, false),
        Mode::Memory => (None, true),
    };
    let mut plan = Plan::new(vault, site, opts.include_drafts);
    let n_pub = plan.published.len();
    let progress = Progress::new(opts.progress, (n_pub as u64) * 2);

    // The build cache: keys of this build's inputs, and what the last one left.
    let mut cached: Option<(cache::Keys, cache::Cache)> = None;
    let mut record: Option<cache::Record> = None;
    if let Some(at) = cache_at {
        let keys = cache::Keys::new(vault, &plan, opts, &theme.fingerprint);
        match cache::Cache::open(at.root, &keys.salt, at.output) {
            Ok((c, rebuilt)) => {
                if rebuilt {
                    report.warnings.push(format!(
                        "the build cache `{}` could not be read and was started afresh",
                        cache::CACHE_FILE
                    ));
                }
                record = Some(cache::Record::new(keys.salt, at.output.to_path_buf(), at.fresh));
                cached = Some((keys, c));
            }
            Err(cache::Unavailable::Busy) => report
                .warnings
                .push("the build cache is in use by another vellum; building without it".to_owned()),
            Err(cache::Unavailable::Io(m)) => {
                report.warnings.push(format!("the build cache cannot be used ({m}); building without it"));
            }
        }
    }

    // Note bodies (rendered, or taken from the cache) and their pages, chunk
    // by chunk: a body's HTML is dropped once its page is written (unless
    // `keep_html`, or the feed needs it), so the bodies of the whole vault are
    // never in memory at once. The pages are rendered with the plan as it is
    // before rendering; if a body asked for a page the plan did not foresee
    // (a tag, keyword or unwritten note met only in rendered text), the plan
    // grows and every note page is rendered again over the first ones.
    progress.phase("render");
    let start = Instant::now();
    let mut render_time = Duration::ZERO;
    let write_before = writer.write_time();
    let render_opts = RenderOptions::default();
    let budget = feeds::text_budget(n_pub);
    let rendered_count = std::sync::atomic::AtomicUsize::new(0);
    let in_feed: rustc_hash::FxHashSet<usize> = feeds::feed_notes(&plan).into_iter().collect();
    let mut bodies: Vec<Option<Body>> = (0..vault.notes.len()).map(|_| None).collect();
    let mut cards = plan.cards();
    // Page keys serve the build cache and `serve`'s updates (memory mode);
    // a disk build without a cache does not hash its pages.
    let need_keys = keep_html || cached.is_some();
    let mut globals = Globals::new(&plan, opts.include_drafts, opts.preview, theme.has_custom_css);
    globals.keys = need_keys;
    let salt = cached.as_ref().map(|(k, _)| k.salt);
    let job = NoteJob {
        vault,
        theme,
        cache: cached.as_ref().map(|(k, c)| (c, k.salt)),
        render_opts: &render_opts,
        budget,
        rendered: &rendered_count,
        progress: &progress,
    };
    for chunk in plan.published.chunks(256) {
        let t = Instant::now();
        let rendered: Vec<Result<Rendered, vellum_vault::TextError>> = chunk
            .par_iter()
            .map(|&i| {
                progress.inc(1);
                let Some((keys, c)) = &cached else {
                    rendered_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Ok((i, render_body(vault, &plan, i, &render_opts, budget)?, None));
                };
                if let Some(v) = c.body(keys, &plan, i) {
                    let mut entry = v.entry;
                    let html = if in_feed.contains(&i) {
                        entry.html.clone().unwrap_or_default()
                    } else {
                        entry.html = None;
                        String::new()
                    };
                    let body = Body {
                        html,
                        text: v.text,
                        asked: v.asked,
                        key: Some(v.key),
                        cached: true,
                        ..Body::default()
                    };
                    return Ok((i, body, Some(entry)));
                }
                rendered_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let mut body = render_body(vault, &plan, i, &render_opts, budget)?;
                let (key, mut entry) = cache::entry(keys, &plan, i, &body.text, &body.asked);
                if in_feed.contains(&i) {
                    entry.html = Some(body.html.clone());
                }
                body.key = Some(key);
                Ok((i, body, Some(entry)))
            })
            .collect();
        let rendered = changed_fails(rendered)?;
        for (i, mut b, entry) in rendered {
            if let (Some(e), Some(record)) = (entry, record.as_mut()) {
                record.notes.insert(vault.notes[i].path.clone(), e);
            }
            if !keep_html {
                // Only the cache entry (made above) reads the questions.
                b.asked.questions = Vec::new();
            }
            bodies[i] = Some(b);
        }
        render_time += t.elapsed();
        let pages = note_pages(&job, &plan, &globals, &cards, &bodies, chunk)?;
        report.pages += pages.len();
        add_pages(writer, pages, record.as_mut(), false)?;
        if !keep_html {
            for &i in chunk.iter().filter(|i| !in_feed.contains(i)) {
                if let Some(b) = bodies[i].as_mut() {
                    b.html = String::new();
                    b.toc = Vec::new();
                    b.cached = true;
                }
            }
        }
    }
    let (used, requested) = asked_by(&bodies);
    if !requested.is_empty() {
        plan.add_requested(requested);
        cards = plan.cards();
        globals = Globals::new(&plan, opts.include_drafts, opts.preview, theme.has_custom_css);
        globals.keys = need_keys;
        writer.sync()?;
        let pages = note_pages(&job, &plan, &globals, &cards, &bodies, &plan.published)?;
        add_pages(writer, pages, record.as_mut(), true)?;
    }
    report.timings.render = render_time;

    // Every other page.
    progress.phase("pages");
    let others = plan.other_pages(&globals, &cards, &pages::Want::ALL);
    let mut other_keys: Vec<(String, cache::Hash)> = Vec::with_capacity(others.len());
    // A few pages at a time (8: enough for two cores), each handed to the
    // writer before the next are filled: the index and digest pages list
    // every note and are large.
    let mut others = others.into_iter();
    loop {
        let some: Vec<_> = others.by_ref().take(8).collect();
        if some.is_empty() {
            break;
        }
        let pages: Vec<(Page, Option<cache::Hash>, cache::Hash)> = some
            .into_par_iter()
            .map(|page| {
                let (rel, name, (ctx, ctx_key)) = page.make();
                let mut key = None;
                if let Some(salt) = salt {
                    let k = cache::hash_json(&[&salt, name.as_bytes(), &ctx_key], &());
                    key = Some(k);
                    if let Some(from) = cached.as_ref().and_then(|(_, c)| c.reusable(&rel, &k)) {
                        return Ok((Page::Reused(rel, from), key, ctx_key));
                    }
                }
                theme.render(name, ctx).map(|html| (Page::Written(rel, html.into_bytes()), key, ctx_key))
            })
            .collect::<Result<_, _>>()?;
        report.pages += pages.len();
        other_keys.extend(pages.iter().map(|(page, _, ctx_key)| (page.rel().to_owned(), *ctx_key)));
        add_pages(
            writer,
            pages.into_iter().map(|(page, key, _)| (page, key)).collect(),
            record.as_mut(),
            false,
        )?;
    }
    for (name, text) in &theme.assets {
        let mut text = text.clone();
        if name == "style.css" {
            // Code highlighting classes from the renderer (light and dark).
            text.push_str("\n/* Code highlighting (vellum_render) */\n");
            text.push_str(&vellum_render::highlight_css());
        }
        writer.add(name.clone(), text.into_bytes())?;
    }
    report.notes = n_pub;
    report.drafts = plan.published.iter().filter(|&&i| vault.notes[i].is_draft()).count();
    report.tags = plan.tags.len();
    report.keywords = plan.keywords.len();
    report.unwritten = plan.unwritten.len();
    report.timings.pages =
        start.elapsed().saturating_sub(render_time).saturating_sub(writer.write_time() - write_before);

    // The feed carries whole bodies: render the cached ones it shows.
    let feed_cached: Vec<usize> = in_feed
        .iter()
        .copied()
        .filter(|&i| bodies[i].as_ref().is_some_and(|b| b.cached && b.html.is_empty()))
        .collect();
    let fresh = changed_fails(
        feed_cached
            .par_iter()
            .map(|&i| Ok((i, render_body(vault, &plan, i, &render_opts, budget)?)))
            .collect(),
    )?;
    rendered_count.fetch_add(fresh.len(), std::sync::atomic::Ordering::Relaxed);
    report.rendered = rendered_count.into_inner();
    for (i, b) in fresh {
        if let Some(e) = record.as_mut().and_then(|r| r.notes.get_mut(&vault.notes[i].path)) {
            e.html = Some(b.html.clone());
        }
        if let Some(slot) = bodies[i].as_mut() {
            slot.html = b.html;
        }
    }

    // Search index and previews.
    // Each phase's time leaves out the writing its files set off (the write phase's).
    let since =
        |t: Instant, w: Duration, writer: &dyn Sink| t.elapsed().saturating_sub(writer.write_time() - w);
    progress.phase("search");
    let (t, w) = (Instant::now(), writer.write_time());
    for (rel, bytes) in feeds::search_index(&plan, &cards, &bodies) {
        writer.add(rel, bytes)?;
    }
    writer.add("previews.json".to_owned(), feeds::previews(&plan, &cards))?;
    report.timings.search = since(t, w, writer);

    // Graph.
    progress.phase("graph");
    let (t, w) = (Instant::now(), writer.write_time());
    writer.add("graph.json".to_owned(), graph::site_json(&plan, &cards))?;
    report.timings.graph = since(t, w, writer);

    // Feed, sitemap, robots.
    progress.phase("feed");
    let (t, w) = (Instant::now(), writer.write_time());
    writer.add("feed.xml".to_owned(), feeds::atom(&plan, &cards, &bodies)?)?;
    writer.add("sitemap.xml".to_owned(), feeds::sitemap(&plan, &cards))?;
    writer.add("robots.txt".to_owned(), feeds::robots(&plan))?;
    report.timings.feed = since(t, w, writer);

    // Attachments, then everything still queued.
    progress.phase("write");
    let mut attachments: Vec<_> = used.into_iter().chain(plan.linked_attachments()).collect();
    attachments.sort();
    attachments.dedup();
    let mut copies = Vec::new();
    for file in attachments {
        if vault.files.kind(file) != FileKind::Attachment {
            continue;
        }
        let rel = vault.files.path(file).to_owned();
        if writer.has(&rel) || rel.split('/').any(|p| p == ".." || p.is_empty()) || rel == MARKER {
            report
                .warnings
                .push(format!("attachment `{rel}` clashes with a generated file and was not copied"));
            continue;
        }
        let src = vault.root.join(&rel);
        if !src.is_file() {
            report.warnings.push(format!("attachment `{rel}` is missing on disk and was not copied"));
            continue;
        }
        copies.push((src, rel));
    }
    report.attachments = copies.len();
    writer.finish(&copies)?;
    progress.finish();
    Ok((bodies, cached.zip(record).map(|((_, c), r)| (c, r)), other_keys))
}

/// The results of rendering some bodies, or, when released texts among them
/// changed on disk, [`BuildError::Changed`] naming every such note: the pages
/// made from them could not be trusted, so the build stops before anything
/// is swapped in.
pub(crate) fn changed_fails<T>(
    results: Vec<Result<T, vellum_vault::TextError>>,
) -> Result<Vec<T>, BuildError> {
    let mut changed: Vec<String> = Vec::new();
    let mut done = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(t) => done.push(t),
            Err(e) if !changed.contains(&e.path) => changed.push(e.path),
            Err(_) => {}
        }
    }
    if changed.is_empty() { Ok(done) } else { Err(BuildError::Changed(changed)) }
}

/// Queue pages (written or linked from the previous output) and record
/// their keys; with `replace`, over pages of the same names written before.
fn add_pages(
    writer: &mut dyn Sink,
    pages: Vec<(Page, Option<cache::Hash>)>,
    mut record: Option<&mut cache::Record>,
    replace: bool,
) -> Result<(), BuildError> {
    for (page, key) in pages {
        let rel = match page {
            Page::Written(rel, html) if replace => {
                writer.replace(rel.clone(), html)?;
                rel
            }
            Page::Written(rel, html) => {
                writer.add(rel.clone(), html)?;
                rel
            }
            Page::Reused(rel, from) => {
                writer.reuse(rel.clone(), from)?;
                rel
            }
        };
        if let (Some(r), Some(k)) = (record.as_deref_mut(), key) {
            r.pages.push((rel, k));
        }
    }
    Ok(())
}
