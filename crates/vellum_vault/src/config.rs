//! `vellum.toml`: the vault's settings. Every setting has a default that
//! matches Obsidian, so a vault without the file behaves as the app does.
//!
//! The file is read and parsed once, when the vault loads ([`Config::from_toml`]):
//! the vault's own tables, and the `[site]` table the published site reads
//! ([`SiteConfig`], kept in [`Config::site`] with its own error, so that a bad
//! `[site]` fails a build but not `vellum check`).

use std::fmt;
use std::ops::Range;

use serde::Deserialize;

/// The name of the settings file at the vault root.
pub const CONFIG_FILE: &str = "vellum.toml";

/// Settings read from `vellum.toml` at the vault root.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Config {
    /// Link resolution.
    pub links: LinksConfig,
    /// The journal schema.
    pub journal: JournalConfig,
    /// Folders (vault-relative) that the walk skips, besides the built-in ones.
    pub exclude: Vec<String>,
    /// `[site]`: settings of the published site, or why they are invalid
    /// (read by `vellum_site`, which refuses to build with an invalid one).
    #[serde(skip)]
    pub site: Result<SiteConfig, ConfigError>,
    /// Obsidian's property types (`.obsidian/types.json`), read when the vault loads.
    #[serde(skip)]
    pub property_types: crate::PropertyTypes,
    /// The callout types of the enabled CSS snippets (`.obsidian/snippets/`),
    /// read when the vault loads.
    #[serde(skip)]
    pub snippet_callouts: crate::SnippetCallouts,
    /// Obsidian's other settings (`.obsidian/app.json`, `templates.json`,
    /// Templater's, `daily-notes.json`), read when the vault loads.
    #[serde(skip)]
    pub obsidian: crate::obsidian::Settings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            links: LinksConfig::default(),
            journal: JournalConfig::default(),
            exclude: Vec::new(),
            site: Ok(SiteConfig::default()),
            property_types: crate::PropertyTypes::default(),
            snippet_callouts: crate::SnippetCallouts::default(),
            obsidian: crate::obsidian::Settings::default(),
        }
    }
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

/// Settings of the `[site]` table, for the published site. Every field is
/// optional.
///
/// ```toml
/// [site]
/// title = "Tech journal"
/// description = "Notes on hardware, software and security."
/// base_url = "https://example.com"   # the origin; may carry a path, see `base_path`
/// base_path = "/journal/"            # default: the path of base_url, else "/"
/// author = "Ada"
/// language = "en"
/// page_size = 200                    # items per page of a list; 0: every list on one page
/// properties = ["up", "status"]      # the properties table; default: every property but the schema's
/// home = "Start here"                # the front page's note; default: `permalink: /`, index.md, Home.md
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SiteConfig {
    /// The site's name (default: the vault folder's name).
    pub title: Option<String>,
    /// One sentence about the site, for the index page and meta tags.
    pub description: Option<String>,
    /// Where the site is published, e.g. `https://example.com`; needed for
    /// absolute URLs in the feed, the sitemap and Open Graph tags.
    pub base_url: Option<String>,
    /// The path every URL starts with (default: the path of `base_url`, else `/`).
    pub base_path: Option<String>,
    /// The author, for the feed and meta tags.
    pub author: Option<String>,
    /// The language of the pages (`lang` attribute), default `en`.
    pub language: Option<String>,
    /// How many notes (or sources) one page of a list shows: the timeline,
    /// tag, keyword and unwritten pages, the digests. Default: the site's;
    /// `0` puts every list on one page.
    pub page_size: Option<usize>,
    /// Which frontmatter properties a note's page shows in its properties
    /// table, in this order. Default: every one outside the journal schema
    /// (which the theme shows in its own places) and Obsidian Publish's
    /// `publish` and `permalink`, except those whose name starts with `_`.
    /// An empty list shows none.
    pub properties: Option<Vec<String>>,
    /// The note shown as the site's front page, resolved as a wikilink
    /// written at the vault's root (`"Start here"`, `"docs/Welcome"`).
    /// Default: the first note whose `permalink` is `/`, else a root
    /// `index.md`, else a root `Home.md`; without one the timeline is the
    /// front page.
    pub home: Option<String>,
    /// Whether each published note gets a generated social card (its Open
    /// Graph image) unless its `image` or `cover` property names one.
    /// Default: `false` (a first build draws every card, about 0.07 ms of
    /// CPU each).
    pub social_cards: Option<bool>,
}

impl SiteConfig {
    /// Read the `[site]` table from the text of a `vellum.toml`; other tables
    /// and keys are ignored.
    ///
    /// # Errors
    /// When the TOML is invalid or `[site]` has an unknown key or a value of
    /// the wrong type.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        match Config::from_toml(text) {
            Ok(config) => config.site,
            Err(invalid) => invalid.site,
        }
    }
}

/// What is wrong with `vellum.toml`: the file, the message and, when the
/// parser knows it, the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, relative to the vault (`vellum.toml`).
    pub file: String,
    /// Which part of the file: `None` for the whole file, `Some("site")` for
    /// the `[site]` table.
    pub table: Option<&'static str>,
    /// The problem, one line.
    pub message: String,
    /// The byte range in the file it is about.
    pub span: Option<Range<usize>>,
    /// The 1-based line and column (in characters) where `span` starts.
    pub line_col: Option<(usize, usize)>,
}

impl ConfigError {
    fn new(text: &str, table: Option<&'static str>, e: &toml::de::Error) -> Self {
        let span = e.span();
        let line_col = span.as_ref().map(|r| {
            let before = text.get(..r.start.min(text.len())).unwrap_or("");
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
        });
        Self { file: CONFIG_FILE.to_owned(), table, message: e.message().trim().to_owned(), span, line_col }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        match self.table {
            Some(table) => write!(f, ": invalid [{table}]: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// [`Config::from_toml`]'s error: what is wrong with the vault's tables, and
/// the `[site]` table as read on its own (a file whose TOML does not parse
/// has the same error for both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidConfig {
    /// What is wrong.
    pub error: ConfigError,
    /// `[site]`, read apart from the rest.
    pub site: Result<SiteConfig, ConfigError>,
}

impl Config {
    /// Parse the text of a `vellum.toml`, once: the vault's tables, and
    /// `[site]` on its own ([`Config::site`]).
    ///
    /// # Errors
    /// When the TOML is invalid or the vault's tables have unknown keys or
    /// values of the wrong type (an invalid `[site]` is kept in
    /// [`Config::site`] instead).
    pub fn from_toml(text: &str) -> Result<Self, Box<InvalidConfig>> {
        use toml::de::{DeTable, Deserializer};
        let doc = match DeTable::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                let error = ConfigError::new(text, None, &e);
                return Err(Box::new(InvalidConfig { site: Err(error.clone()), error }));
            }
        };
        let span = doc.span();
        let (mut own, mut site) = (DeTable::new(), DeTable::new());
        for (key, value) in doc.into_inner() {
            let part = if key.get_ref().as_ref() == "site" { &mut site } else { &mut own };
            part.insert(key, value);
        }
        /// The document with only its `[site]` table.
        #[derive(Deserialize)]
        struct SiteOnly {
            #[serde(default)]
            site: SiteConfig,
        }
        let site = SiteOnly::deserialize(Deserializer::from(toml::Spanned::new(span.clone(), site)))
            .map(|s| s.site)
            .map_err(|e| ConfigError::new(text, Some("site"), &e));
        match Config::deserialize(Deserializer::from(toml::Spanned::new(span, own))) {
            Ok(config) => Ok(Config { site, ..config }),
            Err(e) => Err(Box::new(InvalidConfig { error: ConfigError::new(text, None, &e), site })),
        }
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
        assert_eq!(c.site, Ok(SiteConfig::default()));
        let c = Config::from_toml("[links]\nresolve_aliases = true\n").expect("valid");
        assert!(c.links.resolve_aliases);
        let e = Config::from_toml("[links]\nbogus = 1\n").expect_err("unknown key").error;
        assert!(!e.message.contains('\n') && e.message.contains("bogus"), "{}", e.message);
        assert_eq!(e.span, Some(8..13));
        assert_eq!(e.line_col, Some((2, 1)));
        assert!(e.to_string().starts_with("vellum.toml:2:1: "), "{e}");
    }

    #[test]
    fn the_site_table_is_read_with_the_rest_and_apart_from_it() {
        let text = "exclude = [\"x\"]\n[links]\nresolve_aliases = true\n[site]\ntitle = \"T\"\n";
        let c = Config::from_toml(text).expect("valid");
        assert_eq!(c.exclude, ["x"]);
        assert_eq!(c.site.as_ref().map(|s| s.title.as_deref()), Ok(Some("T")));
        assert_eq!(SiteConfig::from_toml(text).map(|s| s.title), Ok(Some("T".to_owned())));
        // A bad `[site]` leaves the vault's settings as they are, and says where.
        let text = "[links]\nresolve_aliases = true\n[site]\npage_size = -1\n";
        let c = Config::from_toml(text).expect("the vault's tables are valid");
        assert!(c.links.resolve_aliases);
        let e = c.site.expect_err("negative page size");
        assert_eq!((e.file.as_str(), e.table, e.line_col), ("vellum.toml", Some("site"), Some((4, 13))));
        assert!(e.to_string().starts_with("vellum.toml:4:13: invalid [site]: "), "{e}");
        // A bad vault table keeps a good `[site]`.
        let bad = Config::from_toml("[links]\nbogus = 1\n[site]\ntitle = \"T\"\n").expect_err("bogus");
        assert_eq!(bad.site.map(|s| s.title), Ok(Some("T".to_owned())));
        // TOML that does not parse is wrong for both.
        let bad = Config::from_toml("[site\n").expect_err("syntax");
        assert_eq!(bad.site, Err(bad.error.clone()));
        assert_eq!(SiteConfig::from_toml("[site]\nbogus = 1\n").map_err(|e| e.table), Err(Some("site")));
    }
}
