//! What vellum reads of Obsidian's own settings in `.obsidian/` (it never
//! writes there), so that a vault opens as the app shows it, with no
//! `vellum.toml`:
//!
//! - `types.json`: property types ([`PropertyTypes`]). Obsidian gives each
//!   frontmatter property one type for the whole vault
//!   (`{"types": {"rating": "number", "due": "date"}}`); a value that does not
//!   fit its type is shown by the app as a mismatch, and `vellum check`
//!   reports it (`V110`).
//! - `app.json`: the excluded files (`userIgnoreFilters`), the folder for new
//!   attachments (`attachmentFolderPath`) and the form of new links
//!   (`newLinkFormat`, `useMarkdownLinks`).
//! - `templates.json` (the core Templates plugin: `folder`, `dateFormat`,
//!   `timeFormat`) and Templater's `plugins/templater-obsidian/data.json`
//!   (`templates_folder`).
//! - `daily-notes.json`: `folder`, `format` and `template` of daily notes.
//!
//! Excluded files and template folders make *hidden* notes
//! ([`Settings::hides`]): they stay in the vault, so links to them resolve
//! (Obsidian resolves them too), but vellum neither checks, lists nor
//! publishes them — a template full of `{{date}}` is not a broken note.
//!
//! A settings file that cannot be read as Obsidian writes it, or a value
//! vellum reads but cannot understand, is a warning naming the file (`V009`),
//! never a failure: the vault still loads, with the default for that value.
//! Keys vellum does not read are ignored (Obsidian writes many).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use vellum_syntax::Span;

use crate::load::{LoadProblem, LoadProblemKind};

/// The property types file, relative to the vault.
pub const TYPES_FILE: &str = ".obsidian/types.json";

/// A property type, as Obsidian names them in `types.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PropertyType {
    /// `text`: one line of text.
    Text,
    /// `multitext`: a list of texts.
    List,
    /// `number`.
    Number,
    /// `checkbox`: true or false.
    Checkbox,
    /// `date`: `YYYY-MM-DD`.
    Date,
    /// `datetime`: `YYYY-MM-DDTHH:MM[:SS]`.
    DateTime,
    /// `aliases`: the note's other names (a list).
    Aliases,
    /// `tags`: a list of tags.
    Tags,
}

impl PropertyType {
    /// The type named `name` in `types.json`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "text" => Self::Text,
            "multitext" => Self::List,
            "number" => Self::Number,
            "checkbox" => Self::Checkbox,
            "date" => Self::Date,
            "datetime" => Self::DateTime,
            "aliases" => Self::Aliases,
            "tags" => Self::Tags,
            _ => return None,
        })
    }

    /// Its name in `types.json`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::List => "multitext",
            Self::Number => "number",
            Self::Checkbox => "checkbox",
            Self::Date => "date",
            Self::DateTime => "datetime",
            Self::Aliases => "aliases",
            Self::Tags => "tags",
        }
    }

    /// Whether `value` (a frontmatter value as YAML gave it) fits this type
    /// as Obsidian shows it: an empty value fits every type, a list type also
    /// takes one text (the app shows it as a one-item list), and a text takes
    /// any single scalar.
    #[must_use]
    pub fn fits(self, value: &Value) -> bool {
        let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
        match (self, value) {
            (_, Value::Null) => true,
            (Self::Text, v) => scalar(v),
            (Self::List | Self::Aliases | Self::Tags, Value::Array(items)) => {
                items.iter().all(|i| scalar(i) || i.is_null())
            }
            (Self::List | Self::Aliases | Self::Tags, v) => scalar(v),
            (Self::Number, v) => v.is_number(),
            (Self::Checkbox, v) => v.is_boolean(),
            (Self::Date, Value::String(s)) => is_date(s),
            (Self::DateTime, Value::String(s)) => is_datetime(s),
            _ => false,
        }
    }
}

/// `YYYY-MM-DD`, a real day.
fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

/// `YYYY-MM-DDTHH:MM` with optional seconds (and fraction), or a date alone.
fn is_datetime(s: &str) -> bool {
    is_date(s) || s.parse::<jiff::civil::DateTime>().is_ok()
}

/// The property types of a vault, by property name (Obsidian matches names
/// without regard to case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PropertyTypes(BTreeMap<String, PropertyType>);

impl PropertyTypes {
    /// The type of property `name`, when the vault gives it one.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<PropertyType> {
        self.0.get(&name.to_lowercase()).copied()
    }

    /// Every typed property, lowercased, with its type.
    pub fn iter(&self) -> impl Iterator<Item = (&str, PropertyType)> {
        self.0.iter().map(|(k, t)| (k.as_str(), *t))
    }

    /// Whether no property has a type.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Read `.obsidian/types.json` of the vault at `root`: the types, and a
/// problem for a file that is not Obsidian's JSON or names an unknown type.
/// No file: no types and no problem. (A vault's load reads it; a cache that
/// rebuilds part of a vault reads it the same way.)
#[must_use]
pub fn read_types(root: &Path) -> (PropertyTypes, Vec<LoadProblem>) {
    let Ok(text) = std::fs::read_to_string(root.join(TYPES_FILE)) else {
        return (PropertyTypes::default(), Vec::new());
    };
    parse_types(&text)
}

fn parse_types(text: &str) -> (PropertyTypes, Vec<LoadProblem>) {
    let problem = |message: String, span: Option<Span>| setting_problem(TYPES_FILE, text, message, span);
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let problem = json_problem(TYPES_FILE, text, &e, "property types ignored");
            return (PropertyTypes::default(), vec![problem]);
        }
    };
    let Some(types) = root.get("types").and_then(Value::as_object) else {
        let message = "no `types` object, property types ignored".to_owned();
        return (PropertyTypes::default(), vec![problem(message, None)]);
    };
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, ty) in types {
        match ty.as_str().and_then(PropertyType::from_name) {
            Some(t) => {
                out.insert(name.to_lowercase(), t);
            }
            None => problems.push(problem(
                format!("property `{name}` has an unknown type {ty}; it is not checked"),
                None,
            )),
        }
    }
    (PropertyTypes(out), problems)
}

/// A problem with one of Obsidian's settings files: a warning naming it, and
/// the place in it when there is one.
fn setting_problem(file: &str, text: &str, message: String, span: Option<Span>) -> LoadProblem {
    LoadProblem {
        path: file.to_owned(),
        kind: LoadProblemKind::ObsidianSetting,
        message,
        text: span.map(|_| text.to_owned()),
        span,
    }
}

/// A settings file that is not valid JSON, pointing where the JSON parser
/// stopped; `then` says what vellum does instead.
fn json_problem(file: &str, text: &str, e: &serde_json::Error, then: &str) -> LoadProblem {
    let lines = vellum_syntax::LineIndex::new(text);
    let at = lines.line_start(e.line().max(1)) + e.column().saturating_sub(1);
    let at = vellum_syntax::text::floor_char_boundary(text, at.min(text.len()));
    let end = vellum_syntax::text::ceil_char_boundary(text, (at + 1).min(text.len()));
    setting_problem(file, text, format!("not valid JSON, {then}: {e}"), Some(Span::new(at, end)))
}

/// Obsidian's app settings, relative to the vault.
pub const APP_FILE: &str = ".obsidian/app.json";
/// The core Templates plugin's settings, relative to the vault.
pub const TEMPLATES_FILE: &str = ".obsidian/templates.json";
/// The Templater plugin's settings, relative to the vault.
pub const TEMPLATER_FILE: &str = ".obsidian/plugins/templater-obsidian/data.json";
/// The core Daily notes plugin's settings, relative to the vault.
pub const DAILY_NOTES_FILE: &str = ".obsidian/daily-notes.json";
/// Every file of `.obsidian/` vellum reads: what a cache of anything read
/// from the vault must key on besides the notes.
pub const SETTINGS_FILES: [&str; 5] =
    [TYPES_FILE, APP_FILE, TEMPLATES_FILE, TEMPLATER_FILE, DAILY_NOTES_FILE];

/// What vellum reads of Obsidian's settings besides the property types.
/// The default is Obsidian's for a vault without the files.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// `app.json` `userIgnoreFilters`: Obsidian's "Excluded files".
    pub ignore_filters: Vec<IgnoreFilter>,
    /// The template folders, vault-relative without a trailing `/`: the core
    /// Templates plugin's (first) and Templater's.
    pub template_folders: Vec<String>,
    /// The core Templates plugin's folder, where `vellum new` looks for a
    /// template named after the kind.
    pub core_template_folder: Option<String>,
    /// `app.json` `attachmentFolderPath`.
    pub attachment_folder: AttachmentFolder,
    /// `app.json` `newLinkFormat` and `useMarkdownLinks`: the form of the
    /// links vellum writes.
    pub link_style: LinkStyle,
    /// `templates.json` `dateFormat` and `timeFormat`.
    pub template_formats: TemplateFormats,
    /// `daily-notes.json`.
    pub daily_notes: DailyNotes,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            ignore_filters: Vec::new(),
            template_folders: Vec::new(),
            core_template_folder: None,
            attachment_folder: AttachmentFolder::VaultRoot,
            link_style: LinkStyle::default(),
            template_formats: TemplateFormats::default(),
            daily_notes: DailyNotes::default(),
        }
    }
}

impl Settings {
    /// Whether the file at vault path `path` is hidden: in a template folder
    /// or excluded (`userIgnoreFilters`). A hidden note is in the vault —
    /// links to it resolve, as in Obsidian — but is neither checked, listed
    /// by the query commands nor published.
    #[must_use]
    pub fn hides(&self, path: &str) -> bool {
        self.in_template_folder(path) || self.ignore_filters.iter().any(|f| f.matches(path))
    }

    /// Whether `path` is inside one of the template folders.
    #[must_use]
    pub fn in_template_folder(&self, path: &str) -> bool {
        self.template_folders.iter().any(|f| in_folder(path, f))
    }

    /// Whether any note can be hidden (no setting hides anything).
    #[must_use]
    pub fn hides_nothing(&self) -> bool {
        self.template_folders.is_empty() && self.ignore_filters.is_empty()
    }
}

/// Whether vault path `path` is `folder` or inside it (`folder` empty: the root).
fn in_folder(path: &str, folder: &str) -> bool {
    folder.is_empty() || path == folder || path.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/'))
}

/// One entry of Obsidian's "Excluded files": a path prefix (`Archive/`,
/// `drafts`: every vault path that starts with it, case-sensitive, as the
/// app matches), or a regular expression between slashes (`/\.draft\.md$/`)
/// matched anywhere in the vault path.
#[derive(Debug, Clone)]
pub struct IgnoreFilter {
    pattern: String,
    regex: Option<regex::Regex>,
}

impl PartialEq for IgnoreFilter {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for IgnoreFilter {}

impl IgnoreFilter {
    /// The filter written `pattern`.
    ///
    /// # Errors
    /// When `pattern` is `/…/` and its inside is not a regular expression
    /// vellum can read: the parser's message.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let regex = match pattern.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
            Some(inner) if pattern.len() >= 2 => {
                Some(regex::Regex::new(inner).map_err(|e| e.to_string().replace('\n', " "))?)
            }
            _ => None,
        };
        Ok(Self { pattern: pattern.to_owned(), regex })
    }

    /// The filter as written.
    #[must_use]
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether vault path `path` is excluded by this filter.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        match &self.regex {
            Some(r) => r.is_match(path),
            None => !self.pattern.is_empty() && path.starts_with(&self.pattern),
        }
    }
}

/// Where Obsidian puts new attachments (`attachmentFolderPath`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttachmentFolder {
    /// `/`: the vault root (the app's default).
    #[default]
    VaultRoot,
    /// `./`: the folder of the note.
    SameFolder,
    /// `./sub`: a folder under the note's folder.
    UnderNote(String),
    /// `folder`: one folder of the vault.
    Folder(String),
}

impl AttachmentFolder {
    /// The folder (vault-relative, `""` for the root) an attachment of the
    /// note at `note_path` goes to.
    #[must_use]
    pub fn for_note(&self, note_path: &str) -> String {
        let note_dir = note_path.rsplit_once('/').map_or("", |(d, _)| d);
        match self {
            Self::VaultRoot => String::new(),
            Self::SameFolder => note_dir.to_owned(),
            Self::UnderNote(sub) if note_dir.is_empty() => sub.clone(),
            Self::UnderNote(sub) => format!("{note_dir}/{sub}"),
            Self::Folder(f) => f.clone(),
        }
    }

    fn parse(value: &str) -> Option<Self> {
        let v = value.trim();
        let folder = |f: &str| {
            let f = f.trim_matches('/');
            (!f.split('/').any(|p| p == ".." || p == ".")).then(|| f.to_owned())
        };
        Some(match v {
            "" | "/" => Self::VaultRoot,
            "." | "./" => Self::SameFolder,
            _ => match v.strip_prefix("./") {
                Some(sub) => Self::UnderNote(folder(sub)?),
                None => Self::Folder(folder(v)?),
            },
        })
    }
}

/// Which path a new link names (`newLinkFormat`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LinkFormat {
    /// The shortest form that names the file unambiguously (`[[Note]]`).
    #[default]
    Shortest,
    /// Relative to the linking note's folder (`[[../sub/Note]]`).
    Relative,
    /// The full vault path (`[[sub/Note]]`).
    Absolute,
}

impl LinkFormat {
    /// The target a new link written in the note at `from` names for the
    /// vault path `target` (`.md` left off for a note): `shortest()` (the
    /// shortest unambiguous name) for [`LinkFormat::Shortest`], the path from
    /// `from`'s folder for [`LinkFormat::Relative`], `target` itself for
    /// [`LinkFormat::Absolute`].
    pub fn target(self, from: &str, target: &str, shortest: impl FnOnce() -> String) -> String {
        match self {
            Self::Shortest => shortest(),
            Self::Relative => relative_path(from.rsplit_once('/').map_or("", |(d, _)| d), target),
            Self::Absolute => target.to_owned(),
        }
    }
}

/// The vault path `target` relative to the folder `from_dir`, as Obsidian
/// writes a relative link: `./x`, `../a/x`. Folder names compare
/// ASCII-case-insensitively, as the resolver matches them.
#[must_use]
pub fn relative_path(from_dir: &str, target: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common =
        from.iter().zip(&to).take_while(|(a, b)| a.eq_ignore_ascii_case(b)).count().min(to.len() - 1);
    let ups = from.len() - common;
    let rest = to[common..].join("/");
    if ups == 0 { format!("./{rest}") } else { format!("{}{rest}", "../".repeat(ups)) }
}

/// The form of the links vellum writes: Obsidian's "New link format" and
/// "Use \[\[Wikilinks\]\]" (off: `useMarkdownLinks`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStyle {
    /// Which path the link names.
    pub format: LinkFormat,
    /// Markdown links (`[Note](Note.md)`) instead of wikilinks.
    pub markdown: bool,
}

/// The core Templates plugin's formats for `{{date}}` and `{{time}}`
/// (Moment.js format strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFormats {
    /// `dateFormat`, default `YYYY-MM-DD`.
    pub date: String,
    /// `timeFormat`, default `HH:mm`.
    pub time: String,
}

impl Default for TemplateFormats {
    fn default() -> Self {
        Self { date: "YYYY-MM-DD".to_owned(), time: "HH:mm".to_owned() }
    }
}

/// The core Daily notes plugin's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyNotes {
    /// The folder, vault-relative, `""` for the root.
    pub folder: String,
    /// The file name's Moment.js format (it may hold `/`: subfolders),
    /// default `YYYY-MM-DD`.
    pub format: String,
    /// The template's vault path (with `.md`), if one is set.
    pub template: Option<String>,
}

impl Default for DailyNotes {
    fn default() -> Self {
        Self { folder: String::new(), format: "YYYY-MM-DD".to_owned(), template: None }
    }
}

/// Read every settings file of `.obsidian/` that vellum uses besides
/// `types.json`: the settings, and a problem for each file or value that
/// cannot be read as Obsidian writes it. Missing files give the defaults.
#[must_use]
pub fn read_settings(root: &Path) -> (Settings, Vec<LoadProblem>) {
    parse_settings(&|file| std::fs::read(root.join(file)).ok())
}

/// [`read_settings`] over a function that gives each file's bytes.
fn parse_settings(read: &dyn Fn(&str) -> Option<Vec<u8>>) -> (Settings, Vec<LoadProblem>) {
    let mut settings = Settings::default();
    let mut problems = Vec::new();
    if let Some(mut app) = JsonFile::open(APP_FILE, read, &mut problems) {
        for pattern in app.texts("userIgnoreFilters", &mut problems) {
            match IgnoreFilter::new(&pattern) {
                Ok(f) => settings.ignore_filters.push(f),
                Err(e) => problems.push(app.value_problem(
                    "userIgnoreFilters",
                    format!(
                        "`{pattern}` is not a regular expression vellum can read ({e}); it excludes nothing"
                    ),
                )),
            }
        }
        if let Some(v) = app.text("attachmentFolderPath", &mut problems) {
            match AttachmentFolder::parse(&v) {
                Some(f) => settings.attachment_folder = f,
                None => problems.push(app.value_problem(
                    "attachmentFolderPath",
                    format!("`{v}` is not a folder of the vault; the vault root is used"),
                )),
            }
        }
        if let Some(v) = app.text("newLinkFormat", &mut problems) {
            settings.link_style.format = match v.as_str() {
                "shortest" => LinkFormat::Shortest,
                "relative" => LinkFormat::Relative,
                "absolute" => LinkFormat::Absolute,
                _ => {
                    problems.push(app.value_problem(
                        "newLinkFormat",
                        format!("`{v}` is not `shortest`, `relative` or `absolute`; `shortest` is used"),
                    ));
                    LinkFormat::Shortest
                }
            };
        }
        if let Some(v) = app.flag("useMarkdownLinks", &mut problems) {
            settings.link_style.markdown = v;
        }
    }
    if let Some(mut templates) = JsonFile::open(TEMPLATES_FILE, read, &mut problems) {
        settings.core_template_folder = templates.text("folder", &mut problems).and_then(|f| folder_path(&f));
        settings.template_folders.extend(settings.core_template_folder.clone());
        if let Some(v) = templates.text("dateFormat", &mut problems).filter(|v| !v.trim().is_empty()) {
            settings.template_formats.date = v;
        }
        if let Some(v) = templates.text("timeFormat", &mut problems).filter(|v| !v.trim().is_empty()) {
            settings.template_formats.time = v;
        }
    }
    if let Some(mut templater) = JsonFile::open(TEMPLATER_FILE, read, &mut problems)
        && let Some(f) = templater.text("templates_folder", &mut problems).and_then(|f| folder_path(&f))
        && !settings.template_folders.contains(&f)
    {
        settings.template_folders.push(f);
    }
    if let Some(mut daily) = JsonFile::open(DAILY_NOTES_FILE, read, &mut problems) {
        if let Some(f) = daily.text("folder", &mut problems) {
            settings.daily_notes.folder = folder_path(&f).unwrap_or_default();
        }
        if let Some(v) = daily.text("format", &mut problems).filter(|v| !v.trim().is_empty()) {
            settings.daily_notes.format = v;
        }
        settings.daily_notes.template = daily.text("template", &mut problems).and_then(|t| {
            let t = folder_path(&t)?;
            Some(if t.to_ascii_lowercase().ends_with(".md") { t } else { format!("{t}.md") })
        });
    }
    (settings, problems)
}

/// A folder setting as a vault path: no surrounding spaces or slashes;
/// `None` for the root or nothing.
fn folder_path(value: &str) -> Option<String> {
    let f = value.trim().trim_matches('/');
    (!f.is_empty()).then(|| f.to_owned())
}

/// One settings file, parsed as a JSON object.
struct JsonFile {
    file: &'static str,
    text: String,
    map: serde_json::Map<String, Value>,
}

impl JsonFile {
    /// The file, when it is there; a problem when it is not a JSON object.
    fn open(
        file: &'static str,
        read: &dyn Fn(&str) -> Option<Vec<u8>>,
        problems: &mut Vec<LoadProblem>,
    ) -> Option<Self> {
        let bytes = read(file)?;
        let Ok(text) = String::from_utf8(bytes) else {
            problems.push(setting_problem(file, "", "not UTF-8 text; ignored".to_owned(), None));
            return None;
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => Some(Self { file, text, map }),
            Ok(_) => {
                problems.push(setting_problem(file, &text, "not a JSON object; ignored".to_owned(), None));
                None
            }
            Err(e) => {
                problems.push(json_problem(file, &text, &e, "ignored"));
                None
            }
        }
    }

    /// A problem with the value of `key`, pointing at the key.
    fn value_problem(&self, key: &str, message: String) -> LoadProblem {
        let span = self.text.find(&format!("\"{key}\"")).map(|at| Span::new(at, at + key.len() + 2));
        setting_problem(self.file, &self.text, format!("`{key}`: {message}"), span)
    }

    /// The text at `key`; `None` when absent or `null`, and a problem when
    /// it is not a text.
    fn text(&mut self, key: &str, problems: &mut Vec<LoadProblem>) -> Option<String> {
        match self.map.remove(key)? {
            Value::Null => None,
            Value::String(s) => Some(s),
            v => {
                problems.push(self.value_problem(key, format!("should be a text, not {v}; ignored")));
                None
            }
        }
    }

    /// The `true` or `false` at `key`.
    fn flag(&mut self, key: &str, problems: &mut Vec<LoadProblem>) -> Option<bool> {
        match self.map.remove(key)? {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            v => {
                problems.push(self.value_problem(key, format!("should be true or false, not {v}; ignored")));
                None
            }
        }
    }

    /// The list of texts at `key` (its other items are problems).
    fn texts(&mut self, key: &str, problems: &mut Vec<LoadProblem>) -> Vec<String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|i| match i {
                    Value::String(s) => Some(s),
                    v => {
                        problems.push(self.value_problem(key, format!("holds {v}, not a text; ignored")));
                        None
                    }
                })
                .collect(),
            Some(v) => {
                problems
                    .push(self.value_problem(key, format!("should be a list of texts, not {v}; ignored")));
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_fit_their_types_as_obsidian_shows_them() {
        use PropertyType::*;
        let cases: &[(PropertyType, Value, bool)] = &[
            (Number, json!(4), true),
            (Number, json!(4.5), true),
            (Number, json!("high"), false),
            (Number, json!(null), true),
            (Checkbox, json!(true), true),
            (Checkbox, json!("yes"), false),
            (Date, json!("2024-03-01"), true),
            (Date, json!("2024-02-30"), false),
            (Date, json!("March 1"), false),
            (DateTime, json!("2024-03-01T09:30"), true),
            (DateTime, json!("2024-03-01T09:30:15"), true),
            (DateTime, json!("2024-03-01"), true),
            (DateTime, json!("tomorrow"), false),
            (List, json!(["a", "b"]), true),
            (List, json!("a"), true),
            (List, json!([["nested"]]), false),
            (Tags, json!({"a": 1}), false),
            (Text, json!("plain"), true),
            (Text, json!(3), true),
            (Text, json!(["a", "b"]), false),
        ];
        for (t, v, fits) in cases {
            assert_eq!(t.fits(v), *fits, "{} {v}", t.name());
        }
    }

    #[test]
    fn types_json_is_read_and_its_problems_named() {
        let (types, problems) =
            parse_types(r#"{"types": {"Rating": "number", "due": "date", "mood": "emoji", "tags": "tags"}}"#);
        assert_eq!(types.get("rating"), Some(PropertyType::Number));
        assert_eq!(types.get("RATING"), Some(PropertyType::Number));
        assert_eq!(types.get("due"), Some(PropertyType::Date));
        assert_eq!(types.get("mood"), None);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`mood`") && problems[0].path == TYPES_FILE);

        let (types, problems) = parse_types("{\"types\": {\"a\": \"text\",}");
        assert!(types.is_empty());
        assert_eq!(problems.len(), 1);
        let span = problems[0].span.expect("a place");
        assert!(span.start > 20, "points at the stray comma: {span:?}");

        let (types, problems) = parse_types("[]");
        assert!(types.is_empty() && problems.len() == 1);
    }

    fn settings(files: &[(&str, &str)]) -> (Settings, Vec<LoadProblem>) {
        let files: Vec<(String, Vec<u8>)> =
            files.iter().map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec())).collect();
        parse_settings(&|file| files.iter().find(|(p, _)| p == file).map(|(_, t)| t.clone()))
    }

    #[test]
    fn no_settings_files_are_obsidians_defaults() {
        let (s, problems) = settings(&[]);
        assert_eq!(s, Settings::default());
        assert!(problems.is_empty());
        assert!(s.hides_nothing() && !s.hides("Templates/Daily.md"));
        assert_eq!(s.daily_notes.format, "YYYY-MM-DD");
        assert_eq!(s.attachment_folder.for_note("a/b.md"), "");
    }

    #[test]
    fn settings_are_read_and_unknown_keys_ignored() {
        let (s, problems) = settings(&[
            (
                APP_FILE,
                r#"{"userIgnoreFilters": ["Archive/", "drafts", "/\\.draft\\.md$/"],
                    "attachmentFolderPath": "./assets", "newLinkFormat": "relative",
                    "useMarkdownLinks": true, "alwaysUpdateLinks": true}"#,
            ),
            (TEMPLATES_FILE, r#"{"folder": "Templates/", "dateFormat": "DD.MM.YYYY"}"#),
            (TEMPLATER_FILE, r#"{"templates_folder": "Meta/Templater", "trigger_on_file_creation": false}"#),
            (
                DAILY_NOTES_FILE,
                r#"{"folder": "/Daily", "format": "YYYY/MM/YYYY-MM-DD", "template": "Templates/Daily"}"#,
            ),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.template_folders, ["Templates", "Meta/Templater"]);
        assert_eq!(s.core_template_folder.as_deref(), Some("Templates"));
        assert!(s.hides("Templates/Daily.md") && s.hides("Meta/Templater/x.md"));
        assert!(!s.hides("Templates.md") && !s.hides("TemplatesX/a.md"));
        assert!(s.hides("Archive/old.md") && !s.hides("archive/old.md"), "prefixes match case-sensitively");
        assert!(s.hides("drafts.md") && s.hides("drafts/a.md") && s.hides("drafts-old/a.md"));
        assert!(s.hides("notes/x.draft.md") && !s.hides("notes/x.md"));
        assert_eq!(s.attachment_folder, AttachmentFolder::UnderNote("assets".to_owned()));
        assert_eq!(s.attachment_folder.for_note("a/b.md"), "a/assets");
        assert_eq!(s.link_style, LinkStyle { format: LinkFormat::Relative, markdown: true });
        assert_eq!(s.template_formats.date, "DD.MM.YYYY");
        assert_eq!(s.template_formats.time, "HH:mm");
        assert_eq!(s.daily_notes.folder, "Daily");
        assert_eq!(s.daily_notes.format, "YYYY/MM/YYYY-MM-DD");
        assert_eq!(s.daily_notes.template.as_deref(), Some("Templates/Daily.md"));
    }

    #[test]
    fn relative_paths_and_link_targets() {
        assert_eq!(relative_path("a/b", "a/x"), "../x");
        assert_eq!(relative_path("a", "a/x"), "./x");
        assert_eq!(relative_path("", "x"), "./x");
        assert_eq!(relative_path("a/b", "c/d/x"), "../../c/d/x");
        let shortest = || "x".to_owned();
        assert_eq!(LinkFormat::Shortest.target("a/b/n.md", "c/x", shortest), "x");
        assert_eq!(LinkFormat::Relative.target("a/b/n.md", "a/c/x", shortest), "../c/x");
        assert_eq!(LinkFormat::Absolute.target("a/b/n.md", "a/c/x", shortest), "a/c/x");
    }

    #[test]
    fn attachment_folders_as_obsidian_writes_them() {
        let f = |v: &str| AttachmentFolder::parse(v);
        assert_eq!(f("/"), Some(AttachmentFolder::VaultRoot));
        assert_eq!(f("./"), Some(AttachmentFolder::SameFolder));
        assert_eq!(f("Assets/img/"), Some(AttachmentFolder::Folder("Assets/img".to_owned())));
        assert_eq!(f("../out"), None);
        assert_eq!(f("./").map(|a| a.for_note("x/n.md")), Some("x".to_owned()));
        assert_eq!(f("./img").map(|a| a.for_note("n.md")), Some("img".to_owned()));
    }

    #[test]
    fn a_bad_file_or_value_is_a_warning_naming_it() {
        let (s, problems) = settings(&[
            (APP_FILE, "{\"newLinkFormat\": \"shortest\",\n \"useMarkdownLinks\": tru}"),
            (TEMPLATES_FILE, r#"{"folder": 3}"#),
            (DAILY_NOTES_FILE, "[]"),
        ]);
        assert_eq!(s, Settings::default());
        assert_eq!(problems.len(), 3, "{problems:?}");
        let app = &problems[0];
        assert_eq!(app.path, APP_FILE);
        assert!(app.message.starts_with("not valid JSON"), "{}", app.message);
        let span = app.span.expect("a place");
        let text = app.text.as_deref().expect("the text");
        assert!(span.start > text.find('\n').expect("two lines"), "on the second line: {span:?}");
        assert_eq!(problems[1].path, TEMPLATES_FILE);
        assert!(
            problems[1].message.contains("`folder`") && problems[1].span.is_some(),
            "{}",
            problems[1].message
        );
        assert_eq!(problems[2].path, DAILY_NOTES_FILE);

        let (s, problems) = settings(&[(
            APP_FILE,
            r#"{"userIgnoreFilters": ["/[a/", 4, "ok/"], "newLinkFormat": "nearest", "attachmentFolderPath": "../x"}"#,
        )]);
        assert_eq!(s.ignore_filters.len(), 1);
        assert!(s.hides("ok/a.md"));
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().all(|p| p.path == APP_FILE && p.kind == LoadProblemKind::ObsidianSetting));
    }
}
