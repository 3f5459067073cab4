//! `V001`–`V009`: files (and Obsidian settings) that could not be loaded. Each problem is one
//! diagnostic naming the file; the rest of the vault is still checked.

use vellum_vault::{LoadProblemKind, Vault};

use crate::{Code, Diagnostic};

/// One diagnostic per load problem.
pub(crate) fn check(vault: &Vault) -> Vec<Diagnostic> {
    vault
        .problems
        .iter()
        .map(|p| {
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
            };
            Diagnostic::new(code, &p.path, p.span, p.message.clone())
        })
        .collect()
}
