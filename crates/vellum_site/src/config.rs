//! The `[site]` table of `vellum.toml`, with defaults applied: title,
//! description, where the site is served from, author and language (with
//! the catalogue of the theme's words it picks).
//!
//! The vault reads the file once, when it loads; its `[site]` table
//! ([`SiteConfig`]) is in [`vellum_vault::Config::site`].

use std::path::Path;
use std::sync::Arc;

use crate::i18n::Catalogue;

pub use vellum_vault::SiteConfig;

/// Items per page of a list when `[site] page_size` is not set: a page of
/// a few hundred kilobytes, which a browser shows at once.
pub const DEFAULT_PAGE_SIZE: usize = 200;

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
    /// As written in `[site] language` (`pt-BR`), for `<html lang>` and the feed.
    pub(crate) language: String,
    /// The theme's words in that language (with the theme's overrides).
    pub(crate) catalogue: Arc<Catalogue>,
    /// What resolving the settings found wrong (a language without a
    /// catalogue), for the build to report.
    pub(crate) warnings: Vec<String>,
    /// Items per page of a list, never 0 (`usize::MAX`: one page).
    pub(crate) page_size: usize,
    /// The properties a note's properties table shows (`[site] properties`).
    pub(crate) properties: Option<Vec<String>>,
    /// The front page's note, as `[site] home` names it.
    pub(crate) home: Option<String>,
    /// Each published note gets a generated social card (`[site] social_cards`).
    pub(crate) social_cards: bool,
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
        let language = nonempty(&cfg.language).unwrap_or_else(|| "en".to_owned());
        let (catalogue, warnings) = Catalogue::resolve(&language, vault_root);
        Self {
            title: nonempty(&cfg.title).unwrap_or(folder),
            description: nonempty(&cfg.description).unwrap_or_default(),
            origin: origin.to_owned(),
            base_path,
            author: nonempty(&cfg.author).unwrap_or_default(),
            language,
            catalogue: Arc::new(catalogue),
            warnings,
            page_size: match cfg.page_size {
                None => DEFAULT_PAGE_SIZE,
                Some(0) => usize::MAX,
                Some(n) => n,
            },
            properties: cfg.properties.clone(),
            home: cfg.home.clone(),
            social_cards: cfg.social_cards.unwrap_or(false),
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
        let mut cfg = SiteConfig::default();
        cfg.base_url = Some("https://example.com/blog/".into());
        let s = Site::resolve(&cfg, Path::new("/nonexistent"));
        assert_eq!(s.origin, "https://example.com");
        assert_eq!(s.base_path, "/blog/");
        let mut cfg = SiteConfig::default();
        cfg.base_path = Some("x".into());
        assert_eq!(Site::resolve(&cfg, Path::new("/")).base_path, "/x/");
        assert_eq!(Site::resolve(&SiteConfig::default(), Path::new("/")).base_path, "/");
    }
}
