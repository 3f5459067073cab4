//! `new`: the built-in skeleton passes `vellum check`, `note_id` sequences count
//! every note, vault templates override the skeleton, unsafe titles make safe
//! file names, and nothing is ever overwritten.

use crate::common;

use common::{load, vault_with};
use jiff::civil::date;
use proptest::prelude::*;
use vellum_check::{Code, Severity};
use vellum_edit::Writer;
use vellum_edit::new::{self, NewError, NewNote};

fn request(title: &str) -> NewNote {
    NewNote {
        title: title.to_owned(),
        date: date(2022, 5, 11),
        kind: "tech-journal".to_owned(),
        code: None,
        dir: None,
        time: jiff::civil::time(9, 30, 0, 0),
    }
}

fn create(root: &std::path::Path, req: &NewNote) -> new::NewPlan {
    let plan = new::plan(&load(root), req).expect("plan");
    Writer::new(root).apply(&[plan.change()]).expect("written");
    plan
}

#[test]
fn the_skeleton_passes_check() {
    let dir = vault_with(&[]);
    let plan = create(dir.path(), &request("Nvidia Open Sources GPU Kernel Modules"));
    assert_eq!(plan.path, "Nvidia Open Sources GPU Kernel Modules.md");
    assert_eq!(plan.note_id, "220511TJ01");
    assert_eq!(plan.template, None);
    let vault = load(dir.path());
    let diags = vellum_check::check(&vault).expect("kept");
    let errors: Vec<_> = diags.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let warnings: Vec<Code> =
        diags.iter().filter(|d| d.severity == Severity::Warning).map(|d| d.code).collect();
    assert_eq!(warnings, [Code::SourceWithoutUrl], "only the `[!ref]` placeholder asks to be filled");
    let n = &vault.notes[0];
    let p = &n.note.properties;
    assert_eq!(p.title.as_ref().map(|t| t.value.as_str()), Some("Nvidia Open Sources GPU Kernel Modules"));
    let tags: Vec<&str> = p.tags.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tags, ["tech-journal", "2022"]);
    assert!(p.is_draft());
    assert_eq!(p.created.as_ref().map(|d| d.value), Some(date(2022, 5, 11)));
    assert_eq!(p.updated.as_ref().map(|d| d.value), Some(date(2022, 5, 11)));
    let j = &n.note.journal;
    let d = n.note.detail().expect("kept");
    assert!(j.keyword_row.is_some() && d.linkage.is_some() && j.core_claim.is_some());
    assert_eq!((j.claims.len(), j.questions.len(), j.sources.len(), d.brain_dump.len()), (1, 1, 1, 1));
    let headings: Vec<&str> = n.note.headings.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(
        headings,
        ["Nvidia Open Sources GPU Kernel Modules", "signals", "my take", "sources", "linkage"]
    );
}

#[test]
fn filling_the_skeleton_then_fix_syncs_the_components() {
    let dir = vault_with(&[]);
    let plan = create(dir.path(), &request("Filled"));
    let path = dir.path().join(&plan.path);
    let text = std::fs::read_to_string(&path).expect("read");
    let text = text
        .replace("keywords: []", "keywords: [gpu, kernel]")
        .replace("  - 2022\n", "  - 2022\n  - hardware\n");
    std::fs::write(&path, &text).expect("write");
    let vault = load(dir.path());
    let changes = vellum_edit::fix::plan(&vault).expect("kept").changes();
    Writer::new(dir.path()).apply(&changes).expect("fixed");
    let diags = vellum_check::check(&load(dir.path())).expect("kept");
    let left: Vec<_> = diags
        .iter()
        .filter(|d| d.severity >= Severity::Warning && d.code != Code::SourceWithoutUrl)
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">gpu</span>\n  <span class=\"inline-keyword\">kernel</span>\n</div>"), "{text}");
    assert!(text.contains("    <li>tags\n      <ul>\n        <li>#hardware</li>\n      </ul>"), "{text}");
}

#[test]
fn sequences_count_every_note_drafts_and_broken_ones_included() {
    let dir = vault_with(&[
        ("a.md", "---\nnote_id: 220511TJ01\ndraft: true\n---\n"),
        ("b/c.md", "---\nnote_id: 220511TJ04\ntags: [a\n---\n"),
        ("d.md", "---\nnote_id: 220511BR09\n---\n"),
        ("e.md", "---\nnote_id: 220512TJ07\n---\n"),
    ]);
    let plan = create(dir.path(), &request("Next"));
    assert_eq!(plan.note_id, "220511TJ05", "one more than the highest, the broken note counted");
    let mut review = request("Review");
    review.kind = "book-review".to_owned();
    assert_eq!(new::plan(&load(dir.path()), &review).expect("plan").note_id, "220511BR10");
    let mut code = request("Coded");
    code.code = Some("xy".to_owned());
    assert_eq!(new::plan(&load(dir.path()), &code).expect("plan").note_id, "220511XY01");
    code.code = Some("X1".to_owned());
    assert!(matches!(new::plan(&load(dir.path()), &code), Err(NewError::InvalidCode(_))));
}

#[test]
fn vault_templates_override_the_skeleton() {
    let template = "---\ntitle: {{ title | yaml }}\ntags: [{{ kind }}, {{ year }}]\ncreated: {{ date }}\nnote_id: {{ note_id }}\n---\n\n# {{ title | md }}\n\nCode {{ code }}.\n";
    let dir = vault_with(&[("_templates/meeting.md", template)]);
    let mut req = request("Weekly: sync #3");
    req.kind = "meeting".to_owned();
    req.dir = Some("meetings/2022".to_owned());
    let plan = create(dir.path(), &req);
    assert_eq!(plan.path, "meetings/2022/Weekly - sync 3.md");
    assert_eq!(plan.template.as_deref(), Some("_templates/meeting.md"));
    let text = std::fs::read_to_string(dir.path().join(&plan.path)).expect("read");
    assert_eq!(
        text,
        "---\ntitle: \"Weekly: sync #3\"\ntags: [meeting, 2022]\ncreated: 2022-05-11\nnote_id: 220511ME01\n---\n\n# Weekly: sync \\#3\n\nCode ME.\n"
    );
    let vault = load(dir.path());
    assert_eq!(vault.notes[0].title, "Weekly: sync #3");
    assert_eq!(vault.notes[0].note.h1().map(|h| h.text.as_str()), Some("Weekly: sync #3"));

    std::fs::write(dir.path().join("_templates/bad.md"), "{{ titel }}").expect("write");
    let mut bad = request("Bad");
    bad.kind = "bad".to_owned();
    let err = new::plan(&load(dir.path()), &bad).expect_err("undefined variable");
    assert!(matches!(err, NewError::Template { .. }) && !err.is_refusal(), "{err}");
}

#[test]
fn nothing_is_overwritten_and_no_link_is_taken_away() {
    let dir = vault_with(&[
        ("Existing Note.md", "# Existing\n"),
        ("sub/Taken.md", "# Taken\n"),
        ("src.md", "[[Taken]] and [[Wanted]]\n"),
    ]);
    let vault = load(dir.path());
    let err = new::plan(&vault, &request("existing note")).expect_err("exists");
    assert!(matches!(err, NewError::Exists(_)) && err.is_refusal(), "{err}");
    let err = new::plan(&vault, &request("Taken")).expect_err("would take the link");
    assert!(
        err.to_string().contains("src.md:1: [[Taken]] would lead here instead of `sub/Taken.md`"),
        "{err}"
    );
    let plan = new::plan(&vault, &request("Wanted")).expect("plan");
    assert_eq!(plan.resolves_links, 1);
    let mut req = request("Elsewhere");
    for bad in ["../out", "/abs", ".obsidian", "_templates/x"] {
        req.dir = Some(bad.to_owned());
        assert!(matches!(new::plan(&vault, &req), Err(NewError::InvalidDir(_))), "{bad}");
    }
    // A file created meanwhile is not overwritten either.
    let plan = new::plan(&vault, &request("Racy")).expect("plan");
    std::fs::write(dir.path().join("Racy.md"), "mine").expect("write");
    assert!(Writer::new(dir.path()).apply(&[plan.change()]).is_err());
    assert_eq!(std::fs::read_to_string(dir.path().join("Racy.md")).expect("read"), "mine");
}

#[test]
fn awkward_titles_read_back() {
    for title in [
        "a &amp; b &#35;",
        "a\\*b\\",
        "trailing #",
        "##",
        "x ^abc",
        "**bold** _it_",
        "%%c%% $x$ ==h== ~~s~~",
        "`code` <!-- c --> <b>x</b>",
        "1. one",
        "- dash",
        "[[Link]] #tag",
        "yes",
        "2022",
        "null",
        "Ünïcödé 日本 🚀",
        "'quoted'",
        "\"double\"",
        "key: value",
        "a | b",
        "C#",
        "...dots",
        "tab\there",
    ] {
        let dir = vault_with(&[]);
        let plan = new::plan(&load(dir.path()), &request(title)).expect("plan");
        let note = vellum_syntax::parse(&plan.text);
        assert_eq!(note.properties.title.as_ref().map(|t| t.value.as_str()), Some(title), "{title}");
        assert_eq!(note.h1().map(|h| h.text.as_str()), Some(title.trim()), "{title}\n{}", plan.text);
        // The body stays free of links and tags (a link in the `title`
        // property is one, as in Obsidian).
        assert!(note.tags.is_empty() && note.links.iter().all(|l| l.in_property()), "{title}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any title reads back as written, in `title` and in the H1, and makes a safe file name.
    #[test]
    fn any_title_reads_back(title in "[^\u{0}-\u{1f}\u{7f}\u{85}\u{2028}\u{2029}]{1,60}") {
        prop_assume!(!title.trim().is_empty() && title == title.trim());
        let dir = vault_with(&[]);
        let plan = new::plan(&load(dir.path()), &request(&title)).expect("plan");
        let name = plan.path.trim_end_matches(".md");
        prop_assert!(!name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|', '#', '^', '[', ']']));
        prop_assert!(!name.starts_with('.') && !name.is_empty());
        let note = vellum_syntax::parse(&plan.text);
        prop_assert_eq!(note.properties.title.as_ref().map(|t| t.value.clone()), Some(title.clone()));
        prop_assert!(note.errors.iter().all(|e| e.kind == vellum_syntax::ErrorKind::MalformedComponent));
        prop_assert_eq!(note.h1().map(|h| h.text.clone()), Some(title.trim().to_owned()));
        prop_assert_eq!(note.tags.len(), 0, "no inline tag from the title");
        prop_assert_eq!(note.links.len(), 0, "no link from the title");
    }
}
