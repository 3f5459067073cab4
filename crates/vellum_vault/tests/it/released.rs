//! `Texts::Release`: a vault that holds parsed notes without their texts is
//! the same vault as one that keeps them (same notes, the same parses less
//! what only checking reads, the same links), and
//! gives each text back only while its file still holds the text parsed.

use std::path::Path;

use vellum_vault::{TextErrorKind, Texts, load_with};

#[test]
fn a_released_vault_is_the_kept_vault_without_its_texts() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (mut fields, mut callouts) = (false, false);
    for root in [here.join("tests/fixtures/edge"), here.join("../../examples/journal")] {
        let kept = released_matches_kept(&root);
        let details = kept.kept().expect("kept");
        fields |= details.iter().any(|k| !k.detail.fields.is_empty());
        callouts |= details.iter().any(|k| !k.detail.callouts.is_empty());
    }
    // The vaults exercise what a released note drops.
    assert!(fields && callouts);
}

fn released_matches_kept(root: &Path) -> vellum_vault::Vault {
    let kept = load_with(root, Texts::Keep).expect("loads");
    let released = load_with(root, Texts::Release).expect("loads");
    assert_eq!(kept.notes.len(), released.notes.len());
    assert!(!kept.notes.is_empty());
    for (i, (k, r)) in kept.notes.iter().zip(&released.notes).enumerate() {
        assert_eq!(k.path, r.path);
        assert_eq!(k.title, r.title);
        let mut slim = k.note.clone();
        slim.keep_for_publishing();
        assert_eq!(format!("{slim:?}"), format!("{:?}", r.note), "{}", k.path);
        assert_eq!(kept.resolved[i].len(), released.resolved[i].len());
        for (kl, rl) in kept.resolved[i].iter().zip(&released.resolved[i]) {
            assert_eq!(kl.target, rl.target, "{}", k.path);
            assert_eq!(kl.resolution.target, rl.resolution.target);
            assert_eq!(kl.resolution.rule, rl.resolution.rule);
            assert!(rl.resolution.candidates.is_empty());
        }
        let text = k.text.as_kept().expect("kept");
        assert!(r.text.is_released() && r.text.as_kept().is_none() && r.text.is(text));
        assert_eq!(released.text(i).as_deref(), Ok(text));
        assert_eq!(kept.text(i).as_deref(), Ok(text));
        assert_eq!(released.text_hash(i), kept.text_hash(i));
    }
    assert!(released.notes.iter().all(|n| n.note.detail().is_none() && n.kept().is_err()));
    let refused = released.kept().expect_err("loaded to publish");
    assert_eq!(refused.path, released.notes[0].path);
    kept
}

#[test]
fn a_changed_or_vanished_note_is_not_given_back_and_says_why() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (name, text) in [("a.md", "# A\n\n[[b]]\n"), ("b.md", "# B\n"), ("c.md", "# C\n")] {
        std::fs::write(tmp.path().join(name), text).expect("write");
    }
    let v = load_with(tmp.path(), Texts::Release).expect("loads");
    let idx = |p: &str| v.note_by_path(p).expect("note");
    // Same length, other bytes: the hash tells them apart.
    std::fs::write(tmp.path().join("b.md"), "# X\n").expect("write");
    std::fs::remove_file(tmp.path().join("c.md")).expect("remove");
    assert_eq!(v.text(idx("a.md")).as_deref(), Ok("# A\n\n[[b]]\n"));
    let changed = v.text(idx("b.md")).expect_err("changed");
    assert_eq!((changed.path.as_str(), &changed.kind), ("b.md", &TextErrorKind::Changed));
    assert!(changed.to_string().contains("`b.md` changed on disk"), "{changed}");
    let gone = v.text(idx("c.md")).expect_err("vanished");
    assert_eq!(gone.path, "c.md");
    assert!(matches!(gone.kind, TextErrorKind::Unreadable(_)), "{gone:?}");
    assert!(gone.to_string().starts_with("`c.md` could not be read again"), "{gone}");
}
