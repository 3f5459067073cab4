//! Rendering notes of small in-memory vaults: every element of the seed, links
//! and embeds, drafts as text, sanitizing.

use std::path::PathBuf;

use vellum_render::{RenderOptions, Urls, render_note};
use vellum_vault::{Config, FileId, NoteIdx, Vault};

/// Test URLs: `/n/<path>/`, drafts unpublished.
struct TestUrls<'v>(&'v Vault);

impl Urls for TestUrls<'_> {
    fn note(&self, idx: NoteIdx) -> Option<String> {
        let n = &self.0.notes[idx];
        (!n.is_draft()).then(|| format!("/n/{}/", n.path.trim_end_matches(".md")))
    }
    fn attachment(&self, file: FileId) -> String {
        format!("/{}", self.0.files.path(file))
    }
    fn unwritten(&self, name: &str) -> String {
        format!("/unwritten/{}/", vellum_render::slugify(name))
    }
    fn tag(&self, tag: &str) -> String {
        format!("/tags/{tag}/")
    }
    fn keyword(&self, keyword: &str) -> String {
        format!("/keywords/{keyword}/")
    }
}

fn vault(files: &[(&str, &str)]) -> Vault {
    Vault::from_texts(
        PathBuf::from("/v"),
        Config::default(),
        files.iter().map(|(p, _)| (*p).to_owned()).collect(),
        files
            .iter()
            .filter(|(p, _)| p.ends_with(".md"))
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect(),
    )
}

fn render(v: &Vault, path: &str) -> String {
    let idx = v.note_by_path(path).expect("note");
    render_note(v, idx, &TestUrls(v), &RenderOptions::default()).html
}

const SEED: &str = include_str!("../../../examples/journal/Nvidia Open Sources GPU Kernel Modules.md");

#[test]
fn seed_renders_every_component() {
    let seed_published = SEED.replace("draft: true", "draft: false");
    let v = vault(&[("Seed.md", &seed_published), ("CHIPS Act Momentum.md", "# CHIPS\n")]);
    let idx = v.note_by_path("Seed.md").expect("seed");
    let out = render_note(&v, idx, &TestUrls(&v), &RenderOptions::default());
    let html = &out.html;
    assert!(!html.contains("<h1>Nvidia Open Sources"), "title H1 is the page's, not the body's");
    assert!(html.contains("<a class=\"keyword-link\" href=\"/keywords/driver/\""), "{html}");
    assert!(html.contains("class=\"inline-claim\""));
    assert!(html.contains("data-callout=\"note\""));
    assert!(html.contains("Core claim"));
    assert!(html.contains("data-callout=\"question\""));
    assert!(html.contains("data-callout=\"ref\""));
    assert!(html.contains("rel=\"noopener noreferrer\""), "external source link");
    assert!(html.contains("<ul class=\"brain-dump\">"));
    assert!(
        html.contains("<a class=\"tag\" href=\"/tags/hardware/\" rel=\"noopener noreferrer\">#hardware</a>"),
        "{html}"
    );
    assert!(html.contains("<a class=\"internal\" href=\"/n/CHIPS Act Momentum/\" rel=\"noopener noreferrer\">CHIPS Act Momentum</a>"));
    assert!(html.contains("class=\"unwritten\" href=\"/unwritten/nvidia-and-the-arm-block/\""));
    assert!(html.contains("<h2 id=\"signals\">signals</h2>"), "{html}");
    let toc: Vec<&str> = out.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(toc, ["signals", "my-take", "sources", "linkage"]);
    assert!(html.contains("<p class=\"source-why\"><strong>Why it matters:</strong> Primary announcement and technical framing.</p>"));
    insta::assert_snapshot!(html);
}

#[test]
fn links_to_drafts_are_text_and_embeds_inline() {
    let v = vault(&[
        (
            "a.md",
            "---\ntitle: A\n---\nSee [[Secret|the secret]] and [[B#Part two]] and [md](B.md#part-two).\n\n![[B#Part two]]\n\n![[pic.png|300]]\n\nQuote ![[B#^blk]]\n",
        ),
        ("Secret.md", "---\ndraft: true\n---\nSECRET DRAFT TEXT\n"),
        ("B.md", "# B\n\nIntro.\n\n## Part two\n\nSection body ^blk\n\n## Part three\nNot embedded.\n"),
        ("pic.png", ""),
    ]);
    let html = render(&v, "a.md");
    assert!(html.contains("<span class=\"draft-link\">the secret</span>"), "{html}");
    assert!(!html.contains("SECRET DRAFT TEXT"));
    assert!(html.contains("href=\"/n/B/#part-two\""), "{html}");
    assert!(html.contains("<div class=\"embed\">"));
    assert!(html.contains("Section body"));
    assert!(!html.contains("Not embedded"), "the section stops at the next heading");
    assert!(html.contains("<img class=\"embed-image\" src=\"/pic.png\""));
    assert!(html.contains("width=\"300\""));
}

#[test]
fn embed_cycles_stop() {
    let v = vault(&[("a.md", "A ![[b]]"), ("b.md", "B ![[a]]")]);
    let html = render(&v, "a.md");
    assert_eq!(html.matches("class=\"embed\"").count(), 1, "{html}");
}

#[test]
fn dialect_features() {
    let v = vault(&[(
        "n.md",
        "> [!faq]- Folded?\n> body\n\n> [!tip]+ Open\n> x\n\n> [!custom-type] Custom\n> y\n\n```rust\nfn main() {}\n```\n\nInline $x^2$ math. %%hidden [[Nope]]%% ==marked== #inline-tag and para ^anchor1\n\n```mermaid\ngraph LR\n```\n",
    )]);
    let html = render(&v, "n.md");
    assert!(
        html.contains("<details class=\"callout callout-question\" data-callout=\"faq\"><summary"),
        "{html}"
    );
    assert!(html.contains("data-callout=\"tip\" open"));
    assert!(html.contains("data-callout=\"custom-type\""));
    assert!(html.contains("<pre class=\"code\" data-lang=\"rust\"><code><span class=\"hl-"), "{html}");
    assert!(html.contains("<math"), "MathML: {html}");
    assert!(!html.contains("hidden [[") && !html.contains("Nope"), "comments never reach HTML");
    assert!(html.contains("<mark>marked</mark>"));
    assert!(html.contains("href=\"/tags/inline-tag/\""));
    assert!(html.contains("id=\"^anchor1\""));
    assert!(!html.contains("^anchor1</"), "the marker itself is hidden");
    assert!(html.contains("<pre class=\"mermaid\">"));
}

#[test]
fn xss_corpus_is_removed() {
    let corpus = [
        "<script>alert('x1')</script>",
        "<img src=x onerror=\"alert('x2')\">",
        "<a href=\"javascript:alert('x3')\">click</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<div onclick=\"alert('x5')\">d</div>",
        "<svg><script>alert('x6')</script></svg>",
        "<math><mtext><script>alert('x7')</script></mtext></math>",
        "<a href=\"JaVaScRiPt:alert('x8')\">x</a>",
        "<style>body{background:url(javascript:alert('x9'))}</style>",
        "<object data=\"javascript:alert('x10')\"></object>",
        "<form action=\"javascript:alert('x11')\"><input type=submit></form>",
        "[x](javascript:alert('x12'))",
        "[[Note|<script>alert('x13')</script>]]",
        "<a href=\"data:text/html,<script>alert('x14')</script>\">d</a>",
        "<img src=\"x\" onload=alert('x15')>",
        "<details open ontoggle=alert('x16')>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('x17')\">",
        "<base href=\"javascript:alert('x18')//\">",
    ];
    let body = corpus.join("\n\n");
    let v = vault(&[("x.md", &body), ("Note.md", "n")]);
    let html = render(&v, "x.md");
    // Look only at markup: text is escaped, so `<` starts a real tag.
    let tags: Vec<String> =
        html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("").to_lowercase()).collect();
    assert!(!html.contains("alert('x1')"), "script bodies are dropped");
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "onload",
        "ontoggle",
        "javascript:",
        "<iframe",
        "<object",
        "<style",
        "<form",
        "<meta",
        "<base",
        "data:text",
    ] {
        let bad = bad.trim_start_matches('<');
        assert!(!tags.iter().any(|t| t.contains(bad)), "`{bad}` survived in a tag:\n{html}");
    }
}
