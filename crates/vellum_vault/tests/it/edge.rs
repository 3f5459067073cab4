//! Obsidian edge cases, as a vault on disk (`tests/fixtures/edge/`) loaded with
//! `vellum_vault::load`: what each link resolves to (`vault.resolved`), and what
//! does not count as a link, tag, block id or frontmatter at all. The rules are
//! those of `shared/spec/obsidian-dialect.md`.

use std::path::Path;

use vellum_syntax::Fragment;
use vellum_vault::{Anchor, ResolvedLink, Rule, Target, Vault};

fn edge() -> Vault {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edge");
    let vault = vellum_vault::load(&root).expect("edge vault loads");
    assert!(vault.problems.is_empty(), "{:?}", vault.problems);
    vault
}

fn note<'v>(v: &'v Vault, path: &str) -> &'v vellum_vault::NoteFile {
    &v.notes[v.note_by_path(path).unwrap_or_else(|| panic!("no note {path}"))]
}

/// The link in note `from` written exactly as `written`, and its resolution.
fn link<'v>(v: &'v Vault, from: &str, written: &str) -> (&'v vellum_syntax::Link, &'v ResolvedLink) {
    let i = v.note_by_path(from).unwrap_or_else(|| panic!("no note {from}"));
    let n = &v.notes[i];
    let text = n.text.as_kept().expect("kept");
    let found = n.note.links.iter().position(|l| &text[l.span.range()] == written);
    let li = found.unwrap_or_else(|| {
        let all: Vec<&str> = n.note.links.iter().map(|l| &text[l.span.range()]).collect();
        panic!("no link {written} in {from}; links: {all:?}")
    });
    (&n.note.links[li], &v.resolved[i][li])
}

/// The vault path a link resolves to (note, attachment or missing fragment).
fn path_of(v: &Vault, r: &ResolvedLink) -> Option<String> {
    match r.target {
        Target::Note { note, .. } | Target::MissingFragment { note } => Some(v.notes[note].path.clone()),
        Target::Attachment(f) => Some(v.files.path(f).to_owned()),
        Target::Unresolved | Target::EscapesVault => None,
    }
}

/// The heading text a link resolves to.
fn heading_of(v: &Vault, r: &ResolvedLink) -> Option<String> {
    match r.target {
        Target::Note { note, anchor: Anchor::Heading(h) } => {
            Some(v.notes[note].note.headings[h].text.clone())
        }
        _ => None,
    }
}

#[test]
fn heading_links_ignore_case_and_punctuation() {
    let v = edge();
    let (_, r) = link(&v, "Links.md", "[[FAQ#How large is it]]");
    assert_eq!(heading_of(&v, r).as_deref(), Some("How large is it?"));
}

#[test]
fn code_span_inside_a_heading_link() {
    let v = edge();
    let (l, r) = link(&v, "Links.md", "[[FAQ#Using `cargo` today]]");
    // The backticks are kept in the link (not blanked as code) and matched
    // against the heading's plain text.
    assert_eq!(l.fragment, Some(Fragment::Heading(vec!["Using `cargo` today".to_owned()])));
    assert_eq!(heading_of(&v, r).as_deref(), Some("Using cargo today"));
    assert_eq!(note(&v, "FAQ.md").note.headings[2].level, 3);
}

#[test]
fn chained_heading_links_must_nest() {
    let v = edge();
    let n = note(&v, "Note.md");
    // Headings: 0 `# Note`, 1 `## H1`, 2 `### H2`, 3 `## Other`, 4 `### H2`.
    let (_, r) = link(&v, "Links.md", "[[Note#H1#H2]]");
    assert!(matches!(r.target, Target::Note { anchor: Anchor::Heading(2), .. }), "{:?}", r.target);
    let (_, r) = link(&v, "Links.md", "[[Note#Other#H2]]");
    assert!(matches!(r.target, Target::Note { anchor: Anchor::Heading(4), .. }), "{:?}", r.target);
    assert_eq!(n.note.headings[4].text, "H2");
    let (_, r) = link(&v, "Links.md", "[[Note#H1#Other]]");
    assert!(matches!(r.target, Target::MissingFragment { .. }), "`Other` is not under `H1`: {:?}", r.target);
}

#[test]
fn escaped_pipe_in_a_table_cell() {
    let v = edge();
    let (l, r) = link(&v, "Links.md", "[[Note\\|alias]]");
    assert_eq!(l.target, "Note");
    assert_eq!(l.display.as_deref(), Some("alias"));
    assert!(matches!(r.target, Target::Note { anchor: Anchor::Note, .. }));
    assert_eq!(path_of(&v, r).as_deref(), Some("Note.md"));
}

#[test]
fn comments_and_code_hold_no_links_tags_or_block_ids() {
    let v = edge();
    let n = note(&v, "Ignored.md");
    let targets: Vec<&str> = n.note.links.iter().map(|l| l.target.as_str()).collect();
    assert_eq!(targets, ["Note"], "only the link in prose counts");
    let tags: Vec<&str> = n.note.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["counted"]);
    assert!(n.note.block_ids.is_empty(), "{:?}", n.note.block_ids);
    // So none of them is an unwritten note either.
    let unresolved: Vec<String> = v.unresolved().into_iter().map(|(t, _)| t).collect();
    assert!(unresolved.iter().all(|t| !t.starts_with("Hidden")), "{unresolved:?}");
    assert!(!n.note.all_tags().iter().any(|t| t.starts_with("hidden")));
}

#[test]
fn hex_colour_is_a_tag_a_year_is_not() {
    let v = edge();
    let tags: Vec<&str> = note(&v, "Links.md").note.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["ff394d"], "`#1984` is all digits, so no tag");
}

#[test]
fn frontmatter_only_on_the_very_first_line() {
    let v = edge();
    let n = note(&v, "BlankFirst.md");
    assert!(n.note.frontmatter.is_none());
    assert!(n.note.properties.title.is_none());
    assert!(n.note.properties.tags.is_empty());
    assert!(n.kept().expect("kept").detail.fields.is_empty());
    assert_eq!(n.title, "BlankFirst", "no `title` property: the file name");
}

#[test]
fn json_frontmatter() {
    let v = edge();
    let n = note(&v, "Json.md");
    assert!(n.note.errors.is_empty(), "{:?}", n.note.errors);
    assert_eq!(n.title, "Json Title");
    let tags: Vec<&str> = n.note.properties.tags.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tags, ["alpha", "beta"]);
    assert_eq!(v.notes_with_alias("j"), [v.note_by_path("Json.md").expect("json")]);
}

#[test]
fn empty_list_items_in_yaml_tags() {
    let v = edge();
    let n = note(&v, "EmptyItems.md");
    assert!(n.note.errors.is_empty(), "{:?}", n.note.errors);
    let tags: Vec<&str> = n.note.properties.tags.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tags, ["real"]);
}

#[test]
fn block_id_right_after_an_embed() {
    let v = edge();
    let n = note(&v, "Embeds.md");
    let ids: Vec<&str> = n.note.block_ids.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["id", "para"]);
    let (_, r) = link(&v, "Embeds.md", "![[img.png]]");
    assert!(matches!(r.target, Target::Attachment(_)));
    assert_eq!(path_of(&v, r).as_deref(), Some("attachments/img.png"));
    let (_, r) = link(&v, "Links.md", "[[Embeds#^id]]");
    assert!(
        matches!(&r.target, Target::Note { anchor: Anchor::Block(b), .. } if b == "id"),
        "{:?}",
        r.target
    );
    let (_, r) = link(&v, "Links.md", "[[Embeds#^para]]");
    assert!(matches!(&r.target, Target::Note { anchor: Anchor::Block(b), .. } if b == "para"));
}

#[test]
fn unusual_file_names_resolve() {
    let v = edge();
    for (written, path) in [
        ("[[日本語ノート]]", "日本語ノート.md"),
        ("[[🚀 Launch]]", "🚀 Launch.md"),
        ("[[Cost $5]]", "Cost $5.md"),
        // `.2 notes` is not an extension: `[[v1.2 notes]]` is `v1.2 notes.md`, not `v1.md`.
        ("[[v1.2 notes]]", "v1.2 notes.md"),
    ] {
        let (_, r) = link(&v, "Links.md", written);
        assert_eq!(path_of(&v, r).as_deref(), Some(path), "{written}");
        assert_eq!(r.resolution.rule, Rule::OnlyCandidate, "{written}");
    }
}

#[test]
fn square_brackets_inside_targets() {
    let v = edge();
    // A single `]` does not end the target.
    let (l, r) = link(&v, "Links.md", "[[Sq]uare]]");
    assert_eq!(l.target, "Sq]uare");
    assert_eq!(path_of(&v, r).as_deref(), Some("Sq]uare.md"));
    // `]]` does, the first one: `[[Notes [draft]]]` is the target `Notes [draft`
    // followed by a literal `]`, and that note does not exist.
    let (l, r) = link(&v, "Links.md", "[[Notes [draft]]");
    assert_eq!(l.target, "Notes [draft");
    assert_eq!(r.target, Target::Unresolved);
    let n = note(&v, "Links.md");
    assert_eq!(&n.text.as_kept().expect("kept")[l.span.end..=l.span.end], "]");
    // With a space before `]]` the whole name is the target (spaces around it are trimmed).
    let (l, r) = link(&v, "Links.md", "[[Notes [draft] ]]");
    assert_eq!(l.target, "Notes [draft]");
    assert_eq!(path_of(&v, r).as_deref(), Some("Notes [draft].md"));
}

#[test]
fn markdown_link_is_decoded_and_found_vault_wide() {
    let v = edge();
    let (l, r) = link(&v, "Links.md", "[y](My%20Note.md)");
    assert_eq!(l.target, "My%20Note.md", "kept as written");
    assert_eq!(path_of(&v, r).as_deref(), Some("Sub/My Note.md"));
}

#[test]
fn tie_break_exact_path_then_same_folder_then_shortest_path() {
    let v = edge();
    let cands = |r: &ResolvedLink| -> Vec<String> {
        r.resolution.candidates.iter().map(|&f| v.files.path(f).to_owned()).collect()
    };
    // Exact path beats the file beside the linking note.
    let (_, r) = link(&v, "a/Source.md", "[[Dup]]");
    assert_eq!(path_of(&v, r).as_deref(), Some("Dup.md"));
    assert_eq!(r.resolution.rule, Rule::ExactPath);
    assert_eq!(cands(r), ["Dup.md", "a/Dup.md"]);
    // The linking note's own folder beats a shorter path.
    let (_, r) = link(&v, "zzzz/Source.md", "[[Twin]]");
    assert_eq!(path_of(&v, r).as_deref(), Some("zzzz/Twin.md"));
    assert_eq!(r.resolution.rule, Rule::SameFolder);
    // Otherwise the shortest path string wins (11 characters against 12), even
    // with more folders; a child folder of the linking note counts for nothing.
    let (_, r) = link(&v, "a/Source.md", "[[Twin]]");
    assert_eq!(path_of(&v, r).as_deref(), Some("a/b/Twin.md"));
    assert_eq!(r.resolution.rule, Rule::ShortestPath);
    assert_eq!(cands(r), ["a/b/Twin.md", "zzzz/Twin.md"]);
}

#[test]
fn the_only_unwritten_note_is_the_cut_bracket_name() {
    let v = edge();
    let unresolved: Vec<String> = v.unresolved().into_iter().map(|(t, _)| t).collect();
    assert_eq!(unresolved, ["Notes [draft"]);
}
