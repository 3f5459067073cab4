//! The link graph from the command line: `links`, `backlinks`, `graph`,
//! `orphans`, `unwritten` and `stats`.
//!
//! Every command prints a table by default and, with `--format json`, one JSON
//! document whose shape is documented in `docs/json.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use vellum_vault::{Anchor, Kept, NoteIdx, Target, Vault};

use crate::args::{GraphArgs, GraphFormat, NoteArgs, OutputArgs, TableFormat};

fn line_of(kept: &[Kept<'_>], note: NoteIdx, offset: usize) -> usize {
    let k = &kept[note];
    k.detail.lines.line_col(k.text, offset).line
}

/// Where a resolved link leads, as text.
fn describe_target(vault: &Vault, note: NoteIdx, link: usize) -> (String, &'static str) {
    let l = &vault.notes[note].note.links[link];
    match &vault.resolved[note][link].target {
        Target::Note { note: t, anchor } => {
            let path = &vault.notes[*t].path;
            let s = match anchor {
                Anchor::Note => path.clone(),
                Anchor::Heading(h) => format!("{path}#{}", vault.notes[*t].note.headings[*h].text),
                Anchor::Block(b) => format!("{path}#^{b}"),
            };
            (s, if vault.notes[*t].is_draft() { "draft" } else { "note" })
        }
        Target::MissingFragment { note: t } => (vault.notes[*t].path.clone(), "missing-fragment"),
        Target::Attachment(f) => (vault.files.path(*f).to_owned(), "attachment"),
        Target::Unresolved => (l.target.clone(), "unwritten"),
        Target::EscapesVault => (l.target.clone(), "outside-vault"),
    }
}

#[derive(Serialize)]
struct LinkRow {
    source: String,
    line: usize,
    /// The frontmatter property the link is written in, if any.
    property: Option<String>,
    link: String,
    target: String,
    status: &'static str,
}

impl LinkRow {
    /// The row of link `li` of note `src`.
    fn new(vault: &Vault, kept: &[Kept<'_>], src: NoteIdx, li: usize) -> Self {
        let l = &vault.notes[src].note.links[li];
        let (target, status) = describe_target(vault, src, li);
        LinkRow {
            source: vault.notes[src].path.clone(),
            line: line_of(kept, src, l.span.start),
            property: l.property.as_deref().map(str::to_owned),
            link: kept[src].text[l.span.range()].to_owned(),
            target,
            status,
        }
    }
}

fn print_rows(rows: &[LinkRow], format: TableFormat, headers: [&str; 4]) {
    match format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(rows).unwrap_or_default()),
        TableFormat::Table => {
            let table: Vec<[String; 4]> = rows
                .iter()
                .map(|r| {
                    [
                        format!("{}:{}", r.source, r.line),
                        match &r.property {
                            Some(p) => format!("{p}: {}", r.link),
                            None => r.link.clone(),
                        },
                        r.target.clone(),
                        r.status.to_owned(),
                    ]
                })
                .collect();
            print!("{}", render_table(&headers, &table));
        }
    }
}

/// `vellum links NOTE`.
pub(crate) fn links(args: &NoteArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.output.vault.as_deref())?;
    let kept = vault.kept().map_err(|e| e.to_string())?;
    let idx = super::one_note(&vault, &args.note)?;
    let rows: Vec<LinkRow> =
        (0..vault.notes[idx].note.links.len()).map(|li| LinkRow::new(&vault, &kept, idx, li)).collect();
    print_rows(&rows, args.output.format, ["at", "link", "target", "status"]);
    Ok(ExitCode::SUCCESS)
}

/// `vellum backlinks NOTE`.
pub(crate) fn backlinks(args: &NoteArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.output.vault.as_deref())?;
    let kept = vault.kept().map_err(|e| e.to_string())?;
    let idx = super::one_note(&vault, &args.note)?;
    let rows: Vec<LinkRow> =
        vault.backlinks(idx).iter().map(|&(src, li)| LinkRow::new(&vault, &kept, src, li)).collect();
    print_rows(&rows, args.output.format, ["from", "link", "target", "status"]);
    Ok(ExitCode::SUCCESS)
}

/// A node of the graph: a note or an unwritten note.
#[derive(Serialize)]
struct Node {
    id: String,
    title: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Edge {
    source: String,
    target: String,
    count: usize,
}

#[derive(Serialize)]
struct Graph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

/// Build the graph: one node per note and per unwritten target (keyed
/// `unwritten:<name>`), one edge per linked pair with the number of links.
fn build_graph(vault: &Vault, keep: Option<&FxHashSet<NoteIdx>>) -> Graph {
    let mut nodes = Vec::new();
    let mut edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut unwritten: BTreeMap<String, String> = BTreeMap::new();
    for (i, n) in vault.notes.iter().enumerate() {
        if keep.is_some_and(|k| !k.contains(&i)) || vault.is_hidden(i) {
            continue;
        }
        nodes.push(Node {
            id: n.path.clone(),
            title: n.title.clone(),
            kind: if n.is_draft() { "draft" } else { "note" },
        });
        for (li, r) in vault.resolved[i].iter().enumerate() {
            let target = match &r.target {
                Target::Note { note, .. } | Target::MissingFragment { note } => {
                    if keep.is_some_and(|k| !k.contains(note)) || vault.is_hidden(*note) {
                        continue;
                    }
                    vault.notes[*note].path.clone()
                }
                Target::Unresolved => {
                    let name = &n.note.links[li].target;
                    let key = format!("unwritten:{}", name.to_lowercase());
                    unwritten.entry(key.clone()).or_insert_with(|| name.clone());
                    key
                }
                Target::Attachment(_) | Target::EscapesVault => continue,
            };
            *edges.entry((n.path.clone(), target)).or_default() += 1;
        }
    }
    nodes.extend(unwritten.into_iter().map(|(id, title)| Node { id, title, kind: "unwritten" }));
    let edges = edges.into_iter().map(|((source, target), count)| Edge { source, target, count }).collect();
    Graph { nodes, edges }
}

/// Notes within `depth` links of `start`, following links both ways.
fn neighbourhood(vault: &Vault, start: NoteIdx, depth: usize) -> FxHashSet<NoteIdx> {
    let mut adjacent: FxHashMap<NoteIdx, Vec<NoteIdx>> = FxHashMap::default();
    for (i, links) in vault.resolved.iter().enumerate() {
        for r in links {
            if let Some(note) = r.target.note() {
                adjacent.entry(i).or_default().push(note);
                adjacent.entry(note).or_default().push(i);
            }
        }
    }
    let mut seen: FxHashSet<NoteIdx> = FxHashSet::default();
    seen.insert(start);
    let mut frontier = vec![start];
    for _ in 0..depth {
        let mut next = Vec::new();
        for n in frontier {
            for &m in adjacent.get(&n).map_or(&[][..], Vec::as_slice) {
                if seen.insert(m) {
                    next.push(m);
                }
            }
        }
        frontier = next;
    }
    seen
}

fn quote_dot(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `vellum graph`.
pub(crate) fn graph(args: &GraphArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.vault.as_deref())?;
    let keep = match &args.around {
        Some(q) => Some(neighbourhood(&vault, super::one_note(&vault, q)?, args.depth)),
        None => None,
    };
    let g = build_graph(&vault, keep.as_ref());
    let mut s = String::new();
    match args.format {
        GraphFormat::Json => s = serde_json::to_string_pretty(&g).unwrap_or_default() + "\n",
        GraphFormat::Dot => {
            s.push_str("digraph vault {\n  node [shape=box];\n");
            for n in &g.nodes {
                let style = match n.kind {
                    "unwritten" => ", style=dashed",
                    "draft" => ", style=dotted",
                    _ => "",
                };
                let _ = writeln!(s, "  {} [label={}{style}];", quote_dot(&n.id), quote_dot(&n.title));
            }
            for e in &g.edges {
                let _ = writeln!(s, "  {} -> {};", quote_dot(&e.source), quote_dot(&e.target));
            }
            s.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            s.push_str("graph LR\n");
            let ids: FxHashMap<&str, usize> =
                g.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
            for (i, n) in g.nodes.iter().enumerate() {
                let label = n.title.replace('"', "#quot;");
                let _ = if n.kind == "unwritten" {
                    writeln!(s, "  n{i}([\"{label}\"])")
                } else {
                    writeln!(s, "  n{i}[\"{label}\"]")
                };
            }
            for e in &g.edges {
                if let (Some(a), Some(b)) = (ids.get(e.source.as_str()), ids.get(e.target.as_str())) {
                    let _ = writeln!(s, "  n{a} --> n{b}");
                }
            }
        }
    }
    print!("{s}");
    Ok(ExitCode::SUCCESS)
}

/// `vellum orphans`.
pub(crate) fn orphans(args: &OutputArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.vault.as_deref())?;
    let paths: Vec<&str> = vault.orphans().into_iter().map(|i| vault.notes[i].path.as_str()).collect();
    match args.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&paths).unwrap_or_default()),
        TableFormat::Table => {
            for p in paths {
                println!("{p}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct Unwritten {
    target: String,
    wanted_by: usize,
    notes: Vec<String>,
}

/// `vellum unwritten`: the journal's to-write list.
pub(crate) fn unwritten(args: &OutputArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.vault.as_deref())?;
    let rows: Vec<Unwritten> = vault
        .unresolved()
        .into_iter()
        .map(|(target, refs)| {
            let mut notes: Vec<String> = refs.iter().map(|&(n, _)| vault.notes[n].path.clone()).collect();
            notes.dedup();
            Unwritten { target, wanted_by: refs.len(), notes }
        })
        .collect();
    match args.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default()),
        TableFormat::Table => {
            let table: Vec<[String; 3]> = rows
                .iter()
                .map(|r| [r.target.clone(), r.wanted_by.to_string(), r.notes.join(", ")])
                .collect();
            print!("{}", render_table(&["unwritten note", "links", "wanted by"], &table));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct Stats {
    notes: usize,
    drafts: usize,
    published: usize,
    words: usize,
    links: usize,
    resolved_links: usize,
    unresolved_links: usize,
    unwritten_notes: usize,
    orphans: usize,
    attachments: usize,
    tags: usize,
    keywords: usize,
    notes_per_year: BTreeMap<String, usize>,
}

/// `vellum stats`.
pub(crate) fn stats(args: &OutputArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.vault.as_deref())?;
    // Templates and excluded files are not the journal's notes: not counted.
    let shown: Vec<NoteIdx> = (0..vault.notes.len()).filter(|&i| !vault.is_hidden(i)).collect();
    let notes = || shown.iter().map(|&i| &vault.notes[i]);
    let drafts = notes().filter(|n| n.is_draft()).count();
    let links: usize = shown.iter().map(|&i| vault.resolved[i].len()).sum();
    let unresolved =
        shown.iter().flat_map(|&i| &vault.resolved[i]).filter(|r| r.target == Target::Unresolved).count();
    let tags: FxHashSet<String> = notes().flat_map(|n| n.note.all_tags()).collect();
    let keywords: FxHashSet<String> =
        notes().flat_map(|n| n.note.properties.keywords.iter().map(|k| k.value.to_lowercase())).collect();
    let mut per_year: BTreeMap<String, usize> = BTreeMap::new();
    for n in notes() {
        let year = n
            .note
            .properties
            .created
            .as_ref()
            .map_or_else(|| "undated".to_owned(), |d| d.value.year().to_string());
        *per_year.entry(year).or_default() += 1;
    }
    let s = Stats {
        notes: shown.len(),
        drafts,
        published: shown.len() - drafts,
        words: notes().map(|n| n.note.words).sum(),
        links,
        resolved_links: links - unresolved,
        unresolved_links: unresolved,
        unwritten_notes: vault.unresolved().len(),
        orphans: vault.orphans().len(),
        attachments: vault.files.len() - vault.notes.len(),
        tags: tags.len(),
        keywords: keywords.len(),
        notes_per_year: per_year,
    };
    match args.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default()),
        TableFormat::Table => {
            let mut rows: Vec<[String; 2]> = vec![
                ["notes".into(), s.notes.to_string()],
                ["published".into(), s.published.to_string()],
                ["drafts".into(), s.drafts.to_string()],
                ["words".into(), s.words.to_string()],
                ["links".into(), s.links.to_string()],
                ["resolved links".into(), s.resolved_links.to_string()],
                ["unresolved links".into(), s.unresolved_links.to_string()],
                ["unwritten notes".into(), s.unwritten_notes.to_string()],
                ["orphans".into(), s.orphans.to_string()],
                ["attachments".into(), s.attachments.to_string()],
                ["tags".into(), s.tags.to_string()],
                ["keywords".into(), s.keywords.to_string()],
            ];
            rows.extend(s.notes_per_year.iter().map(|(y, c)| [format!("notes in {y}"), c.to_string()]));
            print!("{}", render_table(&["", ""], &rows));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A plain, aligned text table. Headers are skipped when all empty.
pub(crate) fn render_table<const N: usize>(headers: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = headers.map(|h| h.chars().count());
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == N {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$}  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    if headers.iter().any(|h| !h.is_empty()) {
        line(headers.to_vec());
    }
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
    out
}
