//! `vellum_index` holds the caches in `<vault>/.vellum/` that let a command
//! answer without loading the vault: file [`stamps`] and the checksummed blobs
//! they are kept in, and the query [`facts`] cache.

pub mod facts;
pub mod stamps;

use std::path::Path;

/// The folder, inside the vault, that holds vellum's caches.
pub const CACHE_DIR: &str = ".vellum";

/// Create `<vault>/.vellum/` (with a `.gitignore` of `*`, so the caches are
/// not committed with the vault) and the cache folder `dir` inside it.
///
/// # Errors
/// When a folder or the `.gitignore` cannot be written.
pub fn prepare_cache_dir(root: &Path, dir: &Path) -> std::io::Result<()> {
    let cache = root.join(CACHE_DIR);
    std::fs::create_dir_all(dir)?;
    let gitignore = cache.join(".gitignore");
    if !gitignore.exists() {
        std::fs::write(&gitignore, "*\n")?;
    }
    Ok(())
}
