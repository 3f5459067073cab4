//! The HTML pages: what each template gets (documented for theme authors in
//! `theme/README.md`) and the loop that renders them.

use minijinja::Value;
use minijinja::value::Serde;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use vellum_render::TocEntry;
use vellum_vault::NoteIdx;

use crate::plan::{Neighbour, Plan};
use crate::text::truncate_words;
use vellum_render::fill;

/// A note body between rendering and the pages that show it.
#[derive(Debug)]
pub(crate) struct Body {
    /// Its HTML, as far as it is at hand.
    pub(crate) html: BodyHtml,
    /// Plain text of the body (cut), for search and fallback descriptions.
    pub(crate) text: String,
    /// What rendering asked the plan for: attachments and unforeseen pages.
    pub(crate) asked: crate::plan::Asked,
    /// The build cache's key of this body (see `crate::cache`), when caching.
    pub(crate) key: Option<crate::cache::Hash>,
}

/// Where a body's HTML is.
#[derive(Debug)]
pub(crate) enum BodyHtml {
    /// Rendered in this build: its HTML, table of contents and properties table.
    Rendered { html: String, toc: Vec<TocEntry>, properties: String },
    /// Rendered in this build and dropped once its page was written (a
    /// build to disk keeps only each body's text and what it asked for).
    Dropped,
    /// Reused from the build cache, not rendered: only the HTML the cache
    /// keeps for the notes of the feed.
    Cached {
        /// The whole body's HTML, for a note of the feed.
        feed: Option<String>,
    },
}

impl BodyHtml {
    /// The HTML, table of contents and properties table of the note's page;
    /// `None` when the body has to be rendered again to fill it.
    pub(crate) fn page(&self) -> Option<PageBody<'_>> {
        match self {
            Self::Rendered { html, toc, properties } => Some((html, toc, properties)),
            Self::Dropped | Self::Cached { .. } => None,
        }
    }

    /// The HTML the Atom feed carries; `None` when it is not at hand.
    pub(crate) fn feed(&self) -> Option<&str> {
        match self {
            Self::Rendered { html, .. } | Self::Cached { feed: Some(html) } => Some(html),
            Self::Dropped | Self::Cached { feed: None } => None,
        }
    }
}

/// What a note's page shows of its rendered body: the body's HTML, its table
/// of contents and the properties table.
pub(crate) type PageBody<'a> = (&'a str, &'a [TocEntry], &'a str);

/// A name with the URL of its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Named {
    pub(crate) name: String,
    pub(crate) url: String,
}

/// A name, its page and how many notes it has.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Counted {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) count: usize,
    /// Nesting depth (tags): 0 for `a`, 1 for `a/b`.
    pub(crate) depth: usize,
    /// The last part of a nested tag (`b` for `a/b`).
    pub(crate) leaf: String,
}

/// A note as lists show it. A tag page, the timeline and every backlinks
/// list show the same cards; serialized for a template, a card is a handle
/// on its one shared [`CardData`] (minijinja keeps a `Value` met during
/// serialization as a handle, without copying), which templates read field
/// by field (see its [`Object`](minijinja::value::Object) impl): neither a
/// fresh copy of its strings per page nor a template value tree per card is
/// ever built (at 100,000 notes those trees alone took ~300 MB).
/// Serialized by anything but minijinja (a build-cache key, see
/// [`crate::cache::hash_json`]) it is its digest: a page that lists ten
/// thousand cards hashes ten thousand digests, not their text. No output
/// file serializes cards; the JSON files read their fields.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    data: std::sync::Arc<CardData>,
    digest: std::sync::OnceLock<crate::cache::Hash>,
}

impl Card {
    pub(crate) fn new(data: CardData) -> Self {
        Self { data: std::sync::Arc::new(data), digest: std::sync::OnceLock::new() }
    }

    /// A hash of the card's fields (what build-cache keys see of it).
    pub(crate) fn digest(&self) -> &crate::cache::Hash {
        self.digest.get_or_init(|| crate::cache::hash_json(&[], &*self.data))
    }

    /// The card's fields.
    pub(crate) fn data(&self) -> &CardData {
        &self.data
    }

    /// The template value of the card: a handle on its data.
    pub(crate) fn value(&self) -> Value {
        Value::from_dyn_object(self.data.clone())
    }
}

impl std::ops::Deref for Card {
    type Target = CardData;
    fn deref(&self) -> &CardData {
        &self.data
    }
}

impl PartialEq for Card {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

impl Eq for Card {}

impl Serialize for Card {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            self.value().serialize(s)
        } else {
            s.serialize_bytes(self.digest())
        }
    }
}

/// The keys templates see on a card, in the order `CardData` serializes them.
const CARD_FIELDS: &[&str] = &[
    "title",
    "url",
    "path",
    "description",
    "core_claim",
    "created",
    "updated",
    "created_text",
    "updated_text",
    "reading_minutes",
    "draft",
    "tags",
];

/// A card as a template value: a map with the keys of [`CARD_FIELDS`],
/// each value made when read, exactly as serializing the data would make it.
impl minijinja::value::Object for CardData {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Map
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        let text = |s: &str| Value::from(s);
        let opt = |s: &Option<String>| s.as_deref().map_or(Value::from(()), Value::from);
        Some(match key.as_str()? {
            "title" => text(&self.title),
            "url" => text(&self.url),
            "path" => text(&self.path),
            "description" => opt(&self.description),
            "core_claim" => opt(&self.core_claim),
            "created" => opt(&self.created),
            "updated" => opt(&self.updated),
            "created_text" => opt(&self.created_text),
            "updated_text" => opt(&self.updated_text),
            "reading_minutes" => Value::from(self.reading_minutes),
            "draft" => Value::from(self.draft),
            "tags" => ser(&self.tags),
            _ => return None,
        })
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Str(CARD_FIELDS)
    }
}

/// The fields of a [`Card`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CardData {
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) path: String,
    pub(crate) description: Option<String>,
    pub(crate) core_claim: Option<String>,
    pub(crate) created: Option<String>,
    pub(crate) updated: Option<String>,
    /// `created` as the site's language writes it (`1. März 2024`): made
    /// once per build, however many pages list the card.
    pub(crate) created_text: Option<String>,
    pub(crate) updated_text: Option<String>,
    pub(crate) reading_minutes: usize,
    pub(crate) draft: bool,
    pub(crate) tags: Vec<Named>,
}

#[derive(Serialize)]
struct Toc<'a> {
    level: u8,
    text: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct NoteView<'a> {
    #[serde(flatten)]
    card: &'a CardData,
    /// Not on cards: lists would change with every word typed.
    words: usize,
    note_id: Option<&'a str>,
    aliases: Vec<&'a str>,
    keywords: Vec<Named>,
    keyword_row: bool,
    cssclasses: Vec<&'a str>,
    /// The body: `None` in a build-cache key (the body has a key of its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    toc: Option<Vec<Toc<'a>>>,
    /// The properties table's HTML (rendered with the body, and keyed with it).
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<&'a str>,
    claims: Vec<&'a str>,
    questions: Vec<&'a str>,
    backlinks: Vec<&'a Card>,
    links: Vec<Named>,
    local_graph: String,
    /// The folders above the note, from the top (see `crate::folders`).
    breadcrumbs: Vec<Named>,
    /// A folder note's listing of its folder.
    folder: Option<crate::folders::FolderListing<'a>>,
}

impl<'a> Toc<'a> {
    fn of(t: &'a TocEntry) -> Self {
        Self { level: t.level, text: &t.text, id: &t.id }
    }
}

impl<'a> NoteView<'a> {
    /// Put the body's HTML and table of contents in.
    fn set_body(&mut self, (html, toc, properties): PageBody<'a>) {
        self.html = Some(html);
        self.properties = Some(properties);
        self.toc = Some(toc.iter().map(Toc::of).collect());
    }
}

/// A note page's `page` and `note` values without the body's parts (its
/// HTML, table of contents, properties table and word count, and the page
/// description that falls back to its text), as JSON: what the build cache
/// keeps so that a page can be filled again from a new body without the
/// vault (`crate::patch`). [`StoredView::context`] puts a body back in,
/// giving the values [`Plan::note_context`] gives. The backlinks are kept
/// as the paths of their notes, whose cards their own views keep (`card`):
/// a note linked from a hundred others would otherwise keep a hundred
/// cards. Kept LZ4 compressed; a view is read once per patch.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredView {
    page: Vec<u8>,
    note: Vec<u8>,
    card: Vec<u8>,
}

impl StoredView {
    fn of(meta: &PageMeta, view: &NoteView<'_>) -> Self {
        let pack = |v: &Value| lz4_flex::compress_prepend_size(&serde_json::to_vec(v).unwrap_or_default());
        let note = ser(view);
        let field = |k: Value| {
            let v = if k.as_str() == Some("backlinks") {
                view.backlinks.iter().map(|c| Value::from(c.path.as_str())).collect()
            } else {
                note.get_item(&k).unwrap_or_default()
            };
            (k.as_str().unwrap_or_default().to_owned(), v)
        };
        let fields: std::collections::BTreeMap<String, Value> =
            note.try_iter().map(|keys| keys.map(field).collect()).unwrap_or_default();
        Self {
            page: pack(&ser(meta)),
            note: pack(&Value::from(fields)),
            card: serde_json::to_vec(&ser(view.card)).unwrap_or_default(),
        }
    }

    /// The card of the view's note, as a template value.
    pub(crate) fn card(&self) -> Option<Value> {
        serde_json::from_slice(&self.card).ok()
    }

    /// The paths of the notes its backlinks list.
    pub(crate) fn backlinks(&self) -> Option<Vec<String>> {
        let note: std::collections::BTreeMap<String, serde_json::Value> =
            serde_json::from_slice(&unpack(&self.note)?).ok()?;
        note.get("backlinks")?.as_array()?.iter().map(|p| p.as_str().map(str::to_owned)).collect()
    }

    /// The context of the page with this body: its `text` (the page's
    /// description falls back to it), HTML, table of contents and properties
    /// table, and its word count; `backlinks` are the cards of the notes
    /// [`StoredView::backlinks`] names, in order. `None` when the stored
    /// JSON is not a view.
    pub(crate) fn context(
        &self,
        g: &Globals,
        (text, (html, toc, properties)): (&str, PageBody<'_>),
        words: usize,
        backlinks: Vec<Value>,
    ) -> Option<Value> {
        use std::collections::BTreeMap;
        let mut page: BTreeMap<String, Value> = serde_json::from_slice(&unpack(&self.page)?).ok()?;
        let mut note: BTreeMap<String, Value> = serde_json::from_slice(&unpack(&self.note)?).ok()?;
        let field =
            |note: &BTreeMap<String, Value>, k: &str| note.get(k).and_then(|v| v.as_str().map(str::to_owned));
        let description = describe(
            field(&note, "description").as_deref(),
            field(&note, "core_claim").as_deref(),
            Some(text),
        );
        page.insert("description".to_owned(), Value::from(description));
        note.insert("backlinks".to_owned(), Value::from(backlinks));
        note.insert("words".to_owned(), ser(&words));
        note.insert("html".to_owned(), ser(html));
        note.insert("toc".to_owned(), ser(&toc.iter().map(Toc::of).collect::<Vec<_>>()));
        note.insert("properties".to_owned(), ser(properties));
        Some(g.context_of(Value::from(page), vec![("note", Value::from(note))]))
    }
}

fn unpack(bytes: &[u8]) -> Option<Vec<u8>> {
    lz4_flex::decompress_size_prepended(bytes).ok()
}

/// Page metadata every template gets as `page`.
#[derive(Debug, Serialize)]
pub(crate) struct PageMeta {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) url: String,
    /// Absolute when `base_url` is set, else the same as `url`.
    pub(crate) canonical: String,
    pub(crate) absolute: bool,
    pub(crate) kind: &'static str,
    pub(crate) noindex: bool,
    pub(crate) og_type: &'static str,
    /// The image link previews show (`og:image`): absolute when `base_url`
    /// is set. Only a note's page has one (see `crate::social`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) image: Option<String>,
    /// Its size, when it is the note's social card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) image_size: Option<(u32, u32)>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_path: &'a str,
    base_url: String,
    author: &'a str,
    language: &'a str,
    /// `ltr`, or `rtl` for a language written right to left.
    dir: &'a str,
}

#[derive(Serialize)]
struct UrlsView {
    home: String,
    tags: String,
    keywords: String,
    claims: String,
    questions: String,
    sources: String,
    graph: String,
    search: String,
    feed: String,
    sitemap: String,
    style: String,
    script: String,
    custom_css: Option<String>,
    search_index: String,
    graph_json: String,
    previews: String,
    /// The timeline: the home page, or `timeline/` when a note is the front page.
    timeline: String,
    /// The root folder's page.
    folders: String,
    /// The explorer's HTML fragment.
    explorer: String,
}

#[derive(Serialize)]
struct BuildView {
    drafts: bool,
    /// `vellum serve`'s private preview.
    preview: bool,
    generator: &'static str,
}

/// The values every page gets.
pub(crate) struct Globals {
    site: Value,
    urls: Value,
    build: Value,
    /// The catalogue's strings (`t`), made into a template value once.
    strings: Value,
    /// The strings the script shows, as JSON (`strings_json`).
    strings_json: Value,
    /// Whether pages need build-cache keys (a cached or incremental build);
    /// without, [`Globals::keyed`] and [`Globals::keyed_context`] give an
    /// all-zero key and skip the hashing.
    pub(crate) keys: bool,
}

pub(crate) const GENERATOR: &str = concat!("vellum ", env!("CARGO_PKG_VERSION"));

impl Globals {
    pub(crate) fn new(plan: &Plan<'_>, include_drafts: bool, preview: bool, custom_css: bool) -> Self {
        let s = &plan.site;
        let site = SiteView {
            title: &s.title,
            description: &s.description,
            base_path: &s.base_path,
            base_url: if s.origin.is_empty() { String::new() } else { s.absolute(&s.base_path) },
            author: &s.author,
            language: &s.language,
            dir: s.catalogue.dir,
        };
        let u = |rel: &str| plan.url(rel);
        let urls = UrlsView {
            home: u(""),
            tags: u("tags/"),
            keywords: u("keywords/"),
            claims: u("claims/"),
            questions: u("questions/"),
            sources: u("sources/"),
            graph: u("graph/"),
            search: u("search/"),
            feed: u("feed.xml"),
            sitemap: u("sitemap.xml"),
            style: u("style.css"),
            script: u("vellum.js"),
            custom_css: custom_css.then(|| u("custom.css")),
            search_index: u("search-index.json"),
            graph_json: u("graph.json"),
            previews: u("previews.json"),
            timeline: u(plan.timeline_rel()),
            folders: u(crate::folders::ROOT_REL),
            explorer: u(crate::folders::EXPLORER),
        };
        let build = BuildView { drafts: include_drafts, preview, generator: GENERATOR };
        Self {
            site: Value::from(Serde(&site)),
            urls: Value::from(Serde(&urls)),
            build: Value::from(Serde(&build)),
            strings: Value::from(Serde(&s.catalogue.strings)),
            strings_json: Value::from_safe_string(s.catalogue.script_json.clone()),
            keys: true,
        }
    }

    /// [`ser`], keyed (when [`Globals::keys`]).
    pub(crate) fn keyed<T: Serialize + ?Sized>(&self, x: &T) -> Keyed {
        let key = if self.keys { crate::cache::hash_json(&[], x) } else { [0; 32] };
        Keyed { value: ser(x), key }
    }

    /// [`Globals::context`] and a key of what the page adds to the globals
    /// (the globals are part of the build cache's salt).
    pub(crate) fn keyed_context(
        &self,
        page: &PageMeta,
        extra: Vec<(&'static str, Keyed)>,
    ) -> (Value, crate::cache::Hash) {
        let mut key = [0; 32];
        if self.keys {
            let mut h = blake3::Hasher::new();
            h.update(&crate::cache::hash_json(&[], page));
            for (name, k) in &extra {
                h.update(name.as_bytes());
                h.update(b"\0");
                h.update(&k.key);
            }
            key = *h.finalize().as_bytes();
        }
        (self.context(page, extra.into_iter().map(|(n, k)| (n, k.value)).collect()), key)
    }

    /// The context of a page: the globals, `page`, and the page's own values.
    pub(crate) fn context(&self, page: &PageMeta, extra: Vec<(&'static str, Value)>) -> Value {
        self.context_of(Value::from(Serde(page)), extra)
    }

    /// [`Globals::context`] with `page` already a template value.
    fn context_of(&self, page: Value, extra: Vec<(&'static str, Value)>) -> Value {
        let mut pairs: Vec<(&str, Value)> = vec![
            ("site", self.site.clone()),
            ("urls", self.urls.clone()),
            ("build", self.build.clone()),
            ("t", self.strings.clone()),
            ("strings_json", self.strings_json.clone()),
            ("page", page),
        ];
        pairs.extend(extra);
        Value::from_pairs(pairs)
    }

    /// The globals as JSON (the script's strings as they are), as the build
    /// cache keeps them for `crate::patch`.
    pub(crate) fn stored(&self) -> [String; 5] {
        let json = |v: &Value| serde_json::to_string(v).unwrap_or_default();
        [
            json(&self.site),
            json(&self.urls),
            json(&self.build),
            json(&self.strings),
            self.strings_json.as_str().unwrap_or_default().to_owned(),
        ]
    }

    /// The globals [`Globals::stored`] kept; `None` when one is not JSON.
    pub(crate) fn from_stored([site, urls, build, strings, script]: &[String; 5]) -> Option<Self> {
        let value = |s: &str| serde_json::from_str::<Value>(s).ok();
        Some(Self {
            site: value(site)?,
            urls: value(urls)?,
            build: value(build)?,
            strings: value(strings)?,
            strings_json: Value::from_safe_string(script.clone()),
            keys: false,
        })
    }
}

/// The description for meta tags: `description`, else the core claim, else
/// the start of the body's `text`, cut to 200 characters at a word.
pub(crate) fn describe(description: Option<&str>, core_claim: Option<&str>, text: Option<&str>) -> String {
    let raw = description.or(core_claim).or(text).unwrap_or_default();
    truncate_words(&raw.split_whitespace().collect::<Vec<_>>().join(" "), 200)
}

pub(crate) fn ser<T: Serialize + ?Sized>(x: &T) -> Value {
    Value::from(Serde(x))
}

/// A context value with its build-cache key (cards count as their digests).
#[derive(Clone)]
pub(crate) struct Keyed {
    value: Value,
    key: crate::cache::Hash,
}

/// One page of a paginated list, as templates see it (`pager`): the
/// timeline, tag, keyword and unwritten pages and the digests show
/// `[site] page_size` items per page, page 1 at the list's own URL and page
/// `n` at `<list>/page/<n>/` (see [`page_rel`]).
#[derive(Debug, Serialize)]
pub(crate) struct Pager {
    /// This page, from 1.
    number: usize,
    /// How many pages the list has (at least 1).
    count: usize,
    /// How many items the whole list has.
    total: usize,
    /// Position of this page's first item in the whole list, from 0.
    offset: usize,
    url: String,
    first: String,
    last: String,
    prev: Option<String>,
    next: Option<String>,
}

/// The output folder of page `n` (from 1) of the list whose first page is
/// the folder `rel` (`""` for the site's root).
pub(crate) fn page_rel(rel: &str, n: usize) -> String {
    if n <= 1 { rel.to_owned() } else { format!("{rel}page/{n}/") }
}

/// The key the sources page deduplicates a source URL by: case and a
/// trailing `/` aside.
pub(crate) fn source_key(url: &str) -> String {
    url.trim_end_matches('/').to_lowercase()
}

/// How many pages a list of `total` items takes at `size` items a page.
pub(crate) fn page_count(total: usize, size: usize) -> usize {
    total.div_ceil(size.max(1)).max(1)
}

/// `word` with its first letter upper case: a month name as a heading
/// (`mars` → `Mars`; `3月` stays as it is).
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// Reading time in minutes: words / 220, rounded, at least 1.
#[must_use]
pub(crate) fn reading_minutes(words: usize) -> usize {
    ((words + 110) / 220).max(1)
}

impl Plan<'_> {
    /// Page metadata for a page at `rel`.
    pub(crate) fn meta(&self, rel: &str, title: &str, description: &str, kind: &'static str) -> PageMeta {
        let url = self.url(rel);
        let absolute = !self.site.origin.is_empty();
        PageMeta {
            title: title.to_owned(),
            description: description.to_owned(),
            canonical: if absolute { self.site.absolute(&url) } else { url.clone() },
            url,
            absolute,
            kind,
            noindex: false,
            og_type: "website",
            image: None,
            image_size: None,
        }
    }

    /// The card of every published note, by note index.
    pub(crate) fn cards(&self) -> Vec<Option<Card>> {
        let mut cards = vec![None; self.vault.notes.len()];
        for &i in &self.published {
            cards[i] = self.card(i);
        }
        // Each card's template value and digest are made on first use (a live
        // update uses only the few cards of the pages it fills).
        cards
    }

    /// The card of note `i`, when it is published.
    pub(crate) fn card(&self, i: NoteIdx) -> Option<Card> {
        if !self.is_published(i) {
            return None;
        }
        let n = &self.vault.notes[i];
        let p = &n.note.properties;
        let words = &self.site.catalogue;
        let description = p.description.as_ref().map(|d| d.value.trim().to_owned()).filter(|d| !d.is_empty());
        let tags = self
            .note_tags(i)
            .into_iter()
            .filter_map(|t| self.tags.get(&t).map(|info| Named { url: self.url(&info.rel), name: t }))
            .collect();
        Some(Card::new(CardData {
            title: n.title.clone(),
            url: self.note_url(i).unwrap_or_default(),
            path: n.path.clone(),
            description,
            core_claim: n.note.journal.core_claim.as_ref().map(|c| c.value.clone()),
            created: p.created.as_ref().map(|d| d.value.to_string()),
            updated: p.updated.as_ref().map(|d| d.value.to_string()),
            created_text: p.created.as_ref().map(|d| words.locale.format_date(d.value)),
            updated_text: p.updated.as_ref().map(|d| words.locale.format_date(d.value)),
            reading_minutes: reading_minutes(n.note.words),
            draft: n.is_draft(),
            tags,
        }))
    }

    /// The description for meta tags: `description`, else the core claim,
    /// else the start of the body's `text`.
    pub(crate) fn meta_description(&self, card: &Card, text: Option<&str>) -> String {
        describe(card.description.as_deref(), card.core_claim.as_deref(), text)
    }

    /// The context of a note's page around its body (`text`, and `html`
    /// with its table of contents).
    pub(crate) fn note_context(
        &self,
        g: &Globals,
        idx: NoteIdx,
        cards: &[Option<Card>],
        text: &str,
        html: PageBody<'_>,
    ) -> Option<Value> {
        let (meta, view) = self.note_view(idx, cards, text, Some(html))?;
        Some(g.context(&meta, vec![("note", ser(&view))]))
    }

    /// The build cache's key of a note's page: its context without the
    /// body's HTML and table of contents (the body has a key of its own, in
    /// `parts`) and without the globals (part of the cache's salt).
    pub(crate) fn note_page_key(
        &self,
        idx: NoteIdx,
        cards: &[Option<Card>],
        text: &str,
        parts: &[&[u8]],
    ) -> Option<crate::cache::Hash> {
        let (meta, view) = self.note_view(idx, cards, text, None)?;
        Some(crate::cache::hash_json(parts, &(meta, view)))
    }

    /// [`Plan::note_context`] and [`Plan::note_page_key`] from one view of
    /// the note (a note's view is a large part of its page's cost); with
    /// `stored`, also the view as the build cache keeps it ([`Plan::stored_view`]).
    pub(crate) fn note_context_and_key(
        &self,
        g: &Globals,
        idx: NoteIdx,
        cards: &[Option<Card>],
        (text, html): (&str, PageBody<'_>),
        parts: &[&[u8]],
        stored: bool,
    ) -> Option<(Value, crate::cache::Hash, Option<StoredView>)> {
        let (meta, mut view) = self.note_view(idx, cards, text, None)?;
        let key = crate::cache::hash_json(parts, &(&meta, &view));
        let kept = stored.then(|| StoredView::of(&meta, &view));
        view.set_body(html);
        Some((g.context(&meta, vec![("note", ser(&view))]), key, kept))
    }

    /// `page` and `note` of note `idx`'s page without what its body gives
    /// them, as the build cache keeps them for patching the page in place
    /// after an edit of the body alone (see `crate::patch`).
    pub(crate) fn stored_view(&self, idx: NoteIdx, cards: &[Option<Card>], text: &str) -> Option<StoredView> {
        let (meta, view) = self.note_view(idx, cards, text, None)?;
        Some(StoredView::of(&meta, &view))
    }

    /// `page` and `note` of a note's page; without the body's HTML and
    /// table of contents when `html` is `None` (a build-cache key).
    fn note_view<'s>(
        &'s self,
        idx: NoteIdx,
        cards: &'s [Option<Card>],
        text: &str,
        html: Option<PageBody<'s>>,
    ) -> Option<(PageMeta, NoteView<'s>)> {
        let n = &self.vault.notes[idx];
        let card = cards[idx].as_ref()?;
        let rel = self.rel[idx].as_deref()?;
        let p = &n.note.properties;
        let j = &n.note.journal;
        let mut meta = self.meta(rel, &n.title, &self.meta_description(card, Some(text)), "note");
        meta.og_type = "article";
        meta.noindex = card.draft;
        self.set_og_image(&mut meta, idx);
        let keywords = self
            .note_keywords(idx)
            .into_iter()
            .filter_map(|k| {
                self.keywords.get(&k.to_lowercase()).map(|page| Named { url: self.url(&page.rel), name: k })
            })
            .collect();
        let backlinks: Vec<&Card> =
            self.backlinks(idx).into_iter().filter_map(|b| cards[b].as_ref()).collect();
        let links = self
            .outlinks(idx)
            .into_iter()
            .filter_map(|nb| self.neighbour(nb, cards))
            .map(|(name, url, _)| Named { name, url })
            .collect();
        let mut view = NoteView {
            card: card.data(),
            words: n.note.words,
            note_id: p.note_id.as_ref().map(|id| id.value.as_str()),
            aliases: p.aliases.iter().map(|a| a.value.as_str()).collect(),
            keywords,
            keyword_row: j.keyword_row.is_some(),
            cssclasses: p.cssclasses.iter().map(|c| c.value.as_str()).collect(),
            html: None,
            toc: None,
            properties: None,
            claims: j.claims.iter().map(|c| c.value.as_str()).collect(),
            questions: j.questions.iter().map(|q| q.value.as_str()).collect(),
            backlinks,
            links,
            local_graph: crate::graph::local_json(self, idx, cards),
            breadcrumbs: self.breadcrumbs(idx),
            folder: self.folder_listing(idx, cards),
        };
        if let Some(html) = html {
            view.set_body(html);
        }
        Some((meta, view))
    }

    /// Title, URL and kind of a graph neighbour.
    pub(crate) fn neighbour(
        &self,
        nb: Neighbour,
        cards: &[Option<Card>],
    ) -> Option<(String, String, &'static str)> {
        match nb {
            Neighbour::Note(i) => {
                let c = cards[i].as_ref()?;
                Some((c.title.clone(), c.url.clone(), if c.draft { "draft" } else { "note" }))
            }
            Neighbour::Unwritten(k) => {
                let u = self.unwritten.get(k)?;
                Some((u.name.clone(), self.url(&u.rel), "unwritten"))
            }
        }
    }

    fn card_list<'c>(&self, notes: &[NoteIdx], cards: &'c [Option<Card>]) -> Vec<&'c Card> {
        notes.iter().filter_map(|&i| cards[i].as_ref()).collect()
    }

    /// Every page of a list of `total` items whose first page is the folder
    /// `rel`, filled with `template`: `meta` gives a page's meta (see
    /// [`Plan::page_meta`]), `values` the template values of its share of
    /// the list (item range); each page also gets its `pager`.
    pub(crate) fn list_pages<'a>(
        &'a self,
        g: &'a Globals,
        rel: &str,
        total: usize,
        template: &'static str,
        meta: impl Fn(&Pager) -> PageMeta + Send + Sync + 'a,
        values: impl Fn(std::ops::Range<usize>) -> Vec<(&'static str, Keyed)> + Send + Sync + 'a,
    ) -> Vec<OtherPage<'a>> {
        let (meta, values) = (std::sync::Arc::new(meta), std::sync::Arc::new(values));
        let size = self.site.page_size.max(1);
        let count = page_count(total, size);
        let url = |n: usize| self.url(&page_rel(rel, n));
        (1..=count)
            .map(|n| {
                let start = (n - 1).saturating_mul(size).min(total);
                let end = start.saturating_add(size).min(total);
                let pager = Pager {
                    number: n,
                    count,
                    total,
                    offset: start,
                    url: url(n),
                    first: url(1),
                    last: url(count),
                    prev: (n > 1).then(|| url(n - 1)),
                    next: (n < count).then(|| url(n + 1)),
                };
                let (meta, values) = (meta.clone(), values.clone());
                OtherPage::new(format!("{}index.html", page_rel(rel, n)), template, move || {
                    let mut extra = values(start..end);
                    extra.push(("pager", g.keyed(&pager)));
                    g.keyed_context(&meta(&pager), extra)
                })
            })
            .collect()
    }

    /// The meta of page `pager` of a list: the list's own, with the page's
    /// URL and its number in the title.
    pub(crate) fn page_meta(
        &self,
        rel: &str,
        title: &str,
        description: &str,
        kind: &'static str,
        pager: &Pager,
    ) -> PageMeta {
        if pager.number == 1 {
            return self.meta(rel, title, description, kind);
        }
        let title = fill(
            &self.site.catalogue.strings.title_page_of,
            &[("title", &title), ("number", &pager.number), ("count", &pager.count)],
        );
        self.meta(rel, &title, description, kind)
    }

    /// The notes the timeline lists, newest first: every published note with
    /// a card, less canvases and bases (pages, not journal entries).
    fn timeline_notes<'c>(&self, cards: &'c [Option<Card>]) -> impl Iterator<Item = (NoteIdx, &'c Card)> {
        self.newest
            .iter()
            .filter(|&&i| self.vault.notes[i].is_markdown())
            .filter_map(move |&i| cards[i].as_ref().map(|c| (i, c)))
    }

    /// Output paths of page 2 onwards of every paginated list: what a live
    /// update compares to know whether a list gained or lost a page.
    pub(crate) fn later_pages(&self, cards: &[Option<Card>]) -> Vec<String> {
        let size = self.site.page_size.max(1);
        let (claims, questions) = self.digest_lists(cards);
        let lists = [
            (self.timeline_rel(), self.timeline_notes(cards).count()),
            ("claims/", claims.len()),
            ("questions/", questions.len()),
            ("sources/", self.sources(cards).len()),
        ];
        let named = self
            .tags
            .values()
            .map(|t| (t.rel.as_str(), t.notes.len()))
            .chain(self.keywords.values().map(|k| (k.rel.as_str(), k.notes.len())))
            .chain(self.unwritten.iter().map(|u| (u.rel.as_str(), u.notes.len())))
            .chain(self.folder_totals());
        lists
            .into_iter()
            .chain(named)
            .flat_map(|(rel, total)| {
                (2..=page_count(total, size)).map(move |n| format!("{}index.html", page_rel(rel, n)))
            })
            .collect()
    }

    /// Every page but the notes': `(output path, template, context)`.
    /// `rel → listed notes` of every tag, keyword and unwritten page: what
    /// an incremental update compares to know which of them changed.
    pub(crate) fn lists(&self) -> FxHashMap<String, Vec<NoteIdx>> {
        let tags = self.tags.values().map(|t| (t.rel.clone(), t.notes.clone()));
        let kws = self.keywords.values().map(|k| (k.rel.clone(), k.notes.clone()));
        let unw = self.unwritten.iter().map(|u| (u.rel.clone(), u.notes.clone()));
        tags.chain(kws).chain(unw).chain(self.folder_lists()).collect()
    }

    /// The pages that are not a note's and that `want` asks for, each with
    /// its template and keyed context. A page's context is only made when
    /// it is wanted.
    pub(crate) fn other_pages<'a>(
        &'a self,
        g: &'a Globals,
        cards: &'a [Option<Card>],
        want: &Want<'_>,
    ) -> Vec<OtherPage<'a>> {
        // The groups are independent: the index and digests (few, large
        // contexts) are built beside the tag and keyword pages (many small
        // ones), each list in parallel; the order of the result stays fixed.
        let keep = want.list;
        let counted = |name: &str, rel: &str, count: usize| {
            let depth = name.matches('/').count();
            let leaf = name.rsplit('/').next().unwrap_or(name).to_owned();
            Counted { name: name.to_owned(), url: self.url(rel), count, depth, leaf }
        };
        let big = || {
            let mut pages = Vec::new();
            if (want.single)(&format!("{}index.html", self.timeline_rel())) {
                self.index_page(g, cards, &mut pages);
            }
            let mut digests = Vec::new();
            self.digest_pages(g, cards, want, &mut digests);
            (pages, digests)
        };
        let lists = || {
            let mut tags = Vec::new();
            if (want.single)("tags/index.html") {
                let list = self.tags.values().map(|t| counted(&t.name, &t.rel, t.notes.len())).collect();
                let t = &self.site.catalogue.strings;
                tags.push(self.counted_index(g, "tags", &t.tags, "tags.html", &t.tags_description, list));
            }
            let wanted: Vec<_> = self.tags.values().filter(|t| keep(&t.rel, &t.notes)).collect();
            tags.par_extend(wanted.into_par_iter().flat_map_iter(|t| self.tag_page(g, cards, t, &counted)));
            let mut keywords = Vec::new();
            if (want.single)("keywords/index.html") {
                let list = self.keywords.values().map(|k| counted(&k.name, &k.rel, k.notes.len())).collect();
                let t = &self.site.catalogue.strings;
                keywords.push(self.counted_index(
                    g,
                    "keywords",
                    &t.keywords,
                    "keywords.html",
                    &t.keywords_description,
                    list,
                ));
            }
            let wanted: Vec<_> = self.keywords.values().filter(|k| keep(&k.rel, &k.notes)).collect();
            keywords.par_extend(wanted.into_par_iter().flat_map_iter(|k| {
                let view = g.keyed(&counted(&k.name, &k.rel, k.notes.len()));
                let desc = fill(
                    &self.site.catalogue.strings.keyword_description,
                    &[("count", &k.notes.len()), ("keyword", &k.name)],
                );
                let all = self.card_list(&k.notes, cards);
                self.list_pages(
                    g,
                    &k.rel,
                    all.len(),
                    "keyword.html",
                    move |pager| self.page_meta(&k.rel, &k.name, &desc, "keyword", pager),
                    move |r| vec![("keyword", view.clone()), ("notes", g.keyed(&all[r]))],
                )
            }));
            let mut rest = Vec::new();
            self.folder_pages(g, cards, want, &mut rest);
            self.unwritten_and_singles(g, cards, want, &mut rest);
            (tags, keywords, rest)
        };
        let ((mut pages, digests), (tags, keywords, rest)) = rayon::join(big, lists);
        pages.extend(tags);
        pages.extend(keywords);
        pages.extend(digests);
        pages.extend(rest);
        pages
    }

    /// The page of tag `t`.
    fn tag_page<'a>(
        &'a self,
        g: &'a Globals,
        cards: &'a [Option<Card>],
        t: &'a crate::plan::TagInfo,
        counted: &(dyn Fn(&str, &str, usize) -> Counted + Sync),
    ) -> Vec<OtherPage<'a>> {
        let parent = t
            .name
            .rsplit_once('/')
            .and_then(|(p, _)| self.tags.get(p))
            .map(|p| Named { name: p.name.clone(), url: self.url(&p.rel) });
        let prefix = format!("{}/", t.name);
        let children: Vec<Counted> = self
            .tags
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| !k[prefix.len()..].contains('/'))
            .map(|(_, c)| counted(&c.name, &c.rel, c.notes.len()))
            .collect();
        #[derive(Serialize)]
        struct TagView<'a> {
            name: &'a str,
            url: String,
            count: usize,
            direct: usize,
            parent: Option<Named>,
            children: Vec<Counted>,
        }
        let view = TagView {
            name: &t.name,
            url: self.url(&t.rel),
            count: t.notes.len(),
            direct: t.direct,
            parent,
            children,
        };
        let desc = fill(
            &self.site.catalogue.strings.tag_description,
            &[("count", &t.notes.len()), ("tag", &t.name)],
        );
        let title = format!("#{}", t.name);
        let (view, all) = (g.keyed(&view), self.card_list(&t.notes, cards));
        self.list_pages(
            g,
            &t.rel,
            all.len(),
            "tag.html",
            move |pager| self.page_meta(&t.rel, &title, &desc, "tag", pager),
            move |r| vec![("tag", view.clone()), ("notes", g.keyed(&all[r]))],
        )
    }

    /// The notes with claims and the notes with questions, newest first:
    /// the items of the two digests.
    fn digest_lists<'c>(&'c self, cards: &'c [Option<Card>]) -> (Vec<ClaimsOf<'c>>, Vec<QuestionsOf<'c>>) {
        let mut claims = Vec::new();
        let mut questions = Vec::new();
        for &i in &self.newest {
            let Some(card) = cards[i].as_ref() else { continue };
            let j = &self.vault.notes[i].note.journal;
            if j.core_claim.is_some() || !j.claims.is_empty() {
                claims.push(ClaimsOf {
                    note: card,
                    core_claim: j.core_claim.as_ref().map(|c| c.value.as_str()),
                    claims: j.claims.iter().map(|c| c.value.as_str()).collect(),
                });
            }
            if !j.questions.is_empty() {
                questions.push(QuestionsOf {
                    note: card,
                    questions: j.questions.iter().map(|q| q.value.as_str()).collect(),
                });
            }
        }
        (claims, questions)
    }

    /// The journal's digests: claims, questions, sources, each paginated.
    fn digest_pages<'a>(
        &'a self,
        g: &'a Globals,
        cards: &'a [Option<Card>],
        want: &Want<'_>,
        pages: &mut Vec<OtherPage<'a>>,
    ) {
        let s = &self.site;
        let t = &s.catalogue.strings;
        let (want_claims, want_questions) =
            ((want.single)("claims/index.html"), (want.single)("questions/index.html"));
        let (claims, questions) =
            if want_claims || want_questions { self.digest_lists(cards) } else { (Vec::new(), Vec::new()) };
        if want_claims {
            let desc = fill(&t.claims_description, &[("site", &s.title)]);
            pages.extend(self.digest(g, "claims/", "claims.html", &t.claims, desc, claims));
        }
        if want_questions {
            let desc = fill(&t.questions_description, &[("site", &s.title)]);
            pages.extend(self.digest(g, "questions/", "questions.html", &t.questions, desc, questions));
        }
        if (want.single)("sources/index.html") {
            let desc = fill(&t.sources_description, &[("site", &s.title)]);
            pages.extend(self.digest(g, "sources/", "sources.html", &t.sources, desc, self.sources(cards)));
        }
    }

    /// The pages of the digest in folder `rel` (`claims/`): filled with
    /// `template`, each with its share of `items` as the value named after
    /// the folder (`claims`).
    fn digest<'a, T: Serialize + Send + Sync + 'a>(
        &'a self,
        g: &'a Globals,
        rel: &'static str,
        template: &'static str,
        title: &'a str,
        desc: String,
        items: Vec<T>,
    ) -> Vec<OtherPage<'a>> {
        let kind = rel.trim_end_matches('/');
        self.list_pages(
            g,
            rel,
            items.len(),
            template,
            move |pager| self.page_meta(rel, title, &desc, kind, pager),
            move |r| vec![(kind, g.keyed(&items[r]))],
        )
    }

    fn unwritten_and_singles<'a>(
        &'a self,
        g: &'a Globals,
        cards: &'a [Option<Card>],
        want: &Want<'_>,
        pages: &mut Vec<OtherPage<'a>>,
    ) {
        let s = &self.site;
        let t = &s.catalogue.strings;
        let keep = want.list;

        // Unwritten notes.
        for u in self.unwritten.iter().filter(|u| keep(&u.rel, &u.notes)) {
            let view = g.keyed(&Named { name: u.name.clone(), url: self.url(&u.rel) });
            let desc = fill(&t.unwritten_description, &[("name", &u.name)]);
            let all = self.card_list(&u.notes, cards);
            pages.extend(self.list_pages(
                g,
                &u.rel,
                all.len(),
                "unwritten.html",
                move |pager| {
                    let mut meta = self.page_meta(&u.rel, &u.name, &desc, "unwritten", pager);
                    meta.noindex = true;
                    meta
                },
                move |r| vec![("unwritten", view.clone()), ("notes", g.keyed(&all[r]))],
            ));
        }

        // Graph, search, 404.
        if (want.single)("graph/index.html") {
            let desc = fill(&t.graph_description, &[("site", &s.title)]);
            let meta = self.meta("graph/", &t.graph, &desc, "graph");
            pages.push(OtherPage::ready(
                "graph/index.html".to_owned(),
                "graph.html",
                g.keyed_context(&meta, Vec::new()),
            ));
        }
        if (want.single)("search/index.html") {
            let desc = fill(&t.search_description, &[("site", &s.title)]);
            let mut meta = self.meta("search/", &t.search, &desc, "search");
            meta.noindex = true;
            pages.push(OtherPage::ready(
                "search/index.html".to_owned(),
                "search.html",
                g.keyed_context(&meta, Vec::new()),
            ));
        }
        if (want.single)("404.html") {
            let mut meta = self.meta("404.html", &t.not_found, "", "404");
            meta.noindex = true;
            pages.push(OtherPage::ready(
                "404.html".to_owned(),
                "404.html",
                g.keyed_context(&meta, Vec::new()),
            ));
        }
    }

    /// The page listing every tag or keyword (`kind`) with its count.
    fn counted_index(
        &self,
        g: &Globals,
        kind: &'static str,
        title: &str,
        template: &'static str,
        description: &str,
        list: Vec<Counted>,
    ) -> OtherPage<'static> {
        let desc = fill(description, &[("count", &list.len()), ("site", &self.site.title)]);
        let meta = self.meta(&format!("{kind}/"), title, &desc, kind);
        OtherPage::ready(
            format!("{kind}/index.html"),
            template,
            g.keyed_context(&meta, vec![(kind, g.keyed(&list))]),
        )
    }

    /// The index pages: the timeline, newest first, paginated.
    fn index_page<'a>(&'a self, g: &'a Globals, cards: &'a [Option<Card>], pages: &mut Vec<OtherPage<'a>>) {
        let s = &self.site;
        #[derive(Serialize)]
        struct Month<'c> {
            month: u8,
            name: String,
            notes: Vec<&'c Card>,
        }
        #[derive(Serialize)]
        struct Year<'c> {
            year: String,
            months: Vec<Month<'c>>,
        }
        let listed: Vec<(NoteIdx, &Card)> = self.timeline_notes(cards).collect();
        let timeline = move |listed: &[(NoteIdx, &'a Card)]| {
            let mut timeline: Vec<Year<'a>> = Vec::new();
            for &(i, card) in listed {
                let date = self.vault.notes[i].note.properties.created.as_ref().map(|d| d.value);
                let (year, month) = match date {
                    Some(d) => (d.year().to_string(), u8::try_from(d.month()).unwrap_or(1)),
                    None => (s.catalogue.strings.undated.clone(), 0),
                };
                if timeline.last().is_none_or(|y| y.year != year) {
                    timeline.push(Year { year: year.clone(), months: Vec::new() });
                }
                let Some(y) = timeline.last_mut() else { continue };
                if y.months.last().is_none_or(|m| m.month != month) {
                    let name = s
                        .catalogue
                        .strings
                        .months
                        .get(usize::from(month).wrapping_sub(1))
                        .map(|m| capitalized(m))
                        .unwrap_or_default();
                    y.months.push(Month { month, name, notes: Vec::new() });
                }
                if let Some(m) = y.months.last_mut() {
                    m.notes.push(card);
                }
            }
            timeline
        };
        let rel = self.timeline_rel();
        let (title, kind) =
            if rel.is_empty() { (&s.title, "index") } else { (&s.catalogue.strings.timeline, "timeline") };
        pages.extend(self.list_pages(
            g,
            rel,
            listed.len(),
            "index.html",
            move |pager| self.page_meta(rel, title, &s.description, kind, pager),
            move |r| {
                let notes: Vec<&Card> = listed[r.clone()].iter().map(|&(_, c)| c).collect();
                vec![("timeline", g.keyed(&timeline(&listed[r]))), ("notes", g.keyed(&notes))]
            },
        ));
    }

    /// Sources deduplicated by URL (case and a trailing `/` aside), most cited first.
    pub(crate) fn sources<'c>(&'c self, cards: &'c [Option<Card>]) -> Vec<SourceView<'c>> {
        // Rows borrow their texts from the notes: at 100,000 notes there are
        // ~165,000 sources, and owned copies took ~110 MB. The "why" texts a
        // row has are one set for all rows (a popular source is cited by
        // thousands of notes: looking through its list for each would be
        // quadratic).
        let mut row_of: FxHashMap<String, usize> = FxHashMap::default();
        let mut whys: rustc_hash::FxHashSet<(usize, &'c str)> = rustc_hash::FxHashSet::default();
        let mut rows: Vec<SourceView<'c>> = Vec::new();
        for &i in &self.newest {
            let Some(card) = cards[i].as_ref() else { continue };
            for src in &self.vault.notes[i].note.journal.sources {
                let Some(url) = &src.url else { continue };
                let r = *row_of.entry(source_key(&url.value)).or_insert_with(|| {
                    rows.push(SourceView {
                        url: &url.value,
                        title: src.title.as_deref().unwrap_or(&url.value),
                        why: Vec::new(),
                        cited_by: Vec::new(),
                    });
                    rows.len() - 1
                });
                let row = &mut rows[r];
                if let Some(w) = src.why.as_deref().filter(|w| !w.is_empty())
                    && whys.insert((r, w))
                {
                    row.why.push(w);
                }
                // Notes are visited one at a time: a note citing the source
                // twice is the last one in its list.
                if !row.cited_by.last().is_some_and(|c| std::ptr::eq(*c, card)) {
                    row.cited_by.push(card);
                }
            }
        }
        // Most cited first, then by title, then by URL as compared (the
        // order is the same from build to build).
        rows.sort_by(|a, b| {
            b.cited_by
                .len()
                .cmp(&a.cited_by.len())
                .then_with(|| a.title.cmp(b.title))
                .then_with(|| source_key(a.url).cmp(&source_key(b.url)))
        });
        rows
    }
}

/// The output paths of the pages that [`Want::single`] decides on: every
/// site has each of them (the timeline's is `timeline/index.html` when a
/// note is the front page: see [`Plan::single_pages`]).
pub(crate) const SINGLE_PAGES: &[&str] = &[
    "index.html",
    "tags/index.html",
    "keywords/index.html",
    "claims/index.html",
    "questions/index.html",
    "sources/index.html",
    "graph/index.html",
    "search/index.html",
    "404.html",
];

impl Plan<'_> {
    /// [`SINGLE_PAGES`] of this site: the timeline where it is.
    pub(crate) fn single_pages(&self) -> impl Iterator<Item = String> + '_ {
        SINGLE_PAGES.iter().map(|&rel| {
            if rel == "index.html" { format!("{}index.html", self.timeline_rel()) } else { rel.to_owned() }
        })
    }
}

/// A page other than a note's: where it goes, its template, and how to make
/// its context. Contexts are made only when the page is filled, a few at a
/// time: made up front, the digests' alone (every claim, question and source
/// of the vault as template values) took ~250 MB at 100,000 notes.
pub(crate) struct OtherPage<'a> {
    /// Output-relative path.
    pub(crate) rel: String,
    /// Template name.
    pub(crate) template: &'static str,
    make: Box<dyn FnOnce() -> (Value, crate::cache::Hash) + Send + 'a>,
}

impl<'a> OtherPage<'a> {
    pub(crate) fn new(
        rel: String,
        template: &'static str,
        make: impl FnOnce() -> (Value, crate::cache::Hash) + Send + 'a,
    ) -> Self {
        Self { rel, template, make: Box::new(make) }
    }

    /// A page whose context is already made (small pages).
    fn ready(rel: String, template: &'static str, context: (Value, crate::cache::Hash)) -> Self {
        Self::new(rel, template, move || context)
    }

    /// Make the page's context: its path, template, context and the
    /// context's build-cache key.
    pub(crate) fn make(self) -> (String, &'static str, (Value, crate::cache::Hash)) {
        (self.rel, self.template, (self.make)())
    }
}

/// Which pages other than the notes' [`Plan::other_pages`] makes.
pub(crate) struct Want<'a> {
    /// A page that lists no notes of its own, or all of them (the index, the
    /// tag and keyword indexes, digests, graph, search, 404), by output path.
    pub(crate) single: &'a (dyn Fn(&str) -> bool + Sync),
    /// A tag, keyword or unwritten page, by folder and the notes it lists.
    pub(crate) list: &'a (dyn Fn(&str, &[NoteIdx]) -> bool + Sync),
}

impl Want<'_> {
    /// Every page.
    pub(crate) const ALL: Want<'static> = Want { single: &|_| true, list: &|_, _| true };
}

/// A note on the claims page.
#[derive(Serialize)]
pub(crate) struct ClaimsOf<'c> {
    note: &'c Card,
    core_claim: Option<&'c str>,
    claims: Vec<&'c str>,
}

/// A note on the questions page.
#[derive(Serialize)]
pub(crate) struct QuestionsOf<'c> {
    note: &'c Card,
    questions: Vec<&'c str>,
}

/// A source on the sources page.
#[derive(Debug, Serialize)]
pub(crate) struct SourceView<'c> {
    pub(crate) url: &'c str,
    pub(crate) title: &'c str,
    pub(crate) why: Vec<&'c str>,
    pub(crate) cited_by: Vec<&'c Card>,
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::config::{Site, SiteConfig};

    /// A card's template value answers every key exactly as the serialized
    /// data would, and has exactly the data's keys, in order.
    #[test]
    fn a_card_reads_in_templates_as_its_serialized_data() {
        let full = CardData {
            title: "A <b>note</b>".to_owned(),
            url: "/a/".to_owned(),
            path: "a.md".to_owned(),
            description: Some("desc".to_owned()),
            core_claim: None,
            created: Some("2024-01-02".to_owned()),
            updated: None,
            created_text: Some("2 January 2024".to_owned()),
            updated_text: None,
            reading_minutes: 3,
            draft: true,
            tags: vec![Named { name: "t/x".to_owned(), url: "/tags/t/x/".to_owned() }],
        };
        let empty = CardData { tags: Vec::new(), description: None, draft: false, ..full.clone() };
        let env = minijinja::Environment::new();
        for data in [full, empty] {
            let card = Card::new(data.clone());
            let plain = ser(&data);
            let keys: Vec<String> = plain.try_iter().expect("value").map(|k| k.to_string()).collect();
            assert_eq!(keys, CARD_FIELDS);
            for key in CARD_FIELDS {
                assert_eq!(
                    card.value().get_attr(key).expect("value"),
                    plain.get_attr(key).expect("value"),
                    "{key}"
                );
            }
            assert!(card.value().get_attr("nope").expect("value").is_undefined());
            // Through serialization (a context holding cards), in a template.
            let t = "{% for k, v in c|items %}{{ k }}={{ v }};{% endfor %}{{ c.tags[0].name if c.tags }}\
                     {{ c.description or 'none' }}{{ c|length }}";
            let ctx = minijinja::context! { c => ser(&card) };
            let plain_ctx = minijinja::context! { c => plain };
            assert_eq!(env.render_str(t, ctx).expect("value"), env.render_str(t, plain_ctx).expect("value"));
        }
    }

    #[test]
    fn single_pages_are_exactly_the_pages_want_single_decides() {
        let texts =
            vec![("a.md".to_owned(), "---\nkeywords: [k]\n---\n# A\n\n#tag [[Nowhere]]\n".to_owned())];
        let vault = vellum_vault::Vault::from_texts(
            PathBuf::from("/v"),
            vellum_vault::Config::default(),
            vec!["a.md".to_owned()],
            texts,
        );
        let plan = Plan::new(&vault, Site::resolve(&SiteConfig::default(), &vault.root), false);
        let g = Globals::new(&plan, false, false, false);
        let cards = plan.cards();
        let singles: Vec<String> = plan
            .other_pages(&g, &cards, &Want { single: &|_| true, list: &|_, _| false })
            .into_iter()
            .map(|p| p.rel)
            .collect();
        let mut expected: Vec<String> = SINGLE_PAGES.iter().map(|&s| s.to_owned()).collect();
        let mut got = singles;
        expected.sort();
        got.sort();
        assert_eq!(got, expected);
        let lists = plan.other_pages(&g, &cards, &Want { single: &|_| false, list: &|_, _| true });
        assert_eq!(lists.len(), 4, "a tag, a keyword, an unwritten and the root folder's page");
    }
}
