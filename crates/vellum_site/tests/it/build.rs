//! Whole-site builds of `examples/journal` (and small temp vaults): drafts
//! never leak, every internal link lands on a file, the feed and sitemap hold
//! what they should, the output folder is guarded, nested tags roll up, and
//! the index page is snapshotted.

use std::path::{Path, PathBuf};

use vellum_site::{BuildError, BuildOptions, MARKER, build};
use vellum_vault::Vault;

fn example_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal")
}

fn example() -> Vault {
    vellum_vault::load(&example_root()).expect("example vault loads")
}

fn opts(out: &Path) -> BuildOptions {
    BuildOptions::new(out)
}

/// Every file under `dir`, as (output-relative path with `/`, bytes).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Undo the escaping HTML, XML and JSON writers apply, and collapse whitespace,
/// so a leaked sentence is found however it was written.
fn normalise(text: &str) -> String {
    let t = text
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("\\u003c", "<")
        .replace("\\u003e", ">")
        .replace("\\u0026", "&")
        .replace("\\\"", "\"")
        .replace("&amp;", "&");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text that appears only in draft notes: descriptions, core claims, inline
/// claims, questions and the first sentence of the first paragraph.
fn draft_only_texts(vault: &Vault) -> Vec<String> {
    let published: Vec<String> = vault
        .notes
        .iter()
        .filter(|n| !n.is_draft())
        .map(|n| n.text.as_kept().expect("kept").split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut out = Vec::new();
    for n in vault.notes.iter().filter(|n| n.is_draft()) {
        let p = &n.note.properties;
        let j = &n.note.journal;
        let mut candidates: Vec<String> = Vec::new();
        candidates.extend(p.description.as_ref().map(|d| d.value.clone()));
        candidates.extend(j.core_claim.as_ref().map(|c| c.value.clone()));
        candidates.extend(j.claims.iter().map(|c| c.value.clone()));
        candidates.extend(j.questions.iter().map(|q| q.value.clone()));
        let body = &n.text.as_kept().expect("kept")[n.note.body.range()];
        if let Some(para) = body
            .split("\n\n")
            .map(str::trim)
            .find(|p| p.len() > 60 && p.chars().next().is_some_and(char::is_alphabetic))
        {
            let sentence = para.split(". ").next().unwrap_or(para);
            candidates.push(sentence.to_owned());
        }
        for c in candidates {
            let c = c.split_whitespace().collect::<Vec<_>>().join(" ");
            if c.len() >= 20 && !published.iter().any(|p| p.contains(&c)) {
                out.push(c);
            }
        }
    }
    out
}

#[test]
fn drafts_never_leak() {
    let vault = example();
    let secrets = draft_only_texts(&vault);
    assert!(secrets.len() >= 8, "the example vault should have draft-only text: {secrets:?}");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let report = build(&vault, &opts(&out)).expect("build");
    assert_eq!(report.drafts, 0);
    let drafts = vault.notes.iter().filter(|n| n.is_draft()).count();
    assert_eq!(report.notes, vault.notes.len() - drafts);
    for (rel, bytes) in files(&out) {
        let Ok(text) = String::from_utf8(bytes) else { continue };
        let text = normalise(&text);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "draft text {s:?} leaked into {rel}");
        }
    }
    // The seed note is a draft: no page, no search entry.
    assert!(!out.join("nvidia-open-sources-gpu-kernel-modules").exists());
    assert!(read(&out, "search-index.json").contains("search-index/0.json"));
    assert!(read(&out, "search-index/0.json").contains("CUDA Moat\""), "published notes are in the index");
    assert!(!read(&out, "search-index/0.json").contains("Nvidia Open Sources GPU Kernel Modules\""));
    assert!(!read(&out, "graph.json").contains("Nvidia Open Sources GPU Kernel Modules\""));
    // Published notes do have pages, at readable slugs.
    assert!(out.join("hardware/cuda-moat/index.html").is_file());
    assert!(out.join(MARKER).is_file());
}

/// Every `href="…"` and `src="…"` value in `html`.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

fn check_links(out: &Path, base: &str) -> usize {
    let mut checked = 0;
    for (rel, bytes) in files(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("utf-8");
        for link in links(&html) {
            if !link.starts_with(base) || link.starts_with("//") {
                continue;
            }
            let path = link[base.len()..].split(['#', '?']).next().unwrap_or("");
            let path =
                percent_encoding::percent_decode_str(path).decode_utf8().expect("utf-8 url").into_owned();
            let target = if path.is_empty() || path.ends_with('/') {
                out.join(&path).join("index.html")
            } else {
                out.join(&path)
            };
            assert!(target.is_file(), "{rel} links to {link}, but {} does not exist", target.display());
            checked += 1;
        }
    }
    checked
}

#[test]
fn internal_links_resolve() {
    let vault = example();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let report = build(&vault, &opts(&out)).expect("build");
    assert!(report.attachments >= 1, "die-shot.png is embedded by a published note");
    assert!(out.join("attachments/die-shot.png").is_file());
    let checked = check_links(&out, "/");
    assert!(checked > 200, "only {checked} internal links checked");

    // The same under a base path, drafts included.
    let out = tmp.path().join("sub");
    let mut o = opts(&out);
    o.include_drafts = true;
    o.site = Some(vellum_site::SiteConfig::from_toml("[site]\nbase_path = \"/journal/\"\n").expect("config"));
    build(&vault, &o).expect("build");
    let checked = check_links(&out, "/journal/");
    assert!(checked > 200, "only {checked} internal links checked");
    let index = read(&out, "index.html");
    assert!(!index.contains("href=\"/tags/"), "every URL carries the base path");
}

#[test]
fn feed_and_sitemap() {
    let vault = example();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let mut o = opts(&out);
    o.site = Some(
        vellum_site::SiteConfig::from_toml(
            "[site]\ntitle = \"Journal\"\nbase_url = \"https://example.com\"\n",
        )
        .expect("config"),
    );
    build(&vault, &o).expect("build");
    let feed = read(&out, "feed.xml");
    assert!(feed.starts_with("<?xml"), "{feed}");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(feed.matches("<entry>").count(), feed.matches("</entry>").count());
    assert!(feed.contains("<id>https://example.com/hardware/cuda-moat/</id>"));
    assert!(feed.contains("<title>CUDA Moat</title>"));
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    assert!(
        sitemap.contains("<loc>https://example.com/hardware/cuda-moat/</loc><lastmod>2025-02-03</lastmod>")
    );
    assert!(sitemap.trim_end().ends_with("</urlset>"));
    assert!(!sitemap.contains("/unwritten/"), "unwritten pages are noindex");
    let robots = read(&out, "robots.txt");
    assert!(robots.contains("Sitemap: https://example.com/sitemap.xml"));
    for n in vault.notes.iter().filter(|n| n.is_draft()) {
        let title = normalise(&n.title);
        assert!(!normalise(&feed).contains(&format!("<title>{title}</title>")), "draft {title} in feed");
        let stem = vellum_site::slug::url_slug(n.stem());
        assert!(!sitemap.contains(&format!("/{stem}/")), "draft {stem} in sitemap");
    }
    // Canvases and bases have a page but no date: the feed is for notes.
    let published = vault.notes.iter().filter(|n| !n.is_draft() && n.is_markdown()).count();
    assert_eq!(feed.matches("<entry>").count(), published.min(50));
}

#[test]
fn drafts_included_on_request() {
    let vault = example();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let mut o = opts(&out);
    o.include_drafts = true;
    let report = build(&vault, &o).expect("build");
    assert_eq!(report.notes, vault.notes.len());
    assert!(report.drafts >= 1);
    let seed = read(&out, "nvidia-open-sources-gpu-kernel-modules/index.html");
    assert!(seed.contains("badge-draft"), "the seed page shows a draft badge");
    assert!(seed.contains("<meta name=\"robots\" content=\"noindex\">"));
    // Drafts stay out of the feed and the sitemap even in a drafts build.
    assert!(!read(&out, "feed.xml").contains("<title>Nvidia Open Sources GPU Kernel Modules</title>"));
    assert!(!read(&out, "sitemap.xml").contains("nvidia-open-sources-gpu-kernel-modules"));
    // Published URLs do not move when drafts are included.
    assert!(out.join("hardware/cuda-moat/index.html").is_file());
}

#[test]
fn output_folder_is_guarded() {
    let vault = example();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("mine");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("keep.txt"), "precious").expect("write");
    let err = build(&vault, &opts(&out)).expect_err("refuses a foreign folder");
    assert!(matches!(err, BuildError::ForeignOutput(_)), "{err}");
    assert!(err.to_string().contains("--force"));
    assert_eq!(std::fs::read_to_string(out.join("keep.txt")).expect("kept"), "precious");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).expect("ls").collect();
    assert_eq!(leftovers.len(), 1, "no staging folder is left behind");

    let mut o = opts(&out);
    o.force = true;
    build(&vault, &o).expect("forced build");
    assert!(!out.join("keep.txt").exists());
    assert!(out.join(MARKER).is_file());
    // vellum's own output is replaced without force.
    build(&vault, &opts(&out)).expect("rebuild");
    let mut leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(leftovers, [".mine.vellum-spare", "mine"], "the old output is kept only as the spare");

    // The vault itself is never an output, even forced.
    let mut o = opts(&vault.root);
    o.force = true;
    assert!(matches!(build(&vault, &o), Err(BuildError::OutputHoldsVault(_))));
    let mut o = opts(&vault.root.join("hardware"));
    o.force = true;
    assert!(matches!(build(&vault, &o), Err(BuildError::OutputHoldsVault(_))));
}

fn temp_vault(dir: &Path, notes: &[(&str, &str)]) -> Vault {
    for (path, text) in notes {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    vellum_vault::load(dir).expect("load")
}

#[test]
fn nested_tags_roll_up() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = temp_vault(
        &tmp.path().join("vault"),
        &[
            (
                "GPU Note.md",
                "---\ntitle: GPU Note\ntags: [hardware/gpu]\ncreated: 2024-01-02\n---\nAbout GPUs.\n",
            ),
            (
                "Plain.md",
                "---\ntitle: Plain Hardware\ntags: [hardware]\ncreated: 2024-02-03\n---\nAbout #hardware.\n",
            ),
            ("日本語ノート.md", "---\ntitle: 日本語ノート\ncreated: 2023-03-04\n---\nSee [[Nowhere]].\n"),
            ("Secret.md", "---\ntitle: Secret\ndraft: true\ntags: [hardware/secret]\n---\nHidden.\n"),
        ],
    );
    let out = tmp.path().join("out");
    let report = build(&vault, &opts(&out)).expect("build");
    let parent = read(&out, "tags/hardware/index.html");
    assert!(parent.contains("GPU Note"), "the page of `hardware` lists notes tagged `hardware/gpu`");
    assert!(parent.contains("Plain Hardware"));
    assert!(parent.contains("href=\"/tags/hardware/gpu/\""), "and links to the child tag");
    let child = read(&out, "tags/hardware/gpu/index.html");
    assert!(child.contains("GPU Note") && !child.contains("Plain Hardware"));
    assert!(!out.join("tags/hardware/secret").exists(), "a draft-only tag has no page");
    assert!(!parent.contains("Secret"));
    assert_eq!(report.tags, 2);
    assert!(out.join("ri-ben-yu-noto/index.html").is_file(), "non-ASCII names get readable slugs");
    let unwritten = read(&out, "unwritten/nowhere/index.html");
    assert!(unwritten.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(unwritten.contains("href=\"/ri-ben-yu-noto/\""));
    assert!(check_links(&out, "/") > 10);
}

#[test]
fn theme_overrides() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("vault");
    let vault = temp_vault(
        &root,
        &[
            ("A.md", "---\ntitle: A\ncreated: 2024-01-02\n---\nText.\n"),
            (
                "_theme/404.html",
                "{% extends \"base.html\" %}{% block content %}<p>custom missing</p>{% endblock %}",
            ),
            ("_theme/custom.css", "body { color: red; }"),
        ],
    );
    let out = tmp.path().join("out");
    build(&vault, &opts(&out)).expect("build");
    assert!(read(&out, "404.html").contains("custom missing"));
    assert_eq!(read(&out, "custom.css"), "body { color: red; }");
    assert!(read(&out, "a/index.html").contains("href=\"/custom.css\""));

    std::fs::write(root.join("_theme/note.html"), "{{ nope(").expect("write");
    let err = build(&vault, &opts(&tmp.path().join("out2"))).expect_err("broken template");
    assert!(matches!(err, BuildError::Template { .. }), "{err}");
    assert!(!tmp.path().join("out2").exists());
}

#[test]
fn index_page_snapshot() {
    let vault = example();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let mut o = opts(&out);
    o.site = Some(
        vellum_site::SiteConfig::from_toml(
            "[site]\ntitle = \"Tech journal\"\ndescription = \"Notes on chips, code and security.\"\n\
             base_url = \"https://example.com\"\nauthor = \"Ada\"\n",
        )
        .expect("config"),
    );
    build(&vault, &o).expect("build");
    let index = read(&out, "index.html").replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!(index);
}

/// The seed note's page, built with `--drafts` (the seed is a draft): every
/// component of the reference note as a reader sees it.
#[test]
fn seed_page_snapshot() {
    let vault = example();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    let mut o = opts(&out);
    o.include_drafts = true;
    o.site = Some(
        vellum_site::SiteConfig::from_toml(
            "[site]\ntitle = \"Tech journal\"\nbase_url = \"https://example.com\"\n",
        )
        .expect("config"),
    );
    build(&vault, &o).expect("build");
    let page = read(&out, "nvidia-open-sources-gpu-kernel-modules/index.html")
        .replace(env!("CARGO_PKG_VERSION"), "[version]");
    assert!(page.contains("draft"), "the draft is marked");
    insta::assert_snapshot!(page);
}

/// A note whose frontmatter cannot be parsed might be a draft: it is left out,
/// even with drafts included, and nothing of it reaches the output.
#[test]
fn broken_frontmatter_is_never_published() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = temp_vault(
        &tmp.path().join("vault"),
        &[
            ("Fine.md", "---\ntitle: Fine\ncreated: 2024-01-02\n---\nLinks to [[Broken]].\n"),
            ("Broken.md", "---\ntitle: [unclosed\ndraft: true\n---\nSECRET BROKEN BODY\n"),
        ],
    );
    for include_drafts in [false, true] {
        let out = tmp.path().join(format!("out-{include_drafts}"));
        let mut o = opts(&out);
        o.include_drafts = include_drafts;
        build(&vault, &o).expect("build");
        assert!(read(&out, "fine/index.html").contains("Fine"));
        for (path, bytes) in files(&out) {
            assert!(!String::from_utf8_lossy(&bytes).contains("SECRET BROKEN BODY"), "leaked into {path}");
        }
    }
}

/// Pages only rendering finds (an unresolved embed, an embedded missing
/// image, a same-note link the text shows as a tag) are added after the note
/// pages were written once; the note pages are then written again, and every
/// link lands, in a build with and without the cache, and in memory.
#[test]
fn pages_only_rendering_finds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = "---\ntitle: Finder\ncreated: 2024-01-02\n---\n![[missing.png]] and ![[Gone Note]] and [[#Local]].\n\nSee [[Other]].\n";
    let vault = temp_vault(
        &tmp.path().join("vault"),
        &[
            ("Finder.md", text),
            ("Other.md", "---\ntitle: Other\ncreated: 2024-01-03\n---\nBack to [[Finder]].\n"),
        ],
    );
    let out = tmp.path().join("out");
    build(&vault, &opts(&out)).expect("build");
    assert!(out.join("unwritten/gone-note/index.html").is_file(), "the unresolved embed has its page");
    let finder = read(&out, "finder/index.html");
    assert!(finder.contains("href=\"/unwritten/gone-note/\""), "and the note links to it");
    assert!(check_links(&out, "/") > 5);
    let plain = files(&out);

    let mut cached = opts(&tmp.path().join("cached"));
    cached.cache = true;
    for round in ["empty cache", "full cache"] {
        build(&vault, &cached).expect("cached build");
        let got = files(&tmp.path().join("cached"));
        let differ: Vec<&String> = got.iter().filter(|f| !plain.contains(f)).map(|(name, _)| name).collect();
        assert!(
            differ.is_empty() && got.len() == plain.len(),
            "{round}: differ from an uncached build: {differ:?}"
        );
    }
    let live = vellum_site::LiveSite::build(vault, vellum_site::BuildOptions::new("unused")).expect("live");
    for (rel, bytes) in &plain {
        if let Some(vellum_site::SiteFile::Generated(mem)) = live.files().get(rel) {
            assert_eq!(&mem[..], &bytes[..], "{rel}: in memory as on disk");
        }
    }
}

/// Every folder and file under `dir` (output-relative, `/`), folders with a trailing `/`.
fn entries(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            let rel = path.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                out.push(format!("{rel}/"));
                stack.push(path);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// A build written over the spare (the output before last) holds exactly what
/// a build into an empty folder holds: stale pages and folders are gone, and a
/// file of the spare that is linked elsewhere is replaced, not written through.
#[test]
fn builds_over_the_spare_match_fresh_builds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("vault");
    let out = tmp.path().join("site");
    let spare = tmp.path().join(".site.vellum-spare");
    let first = temp_vault(
        &root,
        &[
            ("a.md", "# A\n\nSee [[b]] and #alpha.\n"),
            ("b.md", "# B\n\nBack to [[a]].\n"),
            ("gone.md", "# Gone\n\nSoon deleted, with #beta.\n"),
            ("deep/c.md", "# C\n\nIn a folder.\n"),
        ],
    );
    build(&first, &opts(&out)).expect("first");
    build(&first, &opts(&out)).expect("second");
    assert!(spare.join(MARKER).is_file(), "the old output is kept as the spare");

    // A file of the spare that shares its inode with another file must not be written through.
    let outside = tmp.path().join("outside.html");
    std::fs::write(&outside, "precious").expect("write");
    let linked = spare.join("index.html");
    std::fs::remove_file(&linked).expect("rm");
    if std::fs::hard_link(&outside, &linked).is_err() {
        std::fs::copy(&outside, &linked).expect("copy");
    }

    std::fs::remove_file(root.join("gone.md")).expect("rm");
    std::fs::remove_dir_all(root.join("deep")).expect("rm");
    std::fs::write(root.join("a.md"), "# A\n\nNow only [[b]], and a longer body than before.\n")
        .expect("edit");
    std::fs::write(root.join("b.md"), "# B\n").expect("edit");
    std::fs::write(root.join("new.md"), "# New\n\nFresh, with #gamma.\n").expect("add");
    let second = vellum_vault::load(&root).expect("load");
    for _ in 0..2 {
        build(&second, &opts(&out)).expect("over the spare");
        let fresh = tmp.path().join("fresh");
        if fresh.exists() {
            std::fs::remove_dir_all(&fresh).expect("rm");
        }
        build(&second, &opts(&fresh)).expect("fresh");
        assert_eq!(entries(&out), entries(&fresh), "same files and folders");
        assert_eq!(files(&out), files(&fresh), "same bytes");
    }
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), "precious");
}

/// The spare of an output inside the vault (`public/`) is not part of the vault.
#[test]
fn the_spare_is_not_loaded() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("vault");
    let vault = temp_vault(&root, &[("a.md", "# A\n\nSee [[b]].\n"), ("b.md", "# B\n")]);
    let files_before = vault.files.len();
    build(&vault, &opts(&root.join("public"))).expect("first");
    build(&vault, &opts(&root.join("public"))).expect("second");
    assert!(root.join(".public.vellum-spare").join(MARKER).is_file());
    let again = vellum_vault::load(&root).expect("load");
    assert_eq!(again.files.len(), files_before, "neither the output nor its spare is indexed");
}

#[test]
fn long_lists_are_paginated() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Five notes tagged #t, each with a claim and a question; one of them sits
    // where page 2 of its folder's list would be.
    let notes: Vec<(String, String)> = (1..=5)
        .map(|k| {
            let path = if k == 5 { "page/2.md".to_owned() } else { format!("Note {k}.md") };
            let text = format!(
                "---\ntitle: Note {k}\ntags: [t]\ncreated: 2024-01-0{k}\n---\n\
                 > [!note] Core claim\n> Claim {k}.\n\n> [!question] Reflective question\n> Question {k}?\n\n\
                 > [!ref] Source {k}\n> https://example.com/{k}\n"
            );
            (path, text)
        })
        .collect();
    let refs: Vec<(&str, &str)> = notes.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let vault = temp_vault(&tmp.path().join("vault"), &refs);
    let out = tmp.path().join("out");
    let mut o = opts(&out);
    o.site = Some(vellum_site::SiteConfig::from_toml("[site]\npage_size = 2\n").expect("config"));
    build(&vault, &o).expect("build");

    // The timeline: newest first, two a page, page 1 at the root.
    let first = read(&out, "index.html");
    assert!(first.contains("Note 5") && first.contains("Note 4") && !first.contains(">Note 3<"));
    assert!(first.contains("5 notes"), "the count is the whole list's");
    assert!(first.contains("Page 1 of 3") && first.contains("href=\"/page/2/\""));
    let last = read(&out, "page/3/index.html");
    assert!(last.contains(">Note 1<") && !last.contains(">Note 2<"));
    assert!(last.contains("<title>") && last.contains("page 3 of 3"), "later pages say which page they are");
    assert!(last.contains("rel=\"prev\" href=\"/page/2/\"") && !last.contains("rel=\"next\""));
    assert!(!out.join("page/4").exists());
    // The note that sat where page 2 of the timeline goes was moved aside.
    assert!(read(&out, "page/2/index.html").contains("Page 2 of 3"));
    assert!(read(&out, "page/2-2/index.html").contains("Claim 5."));

    // A tag page and the digests, paginated the same way.
    assert!(read(&out, "tags/t/index.html").contains("href=\"/tags/t/page/2/\""));
    assert!(read(&out, "tags/t/page/3/index.html").contains(">Note 1<"));
    let claims = read(&out, "claims/page/2/index.html");
    assert!(claims.contains("start=\"3\"") && claims.contains("Claim 3.") && !claims.contains("Claim 5."));
    assert!(read(&out, "questions/page/3/index.html").contains("Question 1?"));
    assert!(read(&out, "sources/page/3/index.html").contains("https://example.com/"));
    assert!(read(&out, "sources/index.html").contains("5 sources"));
    // Later pages stay out of the sitemap (the notes are all in it).
    assert!(!read(&out, "sitemap.xml").contains("/page/2/<"));
    assert!(check_links(&out, "/") > 40);

    // `page_size = 0`: every list on one page.
    let out = tmp.path().join("one");
    let mut o = opts(&out);
    o.site = Some(vellum_site::SiteConfig::from_toml("[site]\npage_size = 0\n").expect("config"));
    build(&vault, &o).expect("build");
    let index = read(&out, "index.html");
    assert!(index.contains(">Note 1<") && index.contains(">Note 5<") && !index.contains("class=\"pager\""));
    assert!(!out.join("page/2/index.html").exists() && out.join("page/2-2/index.html").exists());
}

/// `vellum build` loads with released texts (each read again when its note
/// renders, embeds included): the site is byte for byte the one built from
/// texts kept in memory.
#[test]
fn released_texts_build_the_same_site() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (kept_out, released_out) = (tmp.path().join("kept"), tmp.path().join("released"));
    build(&example(), &opts(&kept_out)).expect("kept build");
    let released = vellum_vault::load_with(&example_root(), vellum_vault::Texts::Release).expect("loads");
    assert!(released.notes.iter().all(|n| n.text.is_released() && n.note.detail().is_none()));
    build(&released, &opts(&released_out)).expect("released build");
    let strip = |v: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        // The marker records when the build ran.
        v.into_iter().filter(|(rel, _)| rel != MARKER).collect()
    };
    let (a, b) = (strip(files(&kept_out)), strip(files(&released_out)));
    assert_eq!(a.len(), b.len());
    for ((ra, ca), (rb, cb)) in a.iter().zip(&b) {
        assert_eq!(ra, rb);
        assert!(ca == cb, "{ra} differs");
    }
}

/// A released note whose file changed before its page was made fails the
/// build, naming it, and the output folder is left as it was.
#[test]
fn a_note_changed_during_the_build_fails_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault_dir = tmp.path().join("v");
    let out = tmp.path().join("out");
    let _ = temp_vault(&vault_dir, &[("a.md", "# A\n\nSee [[b]].\n"), ("b.md", "# B\n\nbody\n")]);
    let v = vellum_vault::load_with(&vault_dir, vellum_vault::Texts::Release).expect("loads");
    std::fs::write(vault_dir.join("b.md"), "# B\n\nedited after the load\n").expect("write");
    match build(&v, &opts(&out)) {
        Err(e @ BuildError::Changed(_)) => {
            assert!(e.to_string().contains("`b.md`"), "{e}");
        }
        other => panic!("expected BuildError::Changed, got {:?}", other.map(|r| r.pages)),
    }
    assert!(!out.exists(), "nothing published");
    // Put back as it was, the same vault builds.
    std::fs::write(vault_dir.join("b.md"), "# B\n\nbody\n").expect("write");
    let v = vellum_vault::load_with(&vault_dir, vellum_vault::Texts::Release).expect("loads");
    build(&v, &opts(&out)).expect("builds");
    assert!(read(&out, "b/index.html").contains("body"));
}

/// A build tells its observer how many steps lie ahead, every phase in
/// order, each step as it is done (a body and a page per published note)
/// and when it has finished; and writes what a build without one writes.
#[test]
fn an_observer_follows_every_phase_and_step() {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};
    use vellum_site::{Observer, Phase};

    #[derive(Default)]
    struct Seen {
        total: AtomicU64,
        done: AtomicU64,
        phases: Mutex<Vec<Phase>>,
        finished: AtomicU64,
    }
    impl Observer for Seen {
        fn started(&self, steps: u64) {
            self.total.store(steps, Ordering::Relaxed);
        }
        fn phase(&self, phase: Phase) {
            self.phases.lock().expect("lock").push(phase);
        }
        fn advanced(&self, steps: u64) {
            self.done.fetch_add(steps, Ordering::Relaxed);
        }
        fn finished(&self) {
            self.finished.fetch_add(1, Ordering::Relaxed);
        }
    }

    let vault = example();
    let tmp = tempfile::tempdir().expect("tempdir");
    let seen = Seen::default();
    let report = vellum_site::build_with(&vault, &opts(&tmp.path().join("a")), &seen).expect("build");
    assert_eq!(seen.total.load(Ordering::Relaxed), 2 * report.notes as u64);
    assert_eq!(seen.done.load(Ordering::Relaxed), 2 * report.notes as u64);
    assert_eq!(
        *seen.phases.lock().expect("lock"),
        [Phase::Render, Phase::Pages, Phase::Search, Phase::Graph, Phase::Feed, Phase::Write]
    );
    assert_eq!(seen.finished.load(Ordering::Relaxed), 1);
    build(&vault, &opts(&tmp.path().join("b"))).expect("build");
    assert_eq!(files(&tmp.path().join("a")), files(&tmp.path().join("b")));
}

/// `vellum.toml` is read once, when the vault loads: a bad `[site]` value is
/// the build's error, naming the file and the place (and not a problem of
/// the vault, which `vellum check` would report too), and the site uses the
/// settings the vault read even if the file changed since.
#[test]
fn the_site_takes_vellum_toml_as_the_vault_read_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (vault_dir, out) = (tmp.path().join("v"), tmp.path().join("out"));
    let toml = vault_dir.join("vellum.toml");
    let notes = [("a.md", "# A\n\nbody\n")];
    std::fs::create_dir_all(&vault_dir).expect("mkdir");
    std::fs::write(&toml, "[site]\ntitle = \"Read\"\npage_size = -1\n").expect("write");
    let v = temp_vault(&vault_dir, &notes);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    std::fs::write(&toml, "[site]\ntitle = \"Read\"\n").expect("write");
    match build(&v, &opts(&out)) {
        Err(e @ BuildError::Config(_)) => {
            assert!(e.to_string().starts_with("vellum.toml:3:13: invalid [site]: "), "{e}");
        }
        other => panic!("expected BuildError::Config, got {:?}", other.map(|r| r.pages)),
    }
    assert!(!out.exists(), "nothing published");
    let v = vellum_vault::load(&vault_dir).expect("load");
    std::fs::write(&toml, "[site]\ntitle = \"Changed since\"\n").expect("write");
    build(&v, &opts(&out)).expect("builds");
    let index = read(&out, "index.html");
    assert!(index.contains("Read") && !index.contains("Changed since"));
}

/// A note with properties of every kind, the notes they link to, and a cover.
fn library(dir: &Path) -> Vault {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("cover.png"), b"\x89PNG\r\n\x1a\n").expect("cover");
    temp_vault(
        dir,
        &[
            (
                "Dune.md",
                "---\ntitle: Dune\ntags: [books]\ncategories: [\"[[Books]]\", classic]\nauthor: \"[[Frank Herbert]]\"\n\
                 status: reading\nrating: 4.5\nread: false\nstarted: 2024-03-01\nwebsite: https://dune.example.org/\n\
                 see_also: \"[[Secret Draft]]\"\ncover: \"[[cover.png]]\"\nnote: see [[Books#Shelf|the shelf]] <b>now</b>\n\
                 _private: hidden value\npublish: true\n---\n# Dune\n\nA novel.\n",
            ),
            ("Books.md", "---\ntitle: Books\n---\n# Books\n\n## Shelf\n\nEvery book.\n"),
            ("Secret Draft.md", "---\ntitle: Secret Draft\ndraft: true\n---\nNot published.\n"),
        ],
    )
}

/// The `<dl class="properties">` of a page, if it has one.
fn properties_table(page: &str) -> Option<&str> {
    let start = page.find("<dl class=\"properties\">")?;
    let end = page[start..].find("</dl>")? + start + "</dl>".len();
    Some(&page[start..end])
}

#[test]
fn properties_table_shows_links_lists_dates_and_hides_what_it_should() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = library(&tmp.path().join("vault"));
    let out = tmp.path().join("out");
    build(&vault, &opts(&out)).expect("build");
    let page = read(&out, "dune/index.html");
    let table = properties_table(&page).expect("a properties table");
    insta::assert_snapshot!(table);
    assert!(
        !table.contains("hidden value") && !table.contains(">publish<"),
        "`_` names and Publish settings"
    );
    assert!(
        !table.contains(">tags<") && !table.contains(">title<"),
        "the schema's fields stay where they are"
    );
    assert!(!table.contains("secret-draft"), "a draft linked from a property is text");
    assert!(table.contains("&lt;b&gt;now&lt;/b&gt;") && !page.contains("<b>now</b>"), "values are escaped");
    // Property links feed the linked note's backlinks and the unwritten pages,
    // and the cover they link to is copied.
    assert!(read(&out, "books/index.html").contains("href=\"/dune/\""), "Books lists Dune as a backlink");
    assert!(read(&out, "unwritten/frank-herbert/index.html").contains("href=\"/dune/\""));
    assert!(out.join("cover.png").is_file() || files(&out).iter().any(|(p, _)| p.ends_with("cover.png")));
    assert!(
        !files(&out).iter().any(|(_, b)| normalise(&String::from_utf8_lossy(b)).contains("Not published."))
    );
    assert!(check_links(&out, "/") > 5);
    // No properties table where a note has no other properties.
    assert!(properties_table(&read(&out, "books/index.html")).is_none());
}

#[test]
fn site_properties_choose_the_rows() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = library(&tmp.path().join("vault"));
    for (setting, rows) in [
        ("properties = [\"status\", \"author\"]", vec!["status", "author"]),
        ("properties = [\"_private\"]", vec!["_private"]),
        ("properties = []", vec![]),
    ] {
        let out = tmp.path().join("out");
        let mut o = opts(&out);
        o.force = true;
        o.site = Some(vellum_site::SiteConfig::from_toml(&format!("[site]\n{setting}\n")).expect("config"));
        build(&vault, &o).expect("build");
        let page = read(&out, "dune/index.html");
        let names: Vec<&str> = properties_table(&page)
            .map(|t| t.split("<dt>").skip(1).filter_map(|s| s.split("</dt>").next()).collect())
            .unwrap_or_default();
        assert_eq!(names, rows, "{setting}");
    }
}

/// An Excalidraw drawing has no page of its own; the note embedding it shows
/// the exported image, which is published, and a link to it opens the image.
#[test]
fn drawings_publish_their_export_not_a_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    std::fs::create_dir_all(root.join("art")).expect("mkdir");
    let write = |rel: &str, text: &str| std::fs::write(root.join(rel), text).expect("write");
    write(
        "Board.md",
        "---\ntitle: Board\n---\n# Board\n\n![[Sketch.excalidraw]]\n\nSee [[Sketch.excalidraw]].\n",
    );
    write("art/Sketch.excalidraw.md", "---\nexcalidraw-plugin: parsed\n---\n# Excalidraw Data\n\nN4Ig\n");
    write("art/Sketch.excalidraw.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    let vault = vellum_vault::load(&root).expect("loads");
    let out = tmp.path().join("site");
    build(&vault, &opts(&out)).expect("build");
    let board = read(&out, "board/index.html");
    assert!(board.contains("<img class=\"embed-image\" src=\"/art/Sketch.excalidraw.svg\""), "{board}");
    assert!(out.join("art/Sketch.excalidraw.svg").is_file(), "the export is published");
    assert!(board.contains("<a class=\"attachment\" href=\"/art/Sketch.excalidraw.svg\""), "a link opens it");
    let all: Vec<String> = files(&out).into_iter().map(|(p, _)| p).collect();
    assert!(!all.iter().any(|p| p.contains("sketch-excalidraw")), "no page for the drawing: {all:?}");
    assert!(
        !files(&out).iter().any(|(_, b)| String::from_utf8_lossy(b).contains("N4Ig")),
        "the drawing's data is published nowhere"
    );
}

/// A JSON Canvas gets a page: its board (groups, edges with labels, text
/// nodes rendered with their links, file nodes showing their note or image,
/// link nodes) and an outline for narrow screens. A note embedding it shows
/// the board; the notes it shows list it among their backlinks. A draft on
/// the board never leaks, and what the canvas holds is escaped or sanitized.
#[test]
fn canvas_page_embed_and_backlinks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    let board = r###"{
	"nodes":[
		{"id":"g","type":"group","label":"Plan <b>A</b>","x":-20,"y":-60,"width":760,"height":420,"color":"3"},
		{"id":"t","type":"text","text":"## Start\n\nRead [[Alpha]] first, not [[Secret]].\n\n<script>alert(1)</script><img src=x onerror=alert(2)>","x":0,"y":0,"width":300,"height":200,"color":"#ff0000"},
		{"id":"a","type":"file","file":"notes/Alpha.md","x":400,"y":0,"width":300,"height":200},
		{"id":"s","type":"file","file":"Secret.md","x":0,"y":400,"width":300,"height":200},
		{"id":"i","type":"file","file":"img.png","x":400,"y":400,"width":200,"height":150},
		{"id":"l","type":"link","url":"javascript:alert(3)","x":800,"y":0,"width":200,"height":80},
		{"id":"w","type":"link","url":"https://example.org/page","x":800,"y":200,"width":200,"height":80,"color":"red;background:url(x)"}
	],
	"edges":[
		{"id":"e1","fromNode":"t","fromSide":"right","toNode":"a","toSide":"left","label":"then <i>this</i>"},
		{"id":"e2","fromNode":"a","toNode":"i","fromEnd":"arrow","toEnd":"none"}
	]
}"###;
    let vault = temp_vault(
        &root,
        &[
            ("notes/Alpha.md", "---\ntitle: Alpha\n---\n# Alpha\n\nAlpha body text.\n"),
            ("Secret.md", "---\ntitle: Secret\ndraft: true\n---\nTOPSECRET words.\n"),
            ("img.png", "not really a png"),
            ("Plans/Board.canvas", board),
            (
                "Host.md",
                "---\ntitle: Host\n---\n# Host\n\n![[Board.canvas]]\n\nOpen [[Plans/Board.canvas|the board]].\n",
            ),
        ],
    );
    let out = tmp.path().join("site");
    build(&vault, &opts(&out)).expect("build");
    let page = read(&out, "plans/board/index.html");
    assert!(page.contains("<title>Board"), "a canvas is titled by its name without `.canvas`");
    assert!(page.contains("<svg class=\"canvas-board\""), "{page}");
    assert!(page.contains(">Plan &lt;b&gt;A&lt;/b&gt;</text>"), "the group label, escaped");
    assert!(page.contains(">then &lt;i&gt;this&lt;/i&gt;</text>"), "the edge label, escaped");
    assert!(
        page.contains("marker-start=\"url(#canvas-arrow)\"")
            && page.contains("marker-end=\"url(#canvas-arrow)\"")
    );
    assert!(page.contains("href=\"/notes/alpha/\""), "text and file nodes link the note");
    assert!(page.contains("Alpha body text."), "a file node shows the note");
    assert!(page.contains("src=\"/img.png\""), "a file node shows the image");
    assert!(out.join("img.png").is_file(), "the image is published");
    assert!(page.contains("href=\"https://example.org/page\""), "a link node links its page");
    assert!(page.contains("style=\"--canvas-color:#ff0000\""), "a hex colour is kept");
    assert!(!page.contains("url(x)"), "a colour that is not one is dropped");
    assert!(page.contains("class=\"canvas-outline\""), "the outline for narrow screens");
    let host = read(&out, "host/index.html");
    assert!(
        host.contains("embed-canvas") && host.contains("<svg class=\"canvas-board\""),
        "the embed shows the board"
    );
    assert!(host.contains("href=\"/plans/board/\""), "a link to the canvas opens its page");
    let alpha = read(&out, "notes/alpha/index.html");
    let backlinks = alpha.split("Backlinks").nth(1).unwrap_or_default();
    assert!(backlinks.contains("href=\"/plans/board/\""), "the board is among Alpha's backlinks");
    for (path, bytes) in files(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!path.ends_with(".canvas"), "the canvas JSON is not published: {path}");
        assert!(!text.contains("TOPSECRET"), "the draft leaks into {path}");
        assert!(!text.contains("<script>alert") && !text.contains("onerror="), "{path}");
        assert!(!text.contains("href=\"javascript:"), "a link node to a script is text: {path}");
    }
    let fragment = page
        .split("<div class=\"canvas\">")
        .nth(1)
        .and_then(|s| s.split("<section").next())
        .expect("the board");
    insta::assert_snapshot!(fragment);
}

/// A canvas that shows the note embedding it, and nested groups of one size:
/// the embed stops at the loop and the outline nests without a cycle.
#[test]
fn canvas_embed_loops_and_equal_groups_stop() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let board = r#"{"nodes":[
        {"id":"g1","type":"group","label":"One","x":0,"y":0,"width":500,"height":500},
        {"id":"g2","type":"group","label":"Two","x":0,"y":0,"width":500,"height":500},
        {"id":"f","type":"file","file":"Loop.md","x":10,"y":10,"width":300,"height":300}
    ]}"#;
    let vault = temp_vault(
        tmp.path(),
        &[
            ("Loop.md", "---\ntitle: Loop\n---\n# Loop\n\nLoop text.\n\n![[Cycle.canvas]]\n"),
            ("Cycle.canvas", board),
        ],
    );
    let out = tmp.path().join("site");
    build(&vault, &opts(&out)).expect("build");
    let page = read(&out, "cycle/index.html");
    assert_eq!(page.matches("<li class=\"canvas-outline-group\">").count(), 2, "both groups, once each");
    assert!(page.contains("Loop text."));
    let note = read(&out, "loop/index.html");
    assert!(note.matches("Loop text.").count() <= 3, "the loop is cut");
}

/// An Obsidian base is evaluated at build time: a `.base` file gets a page
/// with every view under its name, `![[x.base#View]]` shows that view with
/// `this` the embedding note, a `base` code block shows its first view, and
/// a draft never appears in the results; the values are escaped.
#[test]
fn bases_are_evaluated_into_pages_embeds_and_blocks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = "filters:\n  and:\n    - file.hasTag(\"book\")\nformulas:\n  age: 2025 - year\nproperties:\n  note.author:\n    displayName: Author\nviews:\n  - type: table\n    name: All books\n    order: [file.name, author, year, formula.age]\n    sort:\n      - property: year\n        direction: DESC\n    summaries:\n      year: Min\n  - type: cards\n    name: Unread\n    filters: 'status == \"unread\"'\n    order: [file.name, author]\n  - type: list\n    name: Same author\n    filters: 'author == this.author'\n    order: [file.name]\n";
    let vault = temp_vault(
        tmp.path(),
        &[
            (
                "Books/Dune.md",
                "---\ntitle: Dune\nauthor: Frank Herbert\nyear: 1965\ntags: [book]\nstatus: read\n---\n# Dune\n",
            ),
            (
                "Books/Children of Dune.md",
                "---\ntitle: Children of Dune\nauthor: Frank Herbert\nyear: 1976\ntags: [book]\nstatus: unread\n---\n# Children\n",
            ),
            (
                "Books/Hostile.md",
                "---\ntitle: Hostile\nauthor: \"<script>alert(1)</script>\"\nyear: 1990\ntags: [book]\n---\n# Hostile\n",
            ),
            (
                "Books/Secret.md",
                "---\ntitle: Secret\nauthor: TOPSECRET\nyear: 2000\ntags: [book]\ndraft: true\n---\nTOPSECRET\n",
            ),
            ("Reading.base", base),
            (
                "Herbert.md",
                "---\ntitle: Herbert\nauthor: Frank Herbert\n---\n# Herbert\n\n![[Reading.base#Same author]]\n\n```base\nfilters: 'year < 1970'\nviews:\n  - type: list\n    order: [file.name, year]\n```\n",
            ),
        ],
    );
    let out = tmp.path().join("site");
    build(&vault, &opts(&out)).expect("build");
    let page = read(&out, "reading/index.html");
    assert!(page.contains("<title>Reading"), "a base is titled by its name");
    for id in ["all-books", "unread", "same-author"] {
        assert!(page.contains(&format!("<h2 id=\"{id}\">")), "every view under its name: {id}");
    }
    let table = page
        .split("<table class=\"base-table\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("a table");
    let order: Vec<usize> =
        ["Hostile.md", "Children of Dune.md", "Dune.md"].iter().map(|n| table.find(n).expect(n)).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "sorted by year, newest first: {table}");
    assert!(table.contains("<td>35</td>") && table.contains("<td>60</td>"), "the formula: {table}");
    assert!(table.contains("Min</span> 1965"), "the summary: {table}");
    assert!(table.contains("&lt;script&gt;"), "values are escaped");
    assert!(table.contains("href=\"/books/dune/\""), "a row links its note");
    let cards = page
        .split("<div class=\"base-cards\">")
        .nth(1)
        .and_then(|t| t.split("</div>\n</section>").next())
        .expect("cards");
    assert_eq!(cards.matches("<article class=\"base-card\">").count(), 1, "the view's own filter: {cards}");
    let herbert = read(&out, "herbert/index.html");
    let embed = herbert
        .split("embed-base")
        .nth(1)
        .and_then(|e| e.split("</section></div>").next())
        .expect("the embed");
    assert!(
        embed.contains("Dune.md") && embed.contains("Children of Dune.md") && !embed.contains("Hostile.md"),
        "`this` is the embedding note: {embed}"
    );
    assert!(!embed.contains("<h2"), "an embed shows the one view");
    let block = herbert.split("<ul class=\"base-list\">").nth(2).expect("the code block's list");
    assert!(block.contains("Dune.md") && !block.contains("Children of Dune.md"), "{block}");
    for (path, bytes) in files(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("TOPSECRET"), "a draft appears in {path}");
        // The search index holds the page's text as data (the script shows it as text).
        assert!(path.ends_with(".json") || !text.contains("<script>alert"), "{path}");
        assert!(!path.ends_with(".base"), "the base file is not published: {path}");
    }
    let view = page
        .split("<div class=\"base\">")
        .nth(1)
        .and_then(|s| s.split("\n  </div>").next())
        .expect("the views");
    insta::assert_snapshot!(view);
}
