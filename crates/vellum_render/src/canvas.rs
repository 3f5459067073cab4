//! A JSON Canvas board as a page shows it: one SVG laid out by the board's
//! own coordinates, scaled to the page (never above its natural size, never
//! below 70 % of it or 640 pixels, so its text stays readable: a wider board
//! scrolls sideways), and, for narrow screens, an outline of the same nodes
//! in reading order.
//!
//! - Groups are labelled rectangles under everything else.
//! - Edges are curves between the sides of their nodes (the side the file
//!   names, else the side facing the other node), with their label at the
//!   middle and an arrow at each end the file asks for.
//! - Nodes are `foreignObject`s holding HTML: a text node's Markdown rendered
//!   like a note's body (links resolved from the canvas), a file node as an
//!   embed of its file (a note's content with a link to its page, an image, a
//!   player), a link node as a link to its address.
//!
//! Everything the board adds is vellum's own markup with every value
//! escaped or checked (colours, numbers); what nodes hold comes from the
//! renderer, already sanitized.

use std::fmt::Write as _;

use vellum_syntax::{Canvas, CanvasNode, NodeKind};
use vellum_vault::{NoteIdx, TextError};

use crate::escape;
use crate::transform::{Context, embed_html, render_markdown};

/// Room around the nodes, in board pixels (labels above groups, curves).
const MARGIN: i64 = 40;

/// The board of canvas `idx`; `stack` holds it and the notes embedding it.
pub(crate) fn board(cx: &Context<'_>, idx: NoteIdx, stack: &mut Vec<NoteIdx>) -> Result<String, TextError> {
    let n = &cx.vault.notes[idx];
    let Some(canvas) = n.note.canvas.as_deref() else { return Ok(String::new()) };
    if canvas.nodes.is_empty() {
        return Ok("<div class=\"canvas canvas-empty\"></div>".to_owned());
    }
    let contents = canvas
        .nodes
        .iter()
        .map(|node| node_html(cx, idx, node, stack))
        .collect::<Result<Vec<String>, TextError>>()?;
    let (min_x, min_y, max_x, max_y) = bounds(canvas);
    let (w, h) = (max_x - min_x, max_y - min_y);
    let mut out = String::with_capacity(contents.iter().map(String::len).sum::<usize>() * 2 + 1024);
    let _ = write!(
        out,
        "<div class=\"canvas\"><div class=\"canvas-scroll\"><svg class=\"canvas-board\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{min_x} {min_y} {w} {h}\" style=\"max-width:{w}px;min-width:{}px\" role=\"img\" aria-label=\"{}\">",
        w.min((w * 7 / 10).max(640)),
        escape(&n.title)
    );
    out.push_str(
        "<defs><marker id=\"canvas-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"canvas-arrowhead\"/></marker></defs>",
    );
    for node in canvas.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Group { .. })) {
        let NodeKind::Group { label } = &node.kind else { continue };
        let _ = write!(
            out,
            "<g class=\"canvas-group\"{}><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>",
            color_style(node.color.as_deref()),
            node.x,
            node.y,
            node.width,
            node.height
        );
        if let Some(label) = label {
            let _ = write!(out, "<text x=\"{}\" y=\"{}\">{}</text>", node.x + 4, node.y - 10, escape(label));
        }
        out.push_str("</g>");
    }
    for edge in &canvas.edges {
        let (Some(a), Some(b)) = (canvas.nodes.get(edge.from), canvas.nodes.get(edge.to)) else { continue };
        let (p0, n0) = anchor(a, edge.from_side.or_else(|| Some(facing(a, b))));
        let (p3, n3) = anchor(b, edge.to_side.or_else(|| Some(facing(b, a))));
        let (dx, dy) = ((p3.0 - p0.0) as f64, (p3.1 - p0.1) as f64);
        let reach = ((dx * dx + dy * dy).sqrt() / 3.0).clamp(30.0, 200.0) as i64;
        let p1 = (p0.0 + n0.0 * reach, p0.1 + n0.1 * reach);
        let p2 = (p3.0 + n3.0 * reach, p3.1 + n3.1 * reach);
        let _ = write!(
            out,
            "<g class=\"canvas-edge\"{}><path d=\"M{},{} C{},{} {},{} {},{}\"{}{}/>",
            color_style(edge.color.as_deref()),
            p0.0,
            p0.1,
            p1.0,
            p1.1,
            p2.0,
            p2.1,
            p3.0,
            p3.1,
            if edge.from_arrow { " marker-start=\"url(#canvas-arrow)\"" } else { "" },
            if edge.to_arrow { " marker-end=\"url(#canvas-arrow)\"" } else { "" },
        );
        if let Some(label) = &edge.label {
            // The curve's middle: (P0 + 3·P1 + 3·P2 + P3) / 8.
            let mx = (p0.0 + 3 * p1.0 + 3 * p2.0 + p3.0) / 8;
            let my = (p0.1 + 3 * p1.1 + 3 * p2.1 + p3.1) / 8;
            let _ =
                write!(out, "<text x=\"{mx}\" y=\"{my}\" text-anchor=\"middle\">{}</text>", escape(label));
        }
        out.push_str("</g>");
    }
    for (node, html) in canvas.nodes.iter().zip(&contents) {
        if matches!(node.kind, NodeKind::Group { .. }) {
            continue;
        }
        let _ = write!(
            out,
            "<foreignObject x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><div xmlns=\"http://www.w3.org/1999/xhtml\" class=\"canvas-node canvas-{}\"{}>{html}</div></foreignObject>",
            node.x,
            node.y,
            node.width,
            node.height,
            kind_name(&node.kind),
            color_style(node.color.as_deref()),
        );
    }
    out.push_str("</svg></div>");
    outline(&mut out, canvas, &contents);
    out.push_str("</div>");
    Ok(out)
}

/// The nodes in reading order (top to bottom, then left to right), each
/// inside the smallest group around it, and the edges as sentences: what a
/// narrow screen shows instead of the board.
fn outline(out: &mut String, canvas: &Canvas, contents: &[String]) {
    let nodes = &canvas.nodes;
    // A node's group: the smallest group holding its box, and larger than
    // it (or as large and earlier in the file), so that nesting has no cycle.
    let area = |n: &CanvasNode| n.width.saturating_mul(n.height);
    let holds = |g: &CanvasNode, n: &CanvasNode| {
        g.x <= n.x && g.y <= n.y && g.x + g.width >= n.x + n.width && g.y + g.height >= n.y + n.height
    };
    let groups: Vec<usize> =
        (0..nodes.len()).filter(|&i| matches!(nodes[i].kind, NodeKind::Group { .. })).collect();
    let parent: Vec<Option<usize>> = (0..nodes.len())
        .map(|i| {
            groups
                .iter()
                .copied()
                .filter(|&g| g != i && holds(&nodes[g], &nodes[i]))
                .filter(|&g| {
                    (area(&nodes[g]), std::cmp::Reverse(g)) > (area(&nodes[i]), std::cmp::Reverse(i))
                })
                .min_by_key(|&g| (area(&nodes[g]), g))
        })
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match *p {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    let order = |v: &mut Vec<usize>| v.sort_by_key(|&i| (nodes[i].y, nodes[i].x, i));
    order(&mut roots);
    for c in &mut children {
        order(c);
    }
    out.push_str("<ol class=\"canvas-outline\">");
    // Depth-first with an explicit stack: a hostile file cannot nest deep enough to overflow.
    let mut todo: Vec<(usize, bool)> = roots.iter().rev().map(|&i| (i, true)).collect();
    while let Some((i, open)) = todo.pop() {
        if !open {
            out.push_str("</ol></li>");
            continue;
        }
        let node = &nodes[i];
        match &node.kind {
            NodeKind::Group { label } => {
                let _ = write!(
                    out,
                    "<li class=\"canvas-outline-group\"><span class=\"canvas-outline-label\">{}</span><ol>",
                    escape(label.as_deref().unwrap_or(""))
                );
                todo.push((i, false));
                todo.extend(children[i].iter().rev().map(|&c| (c, true)));
            }
            kind => {
                let _ = write!(
                    out,
                    "<li class=\"canvas-node canvas-{}\"{}>{}</li>",
                    kind_name(kind),
                    color_style(node.color.as_deref()),
                    contents[i]
                );
            }
        }
    }
    out.push_str("</ol>");
    if !canvas.edges.is_empty() {
        out.push_str("<ul class=\"canvas-outline-edges\">");
        for e in &canvas.edges {
            let (Some(a), Some(b)) = (nodes.get(e.from), nodes.get(e.to)) else { continue };
            let arrow = match (e.from_arrow, e.to_arrow) {
                (true, true) => "↔",
                (true, false) => "←",
                (false, true) => "→",
                (false, false) => "—",
            };
            let _ = write!(out, "<li>{} {arrow} {}", escape(&name_of(a)), escape(&name_of(b)));
            if let Some(label) = &e.label {
                let _ = write!(out, " <span class=\"canvas-edge-label\">({})</span>", escape(label));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
}

/// How a node is named in the outline's list of edges.
fn name_of(node: &CanvasNode) -> String {
    let short = |s: &str| {
        let line = s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        let line = line.trim_start_matches('#').trim();
        match line.char_indices().nth(60) {
            Some((cut, _)) => format!("{}…", &line[..cut]),
            None => line.to_owned(),
        }
    };
    match &node.kind {
        NodeKind::Text { text } => short(text),
        NodeKind::File { file, .. } => {
            let name = file.rsplit('/').next().unwrap_or(file);
            name.strip_suffix(".md").unwrap_or(name).to_owned()
        }
        NodeKind::Link { url } => url.clone(),
        NodeKind::Group { label } => label.clone().unwrap_or_default(),
    }
}

/// What node `node` of canvas `idx` holds, as HTML.
fn node_html(
    cx: &Context<'_>,
    idx: NoteIdx,
    node: &CanvasNode,
    stack: &mut Vec<NoteIdx>,
) -> Result<String, TextError> {
    Ok(match &node.kind {
        NodeKind::Text { text } => {
            // Not a slice of the canvas's text: nothing is looked up in its parse by position.
            render_markdown(cx, idx, "", text, None, stack)?.0
        }
        NodeKind::File { file, link, .. } => {
            let n = &cx.vault.notes[idx];
            let l = n.note.links.get(*link);
            if let Some(l) = l {
                crate::transform::looked_up(cx, l);
            }
            match (l, cx.vault.resolved[idx].get(*link)) {
                (Some(l), Some(r))
                    if r.target.note().is_some()
                        || matches!(r.target, vellum_vault::Target::Attachment(_)) =>
                {
                    let display = file.rsplit('/').next().unwrap_or(file);
                    let display = display.strip_suffix(".md").unwrap_or(display);
                    embed_html(cx, l, r, display, stack)?
                }
                _ => format!("<span class=\"canvas-missing\">{}</span>", escape(file)),
            }
        }
        NodeKind::Link { url } => {
            let safe = url.starts_with("https://") || url.starts_with("http://");
            if safe {
                format!(
                    "<a class=\"external\" href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                    escape(url),
                    escape(url)
                )
            } else {
                format!("<span>{}</span>", escape(url))
            }
        }
        NodeKind::Group { .. } => String::new(),
    })
}

fn kind_name(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Text { .. } => "text",
        NodeKind::File { .. } => "file",
        NodeKind::Link { .. } => "link",
        NodeKind::Group { .. } => "group",
    }
}

/// ` style="--canvas-color:…"` for a preset (`"1"`–`"6"`: red, orange,
/// yellow, green, cyan, purple, as Obsidian names them) or a `#hex` colour;
/// nothing for anything else.
fn color_style(color: Option<&str>) -> String {
    let Some(c) = color.map(str::trim) else { return String::new() };
    let value = match c {
        "1" => "var(--canvas-1)".to_owned(),
        "2" => "var(--canvas-2)".to_owned(),
        "3" => "var(--canvas-3)".to_owned(),
        "4" => "var(--canvas-4)".to_owned(),
        "5" => "var(--canvas-5)".to_owned(),
        "6" => "var(--canvas-6)".to_owned(),
        hex if hex.starts_with('#')
            && matches!(hex.len(), 4 | 5 | 7 | 9)
            && hex[1..].bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            hex.to_owned()
        }
        _ => return String::new(),
    };
    format!(" style=\"--canvas-color:{value}\"")
}

/// The box around every node and label, with a margin.
fn bounds(canvas: &Canvas) -> (i64, i64, i64, i64) {
    let mut b = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
    for n in &canvas.nodes {
        b.0 = b.0.min(n.x);
        b.1 = b.1.min(n.y);
        b.2 = b.2.max(n.x.saturating_add(n.width));
        b.3 = b.3.max(n.y.saturating_add(n.height));
    }
    (b.0 - MARGIN, b.1 - MARGIN, b.2 + MARGIN, b.3 + MARGIN)
}

/// The side of `a` that faces `b`.
fn facing(a: &CanvasNode, b: &CanvasNode) -> vellum_syntax::canvas::Side {
    use vellum_syntax::canvas::Side;
    let (ax, ay) = (a.x + a.width / 2, a.y + a.height / 2);
    let (bx, by) = (b.x + b.width / 2, b.y + b.height / 2);
    let (dx, dy) = (bx - ax, by - ay);
    if dx.abs() >= dy.abs() {
        if dx >= 0 { Side::Right } else { Side::Left }
    } else if dy >= 0 {
        Side::Bottom
    } else {
        Side::Top
    }
}

/// The middle of a side of `node` and the direction out of it.
fn anchor(node: &CanvasNode, side: Option<vellum_syntax::canvas::Side>) -> ((i64, i64), (i64, i64)) {
    use vellum_syntax::canvas::Side;
    let (x, y, w, h) = (node.x, node.y, node.width, node.height);
    match side.unwrap_or(Side::Right) {
        Side::Top => ((x + w / 2, y), (0, -1)),
        Side::Right => ((x + w, y + h / 2), (1, 0)),
        Side::Bottom => ((x + w / 2, y + h), (0, 1)),
        Side::Left => ((x, y + h / 2), (-1, 0)),
    }
}
