//! Callout types from the vault's CSS snippets on the published site: their
//! colour and icon in `style.css` (generated, never copied), the same bytes
//! from `vellum serve`, and a snippet edit seen by the build cache.

use std::path::Path;

use vellum_site::{BuildOptions, Fresh, LiveSite, SiteFile, build, up_to_date};

use crate::common::age;

const SNIPPET: &str = "/* never copied */\n\
.callout[data-callout=\"recipe\"] { --callout-color: 200, 100, 0; --callout-icon: lucide-chef-hat; }\n\
.callout[data-callout=mood] { --callout-color: #7850c8; background: url(\"https://tracker.example/x.png\"); }\n\
.callout[data-callout=\"odd\"] { --callout-icon: '<svg onload=alert(1)></svg>'; }\n";

/// A vault with one enabled and one disabled snippet, every file aged (the
/// build cache never trusts stamps younger than two seconds).
fn vault(root: &Path) {
    let files: &[(&str, &str)] = &[
        (".obsidian/appearance.json", r#"{"enabledCssSnippets": ["callouts"]}"#),
        (".obsidian/snippets/callouts.css", SNIPPET),
        (".obsidian/snippets/off.css", ".callout[data-callout=shelved] { --callout-color: 1, 2, 3; }"),
        (
            "Pancakes.md",
            "---\ntitle: Pancakes\ncreated: 2024-01-02\n---\n> [!recipe] Batter\n> Flour, eggs, milk.\n\n\
             > [!Mood]- Folded\n> Calm.\n\n> [!shelved]\n> Off.\n",
        ),
    ];
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    age(root);
}

/// The part of `style.css` vellum generates for the snippets' callouts.
fn snippet_rules(css: &str) -> &str {
    css.find("/* Callout types of the vault's CSS snippets */").map_or("", |at| &css[at..])
}

#[test]
fn snippet_callouts_get_their_colour_and_icon() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    vault(&root);
    let v = vellum_vault::load(&root).expect("loads");
    let out = tmp.path().join("site");
    build(&v, &BuildOptions::new(&out)).expect("build");
    let css = std::fs::read_to_string(out.join("style.css")).expect("style.css");
    insta::assert_snapshot!(snippet_rules(&css), @r#"
    /* Callout types of the vault's CSS snippets */
    .callout[data-callout="mood"] { --c: rgb(120, 80, 200); }
    .callout[data-callout="recipe"] { --c: rgb(200, 100, 0); --icon: "🍳"; }
    "#);
    for leak in ["never copied", "tracker.example", "<svg", "onload", "shelved", "rgb(1, 2, 3)"] {
        assert!(!css.contains(leak), "`{leak}` reached style.css");
    }
    let page = std::fs::read_to_string(out.join("pancakes/index.html")).expect("page");
    let callouts: Vec<&str> =
        page.match_indices("<div class=\"callout ").map(|(i, _)| &page[i..i + 60]).collect();
    assert!(page.contains("data-callout=\"recipe\""), "{callouts:?}");
    assert!(page.contains("<details class=\"callout callout-note\" data-callout=\"mood\">"), "{page}");
    assert!(!out.join(".obsidian").exists(), "settings are not published");

    // `vellum serve` builds the same stylesheet.
    let v = vellum_vault::load(&root).expect("loads");
    let live = LiveSite::build(v, BuildOptions::new("unused")).expect("live");
    match live.files().get("style.css") {
        Some(SiteFile::Generated(bytes)) => assert_eq!(&bytes[..], css.as_bytes()),
        other => panic!("style.css in memory: {other:?}"),
    }
}

#[test]
fn a_snippet_edit_is_not_up_to_date_and_rebuilds_the_stylesheet() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("v");
    vault(&root);
    let out = tmp.path().join("site");
    let mut opts = BuildOptions::new(&out);
    opts.cache = true;
    let built = |opts: &mut BuildOptions| {
        opts.fresh = Some(Fresh::take(&root, opts));
        let v = vellum_vault::load(&root).expect("loads");
        build(&v, opts).expect("build");
        std::fs::read_to_string(out.join("style.css")).expect("style.css")
    };
    let before = built(&mut opts);
    assert!(up_to_date(&root, &Fresh::take(&root, &opts)).is_some(), "nothing changed");

    let snippet = root.join(".obsidian/snippets/callouts.css");
    std::fs::write(&snippet, SNIPPET.replace("200, 100, 0", "10, 20, 30")).expect("write");
    age(&root);
    assert!(up_to_date(&root, &Fresh::take(&root, &opts)).is_none(), "a snippet changed");
    let after = built(&mut opts);
    assert!(
        after.contains("rgb(10, 20, 30)") && !after.contains("rgb(200, 100, 0)"),
        "{}",
        snippet_rules(&after)
    );

    // Enabling a snippet is a change of `appearance.json`.
    std::fs::write(root.join(".obsidian/appearance.json"), r#"{"enabledCssSnippets": ["callouts", "off"]}"#)
        .expect("write");
    age(&root);
    assert!(up_to_date(&root, &Fresh::take(&root, &opts)).is_none(), "appearance changed");
    let more = built(&mut opts);
    assert!(
        more.contains(".callout[data-callout=\"shelved\"] { --c: rgb(1, 2, 3); }"),
        "{}",
        snippet_rules(&more)
    );
    assert_ne!(before, after);
}
