//! The link graph for the browser: `graph.json` for the whole site and a
//! small inline graph of each note's neighbourhood, both shaped
//! `{nodes: [{id, title, url, kind}], edges: [{source, target}]}` with `kind`
//! one of `note`, `draft` (only with `--drafts`) and `unwritten`.

use rustc_hash::FxHashSet;
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

/// A node id, written as `n` + the note's place in the timeline (no gaps
/// where drafts are left out) or `u` + the unwritten page's number. Kept as
/// numbers until written: the site graph has a million of them at 100,000
/// notes.
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

fn node<'a>(plan: &'a Plan<'_>, nb: Neighbour, cards: &'a [Option<Card>], current: bool) -> Option<Node<'a>> {
    match nb {
        Neighbour::Note(i) => {
            let c = cards[i].as_ref()?;
            Some(Node {
                id: id(plan, nb),
                title: &c.title,
                url: std::borrow::Cow::Borrowed(&c.url),
                kind: if c.draft { "draft" } else { "note" },
                current,
            })
        }
        Neighbour::Unwritten(k) => {
            let u = plan.unwritten.get(k)?;
            Some(Node {
                id: id(plan, nb),
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
    let mut nodes: Vec<Node<'_>> =
        plan.published.iter().filter_map(|&i| node(plan, Neighbour::Note(i), cards, false)).collect();
    nodes.extend((0..plan.unwritten.len()).filter_map(|k| node(plan, Neighbour::Unwritten(k), cards, false)));
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
    let mut seen: FxHashSet<Neighbour> = FxHashSet::default();
    seen.insert(me);
    let mut nodes: Vec<Node<'_>> = node(plan, me, cards, true).into_iter().collect();
    let mut edges = Vec::new();
    for nb in plan.outlinks(idx) {
        if let Some(n) = node(plan, nb, cards, false) {
            if seen.insert(nb) {
                nodes.push(n);
            }
            edges.push(Edge { source: id(plan, me), target: id(plan, nb) });
        }
    }
    for src in plan.backlinks(idx) {
        let nb = Neighbour::Note(src);
        if let Some(n) = node(plan, nb, cards, false) {
            if seen.insert(nb) {
                nodes.push(n);
            }
            edges.push(Edge { source: id(plan, nb), target: id(plan, me) });
        }
    }
    script_safe(&serde_json::to_string(&Graph { nodes, edges }).unwrap_or_default())
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
