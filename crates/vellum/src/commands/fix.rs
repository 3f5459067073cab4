//! `vellum check --fix [--dry-run]`: apply the safe fixes (`vellum_edit::fix`)
//! before checking. With `--dry-run` the fixes are printed as a unified diff
//! on stdout and nothing is written.

use std::collections::BTreeMap;
use std::process::ExitCode;

use vellum_edit::{Writer, diff, fix};
use vellum_vault::Vault;

/// What `check` does after the fixes.
pub(crate) enum Outcome {
    /// Check this vault (reloaded after writing the fixes).
    Check(Box<Vault>),
    /// Stop with this exit code (a dry run, or the fixes could not be written).
    Done(ExitCode),
}

/// Plan the fixes of `vault`; print them (`dry_run`) or write them and reload.
pub(crate) fn run(vault: Vault, dry_run: bool) -> Result<Outcome, String> {
    let plan = fix::plan(&vault).map_err(|e| e.to_string())?;
    for n in &plan.notes {
        for s in &n.skipped {
            eprintln!("warning: `{}`: not fixed ({}): {}", n.path, s.kind.name(), s.reason);
        }
    }
    let changes = plan.changes();
    let mut counts: BTreeMap<fix::FixKind, usize> = BTreeMap::new();
    for n in plan.notes.iter().filter(|n| n.changes_text()) {
        for k in n.kinds() {
            *counts.entry(k).or_default() += 1;
        }
    }
    let summary =
        counts.iter().map(|(k, n)| format!("{} ({n})", k.describe())).collect::<Vec<_>>().join(", ");
    if dry_run {
        print!("{}", diff::changes(&changes));
        if changes.is_empty() {
            eprintln!("nothing to fix");
        } else {
            eprintln!("would fix {} file(s): {summary} (dry run: nothing written)", changes.len());
        }
        return Ok(Outcome::Done(ExitCode::SUCCESS));
    }
    if changes.is_empty() {
        eprintln!("nothing to fix");
        return Ok(Outcome::Check(Box::new(vault)));
    }
    if let Err(e) = Writer::new(&vault.root).apply(&changes) {
        eprintln!("error: {e}");
        return Ok(Outcome::Done(ExitCode::from(1)));
    }
    eprintln!("fixed {} file(s): {summary}", changes.len());
    let root = vault.root.clone();
    drop(vault);
    super::load_vault(Some(&root)).map(|v| Outcome::Check(Box::new(v)))
}
