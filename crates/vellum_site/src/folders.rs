//! The vault's folders on the site, and its front page.
//!
//! Every folder holding published notes (at any depth) gets a page listing
//! its sub-folders and notes, at the slug path its notes' URLs start with
//! (`Files and folders/` → `files-and-folders/`, beside
//! `files-and-folders/manage-notes/`); the vault's root is listed at
//! `folders/`. A published note named like its folder and beside it
//! (`Folder.md` next to `Folder/`, the *folder note* convention) took that
//! slug first: its page is the folder's page, with the listing under the
//! note, and it is not listed again among its parent's notes. Folder slugs
//! are claimed after the published notes (so a folder never moves a note),
//! and the folders that hold only drafts (with `--drafts`) after the drafts.
//!
//! Note and folder pages carry breadcrumbs (the folders above them) and a
//! placeholder for the explorer: the tree of every folder and note, written
//! once per build as `explorer.html` and loaded by `vellum.js` into each
//! page (a page without script links to the root folder's page instead).
//!
//! The front page is a note when the site has one (`[site] home`, else a root
//! `index.md`, else a root `Home.md`): its page is written at the site's root
//! and is that note's only URL; the timeline then moves to `timeline/`.

use std::fmt::Write as _;

use rustc_hash::FxHashMap;
use serde::Serialize;
use vellum_render::{escape, fill};
use vellum_vault::{NoteIdx, Vault};

use crate::pages::{Card, Counted, Globals, Named, OtherPage, Want};
use crate::plan::Plan;
use crate::slug::{Slugs, url_slug};

/// Where the root folder's page lives (reserved in `plan::RESERVED`).
pub(crate) const ROOT_REL: &str = "folders/";

/// Where the timeline moves when a note is the front page (reserved).
pub(crate) const TIMELINE_REL: &str = "timeline/";

/// The explorer's file.
pub(crate) const EXPLORER: &str = "explorer.html";

/// One folder of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Folder {
    /// Vault path, without a trailing `/` (`""` for the root).
    pub(crate) path: String,
    /// The last part of the path, as written.
    pub(crate) name: String,
    /// Output-relative folder of its page (its folder note's, when it has one).
    pub(crate) rel: String,
    /// The folder note, whose page is the folder's.
    pub(crate) note: Option<NoteIdx>,
    /// The notes directly in it, by title (its sub-folders' folder notes left out).
    pub(crate) notes: Vec<NoteIdx>,
    /// Sub-folders (indexes into [`Folders::list`]), by name.
    pub(crate) children: Vec<usize>,
    /// Its parent folder (`None` for the root).
    pub(crate) parent: Option<usize>,
    /// Published notes at any depth below it.
    pub(crate) count: usize,
    /// Of those, notes that are not drafts.
    pub(crate) public: usize,
}

/// Every folder of the site, the root first, then by path.
#[derive(Debug, Default)]
pub(crate) struct Folders {
    pub(crate) list: Vec<Folder>,
    by_path: FxHashMap<String, usize>,
}

/// The slug path of a folder: each part slugified, as the notes inside it
/// have it (`Files and folders/Sub` → `files-and-folders/sub`).
pub(crate) fn folder_slug(path: &str) -> String {
    let parts: Vec<String> = path.split('/').map(url_slug).filter(|s| !s.is_empty()).collect();
    if parts.is_empty() { "folder".to_owned() } else { parts.join("/") }
}

/// The folder part of a vault path (`""` at the root).
fn parent_path(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

impl Folders {
    /// The folders of the notes `published` (whose URLs `rel` are claimed,
    /// drafts' not yet): every folder with a published note at any depth.
    /// Those holding a note that is not a draft get their slugs now; the
    /// others wait for [`Folders::claim_rest`].
    pub(crate) fn plan(
        vault: &Vault,
        published: &[NoteIdx],
        rel: &[Option<String>],
        slugs: &mut Slugs,
    ) -> Self {
        let mut f = Folders::default();
        f.add("");
        for &i in published {
            let draft = vault.notes[i].is_draft();
            let mut at = f.add(parent_path(&vault.notes[i].path));
            f.list[at].notes.push(i);
            loop {
                let folder = &mut f.list[at];
                folder.count += 1;
                folder.public += usize::from(!draft);
                match folder.parent {
                    Some(p) => at = p,
                    None => break,
                }
            }
        }
        // Root first, then by path; indexes renumbered.
        let mut order: Vec<usize> = (0..f.list.len()).collect();
        order.sort_by(|&a, &b| f.list[a].path.cmp(&f.list[b].path));
        let mut new_of = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_of[old] = new;
        }
        let mut list: Vec<Folder> = order.iter().map(|&k| f.list[k].clone()).collect();
        for folder in &mut list {
            folder.parent = folder.parent.map(|p| new_of[p]);
            folder.children.clear();
        }
        for k in 1..list.len() {
            if let Some(p) = list[k].parent {
                list[p].children.push(k);
            }
        }
        for k in 0..list.len() {
            let mut children = std::mem::take(&mut list[k].children);
            children.sort_by_cached_key(|&c| (list[c].name.to_lowercase(), list[c].name.clone()));
            list[k].children = children;
        }
        f.by_path = list.iter().enumerate().map(|(k, folder)| (folder.path.clone(), k)).collect();
        f.list = list;
        // Folder notes: a published note beside its folder, with its name,
        // that took the folder's slug.
        for k in 1..f.list.len() {
            let slug = folder_slug(&f.list[k].path);
            let note = vault.note_by_path(&format!("{}.md", f.list[k].path)).filter(|&n| {
                !vault.notes[n].is_draft()
                    && rel[n].as_deref().and_then(|r| r.strip_suffix('/')) == Some(&slug)
            });
            if let Some(n) = note {
                f.list[k].note = Some(n);
                f.list[k].rel = format!("{slug}/");
                if let Some(p) = f.list[k].parent {
                    f.list[p].notes.retain(|&m| m != n);
                }
            }
        }
        for folder in &mut f.list {
            folder.notes.sort_by_cached_key(|&i| {
                let n = &vault.notes[i];
                (n.title.to_lowercase(), n.path.clone())
            });
        }
        f.list[0].rel = ROOT_REL.to_owned();
        for folder in f.list.iter_mut().filter(|folder| folder.rel.is_empty() && folder.public > 0) {
            folder.rel = format!("{}/", slugs.claim(&folder_slug(&folder.path)));
        }
        f
    }

    /// Claim the slugs of the folders that hold only drafts (after the drafts').
    pub(crate) fn claim_rest(&mut self, slugs: &mut Slugs) {
        for folder in self.list.iter_mut().filter(|folder| folder.rel.is_empty()) {
            folder.rel = format!("{}/", slugs.claim(&folder_slug(&folder.path)));
        }
    }

    /// Add the folder at `path` and the folders above it; its index.
    fn add(&mut self, path: &str) -> usize {
        if let Some(&k) = self.by_path.get(path) {
            return k;
        }
        let parent = (!path.is_empty()).then(|| self.add(parent_path(path)));
        let k = self.list.len();
        self.list.push(Folder {
            path: path.to_owned(),
            name: path.rsplit('/').next().unwrap_or(path).to_owned(),
            rel: String::new(),
            note: None,
            notes: Vec::new(),
            children: Vec::new(),
            parent,
            count: 0,
            public: 0,
        });
        self.by_path.insert(path.to_owned(), k);
        k
    }

    /// The folder a note at vault path `path` is in.
    pub(crate) fn of_path(&self, path: &str) -> Option<usize> {
        self.by_path.get(parent_path(path)).copied()
    }

    /// The folders above folder `k` and `k` itself, from the top, the root left out.
    fn chain(&self, k: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut at = Some(k);
        while let Some(c) = at.filter(|&c| c != 0) {
            chain.push(c);
            at = self.list[c].parent;
        }
        chain.reverse();
        chain
    }
}

/// The note that is the site's front page: `[site] home` resolved as a
/// wikilink written at the vault's root, else the first note (in path
/// order) whose `permalink` is `/`, else a root `index.md`, else a root
/// `Home.md` (any case). Only a published note that is not a draft
/// qualifies; a `home` that names no such note is a warning and no front
/// page.
pub(crate) fn home_note(
    vault: &Vault,
    home: Option<&str>,
    published: &[NoteIdx],
) -> (Option<NoteIdx>, Option<String>) {
    let eligible = |i: NoteIdx| published.binary_search(&i).is_ok() && !vault.notes[i].is_draft();
    if let Some(name) = home.map(str::trim).filter(|h| !h.is_empty()) {
        return match vault.note_named(name) {
            Some(i) if eligible(i) => (Some(i), None),
            Some(i) => (
                None,
                Some(format!(
                    "`[site] home = \"{name}\"` in vellum.toml names `{}`, which is not published: the timeline is the front page",
                    vault.notes[i].path
                )),
            ),
            None => (
                None,
                Some(format!(
                    "`[site] home = \"{name}\"` in vellum.toml names no note: the timeline is the front page"
                )),
            ),
        };
    }
    let asks = published.iter().copied().find(|&i| {
        eligible(i)
            && vault.notes[i]
                .note
                .properties
                .permalink
                .as_ref()
                .is_some_and(|p| vellum_syntax::url::is_root(&p.value))
    });
    let root =
        |name: &str| vault.note_by_path(name).filter(|&i| !vault.notes[i].path.contains('/') && eligible(i));
    (asks.or_else(|| root("index.md")).or_else(|| root("Home.md")), None)
}

/// A folder as a listing shows it: sub-folders and notes.
#[derive(Serialize)]
struct FolderView<'a> {
    name: &'a str,
    url: String,
    /// Published notes at any depth below it.
    count: usize,
    /// Folders above it, from the top (the root left out).
    breadcrumbs: Vec<Named>,
    folders: Vec<Counted>,
}

/// The listing under a folder note's page: the folder's sub-folders and
/// the first page of its notes, and the URL of the next page, if any.
#[derive(Serialize)]
pub(crate) struct FolderListing<'c> {
    count: usize,
    folders: Vec<Counted>,
    notes: Vec<&'c Card>,
    more: Option<String>,
}

impl Plan<'_> {
    /// The output-relative folder of the timeline: the root, or
    /// [`TIMELINE_REL`] when a note is the front page.
    pub(crate) fn timeline_rel(&self) -> &'static str {
        if self.home.is_some() { TIMELINE_REL } else { "" }
    }

    /// The folders above note `idx`, from the top, as breadcrumbs link them
    /// (the root left out: breadcrumbs start at the front page).
    pub(crate) fn breadcrumbs(&self, idx: NoteIdx) -> Vec<Named> {
        match self.folders.of_path(&self.vault.notes[idx].path) {
            Some(k) => self.folder_chain(k),
            None => Vec::new(),
        }
    }

    fn folder_chain(&self, k: usize) -> Vec<Named> {
        let f = &self.folders;
        f.chain(k)
            .into_iter()
            .map(|c| Named { name: f.list[c].name.clone(), url: self.url(&f.list[c].rel) })
            .collect()
    }

    fn sub_folders(&self, k: usize) -> Vec<Counted> {
        let f = &self.folders;
        f.list[k]
            .children
            .iter()
            .map(|&c| {
                let sub = &f.list[c];
                Counted {
                    name: sub.name.clone(),
                    url: self.url(&sub.rel),
                    count: sub.count,
                    depth: 0,
                    leaf: sub.name.clone(),
                }
            })
            .collect()
    }

    /// The folder whose page note `idx`'s page is.
    pub(crate) fn folder_of_note(&self, idx: NoteIdx) -> Option<usize> {
        let k = self.folders.by_path.get(self.vault.notes[idx].path.strip_suffix(".md")?).copied()?;
        (self.folders.list[k].note == Some(idx)).then_some(k)
    }

    /// The folder note whose page lists note `idx` (that of its folder).
    pub(crate) fn listing_note(&self, idx: NoteIdx) -> Option<NoteIdx> {
        let k = self.folders.of_path(&self.vault.notes[idx].path)?;
        self.folders.list[k].note
    }

    /// The listing under note `idx`'s page, when it is a folder note.
    pub(crate) fn folder_listing<'c>(
        &self,
        idx: NoteIdx,
        cards: &'c [Option<Card>],
    ) -> Option<FolderListing<'c>> {
        let k = self.folder_of_note(idx)?;
        let folder = &self.folders.list[k];
        let size = self.site.page_size.max(1);
        let notes: Vec<&Card> = folder.notes.iter().filter_map(|&i| cards[i].as_ref()).collect();
        let more = (notes.len() > size).then(|| self.url(&crate::pages::page_rel(&folder.rel, 2)));
        Some(FolderListing {
            count: folder.count,
            folders: self.sub_folders(k),
            notes: notes.into_iter().take(size).collect(),
            more,
        })
    }

    /// `rel → listed notes` of every folder page (a folder note's page is its note's).
    pub(crate) fn folder_lists(&self) -> impl Iterator<Item = (String, Vec<NoteIdx>)> + '_ {
        self.folders.list.iter().filter(|f| f.note.is_none()).map(|f| (f.rel.clone(), f.notes.clone()))
    }

    /// Output paths of page 2 onwards of every folder's listing, with how
    /// many notes each lists.
    pub(crate) fn folder_totals(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.folders.list.iter().map(|f| (f.rel.as_str(), f.notes.len()))
    }

    /// The folder pages `want` asks for (`want.list` by folder and notes).
    pub(crate) fn folder_pages<'a>(
        &'a self,
        g: &'a Globals,
        cards: &'a [Option<Card>],
        want: &Want<'_>,
        pages: &mut Vec<OtherPage<'a>>,
    ) {
        let t = &self.site.catalogue.strings;
        for (k, folder) in self.folders.list.iter().enumerate() {
            if !(want.list)(&folder.rel, &folder.notes) {
                continue;
            }
            let name = if k == 0 { t.folders.as_str() } else { folder.name.as_str() };
            let view = g.keyed(&FolderView {
                name,
                url: self.url(&folder.rel),
                count: folder.count,
                breadcrumbs: folder.parent.map(|p| self.folder_chain(p)).unwrap_or_default(),
                folders: self.sub_folders(k),
            });
            let desc = if k == 0 {
                fill(&t.folders_description, &[("site", &self.site.title)])
            } else {
                fill(&t.folder_description, &[("count", &folder.count), ("folder", &folder.name)])
            };
            let all: Vec<&Card> = folder.notes.iter().filter_map(|&i| cards[i].as_ref()).collect();
            let rel = folder.rel.as_str();
            let mut made = self.list_pages(
                g,
                rel,
                all.len(),
                "folder.html",
                move |pager| {
                    let mut meta = self.page_meta(rel, name, &desc, "folder", pager);
                    meta.noindex = folder.public == 0;
                    meta
                },
                move |r| vec![("folder", view.clone()), ("notes", g.keyed(&all[r]))],
            );
            if folder.note.is_some() && !made.is_empty() {
                // Page 1 is the folder note's page.
                made.remove(0);
            }
            pages.extend(made);
        }
    }

    /// The explorer: every folder (a `<details>`, its page linked first)
    /// and note of the site, as an HTML fragment. Made once per build.
    pub(crate) fn explorer(&self, cards: &[Option<Card>]) -> Vec<u8> {
        let mut out = String::from("<ul class=\"explorer-tree\">\n");
        self.explorer_folder(0, cards, &mut out);
        out.push_str("</ul>\n");
        out.into_bytes()
    }

    fn explorer_folder(&self, k: usize, cards: &[Option<Card>], out: &mut String) {
        let f = &self.folders;
        for &c in &f.list[k].children {
            let sub = &f.list[c];
            let url = escape(&self.url(&sub.rel));
            let draft = if sub.public == 0 { " is-draft" } else { "" };
            let _ = write!(
                out,
                "<li class=\"explorer-folder{draft}\"><details data-url=\"{url}\"><summary>{}</summary>\n<ul>\n",
                escape(&sub.name)
            );
            let index =
                sub.note.and_then(|n| cards[n].as_ref()).map_or(sub.name.as_str(), |c| c.title.as_str());
            let _ =
                writeln!(out, "<li class=\"explorer-index\"><a href=\"{url}\">{}</a></li>", escape(index));
            self.explorer_folder(c, cards, out);
            out.push_str("</ul></details></li>\n");
        }
        for card in f.list[k].notes.iter().filter_map(|&i| cards[i].as_ref()) {
            let draft = if card.draft { " is-draft" } else { "" };
            let _ = writeln!(
                out,
                "<li class=\"explorer-note{draft}\"><a href=\"{}\">{}</a></li>",
                escape(&card.url),
                escape(&card.title)
            );
        }
    }

    /// Folder pages for the sitemap: those that are not a note's and list
    /// a note that is not a draft.
    pub(crate) fn sitemap_folders(&self) -> impl Iterator<Item = &str> + '_ {
        self.folders.list.iter().filter(|f| f.note.is_none() && f.public > 0).map(|f| f.rel.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::{Site, SiteConfig};

    fn vault(notes: &[(&str, &str)]) -> Vault {
        let paths: Vec<String> = notes.iter().map(|(p, _)| (*p).to_owned()).collect();
        let texts = notes.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        Vault::from_texts(PathBuf::from("/v"), vellum_vault::Config::default(), paths, texts)
    }

    fn plan(v: &Vault, drafts: bool) -> Plan<'_> {
        Plan::new(v, Site::resolve(&SiteConfig::default(), &v.root), drafts)
    }

    const DRAFT: &str = "---\ndraft: true\n---\n# D\n";

    #[test]
    fn folders_nest_and_count_their_published_notes() {
        let v = vault(&[
            ("Top.md", "# Top\n"),
            ("Files and folders/Manage notes.md", "# Manage notes\n"),
            ("Files and folders/Sub/Deep.md", "# Deep\n"),
            ("Files and folders/Sub/Another.md", "# Another\n"),
            ("Drafts/Only.md", DRAFT),
            ("Folder.md", "# Folder intro\n"),
            ("Folder/Inside.md", "# Inside\n"),
        ]);
        let p = plan(&v, false);
        let paths: Vec<(&str, &str, usize)> =
            p.folders.list.iter().map(|f| (f.path.as_str(), f.rel.as_str(), f.count)).collect();
        assert_eq!(
            paths,
            [
                ("", "folders/", 6),
                ("Files and folders", "files-and-folders/", 3),
                ("Files and folders/Sub", "files-and-folders/sub/", 2),
                ("Folder", "folder/", 1),
            ],
            "a drafts-only folder has no page"
        );
        let fnote = v.note_by_path("Folder.md").expect("note");
        assert_eq!(p.folders.list[3].note, Some(fnote), "the note beside its folder is its page");
        assert_eq!(p.rel[fnote].as_deref(), Some("folder/"));
        let root_notes: Vec<&str> =
            p.folders.list[0].notes.iter().map(|&i| v.notes[i].path.as_str()).collect();
        assert_eq!(root_notes, ["Top.md"], "the folder note is its folder's entry, not a note of the root");
        let sub: Vec<&str> = p.folders.list[2].notes.iter().map(|&i| v.notes[i].title.as_str()).collect();
        assert_eq!(sub, ["Another", "Deep"], "notes by title");
        let deep = v.note_by_path("Files and folders/Sub/Deep.md").expect("note");
        let crumbs: Vec<String> =
            p.breadcrumbs(deep).into_iter().map(|n| format!("{}={}", n.name, n.url)).collect();
        assert_eq!(crumbs, ["Files and folders=/files-and-folders/", "Sub=/files-and-folders/sub/"]);
    }

    #[test]
    fn drafts_only_folders_come_last_with_drafts() {
        let v = vault(&[("A/Only.md", DRAFT), ("a!/Kept.md", "# K\n")]);
        let without = plan(&v, false);
        let with = plan(&v, true);
        let rels = |p: &Plan<'_>| p.folders.list.iter().map(|f| f.rel.clone()).collect::<Vec<_>>();
        assert_eq!(rels(&without), ["folders/", "a/"]);
        assert_eq!(rels(&with), ["folders/", "a-2/", "a/"], "the draft folder never takes a published URL");
    }

    #[test]
    fn a_collision_with_a_note_of_another_name_moves_the_folder() {
        let v = vault(&[("A b.md", "# x\n"), ("A-b/Inside.md", "# y\n")]);
        let p = plan(&v, false);
        assert_eq!(p.folders.list[1].rel, "a-b-2/");
        assert_eq!(p.folders.list[1].note, None);
    }

    #[test]
    fn the_front_page_note() {
        let v = vault(&[("Home.md", "# H\n"), ("index.md", "# I\n"), ("x/index.md", "# X\n")]);
        let (home, warning) = home_note(&v, None, &(0..v.notes.len()).collect::<Vec<_>>());
        assert_eq!(home.map(|i| v.notes[i].path.as_str()), Some("index.md"), "index.md before Home.md");
        assert!(warning.is_none());
        let v = vault(&[("HOME.md", DRAFT), ("b/Start.md", "# S\n")]);
        let published: Vec<NoteIdx> = (0..v.notes.len()).collect();
        assert_eq!(home_note(&v, None, &published).0, None, "a draft is never the front page");
        let (home, _) = home_note(&v, Some("Start"), &published);
        assert_eq!(home.map(|i| v.notes[i].path.as_str()), Some("b/Start.md"));
        let (home, warning) = home_note(&v, Some("Nowhere"), &published);
        assert!(home.is_none() && warning.is_some_and(|w| w.contains("Nowhere")));
        let (home, warning) = home_note(&v, Some("[[HOME]]"), &published);
        assert!(home.is_none() && warning.is_some_and(|w| w.contains("not published")));
        // `permalink: /` (Obsidian Publish's home note) comes before index.md,
        // and `[site] home` before it.
        let v = vault(&[("index.md", "# I\n"), ("w/Welcome.md", "---\npermalink: /\n---\n# W\n")]);
        let published: Vec<NoteIdx> = (0..v.notes.len()).collect();
        let (home, _) = home_note(&v, None, &published);
        assert_eq!(home.map(|i| v.notes[i].path.as_str()), Some("w/Welcome.md"));
        let (home, _) = home_note(&v, Some("index"), &published);
        assert_eq!(home.map(|i| v.notes[i].path.as_str()), Some("index.md"));
    }
}
