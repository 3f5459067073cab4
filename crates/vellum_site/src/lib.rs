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
//! Steps 2 to 4 are the methods of one pipeline (the `pipeline` module):
//! [`build`] runs all of them; [`LiveSite`] runs them once to build a site
//! in memory, then after each edit runs the same methods on what the edit
//! changed. Progress goes to an [`Observer`] (see [`build_with`]): this
//! crate prints nothing.
//!
//! **Invariant:** a draft never reaches the output of a build without
//! `include_drafts`: not as a page, a link, a search entry, a graph node, a
//! feed entry or a count. Everything that lists notes reads them from the
//! plan's published set.

mod cache;
mod callouts;
pub mod config;
mod feeds;
mod folders;
mod graph;
mod i18n;
pub mod live;
mod observe;
mod output;
mod pages;
mod patch;
mod pipeline;
mod plan;
mod redirects;
pub mod slug;
mod social;
mod spanless;
mod text;
pub mod theme;

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use vellum_vault::Vault;

pub use cache::{CACHE_FILE, Fresh, up_to_date};
pub use config::{DEFAULT_PAGE_SIZE, SiteConfig};
pub use live::{LiveSite, Rebuild, Update};
pub use observe::{Observer, Phase, Silent};
pub use output::MARKER;
pub use patch::{Declined, patch};

pub use crate::output::SiteFile;
use crate::output::{Staging, Writer};
use crate::pipeline::{Cached, Keep, Pipeline, Setup};
use crate::plan::Plan;
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
    /// The build cache's file, relative to the vault: [`CACHE_FILE`] unless
    /// a build of other options into another output keeps its own (`vellum
    /// serve`'s preview), so that the two never undo each other's records.
    pub cache_file: PathBuf,
    /// Keep, with the build cache, what [`patch`] needs to patch this
    /// build's output in place after edits of notes' prose: each note page's
    /// view without its body, each search shard's entries, the state of the
    /// vault (`vellum build` does; a preview that is never patched need not).
    pub patchable: bool,
}

impl BuildOptions {
    /// Build into `output`, drafts left out, no forcing, no cache.
    #[must_use]
    pub fn new(output: impl Into<PathBuf>) -> Self {
        Self {
            output: output.into(),
            include_drafts: false,
            force: false,
            site: None,
            preview: false,
            cache: false,
            fresh: None,
            cache_file: PathBuf::from(CACHE_FILE),
            patchable: false,
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
    /// Social cards: drawn, or taken from those kept by earlier builds.
    pub social: Duration,
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
    /// Social cards (Open Graph images) in the site.
    pub social_cards: usize,
    /// Of those, drawn in this build (the rest were kept by earlier builds).
    pub social_cards_drawn: usize,
    /// Files replaced in place by a patch ([`patch`]); 0 for a build.
    pub patched: usize,
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
    /// A note's social card could not be drawn.
    SocialCard {
        /// The note (vault path).
        note: String,
        /// What went wrong.
        message: String,
    },
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
            Self::SocialCard { note, message } => write!(f, "`{note}`: {message}"),
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
    build_with(vault, opts, &Silent)
}

/// [`build`], telling `observer` how it goes (phases, steps done).
///
/// # Errors
/// As [`build`].
pub fn build_with(
    vault: &Vault,
    opts: &BuildOptions,
    observer: &dyn Observer,
) -> Result<BuildReport, BuildError> {
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
    report.warnings.extend(site.warnings.iter().cloned());
    if staging.inside_vault {
        report.warnings.push(format!(
            "the output `{}` is inside the vault: the next load will index its files; prefer `public/`",
            staging.output.display()
        ));
    }
    let mut writer = Writer::new(staging.tmp.clone(), staging.take_spare());
    let plan = Plan::new(vault, site, opts.include_drafts);
    observer.started((plan.published.len() as u64) * 2);
    let cache = if opts.cache {
        open_cache(vault, &plan, opts, &theme, &staging.output, &mut report.warnings)
    } else {
        None
    };
    let cards = plan.cards();
    let bodies = (0..vault.notes.len()).map(|_| None).collect();
    let setup = Setup {
        theme: &theme,
        drafts: opts.include_drafts,
        preview: opts.preview,
        keep: Keep::UntilWritten,
        cache,
        observer,
    };
    let mut pipeline = Pipeline::new(vault, plan, cards, bodies, &mut writer, setup);
    report.attachments = pipeline.build_all()?;
    pipeline.report_into(&mut report);
    if let Some(fresh) = &opts.fresh {
        pipeline.record_state(fresh, &report.warnings);
    }
    let record = pipeline.into_record();
    let swap = Instant::now();
    staging.commit()?;
    report.files = writer.files + 1;
    report.bytes = writer.bytes;
    // Kept social cards are linked too; they are counted on their own.
    report.reused = writer.linked.saturating_sub(report.social_cards - report.social_cards_drawn);
    report.timings.write = writer.time + swap.elapsed();
    if let Some((c, mut record)) = record {
        record.count(&report);
        if let Err(e) = c.save(record) {
            report.warnings.push(format!("the build cache could not be saved: {e}"));
        }
    }
    report.timings.total = start.elapsed();
    Ok(report)
}

/// The build cache of the vault for a build into `output`, or `None` (with
/// a warning) when it cannot be used.
fn open_cache(
    vault: &Vault,
    plan: &Plan<'_>,
    opts: &BuildOptions,
    theme: &Theme,
    output: &std::path::Path,
    warnings: &mut Vec<String>,
) -> Option<Cached> {
    let keys = cache::Keys::new(vault, plan, opts, &theme.fingerprint);
    match cache::Cache::open(&vault.root, &opts.cache_file, &keys.salt, output) {
        Ok((cache, rebuilt)) => {
            if rebuilt {
                warnings.push(format!(
                    "the build cache `{}` could not be read and was started afresh",
                    opts.cache_file.display()
                ));
            }
            let fresh = opts.fresh.as_ref().and_then(Fresh::key);
            let mut record = cache::Record::new(keys.salt, output.to_path_buf(), fresh);
            record.patchable = opts.patchable;
            Some(Cached { keys, cache, record })
        }
        Err(cache::Unavailable::Busy) => {
            warnings.push("the build cache is in use by another vellum; building without it".to_owned());
            None
        }
        Err(cache::Unavailable::Io(m)) => {
            warnings.push(format!("the build cache cannot be used ({m}); building without it"));
            None
        }
    }
}
