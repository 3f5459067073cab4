//! `V001`–`V009`: files (and Obsidian settings) that could not be loaded. Each problem is one
//! diagnostic naming the file; the rest of the vault is still checked.

use vellum_vault::{LoadProblem, LoadProblemKind, Vault};

use crate::{Code, Diagnostic};

/// One diagnostic per load problem.
pub(crate) fn check(vault: &Vault) -> Vec<Diagnostic> {
    vault.problems.iter().map(diagnostic).collect()
}

/// The diagnostic of one load problem (the check cache reads the files that
/// failed to load again on every check and reports them through this).
#[must_use]
pub fn diagnostic(p: &LoadProblem) -> Diagnostic {
    let code = match p.kind {
        LoadProblemKind::Unreadable => Code::Unreadable,
        LoadProblemKind::InvalidUtf8 => Code::InvalidUtf8,
        LoadProblemKind::Binary => Code::Binary,
        LoadProblemKind::TooLarge => Code::TooLarge,
        LoadProblemKind::Walk => Code::WalkError,
        LoadProblemKind::Config => Code::BadConfig,
        LoadProblemKind::OutsideVault => Code::SymlinkOutsideVault,
        LoadProblemKind::BadName => Code::InvalidFileName,
        LoadProblemKind::ObsidianSetting => Code::InvalidObsidianSetting,
        LoadProblemKind::Redirects => Code::InvalidRedirect,
    };
    Diagnostic::new(code, &p.path, p.span, p.message.clone())
}
