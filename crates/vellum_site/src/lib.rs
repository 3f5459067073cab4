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

pub use config::SiteConfig;
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
    /// The `[site]` settings; `None` reads them from `<vault>/vellum.toml`.
    pub site: Option<SiteConfig>,
    /// A private preview (`vellum serve`): each draft's page carries a
    /// "draft — not published" banner (templates see `build.preview`).
    pub preview: bool,
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
    /// `vellum.toml` has an invalid `[site]` table.
    Config(String),
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
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Config(m) => f.write_str(m),
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
        }
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
        None => SiteConfig::load(&vault.root)?,
    };
    let site = config::Site::resolve(&cfg, &vault.root);
    let theme = Theme::load(&vault.root)?;
    let staging =
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
    let mut writer = Writer::new(staging.tmp.clone());
    run(vault, opts, site, &theme, &mut writer, &mut report)?;
    let swap = Instant::now();
    staging.commit()?;
    report.files = writer.files + 1;
    report.bytes = writer.bytes;
    report.timings.write = writer.time + swap.elapsed();
    report.timings.total = start.elapsed();
    Ok(report)
}

/// Render note `i`'s body with `plan` deciding the URLs, recording what it asked for.
pub(crate) fn render_body(
    vault: &Vault,
    plan: &Plan<'_>,
    i: usize,
    opts: &RenderOptions,
    budget: usize,
) -> Body {
    let urls = SiteUrls::new(plan);
    let r = render_note(vault, i, &urls, opts);
    let text = text::html_to_text(&r.html, budget);
    Body { html: r.html, toc: r.toc, text, asked: urls.into_asked() }
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

fn run(
    vault: &Vault,
    opts: &BuildOptions,
    site: config::Site,
    theme: &Theme,
    writer: &mut dyn Sink,
    report: &mut BuildReport,
) -> Result<Vec<Option<Body>>, BuildError> {
    let mut plan = Plan::new(vault, site, opts.include_drafts);
    let n_pub = plan.published.len();
    let progress = Progress::new(opts.progress, (n_pub as u64) * 2);

    // Render note bodies.
    progress.phase("render");
    let t = Instant::now();
    let render_opts = RenderOptions::default();
    let budget = feeds::text_budget(n_pub);
    let rendered: Vec<(usize, Body)> = plan
        .published
        .par_iter()
        .map(|&i| {
            let body = render_body(vault, &plan, i, &render_opts, budget);
            progress.inc(1);
            (i, body)
        })
        .collect();
    let mut bodies: Vec<Option<Body>> = (0..vault.notes.len()).map(|_| None).collect();
    for (i, b) in rendered {
        bodies[i] = Some(b);
    }
    let (used, requested) = asked_by(&bodies);
    plan.add_requested(requested);
    report.timings.render = t.elapsed();

    // Note pages and every other page.
    progress.phase("pages");
    let t = Instant::now();
    let write_before = writer.write_time();
    let cards = plan.cards();
    let globals = Globals::new(&plan, opts.include_drafts, opts.preview, theme.has_custom_css);
    for chunk in plan.published.chunks(512) {
        let pages: Vec<(String, Vec<u8>)> = chunk
            .par_iter()
            .filter_map(|&i| {
                let body = bodies[i].as_ref()?;
                let ctx = plan.note_context(&globals, i, &cards, body)?;
                let rel = plan.rel[i].as_deref()?;
                progress.inc(1);
                Some(
                    theme
                        .render("note.html", ctx)
                        .map(|html| (format!("{rel}index.html"), html.into_bytes())),
                )
            })
            .collect::<Result<_, _>>()?;
        report.pages += pages.len();
        for (rel, html) in pages {
            writer.add(rel, html)?;
        }
    }
    let others = plan.other_pages(&globals, &cards, &|_, _| true);
    let pages: Vec<(String, Vec<u8>)> = others
        .into_par_iter()
        .map(|(rel, name, ctx)| theme.render(name, ctx).map(|html| (rel, html.into_bytes())))
        .collect::<Result<_, _>>()?;
    report.pages += pages.len();
    for (rel, html) in pages {
        writer.add(rel, html)?;
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
    report.timings.pages = t.elapsed().saturating_sub(writer.write_time() - write_before);

    // Search index and previews.
    progress.phase("search");
    let t = Instant::now();
    writer.add("search-index.json".to_owned(), feeds::search_index(&plan, &cards, &bodies))?;
    writer.add("previews.json".to_owned(), feeds::previews(&plan, &cards))?;
    report.timings.search = t.elapsed();

    // Graph.
    progress.phase("graph");
    let t = Instant::now();
    writer.add("graph.json".to_owned(), graph::site_json(&plan, &cards))?;
    report.timings.graph = t.elapsed();

    // Feed, sitemap, robots.
    progress.phase("feed");
    let t = Instant::now();
    writer.add("feed.xml".to_owned(), feeds::atom(&plan, &cards, &bodies)?)?;
    writer.add("sitemap.xml".to_owned(), feeds::sitemap(&plan, &cards))?;
    writer.add("robots.txt".to_owned(), feeds::robots(&plan))?;
    report.timings.feed = t.elapsed();

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
    Ok(bodies)
}
