//! `vellum new --daily [--date D]`: the daily note, as Obsidian's Daily notes
//! plugin makes it (`.obsidian/daily-notes.json`).
//!
//! 1. The path is the plugin's folder (default: the vault root) and the date
//!    written with its Moment.js format (default `YYYY-MM-DD`; a format with
//!    `/` makes subfolders), plus `.md`.
//! 2. When that note exists (whatever the case of its name), nothing is
//!    written: Obsidian opens the existing note.
//! 3. Otherwise its text is the plugin's template with the core Templates
//!    variables filled ([`moment::fill`]): `{{title}}` is the file name,
//!    `{{date}}` the date in the daily note's format, `{{time}}` the time now
//!    (`HH:mm`), `{{date:FORMAT}}` the date in that format. No template set:
//!    an empty note. A template that cannot be read: an empty note and a
//!    warning, as Obsidian does.

use jiff::civil::{Date, Time};
use vellum_vault::Vault;

use crate::moment;
use crate::new::{NewError, normalize_dir};
use crate::write::Change;

/// The daily note of a date.
#[derive(Debug, Clone)]
pub struct DailyPlan {
    /// Vault-relative path of the note.
    pub path: String,
    /// Whether it exists already (then nothing is to be written).
    pub exists: bool,
    /// Its text, when it is to be created.
    pub text: String,
    /// The template used (vault path), if any.
    pub template: Option<String>,
    /// Why the template set in Obsidian could not be read, if it could not.
    pub template_problem: Option<String>,
}

impl DailyPlan {
    /// The change that creates the note; `None` when it exists.
    #[must_use]
    pub fn change(&self) -> Option<Change> {
        (!self.exists).then(|| Change::Create { path: self.path.clone(), text: self.text.clone() })
    }
}

/// Plan the daily note of `date`, with `now` as the time `{{time}}` writes.
/// Reads the template; writes nothing.
///
/// # Errors
/// When the formatted name is empty or not a path inside the vault
/// ([`NewError::InvalidDir`]).
pub fn plan(vault: &Vault, date: Date, now: Time) -> Result<DailyPlan, NewError> {
    let settings = &vault.config.obsidian.daily_notes;
    let at = date.to_datetime(now);
    let name = moment::format(&settings.format, at);
    let full = if settings.folder.is_empty() { name } else { format!("{}/{name}", settings.folder) };
    let (dir, stem) = match full.rsplit_once('/') {
        Some((d, s)) => (normalize_dir(vault, d)?, s.trim()),
        None => (String::new(), full.trim()),
    };
    if stem.is_empty() || stem.contains(['\\', ':', '*', '?', '"', '<', '>', '|']) {
        return Err(NewError::InvalidDir(format!(
            "the daily note format `{}` gives `{full}`, which is not a file name",
            settings.format
        )));
    }
    let path = if dir.is_empty() { format!("{stem}.md") } else { format!("{dir}/{stem}.md") };
    if let Some(f) = vault.files.lookup_path(&path) {
        return Ok(DailyPlan {
            path: vault.files.path(f).to_owned(),
            exists: true,
            text: String::new(),
            template: None,
            template_problem: None,
        });
    }
    if vault.root.join(&path).exists() {
        return Ok(DailyPlan {
            path,
            exists: true,
            text: String::new(),
            template: None,
            template_problem: None,
        });
    }
    let (mut text, mut template_problem) = (String::new(), None);
    if let Some(t) = &settings.template {
        match std::fs::read_to_string(vault.root.join(t)) {
            Ok(source) => {
                let vars = moment::Variables {
                    title: stem,
                    at,
                    date_format: &settings.format,
                    time_format: "HH:mm",
                };
                text = moment::fill(&source, &vars);
            }
            Err(e) => template_problem = Some(format!("cannot read the daily note template `{t}`: {e}")),
        }
    }
    let template = settings.template.clone().filter(|_| template_problem.is_none());
    Ok(DailyPlan { path, exists: false, text, template, template_problem })
}
