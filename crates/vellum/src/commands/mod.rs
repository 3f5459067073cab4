//! One module per subcommand.

pub(crate) mod check;
pub(crate) mod explain;

use std::path::{Path, PathBuf};

use vellum_vault::Vault;

/// Load the vault at `dir` (or the current directory), with a clear error when
/// the folder is missing.
pub(crate) fn load_vault(dir: Option<&Path>) -> Result<Vault, String> {
    let root: PathBuf = dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    vellum_vault::load(&root).map_err(|e| format!("cannot open vault `{}`: {e}", root.display()))
}
