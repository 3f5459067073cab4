//! Applying a batch of changes: the vault model, the site, the served map,
//! the browsers.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use vellum_cache::parsed::ParseCache;
use vellum_check::{Code, Severity};
use vellum_site::{BuildError, BuildOptions, Fresh, LiveSite, SiteConfig, up_to_date};
use vellum_vault::{Texts, Vault};

use crate::http::{Notice, Shared, to_served};
use crate::watch::Changed;
use crate::{DiagnosticText, ServeEvent};

/// Owns the live site and the errors of the notes being edited.
pub(crate) struct Updater {
    root: PathBuf,
    pub(crate) site: LiveSite,
    diagnostics: DiagnosticText,
    /// Vault path → `vellum check` text of its errors.
    errors: BTreeMap<String, String>,
    /// The site was taken up from the preview the last run kept.
    pub(crate) resumed: bool,
}

/// Why the site in memory could not be built or brought up to date.
#[derive(Debug)]
#[non_exhaustive]
pub enum UpdateError {
    /// The vault folder could not be read.
    Load {
        /// The vault folder.
        root: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The site could not be built (a template, an invalid `[site]` table…).
    Site(BuildError),
}

impl fmt::Display for UpdateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Load { root, source } => write!(f, "cannot load vault `{}`: {source}", root.display()),
            Self::Site(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for UpdateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Load { source, .. } => Some(source),
            Self::Site(e) => Some(e),
        }
    }
}

impl From<BuildError> for UpdateError {
    fn from(e: BuildError) -> Self {
        Self::Site(e)
    }
}

/// The `[site]` settings for the preview: the vault's, served from `/`.
fn preview_config(vault: &Vault) -> Result<SiteConfig, UpdateError> {
    let mut cfg = vault.config.site.clone().map_err(BuildError::from)?;
    cfg.base_path = Some("/".to_owned());
    Ok(cfg)
}

fn load(root: &std::path::Path) -> Result<Vault, UpdateError> {
    vellum_vault::load(root).map_err(|source| UpdateError::Load { root: root.to_path_buf(), source })
}

/// Where the preview is kept between runs, relative to the vault: the site
/// as the last start built it and its own build cache (apart from `vellum
/// build`'s, so that neither undoes the other), one of each for the preview
/// with drafts and the one without (`--no-drafts`).
fn preview_paths(drafts: bool) -> (PathBuf, PathBuf) {
    let name = if drafts { "drafts" } else { "published" };
    let dir = Path::new(".vellum").join("serve");
    (dir.join(name), dir.join(format!("{name}.redb")))
}

/// The preview taken up from what the last start kept on disk: as it is
/// when nothing changed since (the stamps say so, before and after the vault
/// is loaded), else brought up to date by a cached build first (only what
/// changed is rendered). `None` when that cannot be done (a vault that is
/// not writable, a cache in use by another vellum): build in memory then.
/// With whether it was taken up as it was (nothing changed since).
fn taken_up(root: &Path, mut opts: BuildOptions) -> Option<(LiveSite, bool)> {
    // The stamps name the output by its canonical folder: it must exist first.
    std::fs::create_dir_all(opts.output.parent()?).ok()?;
    let fresh = Fresh::take(root, &opts);
    let unchanged = up_to_date(root, &fresh);
    let parses = ParseCache::open(root);
    let vault = vellum_vault::load_with(root, Texts::ReleaseReusing(&parses)).ok()?;
    opts.site = Some(preview_config(&vault).ok()?);
    let unchanged = unchanged.filter(|_| up_to_date(root, &Fresh::take(root, &opts)).is_some());
    let as_it_was = unchanged.is_some();
    let report = match unchanged {
        Some(report) => report,
        None => {
            // Only a vault that loaded cleanly is recorded as unchanged (as `vellum build` does).
            opts.fresh = vault.publish_errors().is_empty().then_some(fresh);
            let report = vellum_site::build(&vault, &opts).ok()?;
            parses.save(&vault);
            report
        }
    };
    Some((LiveSite::resume(vault, opts, report).ok()??, as_it_was))
}

impl Updater {
    pub(crate) fn new(root: PathBuf, drafts: bool, diagnostics: DiagnosticText) -> Result<Self, UpdateError> {
        let (site, cache) = preview_paths(drafts);
        let mut opts = BuildOptions::new(root.join(site));
        opts.include_drafts = drafts;
        opts.preview = true;
        opts.cache = true;
        opts.cache_file = cache;
        let (site, resumed) = match taken_up(&root, opts.clone()) {
            Some(taken) => taken,
            None => {
                let vault = load(&root)?;
                opts.site = Some(preview_config(&vault)?);
                (LiveSite::build(vault, opts)?, false)
            }
        };
        Ok(Self { root, site, diagnostics, errors: BTreeMap::new(), resumed })
    }

    /// The errors (own-file, error severity) `vellum check` reports for a
    /// note with this text, as text; empty when there are none. The note is
    /// checked in a vault of its own, so vault-wide rules (links, duplicate
    /// ids), which need the other notes, are left to `vellum check`; none of
    /// the rules kept here reads another file, so the cost does not grow
    /// with the vault.
    fn errors_of(&self, path: &str, text: &str) -> String {
        let vault = self.site.vault();
        let one = Vault::from_texts(
            vault.root.clone(),
            vault.config.clone(),
            vec![path.to_owned()],
            vec![(path.to_owned(), text.to_owned())],
        );
        // A vault made from texts keeps them: it is never refused.
        let diags: Vec<_> = vellum_check::check(&one)
            .into_iter()
            .flatten()
            .filter(|d| d.file == path && d.severity == Severity::Error)
            .filter(|d| !d.code.as_str().starts_with("V4") && d.code != Code::DuplicateNoteId)
            .collect();
        if diags.is_empty() { String::new() } else { (self.diagnostics)(&one, &diags) }
    }

    /// Apply a batch, update `shared` and tell the browsers.
    pub(crate) fn apply(
        &mut self,
        batch: &[Changed],
        shared: &Shared,
        on_event: &(dyn Fn(ServeEvent) + Send + Sync),
    ) {
        let start = Instant::now();
        let paths: Vec<String> = batch
            .iter()
            .map(|c| match c {
                Changed::Note(p) | Changed::Other(p) => p.clone(),
                Changed::Theme(_) => "_theme/".to_owned(),
                Changed::Config => "vellum.toml".to_owned(),
            })
            .collect();
        let theme = batch.iter().any(|c| matches!(c, Changed::Theme(_) | Changed::Config));
        let css_only = batch.iter().all(|c| matches!(c, Changed::Theme(true)));

        // Notes that changed: read them, check them, keep the last good version of broken ones.
        let mut keep_old: Vec<(String, String)> = Vec::new();
        let mut broken: Vec<String> = Vec::new();
        let mut edits: Vec<(String, String)> = Vec::new();
        let mut in_place = !theme;
        let errors_before = self.errors.clone();
        for c in batch {
            let p = match c {
                Changed::Note(p) => p,
                _ => {
                    in_place = false;
                    continue;
                }
            };
            let known = self.site.vault().note_by_path(p).map(|i| &self.site.vault().notes[i]);
            match std::fs::read_to_string(self.root.join(p)) {
                Ok(text) => {
                    match known {
                        Some(n) if n.path == *p => {
                            if !n.text.is(&text) {
                                edits.push((p.clone(), text.clone()));
                            }
                        }
                        _ => in_place = false,
                    }
                    let errs = self.errors_of(p, &text);
                    if errs.is_empty() {
                        self.errors.remove(p);
                    } else {
                        self.errors.insert(p.clone(), errs);
                    }
                    let note = vellum_syntax::parse_file(p, &text);
                    if !note.errors.is_empty() {
                        broken.push(p.clone());
                        let v = self.site.vault();
                        if let Some(i) = v.note_by_path(p)
                            && let Some(old) = v.notes[i].text.as_kept()
                        {
                            keep_old.push((v.notes[i].path.clone(), old.to_owned()));
                        }
                    }
                }
                Err(_) => {
                    self.errors.remove(p);
                    in_place = false;
                }
            }
        }
        // Broken notes keep their last good version: their edits are dropped.
        edits.retain(|(p, _)| !broken.contains(p));
        if self.errors != errors_before {
            let text: String = self.errors.values().map(String::as_str).collect::<Vec<_>>().join("\n");
            if let Ok(mut e) = shared.errors.write() {
                e.clone_from(&text);
            }
            let _ = shared.notices.send(Notice::Errors(text.clone()));
            on_event(ServeEvent::Errors((!text.is_empty()).then_some(text)));
        }

        let result = (|| -> Result<vellum_site::Update, UpdateError> {
            if in_place {
                if edits.is_empty() {
                    return Ok(vellum_site::Update::default());
                }
                if let Some(u) = self.site.edit_notes(edits)? {
                    return Ok(u);
                }
            }
            let mut vault = load(&self.root)?;
            if !keep_old.is_empty() {
                vault = with_texts(vault, &keep_old);
            }
            if theme {
                if let Ok(cfg) = preview_config(&vault) {
                    self.site.set_site_config(cfg);
                }
                return Ok(self.site.reload_theme(vault)?);
            }
            Ok(self.site.rebuild(vault)?)
        })();
        match result {
            Ok(update) => {
                let full = update.full.clone();
                let n = update.changed.len();
                let css = css_only && update.css_only();
                let rendered = update.rendered;
                let steps = update.steps.clone();
                if let Ok(mut files) = shared.files.write() {
                    for (rel, file) in &update.changed {
                        match file {
                            Some(f) => {
                                files.insert(rel.clone(), to_served(rel, f));
                            }
                            None => {
                                files.remove(rel);
                            }
                        }
                    }
                }
                if n > 0 {
                    let _ = shared.notices.send(if css { Notice::Css } else { Notice::Reload });
                }
                on_event(ServeEvent::Rebuilt {
                    paths,
                    files: n,
                    rendered,
                    full,
                    elapsed: start.elapsed(),
                    steps,
                });
            }
            Err(e) => on_event(ServeEvent::Failed(std::sync::Arc::new(e))),
        }
    }
}

/// `vault` with some notes' texts replaced (the last good versions).
fn with_texts(vault: Vault, replace: &[(String, String)]) -> Vault {
    let paths: Vec<String> = vault.files.iter().map(|(_, p)| p.to_owned()).collect();
    let texts: Vec<(String, String)> = vault
        .notes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let text = match replace.iter().find(|(p, _)| *p == n.path) {
                Some((_, t)) => t.clone(),
                None => vault.text(i).ok()?.into_owned(),
            };
            Some((n.path.clone(), text))
        })
        .collect();
    let problems = vault.problems.clone();
    let mut v = Vault::from_texts(vault.root.clone(), vault.config.clone(), paths, texts);
    v.problems = problems;
    v
}
