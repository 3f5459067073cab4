//! Social cards: the image a link preview shows for a note (Open Graph's
//! `og:image`).
//!
//! Each published note's page names an image: the one its `image` or `cover`
//! property gives (a vault attachment, as a link or a path, or a web URL), or
//! else — when `[site] social_cards = true` — its *social card*, a PNG
//! that `vellum_og` draws from the note's title, core claim (else
//! description), keywords and the site's title, published beside the note's
//! page as `og.png`.
//!
//! Drawing a card takes milliseconds, so cards are kept between builds: a
//! card's file name in [`CARD_DIR`] is the hash of everything drawn on it
//! (and of `vellum_og`'s version), and a build links the kept file into the
//! output instead of drawing it again. A build without the build cache draws
//! every card and keeps none; `vellum serve` reads the kept cards but writes
//! none.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use vellum_vault::{FileId, FileKind, NoteIdx, Target};

use crate::BuildError;
use crate::cache::Hash;
use crate::pipeline::Pipeline;
use crate::plan::Plan;

/// Where drawn cards are kept, relative to the vault.
pub(crate) const CARD_DIR: &str = ".vellum/build/og";
/// A note's card, in the note's output folder.
pub(crate) const CARD_FILE: &str = "og.png";
/// The properties that name a note's image instead of its card.
const IMAGE_PROPERTIES: [&str; 2] = ["image", "cover"];
/// Cards drawn at a time (a card's PNG is some tens of kilobytes: a build
/// never holds many).
const CHUNK: usize = 64;

/// The image a note's page gives link previews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OgImage {
    /// Its social card, at this output-relative path.
    Card(String),
    /// An image the note names: a site URL or a web URL.
    Given(String),
}

/// Where a pipeline finds and keeps drawn cards.
#[derive(Debug, Clone)]
pub(crate) enum Store {
    /// Draw every card; keep none.
    None,
    /// Take kept cards from this folder; keep no new ones (`vellum serve`).
    Read(PathBuf),
    /// Take kept cards from this folder and keep the new ones there.
    ReadWrite(PathBuf),
}

impl Store {
    fn dir(&self) -> Option<&Path> {
        match self {
            Self::None => None,
            Self::Read(d) | Self::ReadWrite(d) => Some(d),
        }
    }
}

/// What a pipeline did with cards.
#[derive(Debug, Default)]
pub(crate) struct Social {
    pub(crate) store: Option<Store>,
    /// Cards put in the site.
    pub(crate) cards: usize,
    /// Of those, drawn (not taken from the store).
    pub(crate) drawn: usize,
}

/// What a card shows, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CardText {
    title: String,
    summary: String,
    keywords: Vec<String>,
    site: String,
}

impl CardText {
    fn card(&self) -> vellum_og::SocialCard<'_> {
        vellum_og::SocialCard {
            title: &self.title,
            summary: &self.summary,
            keywords: &self.keywords,
            site: &self.site,
        }
    }

    /// The hash a drawn card is kept under: what it shows and how it is
    /// drawn (`vellum_og`'s version, and `exe`: the running executable's
    /// identity, as every cache of vellum keys on it).
    pub(crate) fn key(&self, exe: &[u8]) -> Hash {
        let mut h = blake3::Hasher::new();
        h.update(exe);
        for s in [vellum_og::VERSION, &self.title, &self.summary, &self.site] {
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        for k in &self.keywords {
            h.update(&(k.len() as u64).to_le_bytes());
            h.update(k.as_bytes());
        }
        *h.finalize().as_bytes()
    }
}

/// `http://` or `https://`, any case.
fn is_web_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

impl Plan<'_> {
    /// The image note `i`'s page gives link previews; `None` when the note is
    /// not published, or names no image and cards are off.
    pub(crate) fn og_image(&self, i: NoteIdx) -> Option<OgImage> {
        let rel = self.rel.get(i)?.as_deref()?;
        if let Some(given) = self.given_image(i) {
            return Some(match given {
                Given::Url(url) => OgImage::Given(url),
                Given::File(f) => OgImage::Given(self.attachment_url(f)),
            });
        }
        self.site.social_cards.then(|| OgImage::Card(format!("{rel}{CARD_FILE}")))
    }

    /// The image note `i`'s `image` or `cover` property names, when it is a
    /// web URL or an attachment of the vault (a link, or its path).
    fn given_image(&self, i: NoteIdx) -> Option<Given> {
        let n = &self.vault.notes[i];
        for key in IMAGE_PROPERTIES {
            let Some((name, field)) =
                n.note.properties.other.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))
            else {
                continue;
            };
            let linked = n.note.links.iter().zip(&self.vault.resolved[i]).find_map(|(l, r)| {
                match (l.property.as_deref() == Some(name.as_str()), &r.target) {
                    (true, Target::Attachment(f)) => Some(*f),
                    _ => None,
                }
            });
            if let Some(f) = linked {
                return Some(Given::File(f));
            }
            let Some(text) = field.value.as_str().map(str::trim) else { continue };
            if is_web_url(text) && !text.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Some(Given::Url(text.to_owned()));
            }
            if let Some(f) = self.vault.files.lookup_path(text.trim_start_matches('/'))
                && self.vault.files.kind(f) == FileKind::Attachment
            {
                return Some(Given::File(f));
            }
        }
        None
    }

    /// The attachments published notes name as their image by path (those
    /// named by a link are among [`Plan::linked_attachments`]).
    pub(crate) fn image_attachments(&self) -> Vec<FileId> {
        self.published
            .iter()
            .filter_map(|&i| match self.given_image(i)? {
                Given::File(f) => Some(f),
                Given::Url(_) => None,
            })
            .collect()
    }

    /// What note `i`'s card shows: its title, core claim (else description),
    /// keywords and the site's title.
    pub(crate) fn card_text(&self, i: NoteIdx) -> CardText {
        let n = &self.vault.notes[i];
        let summary = n
            .note
            .journal
            .core_claim
            .as_ref()
            .map(|c| c.value.as_str())
            .or_else(|| n.note.properties.description.as_ref().map(|d| d.value.as_str()))
            .unwrap_or_default()
            .to_owned();
        CardText {
            title: n.title.clone(),
            summary,
            keywords: self.note_keywords(i),
            site: self.site.title.clone(),
        }
    }

    /// Put the image of note `i` into its page's `meta`.
    pub(crate) fn set_og_image(&self, meta: &mut crate::pages::PageMeta, i: NoteIdx) {
        let (url, size) = match self.og_image(i) {
            None => return,
            Some(OgImage::Card(rel)) => (self.url(&rel), Some((vellum_og::WIDTH, vellum_og::HEIGHT))),
            Some(OgImage::Given(url)) => (url, None),
        };
        meta.image = Some(if url.starts_with('/') { self.site.absolute(&url) } else { url });
        meta.image_size = size;
    }

    /// Output paths of every card the site has.
    pub(crate) fn card_rels(&self) -> Vec<String> {
        self.published
            .iter()
            .filter_map(|&i| match self.og_image(i)? {
                OgImage::Card(rel) => Some(rel),
                OgImage::Given(_) => None,
            })
            .collect()
    }
}

enum Given {
    Url(String),
    File(FileId),
}

/// A card made for the site.
enum Made {
    /// Drawn now.
    Drawn(Vec<u8>),
    /// Drawn now and kept in the store, at this path.
    Stored(PathBuf),
    /// Kept from an earlier build.
    Kept(PathBuf),
}

impl Pipeline<'_, '_> {
    /// Put the cards of `notes` in the site: each taken from the store when
    /// it was drawn before, else drawn (in parallel) and kept. With `prune`
    /// (a whole site), cards kept for no note of this site are deleted from
    /// a store this pipeline writes.
    ///
    /// # Errors
    /// A card that cannot be drawn (a bug, named with the note), or a write.
    pub(crate) fn write_social_cards(&mut self, notes: &[NoteIdx], prune: bool) -> Result<(), BuildError> {
        let store = self.social.store.clone().unwrap_or(Store::None);
        let wanted: Vec<(NoteIdx, String)> = notes
            .iter()
            .filter_map(|&i| match self.plan.og_image(i)? {
                OgImage::Card(rel) => Some((i, rel)),
                OgImage::Given(_) => None,
            })
            .collect();
        let mut used: FxHashSet<String> = FxHashSet::default();
        // For a whole site, the store's cards are listed once (it is then
        // read whole, to be pruned); for a few notes, each is looked up.
        let listed = store.dir().filter(|_| prune).map(kept_cards);
        let exe = vellum_cache::stamps::exe_identity();
        for chunk in wanted.chunks(CHUNK) {
            let plan = &self.plan;
            let made: Vec<(String, String, Made)> = chunk
                .par_iter()
                .map(|(i, rel)| {
                    let text = plan.card_text(*i);
                    let name = format!("{}.png", blake3::Hash::from_bytes(text.key(&exe)).to_hex());
                    if let Some(dir) = store.dir() {
                        let kept = dir.join(&name);
                        if listed.as_ref().map_or_else(|| kept.is_file(), |l| l.contains(&name)) {
                            return Ok((rel.clone(), name, Made::Kept(kept)));
                        }
                    }
                    let memo = matches!(store, Store::Read(_));
                    if memo && let Some(bytes) = remembered(&name) {
                        return Ok((rel.clone(), name, Made::Drawn(bytes)));
                    }
                    let bytes = vellum_og::png(&text.card()).map_err(|e| BuildError::SocialCard {
                        note: plan.vault.notes[*i].path.clone(),
                        message: e.to_string(),
                    })?;
                    if let Store::ReadWrite(dir) = &store {
                        // A card kept is linked into the site like one kept
                        // before: written once. One that cannot be kept is
                        // written into the site, and drawn again next time.
                        let kept = dir.join(&name);
                        let written = std::fs::create_dir_all(dir)
                            .and_then(|()| vellum_cache::blob::write_atomic(&kept, &bytes));
                        if written.is_ok() {
                            return Ok((rel.clone(), name, Made::Stored(kept)));
                        }
                    }
                    if memo {
                        remember(&name, &bytes);
                    }
                    Ok((rel.clone(), name, Made::Drawn(bytes)))
                })
                .collect::<Result<_, BuildError>>()?;
            for (rel, name, m) in made {
                self.social.cards += 1;
                used.insert(name);
                match m {
                    Made::Drawn(bytes) => {
                        self.social.drawn += 1;
                        self.sink.add(rel, bytes)?;
                    }
                    Made::Stored(path) => {
                        self.social.drawn += 1;
                        self.sink.reuse(rel, path)?;
                    }
                    Made::Kept(path) => self.sink.reuse(rel, path)?,
                }
            }
        }
        if let (Some(listed), Store::ReadWrite(dir)) = (&listed, &store) {
            prune_store(dir, listed, &used);
        }
        Ok(())
    }
}

/// Bytes of cards a live site remembers in memory (it writes no store, and
/// rebuilds the whole site after some edits).
const MEMO_BYTES: usize = 64 << 20;

type Memo = std::sync::Mutex<(rustc_hash::FxHashMap<String, Vec<u8>>, usize)>;

fn memo() -> &'static Memo {
    static MEMO: std::sync::OnceLock<Memo> = std::sync::OnceLock::new();
    MEMO.get_or_init(Memo::default)
}

/// A card drawn before in this process, by its file name.
fn remembered(name: &str) -> Option<Vec<u8>> {
    memo().lock().ok()?.0.get(name).cloned()
}

/// Remember a drawn card while the memo has room.
fn remember(name: &str, bytes: &[u8]) {
    if let Ok(mut m) = memo().lock()
        && m.1 + bytes.len() <= MEMO_BYTES
    {
        m.1 += bytes.len();
        m.0.insert(name.to_owned(), bytes.to_vec());
    }
}

/// The file names of the cards kept in `dir` (none when it cannot be read).
fn kept_cards(dir: &Path) -> FxHashSet<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return FxHashSet::default() };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect()
}

/// Delete the cards of `listed` (kept in `dir`) that are not `used` (best
/// effort: a card left over costs only disk space).
fn prune_store(dir: &Path, listed: &FxHashSet<String>, used: &FxHashSet<String>) {
    for name in listed.difference(used) {
        let _ = std::fs::remove_file(dir.join(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls_are_told_by_their_scheme() {
        assert!(is_web_url("https://example.com/a.png"));
        assert!(is_web_url("HTTP://example.com/a.png"));
        assert!(!is_web_url("pics/a.png"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("ht"));
    }

    #[test]
    fn keys_change_with_every_field() {
        let t = CardText {
            title: "T".into(),
            summary: "S".into(),
            keywords: vec!["k".into()],
            site: "Site".into(),
        };
        let k = t.key(b"exe");
        assert_eq!(t.clone().key(b"exe"), k);
        assert_ne!(t.key(b"another exe"), k);
        for changed in [
            CardText { title: "T2".into(), ..t.clone() },
            CardText { summary: String::new(), ..t.clone() },
            CardText { keywords: vec!["k".into(), "l".into()], ..t.clone() },
            CardText { site: "Other".into(), ..t.clone() },
        ] {
            assert_ne!(changed.key(b"exe"), k, "{changed:?}");
        }
    }
}
