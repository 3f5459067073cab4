//! `vellum_lsp`: the language server behind `vellum lsp`. It brings the
//! checker, the resolver and the safe edits of vellum into any editor that
//! speaks the Language Server Protocol (3.17, over stdio).
//!
//! - [`transport`]: LSP frames on stdin/stdout, robust to bad input;
//! - `server`: the handshake, the message loop, document sync and
//!   diagnostics (pushed for the vault at start and for every edit, pulled on
//!   request);
//! - `complete`, `navigate`, `refactor`: the requests;
//! - [`position`]: byte offsets ↔ UTF-16 positions; [`uri`]: `file:` URIs ↔ paths.
//!
//! Each workspace folder is a vault, found the way the CLI finds one
//! ([`vellum_vault::find_root`]), loaded once with its texts kept, and updated
//! in place from the editor's buffers ([`vellum_vault::Vault::replace_texts`]):
//! the server always answers about the text being typed, not the file on disk.
//! It writes nothing itself: renames and fixes come back to the editor as
//! workspace edits.

mod complete;
mod diagnostics;
mod navigate;
pub mod position;
mod refactor;
mod server;
mod state;
pub mod transport;
pub mod uri;

pub use server::serve;

/// Serve one editor over stdin and stdout until it exits.
///
/// # Errors
/// When the handshake fails or stdin/stdout break.
pub fn run_stdio() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (connection, threads) = transport::stdio();
    serve(&connection)?;
    drop(connection);
    threads.join()?;
    Ok(())
}
