//! `vellum new "Title"`: a new note from a template.
//!
//! 1. The file name is the title made safe ([`names::safe_file_name`]); the
//!    title itself is kept, as written, in `title`.
//! 2. `note_id` is `YYMMDD` + kind code + the next sequence number for that
//!    date and code, counting every note of the vault (drafts too): one more
//!    than the highest in use, so an id is never reused after a deletion.
//!    The kind code is [`kind_code`] of the kind (`tech-journal` → `TJ`),
//!    unless given (`--code`).
//! 3. The template is `_templates/<kind>.md` in the vault when it exists, else
//!    `<kind>.md` in the folder of Obsidian's core Templates plugin
//!    (`.obsidian/templates.json`), else the built-in skeleton of a journal
//!    entry ([`DEFAULT_TEMPLATE`]). vellum's templates are minijinja with the
//!    variables `title`, `date` (`YYYY-MM-DD`), `note_id`, `kind`, `code` and
//!    `year`, and the filters `yaml` (a YAML scalar, quoted when needed), `md`
//!    (Markdown-escaped text) and `html` (HTML-escaped text); an undefined
//!    variable is an error. An Obsidian template is filled as the app fills
//!    it ([`moment::fill`]: `{{title}}`, `{{date}}`, `{{time}}` with the
//!    plugin's formats, `{{date:FORMAT}}`), nothing added.
//! 4. The plan is refused when the file exists (whatever the case of its
//!    name), when the rendered frontmatter does not parse, or when the new
//!    file would change where an existing link leads (a new `Note.md` at the
//!    root would take `[[Note]]` away from `sub/Note.md`).

use std::fmt;
use std::path::Path;

use jiff::civil::Date;
use vellum_syntax::ErrorKind;
use vellum_vault::{LoadedToPublish, Target, Vault};

use crate::links;
use crate::moment;
use crate::names;
use crate::write::Change;

/// The built-in template: the skeleton of the journal's seed entry.
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/default.md");

/// Folder names the vault walk never enters.
const SKIP_DIRS: &[&str] = &[".obsidian", ".git", ".trash", ".vellum", "node_modules"];
/// Top-level folders that belong to vellum.
const SKIP_TOP: &[&str] = &["public", "_theme", "_templates"];

/// What to create.
#[derive(Debug, Clone)]
pub struct NewNote {
    /// The title, as the writer typed it.
    pub title: String,
    /// The date of `created`, `updated` and `note_id`.
    pub date: Date,
    /// The kind: the kind tag, the `cssclasses` entry and the template name.
    pub kind: String,
    /// The kind code of `note_id`; `None` for [`kind_code`] of the kind.
    pub code: Option<String>,
    /// The folder, relative to the vault root; `None` for the root.
    pub dir: Option<String>,
    /// The time of day an Obsidian template's `{{time}}` writes.
    pub time: jiff::civil::Time,
}

/// A note ready to be written.
#[derive(Debug, Clone)]
pub struct NewPlan {
    /// Vault-relative path of the new file.
    pub path: String,
    /// Its text.
    pub text: String,
    /// Its `note_id`.
    pub note_id: String,
    /// The vault template used (`_templates/<kind>.md`), or `None` for the built-in one.
    pub template: Option<String>,
    /// How many links to this (so far unwritten) note the file makes resolve.
    pub resolves_links: usize,
}

impl NewPlan {
    /// The change that creates the file.
    #[must_use]
    pub fn change(&self) -> Change {
        Change::Create { path: self.path.clone(), text: self.text.clone() }
    }
}

/// Why a note cannot be created.
#[derive(Debug)]
pub enum NewError {
    /// A file with this name exists.
    Exists(String),
    /// The new file would make existing links lead elsewhere.
    Retargets {
        /// The new file.
        path: String,
        /// `file:line: [[link]] -> now/leads/here.md (was there.md)`.
        links: Vec<String>,
    },
    /// The kind is not a usable tag.
    InvalidKind(String),
    /// No kind code: none given and none derivable, or not 2–4 letters.
    InvalidCode(String),
    /// The folder is outside the vault or in a folder vellum skips.
    InvalidDir(String),
    /// Sequence 99 is taken for this date and code.
    NoFreeSequence(String),
    /// The template could not be read or rendered.
    Template {
        /// Which template.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// The vault was loaded to publish: it holds no texts to read.
    LoadedToPublish(LoadedToPublish),
}

impl NewError {
    /// Whether vellum refused to act (exit 1) rather than failed on bad input (exit 2).
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        matches!(self, Self::Exists(_) | Self::Retargets { .. } | Self::NoFreeSequence(_))
    }
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exists(p) => write!(f, "`{p}` already exists; vellum does not overwrite notes"),
            Self::Retargets { path, links } => {
                write!(f, "creating `{path}` would change where these links lead:")?;
                for l in links {
                    write!(f, "\n  {l}")?;
                }
                write!(f, "\nchoose another title or folder (--dir), or write those links with a folder")
            }
            Self::InvalidKind(k) => {
                write!(f, "kind `{k}` is not a usable tag (letters, digits, `-` and `_`)")
            }
            Self::InvalidCode(m) | Self::InvalidDir(m) => f.write_str(m),
            Self::NoFreeSequence(p) => write!(f, "every note_id from {p}01 to {p}99 is taken"),
            Self::Template { template, message } => write!(f, "template `{template}`: {message}"),
            Self::LoadedToPublish(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for NewError {}

/// The kind code of `kind`: the initials of its words (split on `-`, `_` and
/// spaces), uppercased, at most four: `tech-journal` → `TJ`,
/// `book-review-notes` → `BRN`. A one-word kind gives its first two letters
/// (`meeting` → `ME`). `None` when fewer than two ASCII letters come out.
#[must_use]
pub fn kind_code(kind: &str) -> Option<String> {
    let words: Vec<&str> = kind.split(['-', '_', ' ']).filter(|w| !w.is_empty()).collect();
    let mut code: String = words
        .iter()
        .filter_map(|w| w.chars().find(char::is_ascii_alphabetic))
        .map(|c| c.to_ascii_uppercase())
        .take(4)
        .collect();
    if code.len() < 2
        && let Some(first) = words.first()
    {
        code =
            first.chars().filter(char::is_ascii_alphabetic).take(2).map(|c| c.to_ascii_uppercase()).collect();
    }
    (code.len() >= 2).then_some(code)
}

/// The next free `note_id` for `date` and `code` in `vault`.
///
/// # Errors
/// When `…99` is taken, or the vault was loaded to publish.
pub fn next_note_id(vault: &Vault, date: Date, code: &str) -> Result<String, NewError> {
    let prefix = format!("{:02}{:02}{:02}{code}", date.year().rem_euclid(100), date.month(), date.day());
    let mut max = 0u32;
    let kept = vault.kept().map_err(NewError::LoadedToPublish)?;
    for (n, k) in vault.notes.iter().zip(&kept) {
        let id = n.note.properties.note_id.as_ref().map(|i| i.value.clone()).or_else(|| raw_note_id(k.text));
        if let Some(id) = id
            && let Some(seq) = id.trim().to_ascii_uppercase().strip_prefix(&prefix)
            && seq.len() == 2
            && let Ok(seq) = seq.parse::<u32>()
        {
            max = max.max(seq);
        }
    }
    if max >= 99 {
        return Err(NewError::NoFreeSequence(prefix));
    }
    Ok(format!("{prefix}{:02}", max + 1))
}

/// `note_id` read from the raw frontmatter, for notes whose YAML does not parse.
fn raw_note_id(text: &str) -> Option<String> {
    let fm = vellum_syntax::frontmatter::split(text)?;
    text[fm.yaml.range()].lines().find_map(|l| {
        let v = l.strip_prefix("note_id:")?;
        let v = v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']);
        (!v.is_empty()).then(|| v.to_owned())
    })
}

/// Check `--dir`: relative, inside the vault, not in a folder vellum skips.
/// Returns it with `/` separators and no leading or trailing `/`.
///
/// # Errors
/// When the folder is absolute, climbs out with `..`, or would not be read.
pub fn normalize_dir(vault: &Vault, dir: &str) -> Result<String, NewError> {
    let bad = |why: &str| Err(NewError::InvalidDir(format!("folder `{dir}` {why}")));
    if Path::new(dir).is_absolute() || dir.starts_with('/') || dir.starts_with('\\') {
        return bad("must be relative to the vault root");
    }
    let parts: Vec<&str> = dir.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect();
    for (i, p) in parts.iter().enumerate() {
        if *p == ".." {
            return bad("climbs out of the vault");
        }
        if SKIP_DIRS.contains(p) || (i == 0 && SKIP_TOP.contains(p)) {
            return bad("is skipped by vellum; the note would not be seen");
        }
        if p.chars().any(|c| c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|')) {
            return bad("holds a character that is not allowed in a folder name");
        }
    }
    let joined = parts.join("/");
    if vault
        .config
        .exclude
        .iter()
        .map(|e| e.trim_matches('/'))
        .any(|e| joined == e || joined.starts_with(&format!("{e}/")))
    {
        return bad("is excluded in vellum.toml; the note would not be seen");
    }
    Ok(joined)
}

/// Plan the new note: path, `note_id` and text. Reads `_templates/<kind>.md`
/// from the vault when it exists; writes nothing.
///
/// # Errors
/// See [`NewError`].
pub fn plan(vault: &Vault, req: &NewNote) -> Result<NewPlan, NewError> {
    let kind = req.kind.trim();
    if kind.is_empty() || kind.contains('/') || !kind.chars().all(vellum_syntax::scan::is_tag_char) {
        return Err(NewError::InvalidKind(req.kind.clone()));
    }
    let code = match &req.code {
        Some(c) => c.trim().to_ascii_uppercase(),
        None => kind_code(kind).ok_or_else(|| {
            NewError::InvalidCode(format!(
                "cannot make a note_id code from kind `{kind}`: give one with --code"
            ))
        })?,
    };
    if !(2..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(NewError::InvalidCode(format!("note_id code `{code}` must be 2 to 4 letters")));
    }
    let dir = req.dir.as_deref().map(|d| normalize_dir(vault, d)).transpose()?.unwrap_or_default();
    let stem = names::safe_file_name(&req.title);
    let path = if dir.is_empty() { format!("{stem}.md") } else { format!("{dir}/{stem}.md") };
    if vault.files.lookup_path(&path).is_some() || vault.root.join(&path).exists() {
        return Err(NewError::Exists(path));
    }
    let note_id = next_note_id(vault, req.date, &code)?;

    let template = find_template(vault, kind)?;
    let name = template.as_ref().map_or_else(|| "built-in".to_owned(), |t| t.path.clone());
    let text = match &template {
        Some(Template { source, obsidian: true, .. }) => {
            let formats = &vault.config.obsidian.template_formats;
            let vars = moment::Variables {
                title: &req.title,
                at: req.date.to_datetime(req.time),
                date_format: &formats.date,
                time_format: &formats.time,
            };
            Ok(moment::fill(source, &vars))
        }
        Some(Template { source, .. }) => render(source, &name, req, kind, &code, &note_id),
        None => render(DEFAULT_TEMPLATE, &name, req, kind, &code, &note_id),
    }
    .map_err(|e| NewError::Template { template: name.clone(), message: e.to_string() })?;
    let template = template.map(|t| t.path);
    let parsed = vellum_syntax::parse(&text);
    if let Some(e) =
        parsed.errors.iter().find(|e| matches!(e.kind, ErrorKind::MalformedYaml | ErrorKind::WrongType))
    {
        return Err(NewError::Template {
            template: name,
            message: format!("renders a note that does not parse: {}", e.message),
        });
    }

    // Would the new file take any link away from the note it leads to now?
    let index = links::index_after(vault, None, Some(&path));
    let aliases = vault.config.links.resolve_aliases;
    let mut retargeted = Vec::new();
    let mut resolves_links = 0;
    for (i, n) in vault.notes.iter().enumerate() {
        for (li, link) in n.note.links.iter().enumerate() {
            let after = links::target_path(&index, link, &n.path, aliases);
            if after != Some(path.as_str()) {
                continue;
            }
            match &vault.resolved[i][li].target {
                Target::Unresolved => resolves_links += 1,
                _ => {
                    let before =
                        vault.resolved[i][li].resolution.target.map_or("nothing", |f| vault.files.path(f));
                    let k = n.kept().map_err(NewError::LoadedToPublish)?;
                    let line = k.detail.lines.line_col(k.text, link.span.start).line;
                    let written = k.text.get(link.span.range()).unwrap_or("");
                    retargeted
                        .push(format!("{}:{line}: {written} would lead here instead of `{before}`", n.path));
                }
            }
        }
    }
    if !retargeted.is_empty() {
        return Err(NewError::Retargets { path, links: retargeted });
    }
    Ok(NewPlan { path, text, note_id, template, resolves_links })
}

/// A template read from the vault.
struct Template {
    /// Its vault path.
    path: String,
    /// Its text.
    source: String,
    /// An Obsidian template (core Templates variables), not a minijinja one.
    obsidian: bool,
}

/// The vault's template for `kind`: `_templates/<kind>.md`, else `<kind>.md`
/// in the core Templates plugin's folder; `None` for the built-in one.
fn find_template(vault: &Vault, kind: &str) -> Result<Option<Template>, NewError> {
    let obsidian = vault.config.obsidian.core_template_folder.as_ref().map(|f| format!("{f}/{kind}.md"));
    let candidates =
        std::iter::once((format!("_templates/{kind}.md"), false)).chain(obsidian.map(|p| (p, true)));
    for (path, obsidian) in candidates {
        match std::fs::read_to_string(vault.root.join(&path)) {
            Ok(source) => return Ok(Some(Template { path, source, obsidian })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(NewError::Template { template: path, message: e.to_string() }),
        }
    }
    Ok(None)
}

/// Render a template with the note's variables.
fn render(
    source: &str,
    name: &str,
    req: &NewNote,
    kind: &str,
    code: &str,
    note_id: &str,
) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build()?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.add_filter("yaml", |s: String| names::yaml_scalar(&s));
    env.add_filter("md", |s: String| names::markdown_escape(&s));
    env.add_filter("html", |s: String| names::html_escape(&s));
    let d = req.date;
    let ctx = minijinja::context! {
        title => req.title.clone(),
        date => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        note_id => note_id,
        kind => kind,
        code => code,
        year => d.year(),
    };
    env.render_named_str(name, source, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes() {
        assert_eq!(kind_code("tech-journal").as_deref(), Some("TJ"));
        assert_eq!(kind_code("book-review-notes").as_deref(), Some("BRN"));
        assert_eq!(kind_code("a-b-c-d-e").as_deref(), Some("ABCD"));
        assert_eq!(kind_code("meeting").as_deref(), Some("ME"));
        assert_eq!(kind_code("x"), None);
        assert_eq!(kind_code("日記"), None);
    }
}
