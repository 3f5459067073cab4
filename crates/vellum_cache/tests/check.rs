//! The check cache against a full check: after random sequences of edits to
//! a small vault (headings, block ids, drafts, links, `note_id`s, aliases,
//! notes added, removed and touched), the cache's diagnostics equal those of
//! `vellum_check::check` over the loaded vault, in the same order.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use vellum_cache::check::{Work, check};
use vellum_check::Located;

const HEADINGS: &[&str] = &["Alpha", "Beta", "Gamma"];
const NOTES: usize = 5;

/// What a generated note holds.
#[derive(Debug, Clone)]
struct Spec {
    draft: bool,
    note_id: Option<u8>,
    alias: Option<u8>,
    headings: Vec<u8>,
    block: bool,
    /// (target note, fragment: 0 none, 1..=3 a heading, 4 the block)
    links: Vec<(u8, u8)>,
    filler: u8,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        prop::option::of(0u8..3),
        prop::option::of(0u8..3),
        prop::collection::vec(0u8..3, 0..3),
        any::<bool>(),
        prop::collection::vec((0u8..(NOTES as u8 + 1), 0u8..5), 0..4),
        any::<u8>(),
    )
        .prop_map(|(draft, note_id, alias, headings, block, links, filler)| Spec {
            draft,
            note_id,
            alias,
            headings,
            block,
            links,
            filler,
        })
}

fn text(s: &Spec) -> String {
    let mut t = String::from("---\n");
    if s.draft {
        t.push_str("draft: true\n");
    }
    if let Some(id) = s.note_id {
        t.push_str(&format!("note_id: 220511TJ0{id}\n"));
    }
    if let Some(a) = s.alias {
        t.push_str(&format!("aliases: [Other {a}]\n"));
    }
    t.push_str("---\n# Note\n\n");
    for h in &s.headings {
        t.push_str(&format!("## {}\n\nText {}.\n\n", HEADINGS[*h as usize], s.filler));
    }
    if s.block {
        t.push_str("A paragraph. ^blk\n\n");
    }
    for (target, frag) in &s.links {
        // Notes from NOTES on are never written: unresolved links (NOTES
        // itself names an alias).
        let name = if usize::from(*target) == NOTES { "Other 1".to_owned() } else { format!("n{target}") };
        let frag = match frag {
            0 => String::new(),
            4 => "#^blk".to_owned(),
            h => format!("#{}", HEADINGS[usize::from(*h) - 1]),
        };
        t.push_str(&format!("See [[{name}{frag}]].\n"));
    }
    t
}

#[derive(Debug, Clone)]
enum Op {
    Write(u8, Spec),
    Remove(u8),
    Touch(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => ((0u8..NOTES as u8), spec()).prop_map(|(n, s)| Op::Write(n, s)),
        1 => (0u8..NOTES as u8).prop_map(Op::Remove),
        1 => (0u8..NOTES as u8).prop_map(Op::Touch),
    ]
}

fn full(root: &Path) -> Vec<Located> {
    let vault = vellum_vault::load(root).expect("load");
    vellum_check::locate_all(&vault, vellum_check::check(&vault).expect("kept"))
}

struct Clock(u64);

impl Clock {
    /// Give `path` a new modification time, old enough to be trusted.
    fn age(&mut self, path: &Path) {
        self.0 += 1;
        let f = fs::File::options().append(true).open(path).expect("open");
        f.set_modified(SystemTime::now() - Duration::from_secs(3600 - self.0)).expect("mtime");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_cache_agrees_with_a_full_check(initial in prop::collection::vec(spec(), NOTES), ops in prop::collection::vec(op(), 1..8)) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        let mut clock = Clock(0);
        for (i, s) in initial.iter().enumerate() {
            let p = root.join(format!("n{i}.md"));
            fs::write(&p, text(s)).expect("write");
            clock.age(&p);
        }
        let first = check(root).expect("check");
        prop_assert_eq!(&first.diagnostics, &full(root));
        for op in ops {
            match op {
                Op::Write(n, s) => {
                    let p = root.join(format!("n{n}.md"));
                    fs::write(&p, text(&s)).expect("write");
                    clock.age(&p);
                }
                Op::Remove(n) => {
                    let _ = fs::remove_file(root.join(format!("n{n}.md")));
                }
                Op::Touch(n) => {
                    let p = root.join(format!("n{n}.md"));
                    if p.exists() {
                        clock.age(&p);
                    }
                }
            }
            let report = check(root).expect("check");
            let expected = full(root);
            prop_assert_eq!(&report.diagnostics, &expected, "{:?}", report.work);
            prop_assert_eq!(report.notes, vellum_vault::load(root).expect("load").notes.len());
            let again = check(root).expect("check");
            prop_assert_eq!(&again.work, &Work::Unchanged { read: 0 });
            prop_assert_eq!(&again.diagnostics, &expected);
        }
    }
}

/// A body edit to one note of a larger vault reads that note only, and a
/// heading edit checks the notes linking to it again, not the others.
#[test]
fn an_edit_checks_the_note_and_the_notes_linking_to_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let mut clock = Clock(0);
    let target = Spec {
        draft: false,
        note_id: None,
        alias: None,
        headings: vec![0, 1],
        block: true,
        links: vec![],
        filler: 0,
    };
    let linking = Spec { links: vec![(0, 1)], headings: vec![], block: false, ..target.clone() };
    for i in 0..20 {
        let p = root.join(format!("n{i}.md"));
        let s = if i == 0 {
            target.clone()
        } else if i < 4 {
            linking.clone()
        } else {
            Spec { filler: i, ..target.clone() }
        };
        fs::write(&p, text(&s)).expect("write");
        clock.age(&p);
    }
    assert_eq!(check(root).expect("check").work, Work::Full(vellum_cache::check::Why::NoCache));
    assert_eq!(check(root).expect("check").work, Work::Unchanged { read: 0 });

    let p = root.join("n9.md");
    fs::write(&p, text(&Spec { filler: 200, ..target.clone() })).expect("write");
    clock.age(&p);
    let r = check(root).expect("check");
    assert_eq!(r.work, Work::Partial { changed: 1, checked: 1 });
    assert_eq!(r.diagnostics, full(root));

    let p = root.join("n0.md");
    fs::write(&p, text(&Spec { headings: vec![1], ..target.clone() })).expect("write");
    clock.age(&p);
    let r = check(root).expect("check");
    assert_eq!(r.work, Work::Partial { changed: 1, checked: 4 });
    assert_eq!(r.diagnostics, full(root));
    assert!(r.diagnostics.iter().any(|d| d.diagnostic.code == vellum_check::Code::BrokenFragment));

    clock.age(&root.join("n5.md"));
    assert_eq!(check(root).expect("check").work, Work::Unchanged { read: 1 });
    assert_eq!(check(root).expect("check").work, Work::Unchanged { read: 0 });
}

/// Rendered texts are remembered by what they render: a second rendering of
/// the same diagnostics renders nothing, an edit renders only what is new,
/// and another variant renders everything.
#[test]
fn rendered_texts_are_reused_by_content() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use vellum_cache::check::render_memo;

    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let mut clock = Clock(0);
    let linking = Spec {
        draft: false,
        note_id: None,
        alias: None,
        headings: vec![],
        block: false,
        links: vec![(7, 0), (8, 0)],
        filler: 0,
    };
    for i in 0..3 {
        let p = root.join(format!("n{i}.md"));
        fs::write(&p, text(&linking)).expect("write");
        clock.age(&p);
    }
    let calls = AtomicUsize::new(0);
    let render = |l: &Located| {
        calls.fetch_add(1, Ordering::Relaxed);
        format!("{}: {}", l.diagnostic.file, l.diagnostic.message)
    };
    let diagnostics = check(root).expect("check").diagnostics;
    let shown: Vec<&Located> = diagnostics.iter().collect();
    assert_eq!(shown.len(), 6, "two unresolved links in each note");
    let first = render_memo(root, &shown, b"plain", render);
    assert_eq!(calls.load(Ordering::Relaxed), 6);
    assert_eq!(render_memo(root, &shown, b"plain", render), first);
    assert_eq!(calls.load(Ordering::Relaxed), 6, "nothing rendered again");

    let p = root.join("n1.md");
    fs::write(&p, text(&Spec { links: vec![(7, 0), (9, 0)], ..linking.clone() })).expect("write");
    clock.age(&p);
    let diagnostics = check(root).expect("check").diagnostics;
    let shown: Vec<&Located> = diagnostics.iter().collect();
    let texts = render_memo(root, &shown, b"plain", render);
    assert_eq!(
        texts,
        shown.iter().map(|l| format!("{}: {}", l.diagnostic.file, l.diagnostic.message)).collect::<Vec<_>>()
    );
    assert_eq!(calls.load(Ordering::Relaxed), 7, "only the new diagnostic rendered");
    render_memo(root, &shown, b"colour", render);
    assert_eq!(calls.load(Ordering::Relaxed), 13, "another variant renders everything");
}
