//! `--fix` on fixture notes (CRLF, BOM, YAML comments, unusual quoting), and
//! properties over generated notes: the fixes are idempotent, remove the
//! problems they fix, and touch no byte outside the places they fix.

use std::path::PathBuf;

use proptest::prelude::*;
use vellum_check::Code;
use vellum_edit::fix::{self, FixKind};
use vellum_vault::{Config, Vault};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fix")
}

fn kinds() -> Vec<String> {
    vec!["tech-journal".to_owned()]
}

/// The codes `vellum check` reports for one note.
fn codes(path: &str, text: &str) -> Vec<Code> {
    let vault = Vault::from_texts(
        PathBuf::from("/v"),
        Config::default(),
        vec![path.to_owned()],
        vec![(path.to_owned(), text.to_owned())],
    );
    vellum_check::check(&vault).expect("kept").into_iter().map(|d| d.code).collect()
}

fn fixed_codes() -> Vec<Code> {
    FixKind::ALL.iter().filter_map(|k| k.code()).collect()
}

#[test]
fn fixtures_match_their_expected_output() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if !name.ends_with(".md") || name.ends_with(".expected.md") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).expect("read");
        let f = fix::fix_text(&name, &text, &kinds());
        assert!(f.skipped.is_empty(), "{name}: {:?}", f.skipped);
        let expected_path = path.with_file_name(name.replace(".md", ".expected.md"));
        if std::env::var_os("VELLUM_BLESS").is_some() {
            std::fs::write(&expected_path, &f.text).expect("bless");
        }
        let expected = std::fs::read_to_string(&expected_path).expect("expected output");
        assert_eq!(f.text, expected, "{name}");
        let left: Vec<Code> =
            codes(&name, &f.text).into_iter().filter(|c| fixed_codes().contains(c)).collect();
        assert!(left.is_empty(), "{name}: still reported {left:?}");
        assert_eq!(fix::fix_text(&name, &f.text, &kinds()).text, f.text, "{name}: idempotent");
    }
    assert!(seen >= 2);
}

#[test]
fn crlf_bom_and_comments_survive() {
    let text = std::fs::read_to_string(fixtures().join("crlf_bom_comments.md")).expect("read");
    let f = fix::fix_text("n.md", &text, &kinds());
    assert!(f.text.starts_with('\u{feff}'));
    assert!(!f.text.replace("\r\n", "").contains('\n'), "every line break is still CRLF");
    for kept in
        ["# a comment before the title\r\n", "   # trailing comment\r\n", "  # a comment between items\r\n"]
    {
        assert!(f.text.contains(kept), "{kept:?}");
    }
    assert!(f.text.ends_with("</div>\r\n"), "the stray `#` is gone, the last line break stays");
}

#[test]
fn every_example_note_is_fixed_without_touching_the_rest() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal");
    let vault = vellum_vault::load(&root).expect("example vault");
    let plan = fix::plan(&vault).expect("kept");
    let changed: Vec<&str> =
        plan.notes.iter().filter(|n| n.changes_text()).map(|n| n.path.as_str()).collect();
    assert_eq!(
        changed,
        [
            "Nvidia Open Sources GPU Kernel Modules.md",
            "software/Kubernetes Complexity Tax.md",
            "software/eBPF Eats the Kernel.md"
        ]
    );
    for n in &plan.notes {
        let removed = n.original.len() as isize - n.text.len() as isize;
        assert!(removed.abs() < 80, "{}: small edits only", n.path);
    }
}

fn check_unaffected(original: &str, f: &fix::NoteFix, fixable: &[std::ops::Range<usize>]) {
    for (kind, e) in &f.edits {
        assert!(
            fixable.iter().any(|r| r.start <= e.span.start && e.span.end <= r.end),
            "{kind:?} edit {:?} outside the fixable regions {fixable:?}\n{original}",
            e.span
        );
    }
    // And the result is exactly the original with those edits.
    let edits: Vec<_> = f.edits.iter().map(|(_, e)| e.clone()).collect();
    assert_eq!(vellum_edit::apply_edits(original, &edits).expect("applies"), f.text);
}

/// A generated note: its text and the byte ranges a fix may touch.
#[derive(Debug, Clone)]
struct Generated {
    text: String,
    fixable: Vec<std::ops::Range<usize>>,
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "gpu", "kernel", "driver", "rust", "sqlite", "edge", "wasm", "Linux", "risc-v", "cloud",
    ])
    .prop_map(str::to_owned)
}

prop_compose! {
    fn note()(
        crlf in any::<bool>(),
        bom in any::<bool>(),
        keywords in prop::collection::vec(word(), 0..5),
        row in prop::option::of(prop::collection::vec(word(), 0..5)),
        tags in prop::collection::vec((word(), any::<bool>()), 0..5),
        tree in prop::option::of(prop::collection::vec(word(), 0..5)),
        (created, updated) in (1u8..28, 1u8..28),
        quote_updated in any::<bool>(),
        comment in any::<bool>(),
        empty_mid in any::<bool>(),
        empty_end in prop::sample::select(vec!["", "#", "#\n", "\n##  \n"]),
        prose in "[a-z ]{0,30}",
    ) -> Generated {
        let mut parts: Vec<(String, bool)> = Vec::new();
        let mut push = |s: String, fixable: bool| parts.push((s, fixable));
        if bom { push("\u{feff}".into(), false); }
        push("---\ntitle: Generated note\n".into(), false);
        if comment { push("# a YAML comment\n".into(), false); }
        push("tags:\n  - tech-journal\n  - 2024\n".into(), false);
        for (t, hashed) in &tags {
            if *hashed {
                push("  - '".into(), false);
                push("#".into(), true);
                push(format!("{t}'\n"), false);
            } else {
                push(format!("  - {t}\n"), false);
            }
        }
        push(format!("keywords: [{}]\n", keywords.join(", ")), false);
        push(format!("created: 2024-02-{created:02}\nupdated: "), false);
        let q = if quote_updated { "'" } else { "" };
        push(q.into(), false);
        push(format!("2024-02-{updated:02}"), true);
        push(format!("{q}\nnote_id: 2402{created:02}TJ01\n---\n\n# Generated note\n\n"), false);
        if let Some(row) = &row {
            let spans: String = row.iter().map(|w| format!("  <span class=\"inline-keyword\">{w}</span>\n")).collect();
            push(format!("<div class=\"keyword-row\">\n{spans}</div>\n"), true);
        }
        push(format!("\n{prose}\n\n"), false);
        if empty_mid { push("##\n\n".into(), true); }
        push("Some #inline tag and [[A Link]].\n\n".into(), false);
        if let Some(tree) = &tree {
            let items: String = tree.iter().map(|w| format!("        <li>#{w}</li>\n")).collect();
            push(
                format!("<div class=\"linkage-tree\">\n  <ul>\n    <li>tags\n      <ul>\n{items}      </ul>\n    </li>\n  </ul>\n</div>\n"),
                true,
            );
        }
        push("\n".into(), false);
        let mut text = String::new();
        let mut fixable = Vec::new();
        for (s, f) in parts {
            let s = if crlf { s.replace('\n', "\r\n") } else { s };
            if f { fixable.push(text.len()..text.len() + s.len()); }
            text.push_str(&s);
        }
        if !empty_end.is_empty() {
            // A trailing empty heading goes with the blank lines before it.
            let start = text.trim_end().len();
            text.push_str(&if crlf { empty_end.replace('\n', "\r\n") } else { empty_end.to_owned() });
            fixable.push(start..text.len());
        }
        Generated { text, fixable }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn fix_is_idempotent_removes_what_it_fixes_and_touches_nothing_else(g in note()) {
        let f = fix::fix_text("g.md", &g.text, &kinds());
        check_unaffected(&g.text, &f, &g.fixable);
        let again = fix::fix_text("g.md", &f.text, &kinds());
        prop_assert_eq!(&again.text, &f.text, "idempotent");
        prop_assert!(again.edits.is_empty());
        let skipped: Vec<Code> = f.skipped.iter().filter_map(|s| s.kind.code()).collect();
        let left: Vec<Code> = codes("g.md", &f.text)
            .into_iter()
            .filter(|c| fixed_codes().contains(c) && !skipped.contains(c))
            .collect();
        prop_assert!(left.is_empty(), "still reported: {:?}\n{}", left, f.text);
        prop_assert!(!f.text.contains("'#"), "no `#` left in frontmatter tags");
        if g.text.contains("\r\n") {
            prop_assert!(!f.text.replace("\r\n", "").contains('\n'), "CRLF stays CRLF");
        }
        prop_assert_eq!(f.text.starts_with('\u{feff}'), g.text.starts_with('\u{feff}'));
    }
}
