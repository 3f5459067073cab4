//! The theme: minijinja templates and static assets, embedded in the binary,
//! each replaceable by a file of the same name in `<vault>/_theme/`.
//!
//! Templates end in `.html`, so minijinja escapes every value; the note body
//! from the renderer is the one thing inserted with `|safe`. A vault may also
//! add templates of its own (for `{% include %}`) and a `custom.css`, linked
//! after `style.css`. The theme's words come from a catalogue per language
//! (see the `i18n` module); `_theme/i18n/<lang>.toml` overrides some of them.

use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::BuildError;

/// The folder of a vault that overrides the theme.
pub const THEME_DIR: &str = "_theme";

/// The templates of the default theme, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../theme/base.html")),
    ("macros.html", include_str!("../theme/macros.html")),
    ("note.html", include_str!("../theme/note.html")),
    ("index.html", include_str!("../theme/index.html")),
    ("tags.html", include_str!("../theme/tags.html")),
    ("tag.html", include_str!("../theme/tag.html")),
    ("keywords.html", include_str!("../theme/keywords.html")),
    ("keyword.html", include_str!("../theme/keyword.html")),
    ("claims.html", include_str!("../theme/claims.html")),
    ("questions.html", include_str!("../theme/questions.html")),
    ("sources.html", include_str!("../theme/sources.html")),
    ("unwritten.html", include_str!("../theme/unwritten.html")),
    ("folder.html", include_str!("../theme/folder.html")),
    ("graph.html", include_str!("../theme/graph.html")),
    ("search.html", include_str!("../theme/search.html")),
    ("404.html", include_str!("../theme/404.html")),
];

/// Static files of the default theme, by output name.
pub const ASSETS: &[(&str, &str)] =
    &[("style.css", include_str!("../theme/style.css")), ("vellum.js", include_str!("../theme/vellum.js"))];

/// The loaded theme.
pub(crate) struct Theme {
    pub(crate) env: Environment<'static>,
    /// `(output name, content)` of `style.css`, `vellum.js` and `custom.css`.
    pub(crate) assets: Vec<(String, String)>,
    pub(crate) has_custom_css: bool,
    /// Hash of the vault's overrides (the embedded theme is part of vellum's
    /// own identity in the build cache).
    pub(crate) fingerprint: [u8; 32],
}

impl Theme {
    /// The default theme with the vault's overrides from `<vault>/_theme/`.
    pub(crate) fn load(vault_root: &Path) -> Result<Self, BuildError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        // HTML escaping without minijinja's `/` → `&#x2f;`, so URLs stay readable.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
                vellum_render::write_escaped(out, text).map_err(minijinja::Error::from)
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.add_filter("fill", fill);
        if let Ok(syntax) = SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build() {
            env.set_syntax(syntax);
        }
        let dir = vault_root.join(THEME_DIR);
        let mut overrides: Vec<(String, String)> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
                    continue;
                };
                if !path.is_file() {
                    continue;
                }
                let is_template = name.ends_with(".html");
                let is_asset = ASSETS.iter().any(|(a, _)| *a == name) || name == "custom.css";
                if is_template || is_asset {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|source| BuildError::Io { path: path.clone(), source })?;
                    overrides.push((name, text));
                }
            }
        }
        overrides.sort();
        let mut fp = blake3::Hasher::new();
        for (name, text) in &overrides {
            for part in [name, text] {
                fp.update(&(part.len() as u64).to_le_bytes());
                fp.update(part.as_bytes());
            }
        }
        let fingerprint = *fp.finalize().as_bytes();
        for (name, source) in TEMPLATES {
            if !overrides.iter().any(|(n, _)| n == name) {
                env.add_template(name, source).map_err(|e| template_error(name, &e))?;
            }
        }
        let mut assets: Vec<(String, String)> =
            ASSETS.iter().map(|(n, s)| ((*n).to_owned(), (*s).to_owned())).collect();
        let mut has_custom_css = false;
        for (name, text) in overrides {
            if name.ends_with(".html") {
                env.add_template_owned(name.clone(), text).map_err(|e| template_error(&name, &e))?;
            } else if let Some(slot) = assets.iter_mut().find(|(n, _)| *n == name) {
                slot.1 = text;
            } else {
                has_custom_css = true;
                assets.push((name, text));
            }
        }
        Ok(Self { env, assets, has_custom_css, fingerprint })
    }

    /// Render template `name` with `ctx`.
    pub(crate) fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, BuildError> {
        self.env.get_template(name).and_then(|t| t.render(ctx)).map_err(|e| template_error(name, &e))
    }
}

/// The `fill` filter: a catalogue string with its `{placeholders}` filled
/// from the keyword arguments (`{{ t.min_read|fill(minutes=3) }}`). The
/// result is escaped like any value printed.
fn fill(text: &str, values: Kwargs) -> Result<String, minijinja::Error> {
    let names: Vec<&str> = values.args().collect();
    let got: Vec<Value> = names.iter().map(|n| values.get::<Value>(n)).collect::<Result<_, _>>()?;
    let pairs: Vec<(&str, &dyn std::fmt::Display)> =
        names.iter().zip(&got).map(|(n, v)| (*n, v as &dyn std::fmt::Display)).collect();
    Ok(vellum_render::fill(text, &pairs))
}

/// The theme's overrides of the strings of language `code`:
/// `<vault>/_theme/i18n/<code>.toml` with its path, `None` when there is
/// none, or a warning when it cannot be read.
pub(crate) fn strings_override(
    vault_root: &Path,
    code: &str,
) -> Result<Option<(std::path::PathBuf, String)>, String> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let path = vault_root.join(THEME_DIR).join("i18n").join(format!("{code}.toml"));
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("`{}` could not be read and was ignored: {e}", path.display())),
    }
}

fn template_error(name: &str, err: &minijinja::Error) -> BuildError {
    use std::fmt::Write;
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let _ = write!(message, ": {s}");
        source = s.source();
    }
    BuildError::Template { name: name.to_owned(), message }
}
