//! `vellum_cache` is what vellum's caches share: how a cache tells, from the
//! file system alone, whether the files it was built from changed, and how it
//! keeps what it stores safe to read back.
//!
//! - [`stamps`]: file stamps (path, size, modification time), the one rule for
//!   stamps too young to trust, and [`stamps::fresh_key`], the key a cache
//!   records for "these files, as they are now". The query facts cache, the
//!   search index's `STAMPS` and the site build cache (`vellum_site`) all use it.
//! - [`blob`]: checksummed, versioned blobs, written atomically; a damaged or
//!   older blob reads as absent.
//! - [`facts`]: the query facts cache in `<vault>/.vellum/query/`.
//! - [`parsed`]: the parse cache in `<vault>/.vellum/parse/`: the notes as the
//!   last build parsed them, reused by the next one for unchanged files.
//! - [`check`](mod@check): the check cache in `<vault>/.vellum/check/`: every note's
//!   diagnostics, reused while what they depend on is unchanged.
//!
//! Every cache lives in `<vault>/.vellum/` ([`CACHE_DIR`]), is never trusted
//! beyond what these checks vouch for, and can be deleted at any time.

pub mod blob;
pub mod check;
pub mod facts;
pub mod parsed;
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
