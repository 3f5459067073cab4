//! The link graph for the browser: `graph.json` for the whole site and a
//! small inline graph of each note's neighbourhood, both shaped
//! `{nodes: [{id, title, url, kind}], edges: [{source, target}]}` with `kind`
//! one of `note`, `draft` (only with `--drafts`) and `unwritten`.

use rustc_hash::FxHashMap;
use serde::Serialize;
use vellum_vault::NoteIdx;

use crate::pages::Card;
use crate::plan::{Neighbour, Plan};

#[derive(Serialize)]
struct Node<'a> {
    id: Id,
    title: &'a str,
    url: std::borrow::Cow<'a, str>,
    kind: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    current: bool,
}

#[derive(Serialize, PartialEq, Eq, Hash)]
struct Edge {
    source: Id,
    target: Id,
}

#[derive(Serialize)]
struct Graph<'a, E> {
    nodes: Vec<Node<'a>>,
    edges: E,
}

/// A node id, written as `n` + a number for a note or `u` + a number for an
/// unwritten page: in the site graph, the note's place in the timeline (no
/// gaps where drafts are left out) and the unwritten page's number; in a
/// note's own graph, the order in which the nodes are listed, so that a
/// note added elsewhere leaves the page as it is. Kept as numbers until
/// written: the site graph has a million of them at 100,000 notes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Id {
    Note(usize),
    Unwritten(usize),
}

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Note(rank) => s.collect_str(&format_args!("n{rank}")),
            Self::Unwritten(k) => s.collect_str(&format_args!("u{k}")),
        }
    }
}

fn id(plan: &Plan<'_>, nb: Neighbour) -> Id {
    match nb {
        Neighbour::Note(i) => Id::Note(plan.rank[i].unwrap_or(usize::MAX)),
        Neighbour::Unwritten(k) => Id::Unwritten(k),
    }
}

/// The site graph's edges, made as they are written.
struct SiteEdges<'p, 'v>(&'p Plan<'v>);

impl Serialize for SiteEdges<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let plan = self.0;
        s.collect_seq(plan.published.iter().flat_map(|&i| {
            let me = id(plan, Neighbour::Note(i));
            plan.outlinks(i).into_iter().map(move |nb| Edge { source: me, target: id(plan, nb) })
        }))
    }
}

/// Node `nb` of a graph, known there as `id`.
fn node<'a>(
    plan: &'a Plan<'_>,
    nb: Neighbour,
    id: Id,
    cards: &'a [Option<Card>],
    current: bool,
) -> Option<Node<'a>> {
    match nb {
        Neighbour::Note(i) => {
            let c = cards[i].as_ref()?;
            Some(Node {
                id,
                title: &c.title,
                url: std::borrow::Cow::Borrowed(&c.url),
                kind: if c.draft { "draft" } else { "note" },
                current,
            })
        }
        Neighbour::Unwritten(k) => {
            let u = plan.unwritten.get(k)?;
            Some(Node {
                id,
                title: &u.name,
                url: std::borrow::Cow::Owned(plan.url(&u.rel)),
                kind: "unwritten",
                current,
            })
        }
    }
}

/// `graph.json`: every published note and unwritten page, and the links between them.
pub(crate) fn site_json(plan: &Plan<'_>, cards: &[Option<Card>]) -> Vec<u8> {
    let site = |nb| node(plan, nb, id(plan, nb), cards, false);
    let mut nodes: Vec<Node<'_>> = plan.published.iter().filter_map(|&i| site(Neighbour::Note(i))).collect();
    nodes.extend((0..plan.unwritten.len()).filter_map(|k| site(Neighbour::Unwritten(k))));
    // Sized up front: growing a 50 MB buffer by doubling holds 1.5 times
    // that while it is copied. About 30 bytes an edge (two ids and keys).
    let links: usize = plan.published.iter().map(|&i| plan.vault.notes[i].note.links.len()).sum();
    let size = nodes.iter().map(|n| n.title.len() + n.url.len() + 48).sum::<usize>() + links * 32;
    let mut out = Vec::with_capacity(size);
    if serde_json::to_writer(&mut out, &Graph { nodes, edges: SiteEdges(plan) }).is_err() {
        out.clear();
    }
    out
}

/// The neighbourhood of note `idx` (its links out and in), as JSON safe to
/// put inside a `<script>` element.
pub(crate) fn local_json(plan: &Plan<'_>, idx: NoteIdx, cards: &[Option<Card>]) -> String {
    let me = Neighbour::Note(idx);
    let mut local = Local { plan, cards, me, ids: FxHashMap::default(), nodes: Vec::new() };
    let mut edges = Vec::new();
    if let Some(mine) = local.meet(me) {
        for nb in plan.outlinks(idx) {
            if let Some(id) = local.meet(nb) {
                edges.push(Edge { source: mine, target: id });
            }
        }
        for src in plan.backlinks(idx) {
            if let Some(id) = local.meet(Neighbour::Note(src)) {
                edges.push(Edge { source: id, target: mine });
            }
        }
    }
    script_safe(&serde_json::to_string(&Graph { nodes: local.nodes, edges }).unwrap_or_default())
}

/// The nodes of a note's own graph, each with an id in the order it was met.
struct Local<'a, 'v> {
    plan: &'a Plan<'v>,
    cards: &'a [Option<Card>],
    /// The note the graph is drawn around (its node is `current`).
    me: Neighbour,
    ids: FxHashMap<Neighbour, Id>,
    nodes: Vec<Node<'a>>,
}

impl Local<'_, '_> {
    /// The id of `nb`, listed as a node the first time; `None` when it is
    /// not shown (a draft in a build without drafts).
    fn meet(&mut self, nb: Neighbour) -> Option<Id> {
        if let Some(&id) = self.ids.get(&nb) {
            return Some(id);
        }
        let id = match nb {
            Neighbour::Note(_) => Id::Note(self.nodes.len()),
            Neighbour::Unwritten(_) => Id::Unwritten(self.nodes.len()),
        };
        self.nodes.push(node(self.plan, nb, id, self.cards, nb == self.me)?);
        self.ids.insert(nb, id);
        Some(id)
    }
}

/// JSON that cannot close a `<script>` element or open a comment in it.
pub(crate) fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    // Writing to a `String` cannot fail.
    let _ = vellum_render::write_replacing(&mut out, json, |b| match b {
        b'<' => Some("\\u003c"),
        b'>' => Some("\\u003e"),
        b'&' => Some("\\u0026"),
        _ => None,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::script_safe;

    #[test]
    fn script_safe_json_cannot_close_the_script_element() {
        let json = r#"{"title":"</script><!-- a & b — ü"}"#;
        let safe = script_safe(json);
        assert_eq!(safe, r#"{"title":"\u003c/script\u003e\u003c!-- a \u0026 b — ü"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back["title"], "</script><!-- a & b — ü");
    }
}
