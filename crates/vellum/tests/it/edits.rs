//! Random edit sequences: after every edit, `vellum build` with all its
//! caches (the up-to-date check, the parse cache, the build cache and the
//! kept social cards) publishes exactly the bytes of `vellum build
//! --no-cache` of the same vault.
//!
//! The edits are those a journal sees: a body, its prose alone (which a
//! build patches in place), a title, tags, dates, links
//! and embeds (to written and unwritten notes), the draft flag, notes added,
//! deleted and renamed (moved between folders too), the theme and the
//! `[site]` settings. Every write gets its own old modification time, so the
//! caches trust the stamps and take their incremental paths.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use proptest::prelude::*;

use crate::common;

/// Names a new or renamed note may take, and links may point at (written or not).
const NAMES: [&str; 6] = [
    "Fresh Idea",
    "Open Question",
    "software/Late Note",
    "2024/Another Year",
    "Unwritten Topic",
    "deep/er/Nested",
];

/// One change to the vault. The numbers pick a note (modulo the notes
/// there are), a name from [`NAMES`] or a variant.
#[derive(Debug, Clone)]
enum Edit {
    Body(u8),
    Prose(u8, u8),
    Title(u8, u8),
    Tag(u8, u8),
    Date(u8, u8),
    Link(u8, u8),
    Embed(u8, u8),
    Draft(u8),
    Add(u8, u8),
    Delete(u8),
    Rename(u8, u8),
    Theme(u8),
    Settings(u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = any::<u8>;
    prop_oneof![
        3 => n().prop_map(Edit::Body),
        3 => (n(), n()).prop_map(|(a, b)| Edit::Prose(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Title(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Tag(a, b)),
        1 => (n(), n()).prop_map(|(a, b)| Edit::Date(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Link(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Embed(a, b)),
        2 => n().prop_map(Edit::Draft),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Add(a, b)),
        1 => n().prop_map(Edit::Delete),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Rename(a, b)),
        1 => n().prop_map(Edit::Theme),
        2 => n().prop_map(Edit::Settings),
    ]
}

/// The `[site]` settings the edits vary.
#[derive(Debug, Default)]
struct Settings {
    title: u8,
    page_size: Option<usize>,
    cards: bool,
    language: Option<&'static str>,
}

/// A copy of the example vault being edited.
struct Journal {
    root: PathBuf,
    tick: u64,
    base: SystemTime,
    settings: Settings,
}

impl Journal {
    /// The notes there are now (vault paths), sorted.
    fn notes(&self) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).expect("read dir").flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || name == "_theme" {
                    continue;
                }
                if p.is_dir() {
                    walk(root, &p, out);
                } else if name.ends_with(".md") {
                    out.push(p.strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &self.root, &mut out);
        out.sort();
        out
    }

    fn pick(&self, k: u8) -> Option<String> {
        let notes = self.notes();
        (!notes.is_empty()).then(|| notes[usize::from(k) % notes.len()].clone())
    }

    /// Write `text` at `rel` with a modification time of its own, older
    /// than any cache's distrust window.
    fn write(&mut self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        self.tick += 1;
        let f = std::fs::File::options().append(true).open(&path).expect("open");
        f.set_modified(self.base + Duration::from_secs(self.tick)).expect("mtime");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read")
    }

    /// Change note `k`'s text with `change`.
    fn change(&mut self, k: u8, change: impl FnOnce(&str) -> String) {
        let Some(rel) = self.pick(k) else { return };
        let text = change(&self.read(&rel));
        self.write(&rel, &text);
    }

    /// A link target: a note there is (by its name) or one of [`NAMES`].
    fn target(&self, k: u8) -> String {
        let notes = self.notes();
        if k.is_multiple_of(3) || notes.is_empty() {
            NAMES[usize::from(k) % NAMES.len()].rsplit('/').next().unwrap_or_default().to_owned()
        } else {
            let n = &notes[usize::from(k) % notes.len()];
            n.trim_end_matches(".md").rsplit('/').next().unwrap_or_default().to_owned()
        }
    }

    fn write_settings(&mut self) {
        let s = &self.settings;
        let mut toml = format!(
            "[site]\ntitle = \"A Tech Journal {}\"\nbase_url = \"https://journal.example.org/\"\n",
            s.title
        );
        if let Some(n) = s.page_size {
            toml.push_str(&format!("page_size = {n}\n"));
        }
        if s.cards {
            toml.push_str("social_cards = true\n");
        }
        if let Some(lang) = s.language {
            toml.push_str(&format!("language = \"{lang}\"\n"));
        }
        self.write("vellum.toml", &toml);
    }

    fn apply(&mut self, edit: &Edit) {
        match *edit {
            Edit::Body(k) => {
                self.change(k, |t| format!("{t}\nA paragraph added by edit {k}, with #added-{}.\n", k % 4));
            }
            Edit::Prose(k, v) => self.change(k, |t| {
                // Words alone: what a patch in place takes (see `vellum_site::patch`).
                let words = format!("Words added to the prose by edit {v}.");
                match t.find("\n## ") {
                    Some(i) if v % 2 == 1 => format!("{}\n\n{words}\n{}", &t[..i], &t[i..]),
                    _ => format!("{t}\n{words}\n"),
                }
            }),
            Edit::Title(k, v) => self.change(k, |t| set_property(t, "title", &format!("Retitled {v}"))),
            Edit::Tag(k, v) => self.change(k, |t| add_tag(t, &format!("topic-{}", v % 5))),
            Edit::Date(k, v) => {
                let date = format!("20{:02}-{:02}-{:02}", 20 + v % 6, 1 + v % 12, 1 + v % 28);
                self.change(k, |t| set_property(t, "created", &date));
            }
            Edit::Link(k, v) => {
                let target = self.target(v);
                self.change(k, |t| format!("{t}\nSee also [[{target}]].\n"));
            }
            Edit::Embed(k, v) => {
                let target = self.target(v);
                self.change(k, |t| format!("{t}\n![[{target}]]\n"));
            }
            Edit::Draft(k) => self.change(k, |t| {
                if t.contains("\ndraft: true") {
                    t.replacen("\ndraft: true", "\ndraft: false", 1)
                } else {
                    set_property(t, "draft", "true")
                }
            }),
            Edit::Add(k, v) => {
                let rel = format!("{}.md", NAMES[usize::from(k) % NAMES.len()]);
                if !self.root.join(&rel).exists() {
                    let (a, b) = (self.target(v), self.target(v.wrapping_add(1)));
                    let text = format!(
                        "---\ntitle: Added {k}\ntags:\n  - added\ncreated: 2024-0{}-1{}\n---\n\n# Added {k}\n\nIt links to [[{a}]] and [[{b}#Signals]].\n",
                        1 + k % 9,
                        v % 10
                    );
                    self.write(&rel, &text);
                }
            }
            Edit::Delete(k) => {
                if self.notes().len() > 3
                    && let Some(rel) = self.pick(k)
                {
                    std::fs::remove_file(self.root.join(rel)).expect("remove");
                }
            }
            Edit::Rename(k, v) => {
                let to = format!("{}.md", NAMES[usize::from(v) % NAMES.len()]);
                if let Some(rel) = self.pick(k)
                    && !self.root.join(&to).exists()
                {
                    let dest = self.root.join(&to);
                    std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
                    std::fs::rename(self.root.join(rel), dest).expect("rename");
                }
            }
            Edit::Theme(k) => {
                if k.is_multiple_of(2) {
                    self.write(
                        "_theme/custom.css",
                        &format!("body {{ letter-spacing: 0.0{}em; }}\n", k % 10),
                    );
                } else {
                    let _ = std::fs::remove_file(self.root.join("_theme/custom.css"));
                }
            }
            Edit::Settings(k) => {
                match k % 4 {
                    0 => self.settings.title = self.settings.title.wrapping_add(1),
                    1 => {
                        self.settings.page_size = match self.settings.page_size {
                            None => Some(2 + usize::from(k % 3)),
                            Some(_) => None,
                        };
                    }
                    2 => self.settings.cards = !self.settings.cards,
                    _ => {
                        self.settings.language = match self.settings.language {
                            None => Some("de"),
                            Some(_) => None,
                        };
                    }
                }
                self.write_settings();
            }
        }
    }
}

/// `text` with frontmatter property `key` set to `value` (a line replaced,
/// or added at the top of the frontmatter, or a frontmatter added).
fn set_property(text: &str, key: &str, value: &str) -> String {
    let Some(rest) = text.strip_prefix("---\n") else {
        return format!("---\n{key}: {value}\n---\n{text}");
    };
    let end = rest.find("\n---").map_or(0, |e| e + 1);
    let (fm, body) = rest.split_at(end);
    let mut found = false;
    let lines: Vec<String> = fm
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{key}:")) {
                found = true;
                format!("{key}: {value}")
            } else {
                l.to_owned()
            }
        })
        .collect();
    let mut fm = lines.join("\n");
    if !fm.is_empty() {
        fm.push('\n');
    }
    if !found {
        fm = format!("{key}: {value}\n{fm}");
    }
    format!("---\n{fm}{body}")
}

/// `text` with `tag` added to its frontmatter's tag list.
fn add_tag(text: &str, tag: &str) -> String {
    if text.starts_with("---\n") && text.contains("\ntags:\n") {
        text.replacen("\ntags:\n", &format!("\ntags:\n  - {tag}\n"), 1)
    } else if text.starts_with("---\n") && !text.contains("\ntags:") {
        text.replacen("---\n", &format!("---\ntags:\n  - {tag}\n"), 1)
    } else {
        format!("{text}\n#{tag}\n")
    }
}

/// Build with every cache into `cached` and without any into `plain`; the
/// two folders must hold the same files with the same bytes.
fn same_sites(root: &Path, cached: &Path, plain: &Path, what: &str) -> Result<(), TestCaseError> {
    common::build(root, &["--quiet", "--output", cached.to_str().expect("utf-8")]);
    common::build(root, &["--quiet", "--no-cache", "--output", plain.to_str().expect("utf-8")]);
    let (a, b) = (common::tree(cached), common::tree(plain));
    let names = |t: &std::collections::BTreeMap<PathBuf, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    prop_assert_eq!(names(&a), names(&b), "{}: the same files", what);
    for (name, bytes) in &a {
        prop_assert!(
            b.get(name) == Some(bytes),
            "{}: `{}` differs from a build without caches",
            what,
            name.display()
        );
    }
    Ok(())
}

/// Ten sequences by default (each costs a few builds); `PROPTEST_CASES` asks for more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(10)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 40, ..ProptestConfig::default() })]

    #[test]
    fn cached_builds_equal_uncached_ones_after_any_edits(edits in prop::collection::vec(edit(), 1..7)) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("v");
        let base = SystemTime::now() - Duration::from_secs(7200);
        common::copy_vault(&common::example(), &root, Some(base));
        let mut journal = Journal { root: root.clone(), tick: 0, base, settings: Settings::default() };
        journal.write_settings();
        let (cached, plain) = (tmp.path().join("cached"), tmp.path().join("plain"));
        same_sites(&root, &cached, &plain, "first build")?;
        for (n, e) in edits.iter().enumerate() {
            journal.apply(e);
            same_sites(&root, &cached, &plain, &format!("after edit {n} ({e:?})"))?;
        }
    }
}
