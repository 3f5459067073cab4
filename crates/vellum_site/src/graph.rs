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
    id: String,
    title: &'a str,
    url: std::borrow::Cow<'a, str>,
    kind: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    current: bool,
}

#[derive(Serialize, PartialEq, Eq, Hash)]
struct Edge {
    source: String,
    target: String,
}

#[derive(Serialize)]
struct Graph<'a> {
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge>,
}

/// Node ids: `n` + the note's place in the timeline (no gaps where drafts
/// are left out), `u` + the unwritten page's number.
fn id(plan: &Plan<'_>, nb: Neighbour) -> String {
    match nb {
        Neighbour::Note(i) => format!("n{}", plan.rank[i].unwrap_or(usize::MAX)),
        Neighbour::Unwritten(k) => format!("u{k}"),
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
    let mut edges = Vec::new();
    for &i in &plan.published {
        for nb in plan.outlinks(i) {
            edges.push(Edge { source: id(plan, Neighbour::Note(i)), target: id(plan, nb) });
        }
    }
    serde_json::to_vec(&Graph { nodes, edges }).unwrap_or_default()
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
