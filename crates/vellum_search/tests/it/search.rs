//! Search over a temporary copy of `examples/journal`: ranking, stemming,
//! phrases, drafts, incremental updates and recovery from a damaged index.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use vellum_search::{QueryError, SearchError, SearchIndex, UpdateStats, index_dir, version_stamp};
use vellum_vault::Vault;

const NVIDIA: &str = "Nvidia Open Sources GPU Kernel Modules.md";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".vellum" {
            continue; // caches of earlier runs in the source tree
        }
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// A fresh copy of the example vault (the `TempDir` deletes it on drop).
fn example_vault() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("journal");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal"), &root);
    (tmp, root)
}

fn load(root: &Path) -> Vault {
    vellum_vault::load(root).unwrap()
}

fn open(root: &Path) -> (SearchIndex, UpdateStats, usize) {
    let vault = load(root);
    let (index, stats) = SearchIndex::open(&vault).unwrap();
    (index, stats, vault.notes.len())
}

fn paths(index: &SearchIndex, query: &str, drafts: bool) -> Vec<String> {
    index.search(query, 10, drafts).unwrap().into_iter().map(|h| h.path).collect()
}

#[test]
fn first_open_builds_and_persists() {
    let (_tmp, root) = example_vault();
    let (index, stats, n) = open(&root);
    assert!(n >= 18, "{n}");
    assert_eq!(stats.added, n);
    assert_eq!((stats.updated, stats.removed, stats.unchanged), (0, 0, 0));
    assert!(stats.persisted && index.persisted());
    assert_eq!(stats.rebuilt, None);
    assert_eq!(index.num_notes(), n as u64);
    assert_eq!(fs::read_to_string(root.join(".vellum/.gitignore")).unwrap(), "*\n");
    assert_eq!(fs::read_to_string(index_dir(&root).join("VERSION")).unwrap(), version_stamp());
    // The cache folder is not part of the vault.
    assert_eq!(load(&root).notes.len(), n);
}

#[test]
fn kernel_ranks_the_nvidia_note_in_the_top_three() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    let hits = index.search("kernel", 10, true).unwrap();
    let top: Vec<&str> = hits.iter().take(3).map(|h| h.path.as_str()).collect();
    assert!(top.contains(&NVIDIA), "{top:?}");
    let nvidia = hits.iter().find(|h| h.path == NVIDIA).unwrap();
    assert_eq!(nvidia.title, "Nvidia Open Sources GPU Kernel Modules");
    assert!(nvidia.draft);
    assert!(nvidia.score > 0.0);
    assert!(nvidia.snippet.to_lowercase().contains("[kernel]"), "{}", nvidia.snippet);
    assert!(nvidia.snippet_html.to_lowercase().contains("<b>kernel</b>"), "{}", nvidia.snippet_html);
    assert_eq!(nvidia.marked("[", "]"), nvidia.snippet);
    assert!(!nvidia.snippet.contains('\n') && !nvidia.snippet.contains('<'), "{}", nvidia.snippet);
    // Scores come best first.
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn stemming_finds_other_forms() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    assert!(paths(&index, "kernels", true).contains(&NVIDIA.to_owned()));
    // `kernels` in the text is found by `kernel` too.
    assert!(paths(&index, "kernel", true).contains(&"hardware/CUDA Moat.md".to_owned()));
}

#[test]
fn phrase_queries_need_the_words_in_order() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    assert_eq!(paths(&index, "\"vendor control\"", true), vec![NVIDIA.to_owned()]);
    assert!(paths(&index, "\"control vendor\"", true).is_empty());
    // `open-source` in the text matches the phrase `open source`.
    assert!(paths(&index, "\"open source\"", true).contains(&NVIDIA.to_owned()));
}

#[test]
fn boolean_operators_and_fields() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    let both = paths(&index, "kernel AND vendor", true);
    assert!(both.contains(&NVIDIA.to_owned()));
    let without = paths(&index, "kernel -nvidia", true);
    assert!(!without.contains(&NVIDIA.to_owned()), "{without:?}");
    assert!(!without.is_empty());
    let titled = paths(&index, "title:kernel", true);
    assert!(titled.contains(&NVIDIA.to_owned()) && titled.len() < paths(&index, "kernel", true).len());
}

#[test]
fn drafts_are_left_out_on_request() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    let hits = index.search("kernel", 50, false).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| !h.draft && h.path != NVIDIA));
    assert!(index.search("\"vendor control\"", 10, false).unwrap().is_empty());
}

#[test]
fn limit_is_respected() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    assert_eq!(index.search("kernel", 2, true).unwrap().len(), 2);
    assert!(index.search("kernel", 0, true).unwrap().is_empty());
}

#[test]
fn bad_queries_are_query_errors() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    let unknown =
        QueryError::UnknownField { field: "nosuchfield".into(), query: "nosuchfield:kernel".into() };
    let cases = [
        ("nosuchfield:kernel", unknown),
        ("", QueryError::Empty),
        ("   ", QueryError::Empty),
        ("-kernel", QueryError::OnlyExclusions),
        ("(kernel", QueryError::Syntax { query: "(kernel".into() }),
    ];
    for (q, expected) in cases {
        match index.search(q, 10, true) {
            Err(SearchError::Query(e)) => {
                assert!(!e.to_string().is_empty());
                assert_eq!(e, expected, "{q:?}");
            }
            other => panic!("{q:?}: {other:?}"),
        }
    }
    let Err(SearchError::Query(e)) = index.search("https://example.com", 10, true) else { panic!() };
    assert!(matches!(&e, QueryError::UnknownField { field, .. } if field == "https"), "{e:?}");
    assert!(e.to_string().contains("quote"), "{e}");
    // Quoted, the same text is a phrase.
    assert!(index.search("\"https://developer.nvidia.com\"", 10, true).is_ok());
}

#[test]
fn reopening_reindexes_nothing() {
    let (_tmp, root) = example_vault();
    let (_, _, n) = open(&root);
    let (index, stats, _) = open(&root);
    assert_eq!(stats.unchanged, n);
    assert_eq!(stats.changed(), 0);
    assert!(stats.persisted);
    assert_eq!(stats.rebuilt, None);
    assert!(paths(&index, "kernel", true).contains(&NVIDIA.to_owned()));
}

#[test]
fn editing_one_note_reindexes_only_that_note() {
    let (_tmp, root) = example_vault();
    let (_, _, n) = open(&root);
    let file = root.join("hardware/CUDA Moat.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}\nA new paragraph about zanzibar.\n")).unwrap();
    let (index, stats, _) = open(&root);
    assert_eq!((stats.updated, stats.unchanged, stats.added, stats.removed), (1, n - 1, 0, 0));
    assert_eq!(paths(&index, "zanzibar", true), vec!["hardware/CUDA Moat.md".to_owned()]);
    // The old version is gone: one document per note.
    assert_eq!(index.num_notes(), n as u64);
    // And the next open is clean again.
    let (_, stats, _) = open(&root);
    assert_eq!(stats.unchanged, n);
}

#[test]
fn deleting_and_adding_notes() {
    let (_tmp, root) = example_vault();
    let (_, _, n) = open(&root);
    fs::remove_file(root.join(NVIDIA)).unwrap();
    fs::write(root.join("software/New Note.md"), "# New Note\n\nQuokkas are happy.\n").unwrap();
    let (index, stats, _) = open(&root);
    assert_eq!((stats.removed, stats.added, stats.updated, stats.unchanged), (1, 1, 0, n - 1));
    assert!(!paths(&index, "kernel", true).contains(&NVIDIA.to_owned()));
    assert!(paths(&index, "\"vendor control\"", true).is_empty());
    assert_eq!(paths(&index, "quokka", true), vec!["software/New Note.md".to_owned()]);
    assert_eq!(index.num_notes(), n as u64);
}

#[test]
fn truncated_index_files_are_rebuilt() {
    let (_tmp, root) = example_vault();
    let (index, _, n) = open(&root);
    drop(index);
    for entry in fs::read_dir(index_dir(&root)).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.file_name().is_some_and(|f| f != "VERSION") {
            fs::write(&path, b"").unwrap();
        }
    }
    let (index, stats, _) = open(&root);
    assert!(stats.rebuilt.is_some(), "{stats:?}");
    assert!(stats.persisted);
    assert_eq!(stats.added, n);
    assert!(paths(&index, "kernel", true).contains(&NVIDIA.to_owned()));
    let (_, stats, _) = open(&root);
    assert_eq!(stats.unchanged, n, "the rebuilt index is reused");
}

#[test]
fn garbage_in_segment_files_is_rebuilt() {
    let (_tmp, root) = example_vault();
    let (index, _, n) = open(&root);
    drop(index);
    let mut damaged = 0;
    for entry in fs::read_dir(index_dir(&root)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && !name.starts_with('.') && name != "VERSION" && name != "meta.json" {
            let len = fs::metadata(&path).unwrap().len() as usize;
            fs::write(&path, vec![0xA5u8; len]).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0);
    let (index, stats, _) = open(&root);
    assert!(stats.rebuilt.is_some(), "{stats:?}");
    assert_eq!(stats.added, n);
    assert!(paths(&index, "kernel", true).contains(&NVIDIA.to_owned()));
}

#[test]
fn garbage_meta_json_is_rebuilt() {
    let (_tmp, root) = example_vault();
    let (index, _, n) = open(&root);
    drop(index);
    fs::write(index_dir(&root).join("meta.json"), "{ not json").unwrap();
    let (index, stats, _) = open(&root);
    assert!(stats.rebuilt.is_some(), "{stats:?}");
    assert_eq!(stats.added, n);
    assert!(paths(&index, "kernel", true).contains(&NVIDIA.to_owned()));
}

#[test]
fn version_mismatch_rebuilds() {
    let (_tmp, root) = example_vault();
    let (index, _, n) = open(&root);
    drop(index);
    fs::write(index_dir(&root).join("VERSION"), "vellum-search 0 vellum 0.0.0\n").unwrap();
    let (index, stats, _) = open(&root);
    assert!(stats.rebuilt.as_deref().is_some_and(|r| r.contains("format")), "{stats:?}");
    assert_eq!(stats.added, n);
    assert_eq!(fs::read_to_string(index_dir(&root).join("VERSION")).unwrap(), version_stamp());
    assert!(paths(&index, "kernel", true).contains(&NVIDIA.to_owned()));
}

#[test]
fn an_interrupted_build_is_redone() {
    let (_tmp, root) = example_vault();
    let (index, _, n) = open(&root);
    drop(index);
    fs::remove_file(index_dir(&root).join("VERSION")).unwrap();
    let (_, stats, _) = open(&root);
    assert!(stats.rebuilt.is_some(), "{stats:?}");
    assert_eq!(stats.added, n);
}

#[test]
fn an_unwritable_cache_falls_back_to_memory() {
    let (_tmp, root) = example_vault();
    // `.vellum` is a file, so the folder cannot be created (like a read-only vault).
    fs::write(root.join(".vellum"), "in the way").unwrap();
    let (index, stats, n) = open(&root);
    assert!(!stats.persisted && !index.persisted());
    assert!(stats.rebuilt.is_some());
    assert_eq!(stats.added, n);
    assert!(paths(&index, "kernel", true).contains(&NVIDIA.to_owned()));
}

#[test]
fn an_open_index_does_not_block_updates() {
    let (_tmp, root) = example_vault();
    let (first, _, _) = open(&root);
    // The first index is still open (a reader, no writer): updating must work.
    let file = root.join("hardware/CUDA Moat.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}\nWombats.\n")).unwrap();
    let (second, stats, _) = open(&root);
    assert_eq!(stats.updated, 1);
    assert_eq!(paths(&second, "wombat", true), vec!["hardware/CUDA Moat.md".to_owned()]);
    drop(first);
}

#[test]
fn a_busy_index_is_not_deleted() {
    let (_tmp, root) = example_vault();
    let (index, _, n) = open(&root);
    drop(index);
    // Another process holding tantivy's writer lock.
    let other = tantivy::Index::open_in_dir(index_dir(&root)).unwrap();
    let writer: tantivy::IndexWriter = other.writer_with_num_threads(1, 15_000_000).unwrap();
    let file = root.join("hardware/CUDA Moat.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}\nPlatypus.\n")).unwrap();
    let (index, stats, _) = open(&root);
    assert!(!stats.persisted, "{stats:?}");
    assert!(stats.rebuilt.as_deref().is_some_and(|r| r.contains("another vellum")), "{stats:?}");
    assert_eq!(paths(&index, "platypus", true), vec!["hardware/CUDA Moat.md".to_owned()]);
    assert!(index_dir(&root).join("VERSION").exists(), "the index on disk was kept");
    drop(writer);
    let (_, stats, _) = open(&root);
    assert!(stats.persisted);
    assert_eq!((stats.updated, stats.unchanged), (1, n - 1));
}

#[test]
fn claims_sources_and_tags_are_searchable() {
    let (_tmp, root) = example_vault();
    let (index, _, _) = open(&root);
    // The core claim of the Nvidia note.
    assert!(paths(&index, "claims:\"trust balance\"", true).contains(&NVIDIA.to_owned()));
    // Its source URL and title.
    assert!(paths(&index, "sources:\"developer.nvidia.com\"", true).contains(&NVIDIA.to_owned()));
    // Its tags and keywords.
    assert!(paths(&index, "tags:opensource", true).contains(&NVIDIA.to_owned()));
    assert!(paths(&index, "tags:openness", true).contains(&NVIDIA.to_owned()));
    // Markup is not indexed as words.
    assert!(paths(&index, "body:span", true).is_empty());
}
