//! Callout types that the vault's CSS snippets define.
//!
//! Obsidian applies the snippets named in `.obsidian/appearance.json`
//! (`"enabledCssSnippets": ["name", …]`, each the file
//! `.obsidian/snippets/<name>.css`). A rule whose selector holds
//! `.callout[data-callout="x"]` makes `x` a callout type of the vault, styled
//! by `--callout-color` (an RGB triple, `R, G, B`) and `--callout-icon` (a
//! Lucide icon name). Those types are known callouts to `vellum check` and the
//! language server, and the published site gives them their colour and icon
//! (from these values only: no snippet text is ever copied into the site).
//!
//! Read, never written. A file that cannot be read as Obsidian writes it is a
//! warning naming it (`V009`), never a failure.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use vellum_syntax::Span;

use crate::css;
use crate::load::{LoadProblem, LoadProblemKind};

/// Obsidian's appearance settings, relative to the vault.
pub const APPEARANCE_FILE: &str = ".obsidian/appearance.json";
/// The folder of CSS snippets, relative to the vault.
pub const SNIPPETS_DIR: &str = ".obsidian/snippets";

/// The problems reported for one snippet file at most.
const MAX_PROBLEMS_PER_FILE: usize = 5;

/// Snippet files larger than this are not read.
const MAX_SNIPPET_BYTES: u64 = 1024 * 1024;

/// A callout type defined in an enabled CSS snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetCallout {
    /// The type, lowercased: letters, digits, `-` and `_` only.
    pub name: String,
    /// `--callout-color`, as red, green and blue.
    pub color: Option<[u8; 3]>,
    /// `--callout-icon`: a Lucide icon name without `lucide-` (lowercase
    /// letters, digits and `-`).
    pub icon: Option<String>,
}

/// The callout types of a vault's enabled snippets, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnippetCallouts(BTreeMap<String, SnippetCallout>);

impl SnippetCallouts {
    /// Whether `kind` (any case) is one of them.
    #[must_use]
    pub fn contains(&self, kind: &str) -> bool {
        self.0.contains_key(&kind.to_lowercase())
    }

    /// Every one, by name.
    pub fn iter(&self) -> impl Iterator<Item = &SnippetCallout> {
        self.0.values()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The callout types of these stylesheets, `(vault path, text)` in the
    /// order Obsidian applies them (a later value wins), and the problems
    /// found in them.
    #[must_use]
    pub fn from_sheets(sheets: &[(String, String)]) -> (Self, Vec<LoadProblem>) {
        let mut out = BTreeMap::new();
        let mut problems = Vec::new();
        for (path, text) in sheets {
            let sheet = css::scan(text);
            let mut found: Vec<(usize, String)> =
                sheet.problems.into_iter().map(|(at, m)| (at, format!("{m}; read past it"))).collect();
            for rule in &sheet.rules {
                for (name, subject) in css::callout_types(&rule.selectors) {
                    if !name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                        found.push((
                            rule.at,
                            format!(
                                "callout type `{name}` has characters a callout type cannot hold; ignored"
                            ),
                        ));
                        continue;
                    }
                    let entry =
                        out.entry(name.clone()).or_insert(SnippetCallout { name, color: None, icon: None });
                    if !subject {
                        continue;
                    }
                    for d in &rule.decls {
                        match d.name.as_str() {
                            "--callout-color" => match css::rgb(&d.value) {
                                Some(rgb) => entry.color = Some(rgb),
                                None => found.push((
                                    d.at,
                                    format!(
                                        "`--callout-color: {}` is not a colour vellum reads (write `R, G, B` as Obsidian does, `#rrggbb` or `rgb()`); the published callout keeps the default colour",
                                        short(&d.value)
                                    ),
                                )),
                            },
                            "--callout-icon" => entry.icon = css::icon(&d.value).or(entry.icon.take()),
                            _ => {}
                        }
                    }
                }
            }
            // In file order, and a few at most: a file of garbage is one
            // problem to fix, not hundreds.
            found.sort_by_key(|(at, _)| *at);
            found.dedup();
            found.truncate(MAX_PROBLEMS_PER_FILE);
            problems.extend(found.into_iter().map(|(at, message)| {
                let at = vellum_syntax::text::floor_char_boundary(text, at.min(text.len()));
                let end = vellum_syntax::text::ceil_char_boundary(text, (at + 1).min(text.len()));
                setting_problem(path, message, Some((text, Span::new(at, end))))
            }));
        }
        (Self(out), problems)
    }
}

/// `value` cut to a length a message can quote.
fn short(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        return value.to_owned();
    }
    let mut cut: String = value.chars().take(MAX).collect();
    cut.push('…');
    cut
}

fn setting_problem(path: &str, message: String, place: Option<(&str, Span)>) -> LoadProblem {
    LoadProblem {
        path: path.to_owned(),
        kind: LoadProblemKind::ObsidianSetting,
        message,
        text: place.map(|(t, _)| t.to_owned()),
        span: place.map(|(_, s)| s),
    }
}

/// The names of the enabled snippets in `appearance.json`'s text, and the
/// problems with it.
fn enabled_snippets(text: &str) -> (Vec<String>, Vec<LoadProblem>) {
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let lines = vellum_syntax::LineIndex::new(text);
            let at = lines.line_start(e.line().max(1)) + e.column().saturating_sub(1);
            let at = vellum_syntax::text::floor_char_boundary(text, at.min(text.len()));
            let end = vellum_syntax::text::ceil_char_boundary(text, (at + 1).min(text.len()));
            let message = format!("not valid JSON, CSS snippets ignored: {e}");
            return (
                Vec::new(),
                vec![setting_problem(APPEARANCE_FILE, message, Some((text, Span::new(at, end))))],
            );
        }
    };
    let Some(list) = root.get("enabledCssSnippets") else {
        return (Vec::new(), Vec::new());
    };
    let Some(items) = list.as_array() else {
        let message = "`enabledCssSnippets` is not a list, CSS snippets ignored".to_owned();
        return (Vec::new(), vec![setting_problem(APPEARANCE_FILE, message, None)]);
    };
    let mut names = Vec::new();
    let mut problems = Vec::new();
    for item in items {
        match item.as_str() {
            Some(name)
                if !name.is_empty()
                    && !name.contains(['/', '\\'])
                    && name != ".."
                    && !name.chars().any(char::is_control) =>
            {
                names.push(name.to_owned());
            }
            _ => problems.push(setting_problem(
                APPEARANCE_FILE,
                format!("`enabledCssSnippets` holds {item}, which is not a snippet's name; ignored"),
                None,
            )),
        }
    }
    (names, problems)
}

/// Read the callout types of the enabled snippets of the vault at `root`, and
/// a problem for each file or value that cannot be read (a snippet that is
/// enabled but missing, or outside the vault through a link, included). No
/// `appearance.json`: none and no problem.
#[must_use]
pub fn read_callouts(root: &Path) -> (SnippetCallouts, Vec<LoadProblem>) {
    let Ok(text) = std::fs::read_to_string(root.join(APPEARANCE_FILE)) else {
        return (SnippetCallouts::default(), Vec::new());
    };
    let (names, mut problems) = enabled_snippets(&text);
    let real_root = root.canonicalize().ok();
    let mut sheets = Vec::new();
    for name in names {
        let rel = format!("{SNIPPETS_DIR}/{name}.css");
        let path = root.join(&rel);
        let inside = path
            .canonicalize()
            .ok()
            .is_some_and(|real| real_root.as_ref().is_some_and(|r| real.starts_with(r)));
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_SNIPPET_BYTES);
        let read = if inside && small { std::fs::read(&path).ok() } else { None };
        match read.map(String::from_utf8) {
            Some(Ok(css)) => sheets.push((rel, css)),
            Some(Err(_)) => {
                problems.push(setting_problem(&rel, "not UTF-8 text; snippet ignored".to_owned(), None))
            }
            None => {
                let why = if !path.exists() {
                    "is enabled in `.obsidian/appearance.json` but has no file"
                } else if !inside {
                    "leads outside the vault; not read"
                } else if !small {
                    "is larger than 1 MB; not read"
                } else {
                    "cannot be read"
                };
                problems.push(setting_problem(&rel, format!("snippet `{name}` {why}"), None));
            }
        }
    }
    let (callouts, more) = SnippetCallouts::from_sheets(&sheets);
    problems.extend(more);
    (callouts, problems)
}

/// The vault paths of the files in `.obsidian/` that the vault's model reads
/// (property types, appearance, every CSS snippet), those that exist, sorted:
/// what a cache must stamp besides the notes and `vellum.toml`.
#[must_use]
pub fn settings_paths(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = [crate::obsidian::TYPES_FILE, APPEARANCE_FILE]
        .into_iter()
        .filter(|p| root.join(p).is_file())
        .map(str::to_owned)
        .collect();
    if let Ok(entries) = std::fs::read_dir(root.join(SNIPPETS_DIR)) {
        for e in entries.flatten() {
            let Ok(name) = e.file_name().into_string() else { continue };
            if name.ends_with(".css") && e.file_type().is_ok_and(|t| !t.is_dir()) {
                out.push(format!("{SNIPPETS_DIR}/{name}"));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheets(files: &[(&str, &str)]) -> (SnippetCallouts, Vec<LoadProblem>) {
        let files: Vec<(String, String)> =
            files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        SnippetCallouts::from_sheets(&files)
    }

    #[test]
    fn callouts_with_colour_and_icon_later_snippets_winning() {
        let (c, problems) = sheets(&[
            (
                "a.css",
                ".callout[data-callout=\"Recipe\"] { --callout-color: 200, 100, 0; --callout-icon: lucide-chef-hat; }\n\
                 .callout[data-callout=\"recipe\"] .callout-title { --callout-color: 1, 1, 1; }\n\
                 .callout[data-callout='plain'] .callout-title { display: none }",
            ),
            ("b.css", ".callout[data-callout=recipe] { --callout-color: #0a0b0c }"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let all: Vec<&SnippetCallout> = c.iter().collect();
        assert_eq!(
            all,
            [
                &SnippetCallout { name: "plain".into(), color: None, icon: None },
                &SnippetCallout {
                    name: "recipe".into(),
                    color: Some([10, 11, 12]),
                    icon: Some("chef-hat".into())
                },
            ]
        );
        assert!(c.contains("RECIPE") && !c.contains("note"));
    }

    #[test]
    fn problems_name_the_file_and_the_place() {
        let css = ".callout[data-callout=x] { --callout-color: red; }\n.callout[data-callout=\"a b\"] {}\n}";
        let (c, problems) = sheets(&[(".obsidian/snippets/s.css", css)]);
        assert!(c.contains("x"));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().all(|p| p.path == ".obsidian/snippets/s.css"));
        assert!(problems[0].message.contains("`--callout-color: red`"));
        assert_eq!(problems[0].span.map(|s| &css[s.start..s.end]), Some("r"));
        assert!(problems[1].message.contains("`a b`"));
        assert!(problems[2].message.contains("closes nothing"));
    }

    #[test]
    fn appearance_json_names_the_enabled_snippets() {
        let (names, problems) = enabled_snippets(
            r#"{"theme": "obsidian", "enabledCssSnippets": ["callouts", "../../etc/x", 3, "wide tables"]}"#,
        );
        assert_eq!(names, ["callouts", "wide tables"]);
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().all(|p| p.path == APPEARANCE_FILE));
        assert_eq!(enabled_snippets("{}").0, Vec::<String>::new());
        let (_, problems) = enabled_snippets("{\"enabledCssSnippets\": [\n  \"a\",\n]}");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].span.is_some() && problems[0].message.starts_with("not valid JSON"));
        assert_eq!(enabled_snippets("{\"enabledCssSnippets\": \"a\"}").1.len(), 1);
    }
}
