//! `vellum lsp`: the language server (`vellum_lsp`) on stdin and stdout.
//!
//! The editor starts it and talks LSP over the pipes; the vaults are the
//! workspace folders the editor names (each found upward as the other
//! commands find theirs). stdout carries the protocol only, so nothing else is
//! printed there; problems go to stderr, which editors show in their logs.

use std::process::ExitCode;

/// Run the language server (started by an editor, not by hand).
#[derive(Debug, clap::Args)]
pub(crate) struct LspArgs {
    /// Accepted for editors that pass it by default; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

pub(crate) fn run(_args: &LspArgs) -> Result<ExitCode, String> {
    vellum_lsp::run_stdio().map_err(|e| format!("language server: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
