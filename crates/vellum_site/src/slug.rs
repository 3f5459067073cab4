//! Slugs: stable, readable URL segments.
//!
//! A slug is lowercase ASCII letters and digits with single `-` between
//! words; other scripts are transliterated with `deunicode` first
//! (`日本語ノート` → `ri-ben-yu-noto`). Two things that would get the same
//! slug are told apart by a suffix (`-2`, `-3`, …) given in a fixed order, so
//! the same vault always gets the same URLs.

use rustc_hash::FxHashSet;

/// The slug of `s`: transliterated to ASCII, lowercase, words joined by `-`.
/// Empty when `s` has no letters or digits.
#[must_use]
pub fn url_slug(s: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(s, " ");
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The slug path of a note: each folder slugified, then the file name without
/// `.md` (`hardware/CUDA Moat.md` → `hardware/cuda-moat`).
#[must_use]
pub fn note_slug(path: &str) -> String {
    let stem = if path.to_ascii_lowercase().ends_with(".md") { &path[..path.len() - 3] } else { path };
    let mut parts: Vec<String> = stem.split('/').map(url_slug).filter(|s| !s.is_empty()).collect();
    let file_slug_empty = stem.rsplit('/').next().map(url_slug).is_none_or(|s| s.is_empty());
    if file_slug_empty {
        parts.push("note".to_owned());
    }
    parts.join("/")
}

/// Hands out unique slug paths: the first claim of a path gets it, later ones
/// get `-2`, `-3`, ….
#[derive(Debug, Default)]
pub(crate) struct Slugs {
    taken: FxHashSet<String>,
}

impl Slugs {
    /// Reserve `path` as is (for the site's own pages).
    pub(crate) fn reserve(&mut self, path: &str) {
        self.taken.insert(path.to_owned());
    }

    /// Claim `path`, or the first free `path-N`. A path that ends in
    /// `page/<digits>` is never handed out: those are the later pages of
    /// paginated lists (see [`is_list_page`]).
    pub(crate) fn claim(&mut self, path: &str) -> String {
        if !is_list_page(path) && self.taken.insert(path.to_owned()) {
            return path.to_owned();
        }
        (2..)
            .map(|n| format!("{path}-{n}"))
            .find(|p| !self.taken.contains(p))
            .inspect(|p| {
                self.taken.insert(p.clone());
            })
            .unwrap_or_default()
    }

    pub(crate) fn is_taken(&self, path: &str) -> bool {
        is_list_page(path) || self.taken.contains(path)
    }
}

/// Whether `path` has the shape of page 2, 3, … of a list: `page/<n>` or
/// `…/page/<n>`. Lists put their later pages at `<list>/page/<n>/`, so no
/// slug may have that shape; a note at `notes/page/2.md` becomes
/// `notes/page/2-2`.
pub(crate) fn is_list_page(path: &str) -> bool {
    let (rest, n) = path.rsplit_once('/').unwrap_or(("", path));
    let parent = rest.rsplit('/').next().unwrap_or(rest);
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && parent == "page"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(url_slug("CUDA Moat"), "cuda-moat");
        assert_eq!(url_slug("  io_uring: Security -- Tradeoffs! "), "io-uring-security-tradeoffs");
        assert_eq!(url_slug("日本語ノート"), "ri-ben-yu-noto");
        assert_eq!(url_slug("Café naïve"), "cafe-naive");
        assert_eq!(url_slug("???"), "");
        assert_eq!(note_slug("hardware/CUDA Moat.md"), "hardware/cuda-moat");
        assert_eq!(note_slug("???.md"), "note");
        assert_eq!(note_slug("Ünï/日本語ノート.md"), "uni/ri-ben-yu-noto");
    }

    #[test]
    fn collisions_get_suffixes_in_order() {
        let mut s = Slugs::default();
        s.reserve("tags");
        assert_eq!(s.claim("tags"), "tags-2");
        assert_eq!(s.claim("a"), "a");
        assert_eq!(s.claim("a"), "a-2");
        assert_eq!(s.claim("a"), "a-3");
        assert!(s.is_taken("a-3"));
    }

    #[test]
    fn slugs_never_take_the_shape_of_a_later_list_page() {
        let mut s = Slugs::default();
        assert_eq!(s.claim("notes/page/2"), "notes/page/2-2");
        assert_eq!(s.claim("page/10"), "page/10-2");
        assert!(s.is_taken("tags/rust/page/3"));
        assert_eq!(s.claim("page"), "page");
        assert_eq!(s.claim("notes/page/two"), "notes/page/two");
        assert_eq!(s.claim("notes/pages/2"), "notes/pages/2");
        assert!(!is_list_page("page/"));
        assert!(!is_list_page("2"));
    }
}
