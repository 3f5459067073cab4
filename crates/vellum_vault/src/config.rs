//! `vellum.toml`: the vault's settings. Every setting has a default that
//! matches Obsidian, so a vault without the file behaves as the app does.

use serde::Deserialize;

/// Settings read from `vellum.toml` at the vault root.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// Link resolution.
    pub links: LinksConfig,
    /// The journal schema.
    pub journal: JournalConfig,
    /// Folders (vault-relative) that the walk skips, besides the built-in ones.
    pub exclude: Vec<String>,
    /// `[site]`: settings of the published site (title, base URL, …), read by
    /// `vellum_site`; kept here as a raw table so the vault accepts the key.
    pub site: toml::Table,
}

/// `[links]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct LinksConfig {
    /// Resolve `[[Alias]]` to the note that lists it in `aliases`. Obsidian does
    /// not (aliases only feed its suggester), so this is off by default.
    pub resolve_aliases: bool,
}

/// `[journal]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct JournalConfig {
    /// Tags that mark a note's kind (required fields apply to these notes; the
    /// linkage tree leaves them out).
    pub kind_tags: Vec<String>,
    /// Callout types accepted besides Obsidian's built-in ones and `ref`.
    pub custom_callouts: Vec<String>,
}

impl Default for JournalConfig {
    fn default() -> Self {
        Self { kind_tags: vec!["tech-journal".to_owned()], custom_callouts: Vec::new() }
    }
}

impl Config {
    /// Parse the text of a `vellum.toml`.
    ///
    /// # Errors
    /// A message naming the line and problem when the TOML is invalid or has unknown keys.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Like [`Config::from_toml`], but the error is the bare one-line message
    /// and the byte range in `text` it is about, so it can be shown in place.
    ///
    /// # Errors
    /// When the TOML is invalid or has unknown keys.
    pub fn from_toml_spanned(text: &str) -> Result<Self, (String, Option<std::ops::Range<usize>>)> {
        toml::from_str(text).map_err(|e| (e.message().trim().to_owned(), e.span()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_obsidian() {
        let c = Config::from_toml("").expect("empty is fine");
        assert!(!c.links.resolve_aliases);
        assert_eq!(c.journal.kind_tags, ["tech-journal"]);
        let c = Config::from_toml("[links]\nresolve_aliases = true\n").expect("valid");
        assert!(c.links.resolve_aliases);
        assert!(Config::from_toml("[links]\nbogus = 1\n").is_err());
        let (message, span) = Config::from_toml_spanned("[links]\nbogus = 1\n").expect_err("unknown key");
        assert!(!message.contains('\n') && message.contains("bogus"), "{message}");
        assert_eq!(span, Some(8..13));
    }
}
