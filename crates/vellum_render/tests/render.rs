//! Rendering notes of small in-memory vaults: every element of the seed, links
//! and embeds, drafts as text, sanitizing.

use std::path::PathBuf;

use vellum_render::{RenderOptions, Urls, render_note};
use vellum_syntax::LinkKind;
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
        let words: Vec<String> = name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        format!("/unwritten/{}/", words.join("-"))
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
    render_note(v, idx, &TestUrls(v), &RenderOptions::default()).expect("renders").html
}

const SEED: &str = include_str!("../../../examples/journal/Nvidia Open Sources GPU Kernel Modules.md");

#[test]
fn seed_renders_every_component() {
    let seed_published = SEED.replace("draft: true", "draft: false");
    let v = vault(&[("Seed.md", &seed_published), ("CHIPS Act Momentum.md", "# CHIPS\n")]);
    let idx = v.note_by_path("Seed.md").expect("seed");
    let out = render_note(&v, idx, &TestUrls(&v), &RenderOptions::default()).expect("renders");
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
        "> [!faq]- Folded?\n> body\n\n> [!tip]+ Open\n> x\n\n> [!custom-type] Custom\n> y\n\n```rust\nfn main() {}\n```\n\nInline $x^2$ math. %%hidden [[Nope]]%% ==marked== #inline-tag and para ^anchor1\n\n```mermaid\ngraph LR\n  Plan --> Ship\n```\n\n```mermaid\nnot a diagram at all\n```\n",
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
    // A diagram is drawn as an inline SVG; one that cannot be is its source.
    assert!(html.contains("<figure class=\"mermaid\"><svg"), "{html}");
    assert!(html.contains(">Plan</tspan>") && html.contains(">Ship</tspan>"), "{html}");
    assert!(html.contains("<pre class=\"mermaid\">not a diagram at all\n</pre>"), "{html}");
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
    let mut body = corpus.join("\n\n");
    for vector in OWASP.iter().chain(SVG_MATHML).chain(LINKS) {
        body.push_str("\n\n");
        body.push_str(vector);
    }
    let v = vault(&[("x.md", &body), ("Note.md", "n")]);
    let html = render(&v, "x.md");
    assert_markup_is_inert(&html);
    // Each vector also alone: one that breaks the parser's state must not
    // hide the next one, and none may hide behind another.
    for vector in corpus.iter().chain(OWASP).chain(SVG_MATHML).chain(LINKS) {
        let v = vault(&[("x.md", vector), ("Note.md", "n")]);
        assert_markup_is_inert(&render(&v, "x.md"));
    }
    assert!(!html.contains("alert('x1')"), "script bodies are dropped");
}

/// OWASP's XSS filter evasion cheat sheet (a selection: the vectors that
/// apply to an HTML sanitizer rather than to a server's input filter).
const OWASP: &[&str] = &[
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<a onmouseover=alert(document.cookie)>xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<SCRIPT/SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<META HTTP-EQUIV=\"Set-Cookie\" Content=\"USERID=<SCRIPT>alert('XSS')</SCRIPT>\">",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"java\0script:alert(1)\">x</a>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<a href=\"#\" formaction=\"javascript:alert(1)\">x</a><button formaction=javascript:alert(1)>b</button>",
    "<video poster=javascript:alert(1)//></video><audio src=x onerror=alert(1)>",
    "<img srcset=\"javascript:alert(1) 1x\">",
];

/// SVG and MathML payloads, and the mutation-XSS tricks that use their
/// foreign-content parsing rules.
const SVG_MATHML: &[&str] = &[
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    "<svg><a href=\"javascript:alert(1)\"><circle r=\"40\"/></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set attributeName=\"href\" to=\"javascript:alert(1)\"/></svg>",
    "<svg><animate attributeName=\"href\" values=\"javascript:alert(1)\"/></svg>",
    "<svg><foreignObject><iframe src=\"javascript:alert(1)\"></iframe></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml;base64,PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz48aW1hZ2UgaHJlZj0nMScgb25lcnJvcj0nYWxlcnQoMSknIC8+PC9zdmc+#x\"/></svg>",
    "<svg><script xlink:href=\"data:,alert(1)\"></script></svg>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<svg><title><img src=x onerror=alert(1)></title></svg>",
    "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x<mtext>y</mtext></maction></math>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\"></path></textarea></mtext></svg></mglyph></mi></math>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "$\\href{javascript:alert(1)}{x}$ and $$\\url{javascript:alert(1)}$$",
];

/// `javascript:` (and friends) in Markdown link URLs and in wikilinks.
const LINKS: &[&str] = &[
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](java&#9;script:alert(1))",
    "[x](java%09script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1) )",
    "[x](javascript:alert(1) \"title\")",
    "![x](javascript:alert(1))",
    "[x](vbscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[x](\"><script>alert(1)</script>)",
    "[x](https://ok.example/\"onmouseover=\"alert(1))",
    "[[Note|javascript:alert(1)]]",
    "[[Note|<img src=x onerror=alert(1)>]]",
    "[[javascript:alert(1)]]",
    "[[javascript:alert(1)|click]]",
    "![[javascript:alert(1)]]",
    "[[JaVaScRiPt:alert(1)|x]]",
    "[[Note#\"><script>alert(1)</script>]]",
    "[[Note#x\" onmouseover=\"alert(1)]]",
    "[[Note^x\" onmouseover=\"alert(1)]]",
    "![[Note|100\" onerror=\"alert(1)]]",
    "[x](<Note.md> \"\" onmouseover=\"alert(1)\")",
    "> [!note] <img src=x onerror=alert(1)>\n> body",
    "# \"><img src=x onerror=alert(1)>",
    "```\"><script>alert(1)</script>\nx\n```",
    "<span class=\"keyword-row\"><span class=\"inline-keyword\" onclick=\"alert(1)\">k</span></span>",
    "<div class=\"linkage-tree\"><a href=\"javascript:alert(1)\">k</a> [[javascript:alert(1)]]</div>",
    "<div class=\"brain-dump\"><ul><li><strong>L:</strong> <img src=x onerror=alert(1)></li></ul></div>",
];

/// Decode the character references a serializer may leave in an attribute.
fn decode_refs(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').unwrap_or(rest.len());
        let name = &rest[1..end];
        let ch = match name {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ if name.starts_with("#x") || name.starts_with("#X") => {
                u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32)
            }
            _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = rest.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of one tag (the text between `<` and `>`), names lowercased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start_matches(|c: char| c != ' ' && c != '/' && c != '\n' && c != '\t');
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return out;
        }
        let name_end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_refs(v);
            rest = r;
        }
        out.push((name, value));
    }
}

/// Whether sanitized `html` can run script: a dangerous element, an event
/// handler, a style, or a URL attribute whose scheme (as a browser reads it:
/// references decoded, tabs, newlines and controls removed, any case) is
/// `javascript:`, `vbscript:` or `data:`.
#[track_caller]
fn assert_markup_is_inert(html: &str) {
    const ELEMENTS: &[&str] = &[
        "script",
        "iframe",
        "object",
        "embed",
        "style",
        "form",
        "meta",
        "base",
        "link",
        "button",
        "frame",
        "frameset",
        "applet",
        "svg",
        "foreignobject",
        "animate",
        "set",
        "use",
        "textarea",
        "noscript",
        "body",
        "title",
        "video",
        "audio",
    ];
    const URL_ATTRS: &[&str] = &[
        "href",
        "src",
        "xlink:href",
        "action",
        "formaction",
        "data",
        "background",
        "dynsrc",
        "lowsrc",
        "poster",
        "srcset",
        "to",
        "values",
        "from",
        "by",
    ];
    // Text is escaped, so every `<` starts real markup.
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(!ELEMENTS.contains(&name.as_str()), "<{name}> survived: <{tag}>\n{html}");
        for (attr, value) in attributes(tag) {
            assert!(!attr.starts_with("on"), "event handler `{attr}` survived: <{tag}>\n{html}");
            assert!(attr != "style", "a style survived: <{tag}>\n{html}");
            if name == "input" && attr == "type" {
                assert_eq!(value, "checkbox", "only task-list checkboxes: <{tag}>\n{html}");
            }
            if URL_ATTRS.contains(&attr.as_str()) {
                let read: String = value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!read.starts_with(scheme), "`{scheme}` URL survived: <{tag}>\n{html}");
                }
            }
        }
    }
}

/// The checker itself: each of these must be caught (else the corpus test
/// above would pass whatever the sanitizer let through).
#[test]
fn inertness_check_catches_live_markup() {
    for live in [
        "<p><a href=\"jav&#x09;ascript:alert(1)\">x</a></p>",
        "<a href=' JavaScript:alert(1)'>x</a>",
        "<img src=x onerror=alert(1)>",
        "<svg><a xlink:href=\"data:text/html,x\">x</a></svg>",
        "<p style=\"x\">x</p>",
        "<input type=\"password\">",
        "<SCRIPT>x</SCRIPT>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_markup_is_inert(live)).is_err();
        assert!(caught, "not caught: {live}");
    }
    assert_markup_is_inert("<p><a href=\"/n/Note/\" rel=\"noopener noreferrer\">javascript:alert(1)</a></p>");
}

/// Every kind of embedded file and web media, as Obsidian shows them.
#[test]
fn media_embeds_become_players_and_viewers() {
    let note = "# Media\n\n\
        ![[Excerpt (1968).ogg]]\n\n\
        ![[clip.mp4|320x180]]\n\n\
        ![[Doc.pdf#page=3]]\n\n\
        ![[Doc.pdf#height=400]]\n\n\
        ![[photo.png|300]]\n\n\
        Inline ![[Excerpt (1968).ogg]] in a sentence.\n\n\
        ![[archive.zip]]\n\n\
        ![](https://www.youtube.com/watch?v=NnTvZWp5Q7o)\n\n\
        ![Engelbart|100x145](https://example.com/e.jpg)\n\n\
        ![A plain web image](https://example.com/p.jpg)\n";
    let v = vault(&[
        ("Media.md", note),
        ("Excerpt (1968).ogg", ""),
        ("media/clip.mp4", ""),
        ("Doc.pdf", ""),
        ("photo.png", ""),
        ("archive.zip", ""),
    ]);
    let html = render(&v, "Media.md");
    insta::assert_snapshot!(html);
}

/// Local `src` and `href` values in a note's raw HTML point where Markdown
/// links would: relative to the note, then vault-wide; web addresses, site
/// paths and anchors stay as written.
#[test]
fn raw_html_src_and_href_resolve_like_markdown_links() {
    let note = "# Raw\n\n\
        <figure><img src=\"pics/a%20b.png\" alt=\"A\"><figcaption>A</figcaption></figure>\n\n\
        <p><a href=\"Other.md#Part\">other</a> <a href='Missing.md'>gone</a> <a href=\"https://example.com/x.png\">web</a> <a href=\"#top\">top</a> <a href=\"/abs\">abs</a></p>\n\n\
        <p><a href=\"clip.mp4\">the clip</a> <a href=\"Secret.md\">draft</a> <img src=\"../../etc/passwd\"></p>\n";
    let v = vault(&[
        ("notes/Raw.md", note),
        ("notes/pics/a b.png", ""),
        ("media/clip.mp4", ""),
        ("Other.md", "# Other\n\n## Part\n"),
        ("Secret.md", "---\ndraft: true\n---\n# Secret\n"),
    ]);
    let raw = v.note_by_path("notes/Raw.md").expect("note");
    let targets: Vec<&str> =
        v.notes[raw].note.links.iter().filter(|l| l.in_html).map(|l| l.target.as_str()).collect();
    assert_eq!(
        targets,
        ["pics/a%20b.png", "Other.md", "Missing.md", "clip.mp4", "Secret.md", "../../etc/passwd"]
    );
    let kinds: Vec<LinkKind> = v.notes[raw].note.links.iter().filter(|l| l.in_html).map(|l| l.kind).collect();
    use LinkKind::{Markdown, MarkdownEmbed};
    assert_eq!(kinds, [MarkdownEmbed, Markdown, Markdown, Markdown, Markdown, MarkdownEmbed]);
    let html = render(&v, "notes/Raw.md");
    insta::assert_snapshot!(html);
}

#[test]
fn excalidraw_drawings_show_their_export_or_a_link() {
    let drawing = "---\nexcalidraw-plugin: parsed\n---\n# Excalidraw Data\n\n```compressed-json\nN4Ig\n```\n";
    let v = vault(&[
        (
            "n.md",
            "![[Sketch.excalidraw]]\n\n![[Plain.excalidraw|400]]\n\n![[Old.excalidraw]]\n\nSee [[Sketch.excalidraw|the sketch]].\n",
        ),
        ("d/Sketch.excalidraw.md", drawing),
        ("d/Sketch.excalidraw.svg", ""),
        ("Plain.excalidraw.md", drawing),
        ("Old.excalidraw", "{}"),
        ("Old.png", ""),
    ]);
    let html = render(&v, "n.md");
    assert!(html.contains("<img class=\"embed-image\" src=\"/d/Sketch.excalidraw.svg\""), "{html}");
    assert!(html.contains("src=\"/Old.png\""), "the older `.excalidraw` file: {html}");
    // Without an export the drawing is a link, never its JSON.
    assert!(!html.contains("compressed-json") && !html.contains("N4Ig"), "{html}");
    assert!(html.contains("href=\"/n/Plain.excalidraw/\""), "{html}");
    // A link opens the export.
    assert!(html.contains("<a class=\"attachment\" href=\"/d/Sketch.excalidraw.svg\""), "{html}");
}
