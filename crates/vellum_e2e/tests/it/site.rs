//! The published example journal in a real headless Chromium: the seed page
//! renders its callouts, the header search finds the seed note, a backlink
//! click navigates, the graph canvases draw, a Mermaid diagram shows, and no
//! page logs a console error. Each test saves a screenshot to `<target>/e2e-artifacts/`.
//!
//! The site is `examples/journal` built **with drafts** (the seed note is a
//! draft; see [`vellum_e2e::example_site`]), served from `127.0.0.1`.
//!
//! Skipped (with a note on stderr) when chromedriver is not installed, unless
//! `VELLUM_E2E=1`, which CI sets: then a missing browser fails.

use std::time::Duration;

use serde_json::{Value, json};
use vellum_e2e::{Browser, DEFAULT_WAIT, Error, StaticServer};

/// The seed note's page URL (its slug from the title).
const SEED_URL: &str = "/nvidia-open-sources-gpu-kernel-modules/";
const SEED_TITLE: &str = "Nvidia Open Sources GPU Kernel Modules";

/// Run `check` with a browser and the example site served on loopback (or
/// skip when there is no browser). On a failure, error or panic, the page's
/// URL and console errors go to stderr and `<test>-failed.png` is saved.
fn with_site(
    test: &str,
    check: impl FnOnce(&Browser, &StaticServer) -> Result<(), Error>,
) -> Result<(), Error> {
    let Some(browser) = Browser::launch_or_skip(test) else { return Ok(()) };
    let site = vellum_e2e::example_site().expect("the example vault builds");
    let server = StaticServer::start(&site).expect("the static server starts");
    browser.run_check(test, |browser| check(browser, &server))
}

/// Save the screenshot, then fail on any console error of the page.
fn finish(browser: &Browser, name: &str) -> Result<(), Error> {
    browser.save_screenshot(name)?;
    browser.assert_no_console_errors()
}

#[test]
fn seed_page_renders_its_callouts() -> Result<(), Error> {
    with_site("seed_page_renders_its_callouts", |browser, server| {
        browser.goto(&server.url(SEED_URL))?;

        let h1 = browser.find("h1.note-title")?.text()?;
        assert!(h1.starts_with(SEED_TITLE), "the seed page's heading is {h1:?}");
        assert!(
            browser.find(".note-title .badge-draft")?.is_displayed()?,
            "the seed note is marked as a draft"
        );

        let callouts = browser.find_all(".note-body .callout")?;
        let mut seen = Vec::new();
        for c in &callouts {
            assert!(c.is_displayed()?, "every callout is visible");
            let kind = c.attr("data-callout")?.unwrap_or_default();
            let title = c
                .find_all(".callout-title-inner")?
                .first()
                .map(|t| t.text())
                .transpose()?
                .unwrap_or_default();
            seen.push((kind, title));
        }
        let expected = [
            ("note", "Core claim"),
            ("question", "Reflective question"),
            ("ref", "Nvidia - Nvidia releases open-source GPU kernel modules"),
        ];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, t)| ((*k).into(), (*t).into())).collect();
        assert_eq!(seen, expected, "the seed page's callouts (type, title)");

        let claim = browser.find(".callout-note .callout-content")?.text()?;
        assert!(
            claim.contains("The kernel module release changes the trust balance"),
            "core claim text: {claim:?}"
        );
        // The theme's stylesheet applies: a callout has its coloured 4px left border.
        let border = browser.execute(
            "return getComputedStyle(document.querySelector('.note-body .callout')).borderLeftWidth;",
            &[],
        )?;
        assert_eq!(border, json!("4px"), "style.css styles the callouts");

        finish(browser, "seed-page")
    })
}

#[test]
fn header_search_for_kernel_finds_the_seed_note() -> Result<(), Error> {
    with_site("header_search_for_kernel_finds_the_seed_note", |browser, server| {
        browser.goto(&server.url("/"))?;

        let input = browser.find(".search-box input[name=q]")?;
        input.click()?;
        input.send_keys("kernel")?;
        let hits = browser.wait_until("search hits for \"kernel\"", DEFAULT_WAIT, |b| {
            let links = b.find_all(".search-dropdown .search-hit > a")?;
            let hrefs: Vec<String> = links.iter().filter_map(|a| a.attr("href").ok().flatten()).collect();
            Ok((!hrefs.is_empty()).then_some(hrefs))
        })?;
        assert!(hits.iter().any(|h| h == SEED_URL), "the seed note is among the hits {hits:?}");
        assert!(browser.find(".search-dropdown")?.is_displayed()?, "the dropdown shows");
        let marks = browser.find_all(".search-dropdown mark")?;
        assert!(!marks.is_empty(), "the matched word is highlighted");
        browser.save_screenshot("search-kernel")?;
        browser.assert_no_console_errors()?;

        // Following the hit opens the seed note.
        let seed_hit = browser
            .find_all(".search-dropdown .search-hit > a")?
            .into_iter()
            .find(|a| a.attr("href").ok().flatten().as_deref() == Some(SEED_URL))
            .ok_or_else(|| Error::new("the seed hit disappeared"))?;
        seed_hit.click()?;
        let url = wait_for_url(browser, &server.url(SEED_URL))?;
        assert_eq!(url, server.url(SEED_URL));
        assert!(browser.find("h1.note-title")?.text()?.starts_with(SEED_TITLE));

        // The search page finds it too, from the query string.
        browser.goto(&server.url("/search/?q=kernel"))?;
        let links = browser.wait_until("search page results", DEFAULT_WAIT, |b| {
            let links = b.find_all(".search-page-results .search-hit > a")?;
            let hrefs: Vec<String> = links.iter().filter_map(|a| a.attr("href").ok().flatten()).collect();
            Ok((!hrefs.is_empty()).then_some(hrefs))
        })?;
        assert!(links.iter().any(|h| h == SEED_URL), "search page hits {links:?}");
        let status = browser.find(".search-status")?.text()?;
        assert!(status.ends_with("found."), "search status {status:?}");
        finish(browser, "search-page-kernel")
    })
}

#[test]
fn clicking_a_backlink_navigates() -> Result<(), Error> {
    with_site("clicking_a_backlink_navigates", |browser, server| {
        browser.goto(&server.url(SEED_URL))?;

        let backlinks = browser.find_all(".backlinks li > a")?;
        assert!(backlinks.len() >= 2, "the seed note has backlinks");
        let mut target = None;
        for a in &backlinks {
            let title = a.text()?;
            if title == "CUDA Moat" {
                target = Some((a, a.attr("href")?.unwrap_or_default()));
            }
        }
        let (link, href) =
            target.ok_or_else(|| Error::new("no backlink from `CUDA Moat` on the seed page"))?;
        assert_eq!(href, "/hardware/cuda-moat/");
        browser.assert_no_console_errors()?;

        link.click()?;
        let url = wait_for_url(browser, &server.url(&href))?;
        assert_eq!(url, server.url("/hardware/cuda-moat/"));
        assert_eq!(browser.find("h1.note-title")?.text()?, "CUDA Moat");
        // The whole page arrived, footer included.
        browser.find(".backlinks")?;
        finish(browser, "backlink-cuda-moat")
    })
}

/// The explorer loads its tree into the page, a folder opens with the
/// keyboard or a click, and a note in it navigates; on the note's page the
/// note is marked current and its folder open.
#[test]
fn the_explorer_opens_a_folder_and_navigates() -> Result<(), Error> {
    with_site("the_explorer_opens_a_folder_and_navigates", |browser, server| {
        browser.goto(&server.url(SEED_URL))?;
        browser.wait_for("nav.explorer.is-loaded .explorer-tree", DEFAULT_WAIT)?;
        let folder = browser.find("nav.explorer details[data-url='/software/']")?;
        assert_eq!(folder.property("open")?, json!(false), "folders start closed");
        let note = "nav.explorer details[data-url='/software/'] a[href='/software/quic-goes-standard/']";
        assert!(!browser.find(note)?.is_displayed()?, "a closed folder hides its notes");
        browser.find("nav.explorer details[data-url='/software/'] > summary")?.click()?;
        assert_eq!(folder.property("open")?, json!(true), "a click opens the folder");
        let link = browser.find(note)?;
        assert!(link.is_displayed()?);
        link.click()?;
        wait_for_url(browser, &server.url("/software/quic-goes-standard/"))?;
        assert_eq!(browser.find("h1.note-title")?.text()?, "QUIC Goes Standard");
        let current = browser.wait_for("nav.explorer a[aria-current='page']", DEFAULT_WAIT)?;
        assert_eq!(current.attr("href")?.as_deref(), Some("/software/quic-goes-standard/"));
        assert_eq!(
            browser.find("nav.explorer details[data-url='/software/']")?.property("open")?,
            json!(true),
            "the current note's folder is open"
        );
        assert!(browser.find("nav.breadcrumbs a[href='/software/']")?.is_displayed()?, "breadcrumbs");
        finish(browser, "explorer-quic")
    })
}

/// Pixels of the canvas matching `selector` that are not fully transparent,
/// read back with `getImageData`, and its size.
fn painted(browser: &Browser, selector: &str) -> Result<(u64, u64, u64), Error> {
    let v = browser.execute(
        "const c = document.querySelector(arguments[0]);
         if (!c || !c.width || !c.height) return null;
         const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
         let n = 0;
         for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
         return [n, c.width, c.height];",
        &[json!(selector)],
    )?;
    let n = |i: usize| v.get(i).and_then(Value::as_u64).unwrap_or(0);
    Ok((n(0), n(1), n(2)))
}

/// Wait until the canvas has at least `min` painted pixels.
fn wait_painted(browser: &Browser, selector: &str, min: u64) -> Result<(u64, u64, u64), Error> {
    browser.wait_until(&format!("{selector} to draw {min}+ pixels"), DEFAULT_WAIT, |b| {
        let p = painted(b, selector)?;
        Ok((p.0 >= min).then_some(p))
    })
}

#[test]
fn graph_canvases_draw() -> Result<(), Error> {
    with_site("graph_canvases_draw", |browser, server| {
        browser.goto(&server.url("/graph/"))?;
        let (n, w, h) = wait_painted(browser, "canvas.graph-full", 500)?;
        assert!(w > 0 && h > 0 && n < w * h, "a graph, not a filled box: {n} of {w}×{h}");
        // Let the layout settle a moment, then make sure it still shows (a
        // crashing animation frame would leave it cleared or half drawn).
        std::thread::sleep(Duration::from_millis(500));
        let (n_later, _, _) = painted(browser, "canvas.graph-full")?;
        assert!(n_later >= 500, "the global graph still shows after settling: {n_later} pixels");
        finish(browser, "graph")?;

        // The seed page's neighbourhood graph.
        browser.goto(&server.url(SEED_URL))?;
        let local = browser.find(".local-graph")?;
        assert!(local.is_displayed()?, "the seed note's local graph is shown");
        wait_painted(browser, ".local-graph canvas.graph-canvas", 200)?;
        browser.execute("document.querySelector('.local-graph').scrollIntoView();", &[])?;
        finish(browser, "seed-local-graph")
    })
}

/// A Mermaid block is drawn as an SVG the browser lays out: visible, with a
/// real size, its labels shown as text.
#[test]
fn a_mermaid_diagram_is_visible() -> Result<(), Error> {
    with_site("a_mermaid_diagram_is_visible", |browser, server| {
        browser.goto(&server.url("/software/kubernetes-complexity-tax/"))?;
        let svg = browser.find(".note-body figure.mermaid svg")?;
        assert!(svg.is_displayed()?, "the diagram is shown");
        let size = browser.execute(
            "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];",
            &[svg.as_arg()],
        )?;
        let (w, h) = (size[0].as_f64().unwrap_or(0.0), size[1].as_f64().unwrap_or(0.0));
        assert!(w > 100.0 && h > 30.0, "a drawn diagram, not an empty box: {w}×{h}");
        let labels: Vec<String> = svg.find_all("text")?.iter().map(|t| t.text()).collect::<Result<_, _>>()?;
        let labels = labels.join(" ");
        for label in ["kubelet", "dockershim", "CRI"] {
            assert!(labels.contains(label), "{label} is shown: {labels}");
        }
        browser
            .execute("document.querySelector('figure.mermaid').scrollIntoView({ block: 'center' });", &[])?;
        finish(browser, "mermaid-kubernetes")
    })
}

/// A canvas page shows its board: the nodes laid out where the canvas puts
/// them (the file node right of the text node it is joined to), the note a
/// file node shows, and its edges with their labels; a link in a text node
/// leads to the note's page.
#[test]
fn a_canvas_board_is_laid_out_and_navigates() -> Result<(), Error> {
    with_site("a_canvas_board_is_laid_out_and_navigates", |browser, server| {
        browser.goto(&server.url("/hardware/chip-supply-map/"))?;
        let board = browser.find("svg.canvas-board")?;
        assert!(board.is_displayed()?, "the board is shown");
        let boxes = browser.execute(
            "return Array.from(document.querySelectorAll('svg.canvas-board .canvas-node')).map(n => { const r = n.getBoundingClientRect(); return [n.textContent, r.left, r.top, r.width, r.height]; });",
            &[],
        )?;
        let boxes = boxes.as_array().cloned().unwrap_or_default();
        let find = |needle: &str| {
            boxes.iter().find(|b| b[0].as_str().is_some_and(|t| t.contains(needle))).map(|b| {
                (b[1].as_f64().unwrap_or(0.0), b[2].as_f64().unwrap_or(0.0), b[3].as_f64().unwrap_or(0.0))
            })
        };
        let (qx, qy, qw) = find("The question").expect("the text node");
        let (cx, cy, _) = find("Nvidia briefly became").expect("the file node shows the note");
        assert!(qw > 100.0, "a node with a real size: {qw}");
        assert!(cx > qx + qw, "the file node is right of the text node: {cx} vs {qx}+{qw}");
        assert!((cy - qy).abs() < 5.0, "on the same row: {cy} vs {qy}");
        let labels: Vec<String> =
            board.find_all(".canvas-edge text")?.iter().map(|t| t.text()).collect::<Result<_, _>>()?;
        assert!(labels.iter().any(|l| l == "software lock-in"), "edge labels: {labels:?}");
        browser.find("svg.canvas-board .canvas-text a.internal")?.click()?;
        browser.wait_until("the linked note", DEFAULT_WAIT, |b| {
            Ok(b.current_url()?.ends_with("/hardware/cuda-moat/").then_some(()))
        })?;
        browser.goto(&server.url("/hardware/chip-supply-map/"))?;
        finish(browser, "canvas-board")
    })
}

/// A base's page shows its views as the browser lays them out: the table
/// with a row per journal note, newest first, its summary, and cards.
#[test]
fn a_base_table_is_shown() -> Result<(), Error> {
    with_site("a_base_table_is_shown", |browser, server| {
        browser.goto(&server.url("/journal-index/"))?;
        let table = browser.find("table.base-table")?;
        assert!(table.is_displayed()?, "the table is shown");
        let rows = table.find_all("tbody tr")?;
        assert!(rows.len() >= 10, "a row per published journal note: {}", rows.len());
        let first = rows[0].text()?;
        assert!(first.contains("RISC-V Gets a Real Profile"), "newest first: {first}");
        let foot = browser.find("table.base-table tfoot")?.text()?;
        assert!(foot.contains("Earliest"), "the summary: {foot}");
        let cards = browser.find_all(".base-cards .base-card")?;
        assert!(!cards.is_empty() && cards[0].is_displayed()?, "the cards view");
        finish(browser, "base-table")
    })
}

/// A minimal PDF of `pages` pages, each saying its number, with a correct
/// cross-reference table.
fn tiny_pdf(pages: usize) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages).map(|p| format!("{} 0 R", 4 + 2 * p)).collect::<Vec<_>>().join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    for p in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * p
        ));
        let stream = format!("BT /F1 24 Tf 40 100 Td (Page {}) Tj ET", p + 1);
        objects.push(format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

/// `![[doc.pdf#page=2]]` is a viewer on the page: an iframe of a real size
/// opening the published PDF at page 2, which the site serves.
#[test]
fn a_pdf_embed_is_a_viewer() -> Result<(), Error> {
    let Some(browser) = Browser::launch_or_skip("a_pdf_embed_is_a_viewer") else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    let vault = dir.path().join("vault");
    std::fs::create_dir_all(vault.join("files"))?;
    std::fs::write(vault.join("files/Report.pdf"), tiny_pdf(3))?;
    std::fs::write(vault.join("Reading.md"), "# Reading\n\nThe report:\n\n![[Report.pdf#page=2]]\n")?;
    let site = vellum_e2e::build_site(&vault, &dir.path().join("site"), false)?;
    let server = StaticServer::start(&site)?;
    browser.run_check("a_pdf_embed_is_a_viewer", |browser| {
        browser.goto(&server.url("/reading/"))?;
        let frame = browser.find("iframe.embed-pdf")?;
        assert!(frame.is_displayed()?, "the viewer is shown");
        let src = frame.attr("src")?.unwrap_or_default();
        assert!(src.ends_with("/files/Report.pdf#page=2"), "opens page 2: {src}");
        let size = browser.execute(
            "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];",
            &[frame.as_arg()],
        )?;
        let (w, h) = (size[0].as_f64().unwrap_or(0.0), size[1].as_f64().unwrap_or(0.0));
        assert!(w > 200.0 && h > 300.0, "a viewer of a real size: {w}×{h}");
        let head = browser.execute(
            "return fetch(arguments[0]).then(r => r.text()).then(t => t.slice(0, 5));",
            &[json!(src.split('#').next().unwrap_or_default())],
        )?;
        assert_eq!(head.as_str(), Some("%PDF-"), "the PDF is published");
        finish(browser, "pdf-embed")
    })
}

/// The console check itself: a page with a deliberate error must fail it.
#[test]
fn console_errors_are_caught() -> Result<(), Error> {
    let Some(browser) = Browser::launch_or_skip("console_errors_are_caught") else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>broken</title><p>broken page</p>
         <script>console.error('deliberate console error');</script>
         <script>undefinedFunctionCall();</script>
         <script>Promise.reject(new Error('deliberate rejection'));</script>",
    )?;
    std::fs::write(dir.path().join("clean.html"), "<!doctype html><title>clean</title><p>fine</p>")?;
    let server = StaticServer::start(dir.path())?;

    browser.goto(&server.url("/clean.html"))?;
    browser.assert_no_console_errors()?;

    browser.goto(&server.url("/"))?;
    // The log empties as it is read: gather until all three arrived.
    let mut errors = Vec::new();
    browser.wait_until("three console errors", DEFAULT_WAIT, |b| {
        errors.extend(b.console_errors()?);
        Ok((errors.len() >= 3).then_some(()))
    })?;
    let text: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert!(text.iter().any(|m| m.contains("deliberate console error")), "console.error caught: {text:?}");
    assert!(text.iter().any(|m| m.contains("undefinedFunctionCall")), "uncaught exception caught: {text:?}");
    assert!(text.iter().any(|m| m.contains("deliberate rejection")), "unhandled rejection caught: {text:?}");

    // And the assertion the other tests use turns them into a failure.
    browser.goto(&server.url("/"))?;
    std::thread::sleep(Duration::from_millis(300));
    let failure = browser.assert_no_console_errors().expect_err("a page with errors fails the check");
    assert!(failure.to_string().contains("console error"), "{failure}");
    Ok(())
}

fn wait_for_url(browser: &Browser, want: &str) -> Result<String, Error> {
    browser.wait_until(&format!("the URL {want}"), DEFAULT_WAIT, |b| {
        let url = b.current_url()?;
        Ok((url == want).then_some(url))
    })
}

/// An alias's address is a redirect page: the browser lands on the note.
#[test]
fn an_alias_url_lands_on_its_note() -> Result<(), Error> {
    with_site("an_alias_url_lands_on_its_note", |browser, server| {
        browser.goto(&server.url("/cuda-lock-in/"))?;
        let landed = browser.wait_until("the redirect to the note", DEFAULT_WAIT, |b| {
            let url = b.current_url()?;
            Ok(url.ends_with("/hardware/cuda-moat/").then_some(url))
        })?;
        assert!(landed.starts_with(&server.url("/")), "stays on the site: {landed}");
        let h1 = browser.find("h1.note-title")?.text()?;
        assert!(h1.starts_with("CUDA Moat"), "the note's page: {h1:?}");
        finish(browser, "alias-redirect")
    })
}
