//! The seed note is the reference document: every element in it is read.

use std::fmt::Write as _;

use vellum_syntax::{Note, parse};

const SEED: &str = include_str!("../../../../examples/journal/Nvidia Open Sources GPU Kernel Modules.md");

/// A readable summary of everything parsed, with line:col for each span.
fn summary(text: &str, note: &Note) -> String {
    let d = note.detail().expect("a parse has its detail");
    let at = |offset: usize| {
        let lc = d.lines.line_col(text, offset);
        format!("{}:{}", lc.line, lc.col)
    };
    let mut s = String::new();
    let p = &note.properties;
    let _ = writeln!(s, "title: {:?}", p.title.as_ref().map(|t| &t.value));
    let _ =
        writeln!(s, "tags: {:?}", p.tags.iter().map(|t| (&t.value, at(t.span.start))).collect::<Vec<_>>());
    let _ = writeln!(s, "keywords: {:?}", p.keywords.iter().map(|t| &t.value).collect::<Vec<_>>());
    let _ = writeln!(
        s,
        "draft: {} created: {:?} updated: {:?} note_id: {:?}",
        p.is_draft(),
        p.created.as_ref().map(|d| d.value.to_string()),
        p.updated.as_ref().map(|d| d.value.to_string()),
        p.note_id.as_ref().map(|d| &d.value)
    );
    for h in &note.headings {
        let _ = writeln!(s, "heading h{} {:?} @ {}", h.level, h.text, at(h.span.start));
    }
    for l in &note.links {
        let _ = writeln!(
            s,
            "link {:?} {:?} frag={:?} html={} @ {}",
            l.kind,
            l.target,
            l.fragment,
            l.in_html,
            at(l.span.start)
        );
    }
    for t in &note.tags {
        let _ = writeln!(s, "tag #{} @ {}", t.name, at(t.span.start));
    }
    for c in &d.callouts {
        let _ = writeln!(s, "callout [{}] {:?} body={:?} @ {}", c.kind, c.title, c.body, at(c.span.start));
    }
    let j = &note.journal;
    if let Some(row) = &j.keyword_row {
        let _ = writeln!(
            s,
            "keyword-row @ {}: {:?}",
            at(row.span.start),
            row.value.iter().map(|k| &k.value).collect::<Vec<_>>()
        );
    }
    for c in &j.claims {
        let _ = writeln!(s, "claim {:?} @ {}", c.value, at(c.span.start));
    }
    let _ = writeln!(s, "core claim: {:?}", j.core_claim.as_ref().map(|c| &c.value));
    let _ = writeln!(s, "questions: {:?}", j.questions.iter().map(|c| &c.value).collect::<Vec<_>>());
    for src in &j.sources {
        let _ = writeln!(
            s,
            "source {:?} url={:?} why={:?}",
            src.title,
            src.url.as_ref().map(|u| (&u.value, at(u.span.start))),
            src.why
        );
    }
    let _ = writeln!(s, "signals: {:?}", d.signals.iter().map(|c| &c.value).collect::<Vec<_>>());
    let _ = writeln!(s, "my take: {:?}", j.my_take.map(|t| &text[t.range()]));
    for b in &d.brain_dump {
        let _ = writeln!(s, "brain {:?}: {:?} @ {}", b.label, b.text, at(b.span.start));
    }
    if let Some(l) = &d.linkage {
        let _ = writeln!(
            s,
            "linkage tags {:?} related {:?}",
            l.tags.iter().map(|t| &t.value).collect::<Vec<_>>(),
            l.related.iter().map(|&i| &note.links[i].target).collect::<Vec<_>>()
        );
    }
    for c in &note.components {
        let _ = writeln!(s, "component {:?} @ {}", c.kind, at(c.span.start));
    }
    let _ = writeln!(s, "errors: {:?}", note.errors);
    let _ = writeln!(s, "words: {}", note.words);
    s
}

#[test]
fn seed_note_is_fully_read() {
    let note = parse(SEED);
    insta::assert_snapshot!(summary(SEED, &note));
}

/// The renderer reads the links, tags and keywords inside a note's HTML from
/// the note's own parse (`Note::html_fragment`) where it can, and scans the
/// piece on its own (`parse_html_fragment`) where it cannot: both must agree.
#[test]
fn html_fragments_agree_with_the_notes_parse() {
    let mut notes = vec![SEED.to_owned()];
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/journal");
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("example vault").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                notes.push(std::fs::read_to_string(&p).expect("note"));
            }
        }
    }
    let mut compared = 0;
    for text in &notes {
        let note = parse(text);
        for c in &note.components {
            let own = note.html_fragment(c.span);
            let mut alone = vellum_syntax::parse_html_fragment(&text[c.span.range()]);
            for l in &mut alone.links {
                l.in_html = false;
            }
            assert_eq!(own, alone, "component at {}", c.span.start);
            compared +=
                usize::from(!own.links.is_empty() || !own.tags.is_empty() || !own.keywords.is_empty());
        }
    }
    assert!(compared >= 4, "only {compared} components held links, tags or keywords");
}
