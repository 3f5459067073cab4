//! One fixture vault per rule, each checked end to end: `vellum_vault::load`
//! from disk, `vellum_check::check`, then every diagnostic rendered compactly as
//! `path:line:col: severity[CODE] message` (plus its `help:`) and snapshotted.
//!
//! The vaults live in `tests/fixtures/<case>/`. Every case except `seed/` also
//! holds `ok.md`, a valid note linking to the unwritten `[[Canary]]`: its `V403`
//! proves that the rest of the vault was still loaded *and* checked next to the
//! bad input. Cases that need files git should not hold (invalid UTF-8, NUL
//! bytes, a 50 MB note, symlinks) copy `fixtures/load/` into a temporary folder
//! and create the bad file there at test time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use vellum_check::{Code, Diagnostic, Severity};
use vellum_syntax::LineIndex;
use vellum_vault::Vault;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A checked vault: the model, the diagnostics and their compact rendering.
struct Checked {
    vault: Vault,
    diagnostics: Vec<Diagnostic>,
    rendered: String,
}

impl Checked {
    /// The codes reported for `path`, in order.
    fn codes_in(&self, path: &str) -> Vec<&'static str> {
        self.diagnostics.iter().filter(|d| d.file == path).map(|d| d.code.as_str()).collect()
    }

    /// Diagnostics with `code`.
    fn with_code(&self, code: Code) -> Vec<&Diagnostic> {
        self.diagnostics.iter().filter(|d| d.code == code).collect()
    }

    /// 1-based (line, column) of a diagnostic's start.
    fn line_col(&self, d: &Diagnostic) -> Option<(usize, usize)> {
        let span = d.span?;
        if let Some(i) = self.vault.note_by_path(&d.file) {
            let k = self.vault.notes[i].kept().expect("kept");
            let lc = k.detail.lines.line_col(k.text, span.start);
            return Some((lc.line, lc.col));
        }
        let text = self.vault.problems.iter().find(|p| p.path == d.file)?.text.as_deref()?;
        let lc = LineIndex::new(text).line_col(text, span.start);
        Some((lc.line, lc.col))
    }

    /// `ok.md` was loaded, parsed and checked: its link to the unwritten
    /// `[[Canary]]` is reported, and nothing else is.
    fn assert_ok_note_checked(&self) {
        assert!(self.vault.note_by_path("ok.md").is_some(), "ok.md not loaded:\n{}", self.rendered);
        assert_eq!(self.codes_in("ok.md"), ["V403"], "ok.md not checked:\n{}", self.rendered);
        assert!(self.rendered.contains("ok.md:3:28: note[V403] `[[Canary]]`"), "{}", self.rendered);
    }
}

fn check_dir(root: &Path) -> Checked {
    let vault = vellum_vault::load(root).expect("fixture vault loads");
    let diagnostics = vellum_check::check(&vault).expect("a vault loaded to check");
    let mut checked = Checked { vault, diagnostics, rendered: String::new() };
    let mut out = String::new();
    for d in &checked.diagnostics {
        match checked.line_col(d) {
            Some((line, col)) => write!(out, "{}:{line}:{col}: ", d.file),
            None => write!(out, "{}: ", d.file),
        }
        .expect("write to string");
        writeln!(out, "{}[{}] {}", d.severity.as_str(), d.code.as_str(), d.message).expect("write");
        if let Some(help) = &d.help {
            writeln!(out, "    help: {help}").expect("write");
        }
    }
    checked.rendered = out;
    checked
}

fn check_case(name: &str) -> Checked {
    check_dir(&fixtures().join(name))
}

/// Load `tests/fixtures/<name>`, check it and render every diagnostic as
/// `path:line:col: severity[CODE] message`.
fn check_fixture(name: &str) -> String {
    check_case(name).rendered
}

/// Copy a fixture vault into a fresh temporary folder, to add generated files.
fn temp_copy(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read fixture dir") {
            let entry = entry.expect("entry");
            let dest = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &dest);
            } else {
                std::fs::copy(entry.path(), dest).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    copy(&fixtures().join(name), dir.path());
    dir
}

/// Committed fixtures and the code each one is about.
const CASES: &[(&str, Code)] = &[
    ("bad_config", Code::BadConfig),
    ("malformed_yaml", Code::MalformedYaml),
    ("missing_field", Code::MissingField),
    ("wrong_type", Code::WrongType),
    ("invalid_date", Code::InvalidDate),
    ("updated_before_created", Code::UpdatedBeforeCreated),
    ("malformed_note_id", Code::MalformedNoteId),
    ("note_id_date_mismatch", Code::NoteIdDateMismatch),
    ("duplicate_note_id", Code::DuplicateNoteId),
    ("unquoted_property_link", Code::UnquotedPropertyLink),
    ("property_types", Code::PropertyTypeMismatch),
    ("obsidian_setting", Code::InvalidObsidianSetting),
    ("keywords_mismatch", Code::KeywordsMismatch),
    ("linkage_tags_mismatch", Code::TagsMismatch),
    ("title_mismatch", Code::TitleMismatch),
    ("malformed_component", Code::MalformedComponent),
    ("source_without_url", Code::SourceWithoutUrl),
    ("empty_heading", Code::EmptyHeading),
    ("unknown_callout", Code::UnknownCallout),
    ("plugin_only", Code::PluginOnly),
    ("drawing_without_export", Code::DrawingWithoutExport),
    ("missing_heading_or_block", Code::BrokenFragment),
    ("ambiguous_link", Code::AmbiguousLink),
    ("unresolved_link", Code::UnresolvedLink),
    ("link_to_draft", Code::LinkToDraft),
    ("link_escapes_vault", Code::LinkEscapesVault),
    ("embed_loop", Code::EmbedLoop),
    ("invalid_permalink", Code::InvalidPermalink),
    ("duplicate_url", Code::DuplicateUrl),
    ("invalid_redirect", Code::InvalidRedirect),
    ("malformed_canvas", Code::MalformedCanvas),
    ("canvas_file_missing", Code::MissingCanvasFile),
    ("invalid_base", Code::InvalidBase),
    ("unknown_base_name", Code::UnknownBaseName),
    ("base_type_error", Code::BaseTypeError),
    ("circular_formula", Code::CircularFormula),
    ("base_setting_ignored", Code::BaseWarning),
];

/// A diagnostic reduced to what the seed test compares: file, severity, code, line and column.
type Found<'a> = (&'a str, Severity, &'a str, Option<(usize, usize)>);

/// Codes covered by the cases generated at test time (see the load tests below).
const GENERATED: &[Code] = &[
    Code::Unreadable,
    Code::InvalidUtf8,
    Code::Binary,
    Code::TooLarge,
    Code::WalkError,
    Code::SymlinkOutsideVault,
    Code::InvalidFileName,
];

#[test]
fn every_code_has_a_fixture() {
    for code in Code::ALL {
        let committed = CASES.iter().filter(|(_, c)| c == code).count();
        let generated = GENERATED.iter().filter(|c| *c == code).count();
        assert_eq!(committed + generated, 1, "{} needs exactly one fixture", code.as_str());
    }
    for (name, code) in CASES {
        let c = check_case(name);
        assert!(!c.with_code(*code).is_empty(), "{name} does not report {}:\n{}", code.as_str(), c.rendered);
        // Every diagnostic carries the code's default severity.
        for d in &c.diagnostics {
            assert_eq!(d.severity, d.code.severity(), "{name}: {d:?}");
        }
        c.assert_ok_note_checked();
    }
}

// --- the seed note ----------------------------------------------------------

#[test]
fn seed_note_has_only_the_empty_heading_and_its_unwritten_links() {
    let c = check_case("seed");
    let path = "Nvidia Open Sources GPU Kernel Modules.md";
    assert_eq!(c.vault.notes.len(), 1);
    assert!(c.vault.problems.is_empty());
    let got: Vec<Found<'_>> =
        c.diagnostics.iter().map(|d| (d.file.as_str(), d.severity, d.code.as_str(), c.line_col(d))).collect();
    assert_eq!(
        got,
        [
            (path, Severity::Note, "V403", Some((78, 13))),
            (path, Severity::Note, "V403", Some((79, 13))),
            (path, Severity::Note, "V403", Some((80, 13))),
            (path, Severity::Warning, "V301", Some((86, 1))),
        ],
        "{}",
        c.rendered
    );
    // In particular the kind tag `tech-journal` and the year tag `2022` are not
    // expected in the linkage tree, and the H1 is the title.
    assert!(c.with_code(Code::TagsMismatch).is_empty());
    assert!(c.with_code(Code::TitleMismatch).is_empty());
    insta::assert_snapshot!(c.rendered);
}

// --- V0xx: files that cannot be loaded --------------------------------------

#[test]
fn v006_bad_config() {
    let c = check_case("bad_config");
    let d = c.with_code(Code::BadConfig);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].file, "vellum.toml");
    assert!(d[0].message.contains("bogus"), "{}", d[0].message);
    assert!(!d[0].message.contains('\n'), "one line; the place is the span: {}", d[0].message);
    assert_eq!(c.line_col(d[0]), Some((3, 1)), "points at `bogus`");
    // The defaults are used: aliases are not resolved.
    assert!(!c.vault.config.links.resolve_aliases);
    c.assert_ok_note_checked();
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v002_invalid_utf8() {
    let dir = temp_copy("load");
    std::fs::write(dir.path().join("latin1.md"), b"# Caf\xe9\n\nline two\n").expect("write");
    let c = check_dir(dir.path());
    let d = c.with_code(Code::InvalidUtf8);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].file, "latin1.md");
    assert_eq!(c.line_col(d[0]), Some((1, 6)), "points at the bad byte");
    assert!(c.vault.note_by_path("latin1.md").is_none());
    c.assert_ok_note_checked();
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v003_binary() {
    let dir = temp_copy("load");
    std::fs::write(dir.path().join("blob.md"), b"PK\x03\x04\n\x00\x00\x01binary").expect("write");
    let c = check_dir(dir.path());
    let d = c.with_code(Code::Binary);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].file, "blob.md");
    assert_eq!(c.line_col(d[0]), Some((2, 1)), "points at the first NUL");
    c.assert_ok_note_checked();
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v004_too_large() {
    let dir = temp_copy("load");
    // A sparse 50 MB file: the size is checked before anything is read.
    let f = std::fs::File::create(dir.path().join("huge.md")).expect("create");
    f.set_len(50 * 1024 * 1024).expect("set_len");
    drop(f);
    // And one just over the limit, written for real.
    let mut big = "word ".repeat(usize::try_from(vellum_vault::load::MAX_NOTE_BYTES).expect("fits") / 5);
    big.push_str("over");
    std::fs::write(dir.path().join("just-over.md"), big).expect("write");
    let c = check_dir(dir.path());
    let files: Vec<&str> = c.with_code(Code::TooLarge).iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["huge.md", "just-over.md"], "{}", c.rendered);
    c.assert_ok_note_checked();
    insta::assert_snapshot!(c.rendered);
}

#[cfg(unix)]
#[test]
fn v005_symlink_loop_and_dangling_symlink() {
    let dir = temp_copy("load");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("sub/inner.md"), "# Inner\n").expect("write");
    std::os::unix::fs::symlink(".", dir.path().join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink("nowhere", dir.path().join("gone.md")).expect("symlink");
    let c = check_dir(dir.path());
    let walk: Vec<&Diagnostic> = c.with_code(Code::WalkError);
    let files: Vec<&str> = walk.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["gone.md", "sub/loop"], "{}", c.rendered);
    assert!(walk[1].message.contains("loop"), "{}", walk[1].message);
    // The walk went on: the folder holding the loop was read once.
    assert!(c.vault.note_by_path("sub/inner.md").is_some());
    assert!(c.vault.notes.iter().all(|n| !n.path.starts_with("sub/loop")));
    c.assert_ok_note_checked();
    insta::assert_snapshot!(c.rendered);
}

#[cfg(unix)]
#[test]
fn v001_unreadable() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_copy("load");
    let locked = dir.path().join("locked.md");
    std::fs::write(&locked, "# Locked\n").expect("write");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&locked).is_ok() {
        // Running as root (as in CI): permissions do not stop us, and a file
        // whose read fails for everyone (`/proc/self/mem`) is outside the
        // vault, so a symlink to it is refused as V007 before it is read.
        eprintln!("skipped: running as root, no file inside the vault is unreadable");
        return;
    }
    let c = check_dir(dir.path());
    let d = c.with_code(Code::Unreadable);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].file, "locked.md");
    assert!(d[0].message.starts_with("cannot read file: "), "{}", d[0].message);
    c.assert_ok_note_checked();
    // The OS message differs between the two ways of making the file unreadable.
    let rendered = c.rendered.replace(&d[0].message, "cannot read file: [os error]");
    insta::assert_snapshot!(rendered);
}

#[cfg(unix)]
#[test]
fn v007_symlink_outside_the_vault_is_not_followed() {
    let dir = temp_copy("load");
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.md"), "# Secret\n\nroot:x:0:0\n").expect("write");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("elsewhere")).expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.path().join("secret.md"))
        .expect("symlink");
    // A symlink that stays inside the vault is still followed.
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    std::fs::write(dir.path().join("real/inner.md"), "# Inner\n").expect("write");
    std::os::unix::fs::symlink("real", dir.path().join("alias")).expect("symlink");
    let c = check_dir(dir.path());
    let files: Vec<&str> = c.with_code(Code::SymlinkOutsideVault).iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["elsewhere", "secret.md"], "{}", c.rendered);
    assert!(
        c.vault.notes.iter().all(|n| !n.text.as_kept().is_some_and(|t| t.contains("root:x"))),
        "{}",
        c.rendered
    );
    assert!(c.vault.note_by_path("alias/inner.md").is_some());
    assert!(c.vault.note_by_path("real/inner.md").is_some());
    c.assert_ok_note_checked();
    let rendered = c.rendered.replace(&outside.path().display().to_string(), "[outside]");
    insta::assert_snapshot!(rendered);
}

#[cfg(unix)]
#[test]
fn v008_invalid_file_names() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = temp_copy("load");
    std::fs::write(dir.path().join("new\nline.md"), "# Newline\n").expect("write");
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(dir.path().join(latin1), "# Cafe\n").expect("write");
    std::fs::create_dir(dir.path().join(std::ffi::OsStr::from_bytes(b"dir\xff"))).expect("mkdir");
    std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(b"dir\xff/inner.md")), "# In\n")
        .expect("write");
    let c = check_dir(dir.path());
    let d = c.with_code(Code::InvalidFileName);
    let files: Vec<&str> = d.iter().map(|d| d.file.as_str()).collect();
    // Control characters are escaped in the path, so printing it is safe.
    assert_eq!(files, ["caf\u{fffd}.md", "dir\u{fffd}", r"new\nline.md"], "{}", c.rendered);
    assert!(d[0].message.contains(r"caf\xE9.md"), "the exact bytes: {}", d[0].message);
    assert!(d[2].message.contains(r"new\nline.md"), "escaped: {}", d[2].message);
    // Nothing under a refused name is loaded.
    assert_eq!(c.vault.notes.len(), 1, "{}", c.rendered);
    c.assert_ok_note_checked();
    insta::assert_snapshot!(c.rendered);
}

// --- V1xx: frontmatter ------------------------------------------------------

#[test]
fn v101_malformed_yaml_points_into_the_file() {
    let c = check_case("malformed_yaml");
    let d = c.with_code(Code::MalformedYaml);
    let places: Vec<(&str, Option<(usize, usize)>)> =
        d.iter().map(|d| (d.file.as_str(), c.line_col(d))).collect();
    // Lines count from the top of the file, where `---` is line 1: an error on
    // the first line of YAML is on line 2, never on line 1 (the YAML's own numbering).
    assert_eq!(places, [("broken.md", Some((4, 8))), ("first-line.md", Some((2, 9)))], "{}", c.rendered);
    for d in &d {
        let (line, _) = c.line_col(d).expect("has a place");
        assert!(line >= 2, "{}: line {line} is not inside the frontmatter", d.file);
    }
    // The properties are ignored, so the journal rules do not pile on.
    assert_eq!(c.codes_in("broken.md"), ["V101"], "{}", c.rendered);
    assert_eq!(c.codes_in("first-line.md"), ["V101"], "{}", c.rendered);
    c.assert_ok_note_checked();
    insta::assert_snapshot!(check_fixture("malformed_yaml"));
}

#[test]
fn v102_missing_field() {
    let c = check_case("missing_field");
    let d = c.with_code(Code::MissingField);
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["journal note has no `created`", "journal note has no `note_id`"]);
    assert!(d.iter().all(|d| d.file == "journal.md" && c.line_col(d) == Some((1, 1))));
    assert!(c.codes_in("plain.md").is_empty(), "not a journal note");
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v103_wrong_type() {
    let c = check_case("wrong_type");
    let fields: Vec<&str> =
        c.with_code(Code::WrongType).iter().map(|d| d.message.split('`').nth(1).unwrap_or("")).collect();
    assert_eq!(fields, ["title", "draft", "created"], "{}", c.rendered);
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v104_invalid_date() {
    let c = check_case("invalid_date");
    let d = c.with_code(Code::InvalidDate);
    assert_eq!(d.len(), 2, "{}", c.rendered);
    assert_eq!(c.line_col(d[0]), Some((3, 10)));
    assert_eq!(c.line_col(d[1]), Some((4, 10)));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v105_updated_before_created() {
    let c = check_case("updated_before_created");
    let d = c.with_code(Code::UpdatedBeforeCreated);
    assert_eq!(d.len(), 1);
    assert_eq!(c.line_col(d[0]), Some((4, 10)));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v106_malformed_note_id() {
    let c = check_case("malformed_note_id");
    assert_eq!(c.codes_in("id.md"), ["V106"], "{}", c.rendered);
    assert_eq!(c.line_col(c.with_code(Code::MalformedNoteId)[0]), Some((4, 10)));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v107_note_id_date_mismatch() {
    let c = check_case("note_id_date_mismatch");
    assert_eq!(c.codes_in("id.md"), ["V107"], "{}", c.rendered);
    let help = c.with_code(Code::NoteIdDateMismatch)[0].help.as_deref().unwrap_or("");
    assert!(help.contains("`220511`"), "{help}");
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v108_duplicate_note_id() {
    let c = check_case("duplicate_note_id");
    let d = c.with_code(Code::DuplicateNoteId);
    assert_eq!(d.len(), 1, "reported once, on the second note:\n{}", c.rendered);
    assert_eq!(d[0].file, "second.md");
    assert!(d[0].message.contains("`first.md`"));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v109_unquoted_property_link() {
    let c = check_case("unquoted_property_link");
    let d = c.with_code(Code::UnquotedPropertyLink);
    assert_eq!(d.len(), 2, "{}", c.rendered);
    assert_eq!(c.line_col(d[0]), Some((3, 5)));
    assert_eq!(c.line_col(d[1]), Some((5, 5)));
    // Still links: `ok.md` is no orphan, nothing is unresolved.
    assert!(c.with_code(Code::UnresolvedLink).iter().all(|d| d.file == "ok.md"), "{}", c.rendered);
    insta::assert_snapshot!(c.rendered);
}

/// Links in properties go through the same rules as the body's, and their
/// diagnostics point into the YAML.
#[test]
fn links_in_properties_are_checked_like_body_links() {
    let c = check_case("property_links");
    let found: Vec<(&str, Option<(usize, usize)>)> = c
        .diagnostics
        .iter()
        .filter(|d| d.file == "props.md")
        .map(|d| (d.code.as_str(), c.line_col(d)))
        .collect();
    assert_eq!(
        found,
        [
            ("V401", Some((3, 6))),
            ("V403", Some((4, 10))),
            ("V404", Some((5, 13))),
            ("V405", Some((5, 26))),
            ("V402", Some((6, 8))),
        ],
        "{}",
        c.rendered
    );
    insta::assert_snapshot!(c.rendered);
}

// --- V2xx: journal components -----------------------------------------------

#[test]
fn v201_keywords_mismatch() {
    let c = check_case("keywords_mismatch");
    let d = c.with_code(Code::KeywordsMismatch);
    assert_eq!(d.len(), 1);
    // Case does not matter (`Kernel` = `kernel`); `gpu` and `tooling` do.
    assert!(d[0].message.contains("missing from the row: `gpu`"), "{}", d[0].message);
    assert!(d[0].message.contains("not in `keywords`: `tooling`"), "{}", d[0].message);
    assert_eq!(c.line_col(d[0]), Some((11, 1)));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v202_linkage_tags_mismatch() {
    let c = check_case("linkage_tags_mismatch");
    let d = c.with_code(Code::TagsMismatch);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].file, "tree.md");
    // `tech-journal` (kind) and `2022` (year) are not expected in the tree.
    assert!(!d[0].message.contains("tech-journal") && !d[0].message.contains("2022"), "{}", d[0].message);
    assert!(d[0].message.contains("missing from the tree: `linux`"), "{}", d[0].message);
    assert!(d[0].message.contains("not in `tags`: `opensource`"), "{}", d[0].message);
    assert!(c.codes_in("agrees.md").is_empty(), "{}", c.rendered);
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v203_title_mismatch() {
    let c = check_case("title_mismatch");
    let d = c.with_code(Code::TitleMismatch);
    assert_eq!(d.len(), 1);
    assert_eq!(c.line_col(d[0]), Some((5, 1)));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v204_malformed_component() {
    let c = check_case("malformed_component");
    let unclosed: Vec<&Diagnostic> =
        c.with_code(Code::MalformedComponent).into_iter().filter(|d| d.file == "unclosed.md").collect();
    assert_eq!(unclosed.len(), 1, "{}", c.rendered);
    assert!(unclosed[0].message.contains("never closed"));
    assert_eq!(c.line_col(unclosed[0]), Some((7, 1)));
    // The keywords inside the unclosed row are still read.
    assert_eq!(c.codes_in("unclosed.md"), ["V204"], "{}", c.rendered);
    let brain: Vec<&Diagnostic> =
        c.with_code(Code::MalformedComponent).into_iter().filter(|d| d.file == "brain.md").collect();
    assert_eq!(brain.len(), 1, "only the item without a label:\n{}", c.rendered);
    assert_eq!(c.line_col(brain[0]), Some((5, 3)));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v205_source_without_url() {
    let c = check_case("source_without_url");
    let d = c.with_code(Code::SourceWithoutUrl);
    let places: Vec<Option<(usize, usize)>> = d.iter().map(|d| c.line_col(d)).collect();
    // The missing URL points at the callout, the bad one at the URL.
    assert_eq!(places, [Some((3, 1)), Some((7, 3))], "{}", c.rendered);
    insta::assert_snapshot!(c.rendered);
}

// --- V3xx: Markdown ---------------------------------------------------------

#[test]
fn v301_empty_heading() {
    let c = check_case("empty_heading");
    let d = c.with_code(Code::EmptyHeading);
    assert_eq!(d.len(), 1);
    assert_eq!(c.line_col(d[0]), Some((5, 1)));
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v302_unknown_callout() {
    let c = check_case("unknown_callout");
    let d = c.with_code(Code::UnknownCallout);
    // `[!FAQ]-`, `[!tip]` and `[!ref]` are fine.
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert!(d[0].message.contains("`bogus`"));
    assert_eq!(c.line_col(d[0]), Some((3, 5)));
    assert_eq!(c.codes_in("callouts.md"), ["V302"]);
    insta::assert_snapshot!(c.rendered);
}

// --- V4xx: links --------------------------------------------------------------

#[test]
fn v401_missing_heading_or_block() {
    let c = check_case("missing_heading_or_block");
    let d = c.with_code(Code::BrokenFragment);
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`[[target#Nope]]`: `target.md` has no heading `Nope`",
            "`[[target#^nope]]`: `target.md` has no block `^nope`",
        ],
        "{}",
        c.rendered
    );
    assert_eq!(c.line_col(d[0]), Some((5, 6)));
    assert!(c.codes_in("target.md").is_empty());
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v402_ambiguous_link() {
    let c = check_case("ambiguous_link");
    let d = c.with_code(Code::AmbiguousLink);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].file, "c/src.md");
    assert!(d[0].message.contains("`a/Same.md`, `bb/Same.md`"), "{}", d[0].message);
    let help = d[0].help.as_deref().unwrap_or("");
    assert!(help.starts_with("Obsidian picks `a/Same.md`"), "{help}");
    assert!(help.contains("shortest path"), "{help}");
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v403_unresolved_link_with_alias_suggestion() {
    let c = check_case("unresolved_link");
    let d: Vec<&Diagnostic> =
        c.with_code(Code::UnresolvedLink).into_iter().filter(|d| d.file == "src.md").collect();
    assert_eq!(d.len(), 2, "{}", c.rendered);
    assert_eq!(d[0].severity, Severity::Note);
    let help = d[0].help.as_deref().unwrap_or("");
    assert!(help.contains("alias of `Real Note.md`"), "{help}");
    assert!(help.contains("write `[[Real Note|AL]]`"), "{help}");
    let help = d[1].help.as_deref().unwrap_or("");
    assert!(help.contains("unwritten note"), "{help}");
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v404_link_to_draft() {
    let c = check_case("link_to_draft");
    let d = c.with_code(Code::LinkToDraft);
    assert_eq!(d.len(), 1, "a draft linking to a published note is fine:\n{}", c.rendered);
    assert_eq!(d[0].file, "published.md");
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v405_link_escapes_vault() {
    let c = check_case("link_escapes_vault");
    let d = c.with_code(Code::LinkEscapesVault);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert!(d[0].message.contains("../../outside.md"));
    assert_eq!(c.line_col(d[0]), Some((3, 6)));
    assert_eq!(c.codes_in("notes/src.md"), ["V405"], "`../ok.md` resolves");
    insta::assert_snapshot!(c.rendered);
}

/// A vault loaded to publish holds neither texts nor what the rules read of
/// each parse: checking it is refused, naming a note, instead of reporting
/// wrong diagnostics (no unknown callouts, no missing fields).
#[test]
fn a_vault_loaded_to_publish_is_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/journal");
    let kept = vellum_vault::load_with(&root, vellum_vault::Texts::Keep).expect("loads");
    assert!(vellum_check::check(&kept).is_ok());
    let released = vellum_vault::load_with(&root, vellum_vault::Texts::Release).expect("loads");
    let err = vellum_check::check(&released).expect_err("loaded to publish");
    assert_eq!(err.path, released.notes[0].path);
    assert!(err.to_string().contains("was loaded to publish"), "{err}");
}

/// The rows `| code | name | severity | … |` of the table in a Markdown text.
fn catalogue_rows(markdown: &str) -> Vec<(String, String, String)> {
    markdown
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').map(str::trim).collect();
            let [code, name, severity, ..] = cells.as_slice() else { return None };
            let digits = code.strip_prefix('V')?;
            (digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| ((*code).to_owned(), (*name).to_owned(), (*severity).to_owned()))
        })
        .collect()
}

/// `docs/diagnostics.md` lists every code of the catalogue with its name and
/// default severity, once, in catalogue order, and no code the catalogue lacks.
#[test]
fn diagnostics_doc_matches_the_catalogue() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_else(|e| panic!("{}: {e}", doc_path.display()));
    let documented = catalogue_rows(&doc);
    let catalogue: Vec<(String, String, String)> = Code::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.name().to_owned(), c.severity().as_str().to_owned()))
        .collect();
    for row in &catalogue {
        assert!(
            documented.contains(row),
            "docs/diagnostics.md has no row `| {} | {} | {} |`",
            row.0,
            row.1,
            row.2
        );
    }
    for row in &documented {
        assert!(
            catalogue.contains(row),
            "docs/diagnostics.md lists `{} {} {}`, which the catalogue lacks",
            row.0,
            row.1,
            row.2
        );
    }
    assert_eq!(documented, catalogue, "docs/diagnostics.md: one row per code, in catalogue order");
}

#[test]
fn catalogue_rows_reads_code_name_and_severity() {
    let rows = catalogue_rows(
        "| code | name | severity | what |\n|---|---|---|---|\n| V105 | updated-before-created | warning | `a\\|b` |\n| V1 | x | y |\ntext\n",
    );
    assert_eq!(rows, [("V105".to_owned(), "updated-before-created".to_owned(), "warning".to_owned())]);
}

#[test]
fn v303_plugin_only_content() {
    let c = check_case("plugin_only");
    let d = c.with_code(Code::PluginOnly);
    // dataview, dataviewjs, tasks and query blocks; not a plain code block,
    // an indented one, or a `dataview` word in prose.
    assert_eq!(d.len(), 4, "{}", c.rendered);
    assert!(d[0].message.starts_with("`dataview` block: a Dataview query"), "{}", d[0].message);
    assert_eq!(c.line_col(d[0]), Some((5, 1)));
    c.assert_ok_note_checked();
}

#[test]
fn v304_drawing_without_export() {
    let c = check_case("drawing_without_export");
    let d = c.with_code(Code::DrawingWithoutExport);
    // The embed of the drawing without an export; not the one with its SVG
    // beside it, nor a plain link.
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(
        d[0].message,
        "`![[Sketch.excalidraw]]`: the drawing `drawings/Sketch.excalidraw.md` has no SVG or PNG export beside it"
    );
    assert_eq!(c.line_col(d[0]), Some((3, 1)));
    c.assert_ok_note_checked();
}

#[test]
fn v601_malformed_canvas_points_into_the_json() {
    let c = check_case("malformed_canvas");
    let d = c.with_code(Code::MalformedCanvas);
    let got: Vec<(&str, Option<(usize, usize)>)> =
        d.iter().map(|d| (d.file.as_str(), c.line_col(d))).collect();
    assert_eq!(
        got,
        [("Broken.canvas", Some((4, 50))), ("Odd.canvas", Some((4, 3))), ("Odd.canvas", Some((7, 3)))],
        "{}",
        c.rendered
    );
    assert!(d[1].message.contains("`sticker`"), "{}", c.rendered);
    assert!(d[2].message.contains("`gone`"), "{}", c.rendered);
    // A board gets no journal-schema rules: nothing else is reported in it.
    assert!(
        c.diagnostics.iter().filter(|d| d.file.ends_with(".canvas")).all(|d| d.code == Code::MalformedCanvas)
    );
    c.assert_ok_note_checked();
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v602_canvas_file_missing_and_text_node_links() {
    let c = check_case("canvas_file_missing");
    let got: Vec<Found<'_>> = c
        .diagnostics
        .iter()
        .filter(|d| d.file == "Board.canvas")
        .map(|d| (d.file.as_str(), d.severity, d.code.as_str(), c.line_col(d)))
        .collect();
    assert_eq!(
        got,
        [
            ("Board.canvas", Severity::Warning, "V602", Some((4, 37))),
            ("Board.canvas", Severity::Note, "V403", Some((5, 45))),
            ("Board.canvas", Severity::Error, "V401", Some((5, 68))),
        ],
        "{}",
        c.rendered
    );
    // The board links the note: it is not an orphan, and has a backlink.
    let here = c.vault.note_by_path("notes/Here.md").expect("note");
    assert!(!c.vault.backlinks(here).is_empty());
    c.assert_ok_note_checked();
}

#[test]
fn v701_to_v705_bases_point_into_the_yaml_and_the_expression() {
    for (case, file, code, at, message) in [
        ("invalid_base", "Broken.base", Code::InvalidBase, (3, 25), "expected `)`"),
        ("unknown_base_name", "Books.base", Code::UnknownBaseName, (4, 19), "unknown method `hasTagg`"),
        // In a `base` code block of a note: the place in the note.
        (
            "base_type_error",
            "Reading.md",
            Code::BaseTypeError,
            (5, 11),
            "`*` cannot be applied to string and number",
        ),
        (
            "circular_formula",
            "Loop.base",
            Code::CircularFormula,
            (3, 6),
            "circular formula reference: a → b → a",
        ),
        (
            "base_setting_ignored",
            "Places.base",
            Code::BaseWarning,
            (2, 11),
            "view type `map` is not built in; it is rendered as a table",
        ),
    ] {
        let c = check_case(case);
        let d = c.with_code(code);
        assert_eq!(d.len(), 1, "{case}: {}", c.rendered);
        assert_eq!(
            (d[0].file.as_str(), c.line_col(d[0]), d[0].message.as_str()),
            (file, Some(at), message),
            "{case}"
        );
        // Nothing else is reported in a base: no journal-schema rules.
        assert!(
            c.diagnostics.iter().filter(|d| d.file == file).all(|d| d.code == code),
            "{case}: {}",
            c.rendered
        );
        c.assert_ok_note_checked();
    }
}

#[test]
fn v406_embed_loops_through_notes_and_canvases() {
    let c = check_case("embed_loop");
    let got: Vec<(&str, Option<(usize, usize)>)> =
        c.with_code(Code::EmbedLoop).iter().map(|d| (d.file.as_str(), c.line_col(d))).collect();
    // A embedding its own section is no loop.
    assert_eq!(
        got,
        [
            ("A.md", Some((3, 1))),
            ("B.md", Some((3, 1))),
            ("Board.canvas", Some((1, 42))),
            ("C.md", Some((3, 1)))
        ],
        "{}",
        c.rendered
    );
    c.assert_ok_note_checked();
}

#[test]
fn v110_property_type_mismatch() {
    let c = check_case("property_types");
    let d = c.with_code(Code::PropertyTypeMismatch);
    // `rating: high`, `reviewed: yes`, `due: next week`; the list, and `status`
    // (typed `Status`: names match without case), fit.
    assert_eq!(d.len(), 3, "{}", c.rendered);
    assert_eq!(d[0].message, "`rating` is a number property, and `high` is not one");
    assert_eq!(c.line_col(d[0]), Some((2, 9)));
    assert!(d[1].message.starts_with("`reviewed` is a checkbox property"), "{}", d[1].message);
    assert!(d[2].message.starts_with("`due` is a date property"), "{}", d[2].message);
    assert!(c.vault.problems.is_empty(), "{:?}", c.vault.problems);
}

#[test]
fn v009_invalid_obsidian_setting() {
    let c = check_case("obsidian_setting");
    let d = c.with_code(Code::InvalidObsidianSetting);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].file, ".obsidian/types.json");
    assert!(d[0].message.starts_with("not valid JSON"), "{}", d[0].message);
    assert_eq!(c.line_col(d[0]), Some((5, 3)), "at the brace after the trailing comma");
    assert!(c.vault.config.property_types.is_empty());
}

#[test]
fn callout_types_of_enabled_snippets_are_known() {
    let c = check_case("snippet_callouts");
    assert!(c.vault.problems.is_empty(), "{:?}", c.vault.problems);
    let d = c.with_code(Code::UnknownCallout);
    // `recipe`, `MOOD` and `idea` are the enabled snippet's; `shelved` is
    // only in a snippet that is not enabled.
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].message, "unknown callout type `shelved`; Obsidian renders it as `note`");
    assert_eq!(c.line_col(d[0]), Some((12, 5)));
    let names: Vec<&str> = c.vault.config.snippet_callouts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["idea", "mood", "recipe"]);
    c.assert_ok_note_checked();
}

#[test]
fn a_broken_or_missing_snippet_is_a_warning_naming_it() {
    let dir = temp_copy("snippet_callouts");
    let root = dir.path();
    std::fs::write(
        root.join(".obsidian/appearance.json"),
        r#"{"enabledCssSnippets": ["callouts", "broken", "gone", "disabled"]}"#,
    )
    .expect("write");
    std::fs::write(
        root.join(".obsidian/snippets/broken.css"),
        "\u{1F600} .callout[data-callout=\"late\"] { --callout-color: tomato; }\n}\n.x { /* never closed",
    )
    .expect("write");
    let c = check_dir(root);
    let d = c.with_code(Code::InvalidObsidianSetting);
    let of = |file: &str| -> Vec<(Option<(usize, usize)>, &str)> {
        d.iter().filter(|d| d.file == file).map(|d| (c.line_col(d), d.message.as_str())).collect()
    };
    let gone = of(".obsidian/snippets/gone.css");
    assert_eq!(gone.len(), 1, "{}", c.rendered);
    assert!(gone[0].1.contains("has no file"), "{}", gone[0].1);
    let broken = of(".obsidian/snippets/broken.css");
    let places: Vec<Option<(usize, usize)>> = broken.iter().map(|b| b.0).collect();
    // The colour, the stray `}`, the block and the comment left open.
    assert_eq!(places, [Some((1, 52)), Some((2, 1)), Some((3, 4)), Some((3, 6))], "{}", c.rendered);
    assert!(broken[0].1.starts_with("`--callout-color: tomato` is not a colour"), "{}", broken[0].1);
    assert_eq!(d.len(), 5, "{}", c.rendered);
    // The scan read past the problems: the broken snippet's type and the
    // newly enabled one are known, and the vault is checked as usual.
    assert!(c.with_code(Code::UnknownCallout).is_empty(), "{}", c.rendered);
    assert!(c.vault.config.snippet_callouts.contains("late"));
    c.assert_ok_note_checked();
}

#[test]
fn v501_invalid_permalink() {
    let c = check_case("invalid_permalink");
    let d = c.with_code(Code::InvalidPermalink);
    assert_eq!(d.len(), 2, "{}", c.rendered);
    assert_eq!((d[0].file.as_str(), c.line_col(d[0])), ("bad.md", Some((2, 12))), "at the value");
    // `permalink: /` asks for the front page: the first note in path order
    // has it, a second is told which note that is.
    assert_eq!(d[1].file, "welcome.md");
    assert!(d[1].message.contains("`home.md` asks for it first"), "{}", d[1].message);
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v501_the_front_page_named_in_the_config_wins() {
    // `[site] home` names the second note asking for `/`: the first is told.
    let tmp = temp_copy("invalid_permalink");
    std::fs::write(tmp.path().join("vellum.toml"), "[site]\nhome = \"[[welcome]]\"\n").expect("write");
    let c = check_dir(tmp.path());
    let d = c.with_code(Code::InvalidPermalink);
    let files: Vec<&str> = d.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["bad.md", "home.md"], "{}", c.rendered);
    assert!(d[1].message.contains("`[site] home = \"[[welcome]]\"`"), "{}", d[1].message);
}

#[test]
fn v502_duplicate_url() {
    let c = check_case("duplicate_url");
    let d = c.with_code(Code::DuplicateUrl);
    assert_eq!(d.len(), 2, "{}", c.rendered);
    assert_eq!((d[0].file.as_str(), c.line_col(d[0])), ("b.md", Some((2, 12))));
    assert!(d[0].message.contains("`a.md`"), "{}", d[0].message);
    assert_eq!(d[1].file, "c.md");
    assert!(d[1].message.contains("`ok.md`") && d[1].message.contains("/ok-2/"), "{}", d[1].message);
    insta::assert_snapshot!(c.rendered);
}

#[test]
fn v503_invalid_redirect() {
    let c = check_case("invalid_redirect");
    let d = c.with_code(Code::InvalidRedirect);
    assert_eq!(d.len(), 1, "{}", c.rendered);
    assert_eq!(d[0].file, ".vellum-redirects");
    assert_eq!(c.line_col(d[0]), Some((2, 1)));
    assert_eq!(c.vault.redirects.entries.len(), 1, "the good line is read");
    insta::assert_snapshot!(c.rendered);
}
