//! One module per subcommand.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod explain;
pub(crate) mod fix;
pub(crate) mod graph;
pub(crate) mod lsp;
pub(crate) mod new;
pub(crate) mod query;
pub(crate) mod rename;
pub(crate) mod search;
pub(crate) mod serve;

use std::path::{Path, PathBuf};

use vellum_vault::{FindNotes, Vault};

/// Load the vault at `dir` (or the current directory), with a clear error when
/// the folder is missing.
pub(crate) fn load_vault(dir: Option<&Path>) -> Result<Vault, String> {
    load_vault_with(dir, vellum_vault::Texts::Keep)
}

/// [`load_vault`], keeping the notes' texts in memory or not.
pub(crate) fn load_vault_with(dir: Option<&Path>, texts: vellum_vault::Texts) -> Result<Vault, String> {
    let root: PathBuf = dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    vellum_vault::load_with(&root, texts).map_err(|e| format!("cannot open vault `{}`: {e}", root.display()))
}

/// Find the vault the way git finds a repository: `dir` if given, else the
/// nearest folder upward from the current directory holding `.obsidian/` or
/// `vellum.toml`, else the current directory.
pub(crate) fn find_and_load(dir: Option<&Path>) -> Result<Vault, String> {
    load_vault(Some(&find_root(dir)?))
}

/// The vault folder [`find_and_load`] would load, without loading it.
pub(crate) fn find_root(dir: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(d) = dir {
        return Ok(d.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    Ok(vellum_vault::find_root(&cwd).unwrap_or(cwd))
}

/// Today's file stamps of the vault at `root` (for the caches in `.vellum/`).
pub(crate) fn stamps(root: &Path) -> Result<Vec<vellum_vault::FileStamp>, String> {
    vellum_vault::file_stamps(root).map_err(|e| format!("cannot open vault `{}`: {e}", root.display()))
}

/// Resolve a NOTE argument (path, file name, title, alias or `note_id`) to
/// exactly one note, or explain why not.
pub(crate) fn one_note(vault: &Vault, query: &str) -> Result<vellum_vault::NoteIdx, String> {
    match vault.find_notes(query).as_slice() {
        [one] => Ok(*one),
        [] => Err(format!("no note matches `{query}` (by path, file name, title, alias or note_id)")),
        many => Err(format!(
            "`{query}` matches {} notes: {}; give the path",
            many.len(),
            many.iter().map(|&i| vault.notes[i].path.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}
