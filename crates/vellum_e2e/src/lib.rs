//! `vellum_e2e` drives a real Chromium against vellum's published site: the
//! browser tests of `crates/vellum_e2e/tests/` use it, nothing ships it.
//!
//! The pieces, smallest first:
//!
//! - [`http`]: a minimal HTTP/1.1 client over `std::net` (the WebDriver wire
//!   protocol is JSON over plain HTTP on loopback, so no async runtime or TLS
//!   stack is compiled for it).
//! - [`server`]: [`StaticServer`], a tiny static file server for a folder on
//!   `127.0.0.1` with a free port, one thread per connection.
//! - [`locate`]: finds `chromedriver` and Chromium (`VELLUM_CHROMEDRIVER`,
//!   `VELLUM_CHROMIUM`, else `PATH`).
//! - [`webdriver`]: [`Browser`], a headless Chromium session through
//!   `chromedriver` (started on a free port, with a fresh profile folder),
//!   with the few commands the tests need: navigate, find, click, type,
//!   execute a script, screenshot, and the browser's console log.
//!
//! Gating: [`Browser::launch_or_skip`] returns `None` (and says so on stderr)
//! when `chromedriver` is not installed, so `cargo test --workspace` passes on
//! a machine without Chromium. With `VELLUM_E2E=1` (CI sets it) a missing
//! browser is a failure instead.
//!
//! ```no_run
//! use vellum_e2e::{Browser, StaticServer};
//! # fn main() -> Result<(), vellum_e2e::Error> {
//! let Some(browser) = Browser::launch_or_skip("example") else { return Ok(()) };
//! let site = vellum_e2e::example_site()?;
//! let server = StaticServer::start(&site)?;
//! browser.goto(&server.url("/"))?;
//! let title = browser.find("h1")?.text()?;
//! browser.save_screenshot("example")?;
//! browser.assert_no_console_errors()?;
//! # let _ = title; Ok(()) }
//! ```

pub mod http;
pub mod locate;
pub mod server;
pub mod webdriver;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use server::StaticServer;
pub use webdriver::{Browser, DEFAULT_WAIT, Element, LogEntry};

/// Everything that can go wrong in a browser test, as a message that says
/// what was being done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self(format!("I/O error: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self(format!("invalid JSON: {e}"))
    }
}

/// The workspace's root folder (two levels above this crate).
#[must_use]
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Cargo's target folder: `CARGO_TARGET_DIR` when set (relative to the
/// workspace root if relative), else `<workspace>/target`.
#[must_use]
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// Where screenshots go: `<target>/e2e-artifacts/`.
#[must_use]
pub fn artifacts_dir() -> PathBuf {
    target_dir().join("e2e-artifacts")
}

/// Build the site of the vault at `vault` into `output` with vellum's
/// library (the same code path as `vellum build`), drafts included when
/// asked. Returns the output folder.
///
/// # Errors
/// The vault cannot be read or the build fails.
pub fn build_site(vault: &Path, output: &Path, include_drafts: bool) -> Result<PathBuf, Error> {
    let vault = vellum_vault::load(vault)
        .map_err(|e| Error(format!("cannot load the vault {}: {e}", vault.display())))?;
    let mut opts = vellum_site::BuildOptions::new(output);
    opts.include_drafts = include_drafts;
    let report = vellum_site::build(&vault, &opts)
        .map_err(|e| Error(format!("cannot build the site of {}: {e}", vault.root.display())))?;
    Ok(report.output)
}

/// The example vault `examples/journal`, built once per test process into
/// `<target>/e2e-site/` **with drafts**: the seed note (`Nvidia Open Sources
/// GPU Kernel Modules`) is a draft, and the browser tests check its page.
///
/// # Errors
/// The build failed (the same message on every call).
pub fn example_site() -> Result<PathBuf, Error> {
    static SITE: OnceLock<Result<PathBuf, Error>> = OnceLock::new();
    SITE.get_or_init(|| {
        build_site(&workspace_root().join("examples/journal"), &target_dir().join("e2e-site"), true)
    })
    .clone()
}

/// A fresh copy of `examples/journal` in a temporary folder (without its
/// `public/` and `.vellum/`), for tests that edit notes.
///
/// # Errors
/// Reading or writing a file failed.
pub fn copy_example_vault() -> Result<tempfile::TempDir, Error> {
    let dir = tempfile::Builder::new().prefix("vellum-e2e-vault-").tempdir()?;
    copy_tree(
        &workspace_root().join("examples/journal"),
        dir.path(),
        &["public", ".public.vellum-spare", ".vellum"],
    )?;
    Ok(dir)
}

/// Copy the folder `from` into `to` (created if missing), leaving out the
/// top-level entries named in `skip`. Symbolic links are not followed.
///
/// # Errors
/// Reading or writing a file failed.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<(), Error> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_str().is_some_and(|n| skip.contains(&n)) {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name), &[])?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_vault_copy_has_notes_but_no_outputs() {
        let copy = copy_example_vault().expect("copy");
        assert!(copy.path().join("Nvidia Open Sources GPU Kernel Modules.md").is_file());
        assert!(copy.path().join("hardware/CUDA Moat.md").is_file());
        assert!(!copy.path().join("public").exists());
        assert!(!copy.path().join(".vellum").exists());
    }
}
