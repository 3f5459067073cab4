//! The URL of a note on a published site: slugs made from names and paths,
//! and the `permalink` a note's frontmatter may give instead (as Obsidian
//! Publish reads it).
//!
//! A slug is lowercase ASCII letters and digits with single `-` between
//! words; other scripts are transliterated with `deunicode` first
//! (`日本語ノート` → `ri-ben-yu-noto`). These are pure functions of a name:
//! the site (`vellum_site`) claims them, the checks (`vellum_check`) compare
//! them, and `vellum rename` records the URL a note leaves behind.

/// The site's own top-level sections: no note, permalink or redirect takes
/// these URLs.
pub const SECTIONS: &[&str] = &[
    "tags",
    "keywords",
    "claims",
    "questions",
    "sources",
    "unwritten",
    "graph",
    "search",
    "search-index",
    "folders",
    "timeline",
];

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
/// `.md` (`hardware/CUDA Moat.md` → `hardware/cuda-moat`), `.canvas` or `.base`.
#[must_use]
pub fn note_slug(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let stem = if lower.ends_with(".md") {
        &path[..path.len() - 3]
    } else if crate::is_canvas_path(path) {
        &path[..path.len() - ".canvas".len()]
    } else if crate::is_base_path(path) {
        &path[..path.len() - ".base".len()]
    } else {
        path
    };
    let mut parts: Vec<String> = stem.split('/').map(url_slug).filter(|s| !s.is_empty()).collect();
    let file_slug_empty = stem.rsplit('/').next().map(url_slug).is_none_or(|s| s.is_empty());
    if file_slug_empty {
        parts.push("note".to_owned());
    }
    parts.join("/")
}

/// Why a `permalink` cannot be a URL path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPermalink {
    /// Nothing is left once the slashes are stripped.
    Empty,
    /// A whole URL (`https://…`, `//host/…`) rather than a path on the site.
    Absolute,
    /// A `.` or `..` segment.
    DotSegment,
    /// A character outside letters, digits, `-` and `_`, or a segment that
    /// does not start with a letter or digit.
    Character(char),
    /// The shape of a later page of a list (`…/page/2`).
    ListPage,
}

impl std::fmt::Display for BadPermalink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::Absolute => f.write_str("it is a whole URL, not a path on the site"),
            Self::DotSegment => f.write_str("it has a `.` or `..` segment"),
            Self::Character(c) => write!(
                f,
                "`{}` is not allowed (use letters, digits, `-` and `_`, with `/` between folders)",
                c.escape_debug()
            ),
            Self::ListPage => f.write_str("it ends like a later page of a list (`page/<number>`)"),
        }
    }
}

/// The URL path a `permalink` value asks for (`/My/Page/` → `my/page`):
/// leading and trailing slashes stripped, lowercase, segments of ASCII
/// letters, digits, `-` and `_`, each starting with a letter or digit (so no
/// permalink can name a file of the site, like `feed.xml` or `_redirects`).
///
/// # Errors
/// The first reason the value cannot be such a path ([`BadPermalink`]).
pub fn permalink(raw: &str) -> Result<String, BadPermalink> {
    let raw = raw.trim();
    if raw.starts_with("//") || raw.contains("://") {
        return Err(BadPermalink::Absolute);
    }
    let path = raw.trim_matches('/');
    if path.is_empty() {
        return Err(BadPermalink::Empty);
    }
    let mut out = String::with_capacity(path.len());
    for (k, seg) in path.split('/').enumerate() {
        if seg == "." || seg == ".." {
            return Err(BadPermalink::DotSegment);
        }
        let mut chars = seg.chars();
        match chars.next() {
            None => return Err(BadPermalink::Character('/')),
            Some(c) if !c.is_ascii_alphanumeric() => return Err(BadPermalink::Character(c)),
            Some(_) => {}
        }
        if let Some(c) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
            return Err(BadPermalink::Character(c));
        }
        if k > 0 {
            out.push('/');
        }
        out.push_str(&seg.to_ascii_lowercase());
    }
    if is_list_page(&out) {
        return Err(BadPermalink::ListPage);
    }
    Ok(out)
}

/// Whether `path` lies in one of the site's own [`SECTIONS`] (`tags`,
/// `tags/rust`).
#[must_use]
pub fn in_section(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or(path);
    SECTIONS.contains(&first)
}

/// Whether a `permalink` value is the site's root (`/`): the note asks to be
/// the front page, as Obsidian Publish's home note does. Its own page keeps
/// the URL of its file name ([`permalink`] refuses the empty path).
#[must_use]
pub fn is_root(raw: &str) -> bool {
    let raw = raw.trim();
    !raw.is_empty() && raw.trim_matches('/').is_empty()
}

/// Whether `path` has the shape of page 2, 3, … of a list: `page/<n>` or
/// `…/page/<n>`. Lists put their later pages at `<list>/page/<n>/`, so no
/// slug may have that shape.
#[must_use]
pub fn is_list_page(path: &str) -> bool {
    let (rest, n) = path.rsplit_once('/').unwrap_or(("", path));
    let parent = rest.rsplit('/').next().unwrap_or(rest);
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && parent == "page"
}

/// Hands out unique slug paths: the first claim of a path gets it, later ones
/// get `-2`, `-3`, ….
#[derive(Debug, Default)]
pub struct Slugs {
    taken: std::collections::HashSet<String>,
}

impl Slugs {
    /// Reserve `path` as is (for the site's own pages).
    pub fn reserve(&mut self, path: &str) {
        self.taken.insert(path.to_owned());
    }

    /// Claim `path`, or the first free `path-N`. A path that ends in
    /// `page/<digits>` is never handed out: those are the later pages of
    /// paginated lists (see [`is_list_page`]).
    pub fn claim(&mut self, path: &str) -> String {
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

    /// Whether `path` is taken (or has the shape of a later list page).
    #[must_use]
    pub fn is_taken(&self, path: &str) -> bool {
        is_list_page(path) || self.taken.contains(path)
    }
}

/// Where a note's URL claim ran into another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlConflict {
    /// The permalink lies in one of the site's own [`SECTIONS`]: it is
    /// ignored.
    Section,
    /// Note `k` (an index into the claims) claimed the permalink's URL
    /// first, by its own permalink or its path: the permalink is ignored.
    Taken(usize),
    /// The permalink took the URL note `k` has by its path: that note gets
    /// a suffix (`-2`).
    Displaces(usize),
}

/// The URL a note got from [`claim_notes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteUrl {
    /// Its path on the site, without slashes around (`hardware/cuda-moat`).
    pub rel: String,
    /// Whether that is its permalink.
    pub by_permalink: bool,
    /// The conflicts of its permalink.
    pub conflicts: Vec<UrlConflict>,
}

/// Give each note its URL, in the order given (path order): its valid
/// `permalink` when that is free and outside the site's sections, else its
/// path's slug ([`note_slug`], with a suffix when taken). The first claim of
/// a URL wins. `notes` are `(vault path, permalink as written)`; the site's
/// plan and `vellum check` (`V502`) both read this, so they agree.
pub fn claim_notes(slugs: &mut Slugs, notes: &[(&str, Option<&str>)]) -> Vec<NoteUrl> {
    let mut owner: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out: Vec<NoteUrl> = Vec::with_capacity(notes.len());
    for (k, &(path, raw)) in notes.iter().enumerate() {
        let mut conflicts = Vec::new();
        let mut rel = None;
        if let Some(p) = raw.and_then(|r| permalink(r).ok()) {
            if in_section(&p) {
                conflicts.push(UrlConflict::Section);
            } else if slugs.is_taken(&p) {
                conflicts.push(owner.get(&p).map_or(UrlConflict::Section, |&o| UrlConflict::Taken(o)));
            } else {
                slugs.reserve(&p);
                owner.insert(p.clone(), k);
                rel = Some(p);
            }
        }
        let by_permalink = rel.is_some();
        let rel = rel.unwrap_or_else(|| {
            let slug = note_slug(path);
            if let Some(&o) = owner.get(&slug)
                && out.get(o).is_some_and(|u: &NoteUrl| u.by_permalink)
            {
                out[o].conflicts.push(UrlConflict::Displaces(k));
            }
            let got = slugs.claim(&slug);
            owner.insert(got.clone(), k);
            got
        });
        out.push(NoteUrl { rel, by_permalink, conflicts });
    }
    out
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
    fn permalinks_are_paths_on_the_site() {
        assert_eq!(permalink("my/page"), Ok("my/page".to_owned()));
        assert_eq!(permalink(" /My/Page_2/ "), Ok("my/page_2".to_owned()));
        assert_eq!(permalink("about"), Ok("about".to_owned()));
        assert_eq!(permalink("/"), Err(BadPermalink::Empty));
        assert!(is_root("/") && is_root(" // ") && !is_root("") && !is_root("/a/"));
        assert_eq!(permalink(""), Err(BadPermalink::Empty));
        assert_eq!(permalink("https://example.com/a"), Err(BadPermalink::Absolute));
        assert_eq!(permalink("//example.com/a"), Err(BadPermalink::Absolute));
        assert_eq!(permalink("a/../b"), Err(BadPermalink::DotSegment));
        assert_eq!(permalink("a//b"), Err(BadPermalink::Character('/')));
        assert_eq!(permalink("feed.xml"), Err(BadPermalink::Character('.')));
        assert_eq!(permalink("_redirects"), Err(BadPermalink::Character('_')));
        assert_eq!(permalink("a b"), Err(BadPermalink::Character(' ')));
        assert_eq!(permalink("café"), Err(BadPermalink::Character('é')));
        assert_eq!(permalink("notes/page/2"), Err(BadPermalink::ListPage));
        assert!(in_section("tags/rust"));
        assert!(in_section("search"));
        assert!(!in_section("tagsx"));
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

    #[test]
    fn first_claim_in_path_order_wins() {
        let mut s = Slugs::default();
        for r in SECTIONS {
            s.reserve(r);
        }
        let notes = [
            ("a.md", Some("shared")),
            ("b.md", Some("Shared/")),
            ("c.md", Some("tags/mine")),
            ("d.md", Some("e")),
            ("e.md", None),
            ("f.md", Some("../x")),
            ("g.md", Some("a")),
        ];
        let got = claim_notes(&mut s, &notes);
        let rels: Vec<&str> = got.iter().map(|u| u.rel.as_str()).collect();
        assert_eq!(rels, ["shared", "b", "c", "e", "e-2", "f", "a"]);
        assert_eq!(got[0].conflicts, []);
        assert_eq!(got[1].conflicts, [UrlConflict::Taken(0)]);
        assert_eq!(got[2].conflicts, [UrlConflict::Section]);
        assert_eq!(got[3].conflicts, [UrlConflict::Displaces(4)]);
        assert!(got[3].by_permalink && !got[4].by_permalink);
        assert_eq!(got[5].conflicts, [], "an invalid permalink is V501's, not a conflict");
        // `a.md` lives at its permalink, so `a` is free for `g.md`.
        assert_eq!(got[6].conflicts, []);
        assert!(got[6].by_permalink);
    }
}
