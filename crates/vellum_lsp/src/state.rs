//! What the server knows: the vaults of the workspace, each loaded once and
//! kept up to date from the editor's buffers, and which documents are open.
//!
//! A document is named by URI; it belongs to the vault whose root holds its
//! path, and is the note at that vault-relative path. An open document's text
//! lives in the vault itself ([`Vault::replace_texts`]), so every feature
//! reads the buffer as typed and never the file on disk.

use std::path::{Path, PathBuf};

use lsp_types::Uri;
use rustc_hash::{FxHashMap, FxHashSet};
use vellum_vault::{NoteIdx, Vault};

use crate::uri;

/// One vault of the workspace.
pub(crate) struct VaultState {
    /// Its root folder, as the editor names it (no symbolic links resolved).
    pub root: PathBuf,
    /// The model, with the open documents' buffers in place of their files.
    pub vault: Vault,
    /// Open documents: vault-relative path → the version the editor gave.
    pub open: FxHashMap<String, i32>,
    /// What was last published per file (vault-relative path), to publish
    /// only what changed.
    pub published: FxHashMap<String, Vec<lsp_types::Diagnostic>>,
    /// How many notes have each file name (lowercased stem), for the
    /// shortest unambiguous link to a note.
    stems: FxHashMap<String, usize>,
    /// Every tag of the vault with how many notes use it, built when first
    /// asked for and dropped on any edit.
    tags: Option<Vec<(String, usize)>>,
}

impl VaultState {
    pub(crate) fn new(root: PathBuf, vault: Vault) -> Self {
        let mut s = Self {
            root,
            vault,
            open: FxHashMap::default(),
            published: FxHashMap::default(),
            stems: FxHashMap::default(),
            tags: None,
        };
        s.index_names();
        s
    }

    /// Recount file names after the set of files changed.
    pub(crate) fn index_names(&mut self) {
        self.stems.clear();
        for n in &self.vault.notes {
            *self.stems.entry(n.stem().to_lowercase()).or_default() += 1;
        }
        self.tags = None;
    }

    /// The vault changed: drop what is derived from every note.
    pub(crate) fn edited(&mut self) {
        self.tags = None;
    }

    /// The target a new `[[…]]` written in note `from` names note `idx` by,
    /// in the vault's "New link format" (`newLinkFormat`): [`Self::link_name`]
    /// when shortest, else its path relative to `from` or from the root.
    pub(crate) fn link_to(&self, from: NoteIdx, idx: NoteIdx) -> String {
        let v = &self.vault;
        let bare = v.notes[idx].path_without_md();
        v.config.obsidian.link_style.format.target(&v.notes[from].path, bare, || self.link_name(idx))
    }

    /// How `[[…]]` names note `idx`: its file name when no other note has it,
    /// else its path without `.md` (Obsidian's "shortest path when possible").
    pub(crate) fn link_name(&self, idx: NoteIdx) -> String {
        let n = &self.vault.notes[idx];
        let stem = n.stem();
        if self.stems.get(&stem.to_lowercase()).copied().unwrap_or(0) <= 1 {
            stem.to_owned()
        } else {
            n.path_without_md().to_owned()
        }
    }

    /// Every tag (as first written) with its number of notes, most used first.
    pub(crate) fn tags(&mut self) -> &[(String, usize)] {
        let vault = &self.vault;
        self.tags.get_or_insert_with(|| {
            let mut count: FxHashMap<String, (String, usize)> = FxHashMap::default();
            for n in &vault.notes {
                let mut seen = FxHashSet::default();
                for t in n.note.all_tags() {
                    let key = t.to_lowercase();
                    if seen.insert(key.clone()) {
                        count.entry(key).or_insert_with(|| (t, 0)).1 += 1;
                    }
                }
            }
            let mut v: Vec<(String, usize)> = count.into_values().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        })
    }

    /// The vault-relative path of an absolute path inside this vault.
    pub(crate) fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let rel = parts?.join("/");
        (!rel.is_empty()).then_some(rel)
    }

    /// The URI of a vault-relative path.
    pub(crate) fn uri_of(&self, rel: &str) -> Option<Uri> {
        uri::from_path(&self.root.join(rel))
    }

    /// The text of note `idx` (the buffer when it is open).
    pub(crate) fn text(&self, idx: NoteIdx) -> &str {
        self.vault.notes[idx].text.as_kept().unwrap_or("")
    }
}

/// A document resolved to its vault and note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DocRef {
    /// Index into [`Workspace::vaults`].
    pub vault: usize,
    /// The note.
    pub note: NoteIdx,
}

/// Every vault of the workspace.
#[derive(Default)]
pub(crate) struct Workspace {
    pub vaults: Vec<VaultState>,
}

impl Workspace {
    /// The vault whose root holds `path` (the deepest, when vaults nest).
    pub(crate) fn vault_of_path(&self, path: &Path) -> Option<usize> {
        self.vaults
            .iter()
            .enumerate()
            .filter(|(_, v)| path.starts_with(&v.root))
            .max_by_key(|(_, v)| v.root.components().count())
            .map(|(i, _)| i)
    }

    /// The vault and vault-relative path of a document.
    pub(crate) fn locate(&self, uri: &Uri) -> Option<(usize, String)> {
        let path = uri::to_path(uri)?;
        let v = self.vault_of_path(&path)?;
        let rel = self.vaults[v].relative(&path)?;
        Some((v, rel))
    }

    /// The note a document is.
    pub(crate) fn doc(&self, uri: &Uri) -> Option<DocRef> {
        let (vault, rel) = self.locate(uri)?;
        let note = self.vaults[vault].vault.note_by_path(&rel)?;
        Some(DocRef { vault, note })
    }
}
