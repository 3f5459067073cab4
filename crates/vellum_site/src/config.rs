//! The `[site]` table of `vellum.toml`: title, description, where the site is
//! served from, author and language.
//!
//! `vellum_vault::Config` owns the rest of the file; this module reads only
//! `[site]` and ignores every other key, so the two can evolve separately.

use std::path::Path;

use serde::Deserialize;

use crate::BuildError;

/// Settings of the `[site]` table. Every field is optional.
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
    /// tag, keyword and unwritten pages, the digests. Default
    /// [`DEFAULT_PAGE_SIZE`]; `0` puts every list on one page.
    pub page_size: Option<usize>,
}

/// Items per page of a list when `[site] page_size` is not set: a page of
/// a few hundred kilobytes, which a browser shows at once.
pub const DEFAULT_PAGE_SIZE: usize = 200;

impl SiteConfig {
    /// Read the `[site]` table from the text of a `vellum.toml`; other tables
    /// and keys are ignored.
    ///
    /// # Errors
    /// A message when the TOML is invalid or `[site]` has an unknown key or a
    /// value of the wrong type.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let Some(site) = table.get("site") else { return Ok(Self::default()) };
        site.clone()
            .try_into()
            .map_err(|e: toml::de::Error| format!("invalid [site] in vellum.toml: {}", e.message()))
    }

    /// Read `<vault>/vellum.toml`; a missing file gives the defaults.
    ///
    /// # Errors
    /// [`BuildError::Config`] when the file exists but `[site]` is invalid.
    pub fn load(vault_root: &Path) -> Result<Self, BuildError> {
        match std::fs::read_to_string(vault_root.join("vellum.toml")) {
            Ok(text) => Self::from_toml(&text).map_err(BuildError::Config),
            Err(_) => Ok(Self::default()),
        }
    }
}

/// The settings with defaults applied and URLs normalised.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) title: String,
    pub(crate) description: String,
    /// `https://example.com` (no trailing `/`), or empty when unknown.
    pub(crate) origin: String,
    /// Starts and ends with `/`.
    pub(crate) base_path: String,
    pub(crate) author: String,
    pub(crate) language: String,
    /// Items per page of a list, never 0 (`usize::MAX`: one page).
    pub(crate) page_size: usize,
}

impl Site {
    pub(crate) fn resolve(cfg: &SiteConfig, vault_root: &Path) -> Self {
        let (origin, url_path) = split_url(cfg.base_url.as_deref().unwrap_or("").trim());
        let base_path = normalise_base_path(cfg.base_path.as_deref().unwrap_or(url_path));
        let folder = vault_root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "vellum".to_owned());
        let nonempty = |s: &Option<String>| s.as_ref().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            title: nonempty(&cfg.title).unwrap_or(folder),
            description: nonempty(&cfg.description).unwrap_or_default(),
            origin: origin.to_owned(),
            base_path,
            author: nonempty(&cfg.author).unwrap_or_default(),
            language: nonempty(&cfg.language).unwrap_or_else(|| "en".to_owned()),
            page_size: match cfg.page_size {
                None => DEFAULT_PAGE_SIZE,
                Some(0) => usize::MAX,
                Some(n) => n,
            },
        }
    }

    /// The absolute form of a root-relative URL, when the origin is known.
    pub(crate) fn absolute(&self, url: &str) -> String {
        format!("{}{url}", self.origin)
    }
}

/// `https://example.com/blog/` → (`https://example.com`, `/blog/`).
fn split_url(url: &str) -> (&str, &str) {
    let url = url.trim_end_matches('/');
    let Some(scheme_end) = url.find("://") else { return (url, "/") };
    match url[scheme_end + 3..].find('/') {
        Some(i) => url.split_at(scheme_end + 3 + i),
        None => (url, "/"),
    }
}

fn normalise_base_path(p: &str) -> String {
    let inner = p.trim().trim_matches('/');
    if inner.is_empty() { "/".to_owned() } else { format!("/{inner}/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_the_site_table() {
        let c = SiteConfig::from_toml(
            "exclude = [\"x\"]\n[links]\nresolve_aliases = true\n[site]\ntitle = \"T\"\n",
        )
        .expect("valid");
        assert_eq!(c.title.as_deref(), Some("T"));
        assert_eq!(SiteConfig::from_toml("").expect("empty"), SiteConfig::default());
        assert!(SiteConfig::from_toml("[site]\nbogus = 1\n").is_err());
    }

    #[test]
    fn page_size_defaults_and_zero_means_one_page() {
        let size = |toml: &str| {
            let cfg = SiteConfig::from_toml(toml).expect("valid");
            Site::resolve(&cfg, Path::new("/")).page_size
        };
        assert_eq!(size(""), DEFAULT_PAGE_SIZE);
        assert_eq!(size("[site]\npage_size = 5\n"), 5);
        assert_eq!(size("[site]\npage_size = 0\n"), usize::MAX);
        assert!(SiteConfig::from_toml("[site]\npage_size = -1\n").is_err());
    }

    #[test]
    fn base_path_defaults_from_base_url() {
        let cfg = SiteConfig { base_url: Some("https://example.com/blog/".into()), ..SiteConfig::default() };
        let s = Site::resolve(&cfg, Path::new("/nonexistent"));
        assert_eq!(s.origin, "https://example.com");
        assert_eq!(s.base_path, "/blog/");
        let cfg = SiteConfig { base_path: Some("x".into()), ..SiteConfig::default() };
        assert_eq!(Site::resolve(&cfg, Path::new("/")).base_path, "/x/");
        assert_eq!(Site::resolve(&SiteConfig::default(), Path::new("/")).base_path, "/");
    }
}
