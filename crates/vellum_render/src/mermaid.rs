//! Mermaid diagrams drawn at build time: a ` ```mermaid ` block becomes an
//! inline SVG, so a published page shows the diagram with no script, no
//! network and nothing to load at read time.
//!
//! The drawing is `mermaid-rs-renderer`'s (flowcharts, sequence, class,
//! state, ER, Gantt, pie, mind maps, git graphs, timelines and more). ASCII
//! labels are measured with its built-in widths, so they are laid out the same
//! wherever the site is built; other labels, and the text of pie, Gantt and ER
//! diagrams, are measured with a system font, which the renderer copies into
//! `~/.cache/mmdr/`.
//!
//! The SVG holds the note's labels and links, so it is not trusted as it is:
//! it goes through its own ammonia allowlist (SVG shapes, text and
//! presentation attributes; links only to `http(s)` and `mailto`; `style`
//! attributes reduced to a few presentation properties).
//!
//! A block that cannot be drawn (a syntax the renderer does not know, a
//! source past [`MAX_SOURCE`], a renderer panic) is shown as its source
//! text, as Obsidian shows a diagram it cannot parse.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::Builder;

/// Sources longer than this are shown as text: a diagram's layout grows
/// faster than its source, and no hand-written diagram comes near it.
pub(crate) const MAX_SOURCE: usize = 16 * 1024;

/// Diagrams with more lines than this are shown as text.
const MAX_LINES: usize = 200;

/// Diagrams with more links (`-->`, `---`, `-.->`, `==>`, `~~~`…) than this
/// are shown as text. Routing each link around the ones drawn before costs
/// time in the square of their number: 60 links, tangled at random, take
/// about a second to draw.
const MAX_LINKS: usize = 60;

const TAGS: &[&str] = &[
    "svg", "g", "defs", "marker", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "title", "a",
];

const ATTRS: &[&str] = &[
    "class",
    "id",
    "cx",
    "cy",
    "d",
    "dominant-baseline",
    "dy",
    "dx",
    "fill",
    "fill-opacity",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "height",
    "marker-end",
    "marker-start",
    "markerHeight",
    "markerUnits",
    "markerWidth",
    "opacity",
    "orient",
    "points",
    "preserveAspectRatio",
    "r",
    "refX",
    "refY",
    "rx",
    "ry",
    "stroke",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "stroke-width",
    "style",
    "text-anchor",
    "transform",
    "viewBox",
    "width",
    "x",
    "x1",
    "x2",
    "y",
    "y1",
    "y2",
];

/// Presentation properties a `style` attribute keeps (Mermaid's `style` and
/// `classDef` directives write these).
const STYLE: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "color",
    "font-size",
    "font-weight",
    "font-style",
    "font-family",
];

static SVG: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.add_tags(TAGS.iter().copied());
    b.add_generic_attributes(ATTRS.iter().copied());
    b.add_tag_attributes("a", ["href"]);
    b.filter_style_properties(STYLE.iter().copied().collect());
    b.url_schemes(HashSet::from(["http", "https", "mailto"]));
    b.link_rel(Some("noopener noreferrer"));
    b.strip_comments(true);
    b
});

/// The diagram `source` drawn as a sanitized inline SVG, or `None` when it
/// cannot be drawn (see the module docs).
pub(crate) fn draw(source: &str) -> Option<String> {
    if source.trim().is_empty() || !within_bounds(source) {
        return None;
    }
    let mut options = mermaid_rs_renderer::RenderOptions::default();
    options.layout.fast_text_metrics = true;
    // The renderer is third-party code run on the note's text: a panic in it
    // costs this diagram its drawing, not the build.
    let svg =
        std::panic::catch_unwind(|| mermaid_rs_renderer::render_with_options(source, options)).ok()?.ok()?;
    let clean = SVG.clean(&svg).to_string();
    clean.contains("<svg").then_some(clean)
}

/// Whether `source` is small enough to draw in bounded time (see
/// [`MAX_SOURCE`], [`MAX_LINES`], [`MAX_LINKS`]).
fn within_bounds(source: &str) -> bool {
    let links: usize = ["--", "==", "-.", "~~~"].iter().map(|arrow| source.matches(arrow).count()).sum();
    source.len() <= MAX_SOURCE && source.lines().count() <= MAX_LINES && links <= MAX_LINKS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flowchart_is_drawn_with_its_labels() {
        let svg = draw("flowchart LR\n  A[Start here] --> B(Finish)\n").expect("drawn");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Start here") && svg.contains("Finish"), "{svg}");
        // SVG's camel-case attributes survive the sanitizer.
        assert!(svg.contains("viewBox="), "{svg}");
    }

    #[test]
    fn markup_in_labels_stays_text() {
        let svg =
            draw("flowchart LR\n  A[\"<script>alert(1)</script>\"] --> B[<img src=x onerror=alert(1)>]\n")
                .expect("drawn");
        assert!(!svg.contains("<script") && !svg.contains("<img") && !svg.contains(" onerror"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown as text: {svg}");
    }

    #[test]
    fn links_keep_web_urls_only() {
        let web = draw("flowchart LR\n  A --> B\n  click A \"https://example.com/x\"\n").expect("drawn");
        assert!(web.contains("https://example.com/x"), "{web}");
        let js = draw("flowchart LR\n  A --> B\n  click A \"javascript:alert(1)\"\n").expect("drawn");
        assert!(!js.contains("javascript:"), "{js}");
    }

    #[test]
    fn what_cannot_be_drawn_is_none() {
        assert_eq!(draw(""), None);
        assert_eq!(draw(&"flowchart LR\n".repeat(MAX_SOURCE)), None);
        let tangled: String =
            (0..=MAX_LINKS).map(|i| format!("  N{} --> N{}\n", i % 7, i * 3 % 11)).collect();
        assert_eq!(draw(&format!("flowchart TD\n{tangled}")), None, "too many links");
        let long: String = (0..=MAX_LINES).map(|i| format!("  N{i}\n")).collect();
        assert_eq!(draw(&format!("flowchart TD\n{long}")), None, "too many lines");
    }
}
