//! Machine-readable files: the Atom feed (`feed.xml`), `sitemap.xml`,
//! `robots.txt`, the search index (`search-index.json`) and the link previews
//! (`previews.json`). Drafts are never in the feed or the sitemap.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use serde::Serialize;

use crate::BuildError;
use crate::pages::{Body, Card};
use crate::plan::Plan;
use vellum_vault::NoteIdx;

/// Entries in the feed.
pub(crate) const FEED_ENTRIES: usize = 50;

/// Body text per note in the search index, in characters: generous for small
/// sites, shrinking for large ones so the index stays around 8 MB.
pub(crate) fn snippet_budget(notes: usize) -> usize {
    (8_000_000 / notes.max(1)).clamp(300, 2_000)
}

/// How much body text to keep per note in the render phase.
pub(crate) fn text_budget(notes: usize) -> usize {
    snippet_budget(notes)
}

fn date_time(d: jiff::civil::Date) -> Option<FixedDateTime> {
    format!("{d}T00:00:00Z").parse().ok()
}

/// The notes of the feed, newest first: published, not drafts, with a creation date.
pub(crate) fn feed_notes(plan: &Plan<'_>) -> Vec<NoteIdx> {
    plan.newest
        .iter()
        .copied()
        .filter(|&i| {
            let n = &plan.vault.notes[i];
            plan.is_published(i)
                && !n.is_draft()
                && n.note.properties.created.as_ref().and_then(|d| date_time(d.value)).is_some()
        })
        .take(FEED_ENTRIES)
        .collect()
}

/// What the feed shows of one note besides its body: the inputs of its entry.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub(crate) struct FeedItem {
    /// The note's vault path.
    pub(crate) path: String,
    title: String,
    url: String,
    /// `created` and `updated` as written (`2024-03-01`).
    created: String,
    updated: Option<String>,
    summary: Option<String>,
    tags: Vec<String>,
}

/// The feed's notes as [`FeedItem`]s, newest first (see [`feed_notes`]).
pub(crate) fn feed_items(plan: &Plan<'_>, cards: &[Option<Card>]) -> Vec<(NoteIdx, FeedItem)> {
    feed_notes(plan)
        .into_iter()
        .filter_map(|i| {
            let p = &plan.vault.notes[i].note.properties;
            let card = cards[i].as_ref()?;
            let item = FeedItem {
                path: card.path.clone(),
                title: card.title.clone(),
                url: card.url.clone(),
                created: p.created.as_ref()?.value.to_string(),
                updated: p.updated.as_ref().map(|d| d.value.to_string()),
                summary: card.description.clone().or_else(|| card.core_claim.clone()),
                tags: card.tags.iter().map(|t| t.name.clone()).collect(),
            };
            Some((i, item))
        })
        .collect()
}

/// `feed.xml`: the newest published notes (drafts never), with their bodies.
pub(crate) fn atom(
    plan: &Plan<'_>,
    cards: &[Option<Card>],
    bodies: &[Option<Body>],
) -> Result<Vec<u8>, BuildError> {
    let items = feed_items(plan, cards);
    let entries: Vec<(&FeedItem, Option<&str>)> = items
        .iter()
        .map(|(i, item)| (item, bodies[*i].as_ref().map(|b| b.html.feed().unwrap_or_default())))
        .collect();
    atom_of(&plan.site, &entries)
}

/// `feed.xml` of `site` with these entries, each with its body's HTML.
pub(crate) fn atom_of(
    s: &crate::config::Site,
    items: &[(&FeedItem, Option<&str>)],
) -> Result<Vec<u8>, BuildError> {
    let author = if s.author.is_empty() { s.title.clone() } else { s.author.clone() };
    let abs = |url: &str| s.absolute(url);
    // Atom ids must be absolute IRIs: without `base_url`, use a URN of the path.
    let id = |url: &str| if s.origin.is_empty() { format!("urn:vellum:{url}") } else { s.absolute(url) };
    let day = |d: &str| format!("{d}T00:00:00Z").parse::<FixedDateTime>().ok();
    let mut entries = Vec::new();
    for (item, html) in items {
        let Some(created) = day(&item.created) else { continue };
        let updated = item.updated.as_deref().and_then(day).filter(|u| *u > created).unwrap_or(created);
        entries.push(Entry {
            title: Text::plain(item.title.clone()),
            id: id(&item.url),
            updated,
            published: Some(created),
            links: vec![Link { href: abs(&item.url), rel: "alternate".to_owned(), ..Link::default() }],
            summary: item.summary.clone().map(Text::plain),
            content: html.map(|html| Content {
                value: Some(html.to_owned()),
                content_type: Some("html".to_owned()),
                ..Content::default()
            }),
            categories: item
                .tags
                .iter()
                .map(|t| atom_syndication::Category { term: t.clone(), ..Default::default() })
                .collect(),
            ..Entry::default()
        });
    }
    let updated =
        entries.iter().map(|e| e.updated).max().or_else(|| date_time(jiff::civil::date(1970, 1, 1)));
    let home = abs(&s.base_path);
    let feed = Feed {
        title: Text::plain(s.title.clone()),
        id: id(&s.base_path),
        updated: updated.unwrap_or_default(),
        authors: vec![Person { name: author, ..Person::default() }],
        generator: Some(Generator {
            value: "vellum".to_owned(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        links: vec![
            Link { href: home, rel: "alternate".to_owned(), ..Link::default() },
            Link {
                href: abs(&format!("{}feed.xml", s.base_path)),
                rel: "self".to_owned(),
                ..Link::default()
            },
        ],
        subtitle: (!s.description.is_empty()).then(|| Text::plain(s.description.clone())),
        lang: Some(s.language.clone()),
        base: (!s.origin.is_empty()).then(|| abs(&s.base_path)),
        entries,
        ..Feed::default()
    };
    let mut out = Vec::new();
    feed.write_to(&mut out).map_err(|e| BuildError::Feed(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// XML text escaping is HTML's (`&#39;` is valid XML too).
fn xml_escape(s: &str) -> String {
    vellum_render::escape(s)
}

/// `sitemap.xml`: the indexable pages (not drafts, unwritten notes, search or 404).
pub(crate) fn sitemap(plan: &Plan<'_>, cards: &[Option<Card>]) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut add = |rel: &str, lastmod: Option<&str>| {
        let loc = plan.site.absolute(&plan.url(rel));
        let _ = write!(out, "  <url><loc>{}</loc>", xml_escape(&loc));
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        out.push_str("</url>\n");
    };
    let newest = plan.newest.iter().filter_map(|&i| cards[i].as_ref()).find(|c| !c.draft);
    let lastmod = |c: &Card| c.updated.clone().or_else(|| c.created.clone());
    // The timeline (a front page note is among the notes below).
    add(plan.timeline_rel(), newest.and_then(lastmod).as_deref());
    for &i in &plan.published {
        let Some(card) = cards[i].as_ref().filter(|c| !c.draft) else { continue };
        if let Some(rel) = &plan.rel[i] {
            add(rel, lastmod(card).as_deref());
        }
    }
    for rel in ["tags/", "keywords/", "claims/", "questions/", "sources/", "graph/"] {
        add(rel, None);
    }
    for rel in plan.sitemap_folders() {
        add(rel, None);
    }
    for t in plan.tags.values().filter(|t| !t.notes.is_empty()) {
        add(&t.rel, None);
    }
    for k in plan.keywords.values().filter(|k| !k.notes.is_empty()) {
        add(&k.rel, None);
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

/// `robots.txt`, pointing at the sitemap.
pub(crate) fn robots(plan: &Plan<'_>) -> Vec<u8> {
    let sitemap = plan.site.absolute(&plan.url("sitemap.xml"));
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n").into_bytes()
}

#[derive(Serialize)]
struct SearchDoc<'a> {
    /// URL.
    u: &'a str,
    /// Title.
    t: &'a str,
    /// Description.
    d: &'a str,
    /// Tags.
    g: Vec<&'a str>,
    /// Body text (cut).
    b: &'a str,
    /// Draft (only with `--drafts`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    x: bool,
}

/// Notes per search shard: an edit rewrites one shard, not the whole index.
pub(crate) const SHARD: usize = 512;

/// The output path of search shard `k`.
pub(crate) fn shard_rel(k: usize) -> String {
    format!("search-index/{k}.json")
}

/// The search index: `search-index.json` lists the shards
/// (`search-index/<k>.json`), each holding the entries of up to [`SHARD`]
/// published notes in path order (`{docs: [...]}`, see [`search_doc`]).
/// The shards are made one at a time as the iterator is read (with their
/// entries, which the build cache keeps), so only one is in memory.
pub(crate) fn search_shards<'p>(
    plan: &'p Plan<'_>,
    cards: &'p [Option<Card>],
    bodies: &'p [Option<Body>],
) -> impl Iterator<Item = (String, Vec<String>)> + 'p {
    let budget = snippet_budget(plan.published.len());
    plan.published.chunks(SHARD).enumerate().map(move |(k, chunk)| {
        let docs: Vec<String> = chunk
            .iter()
            .filter_map(|&i| Some(search_doc(cards[i].as_ref()?, bodies[i].as_ref(), budget)))
            .collect();
        (shard_rel(k), docs)
    })
}

/// `search-index.json`: the URLs of the shards.
pub(crate) fn search_manifest(plan: &Plan<'_>) -> Vec<u8> {
    let shards: Vec<String> =
        (0..plan.published.len().div_ceil(SHARD)).map(|k| plan.url(&shard_rel(k))).collect();
    let mut out =
        serde_json::to_vec(&serde_json::json!({ "version": 2, "shards": shards })).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Every note's search entry, by note index (`None` for a note without a card).
pub(crate) fn search_docs(
    plan: &Plan<'_>,
    cards: &[Option<Card>],
    bodies: &[Option<Body>],
) -> Vec<Option<String>> {
    let budget = snippet_budget(plan.published.len());
    cards.iter().zip(bodies).map(|(c, b)| c.as_ref().map(|c| search_doc(c, b.as_ref(), budget))).collect()
}

/// One note's entry of the search index (JSON), with `budget` characters of its text.
pub(crate) fn search_doc(card: &Card, body: Option<&Body>, budget: usize) -> String {
    let text = body.map_or("", |b| b.text.as_str());
    let doc = SearchDoc {
        u: &card.url,
        t: &card.title,
        d: card.description.as_deref().or(card.core_claim.as_deref()).unwrap_or(""),
        g: card.tags.iter().map(|t| t.name.as_str()).collect(),
        b: cut(text, budget),
        x: card.draft,
    };
    serde_json::to_string(&doc).unwrap_or_default()
}

/// The search entry `doc` (made by [`search_doc`]) with the body text
/// `text` instead of its own; `None` when `doc` is not such an entry.
pub(crate) fn with_text(doc: &str, text: &str, budget: usize) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Read {
        u: String,
        t: String,
        d: String,
        g: Vec<String>,
        #[serde(default)]
        x: bool,
    }
    let r: Read = serde_json::from_str(doc).ok()?;
    let doc = SearchDoc {
        u: &r.u,
        t: &r.t,
        d: &r.d,
        g: r.g.iter().map(String::as_str).collect(),
        b: cut(text, budget),
        x: r.x,
    };
    serde_json::to_string(&doc).ok()
}

/// The first `budget` characters of `text`.
fn cut(text: &str, budget: usize) -> &str {
    &text[..text.char_indices().nth(budget).map_or(text.len(), |(k, _)| k)]
}

/// A search shard from its entries: `{"docs":[...]}`.
pub(crate) fn join_shard<'a>(docs: impl Iterator<Item = &'a str> + Clone) -> Vec<u8> {
    let len: usize = docs.clone().map(|d| d.len() + 1).sum();
    let mut out = Vec::with_capacity(len + 16);
    out.extend_from_slice(b"{\"docs\":[");
    for (k, d) in docs.enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(d.as_bytes());
    }
    out.extend_from_slice(b"]}");
    out
}

#[derive(Serialize)]
struct Preview<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    core_claim: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
}

/// `previews.json`: URL → title, description and core claim, for hover previews.
pub(crate) fn previews(plan: &Plan<'_>, cards: &[Option<Card>]) -> Vec<u8> {
    let map: BTreeMap<&str, Preview<'_>> = plan
        .published
        .iter()
        .filter_map(|&i| cards[i].as_ref())
        .map(|c| {
            (
                c.url.as_str(),
                Preview {
                    title: &c.title,
                    description: c.description.as_deref(),
                    core_claim: c.core_claim.as_deref(),
                    draft: c.draft,
                },
            )
        })
        .collect();
    // Sized up front (a 23 MB file at 100,000 notes): growing it by
    // doubling holds 1.5 times that while it is copied.
    let size = map
        .iter()
        .map(|(url, p)| {
            let text = p.description.map_or(0, str::len) + p.core_claim.map_or(0, str::len);
            url.len() + p.title.len() + text + 64
        })
        .sum();
    let mut out = Vec::with_capacity(size);
    if serde_json::to_writer(&mut out, &map).is_err() {
        out.clear();
    }
    out
}
