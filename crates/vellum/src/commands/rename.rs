//! `vellum rename OLD NEW [--dry-run]`: rename or move a note and rewrite every
//! link to it across the vault.
//!
//! Prints the note's new path on stdout (with `--dry-run`, the unified diff
//! instead, and writes nothing). Exit codes: 0 done (or nothing to do), 1
//! refused (the name is taken, links would change target, a file changed on
//! disk meanwhile), 2 bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use vellum_edit::rename::{self, RenameError};
use vellum_edit::{Writer, diff};

/// Rename or move a note and rewrite every link to it.
#[derive(Debug, clap::Args)]
pub(crate) struct RenameArgs {
    /// The note: path, file name, title, alias or note_id.
    pub old: String,
    /// The new title (`New Name`, same folder) or vault path (`folder/New Name`, moving it).
    pub new: String,
    /// Print the changes as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The vault (default: the nearest folder upward holding `.obsidian/` or
    /// `vellum.toml`, else the current directory).
    #[arg(long)]
    pub vault: Option<PathBuf>,
}

pub(crate) fn run(args: &RenameArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.vault.as_deref())?;
    let idx = super::one_note(&vault, &args.old)?;
    let plan = match rename::plan(&vault, idx, &args.new) {
        Ok(p) => p,
        Err(RenameError::NothingToDo) => {
            eprintln!("{}", RenameError::NothingToDo);
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) if e.is_refusal() => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.to_string()),
    };
    // The redirect record is not a note: said on its own line.
    let record = plan.changes.iter().any(|c| c.path() == vellum_vault::REDIRECTS_FILE);
    let files = plan.changes.len() - usize::from(record);
    let links = plan.rewritten.len();
    for r in &plan.rewritten {
        eprintln!("  {}:{}: {} -> {}", r.file, r.line, r.before, r.after);
    }
    for n in &plan.notices {
        eprintln!("note: {n}");
    }
    if args.dry_run {
        print!("{}", diff::changes(&plan.changes));
        eprintln!(
            "would rename `{}` to `{}` and rewrite {links} link(s) in {files} file(s) (dry run: nothing written)",
            plan.from, plan.to
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Err(e) = Writer::new(&vault.root).apply(&plan.changes) {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(1));
    }
    println!("{}", vault.root.join(&plan.to).display());
    eprintln!("renamed `{}` to `{}` and rewrote {links} link(s) in {files} file(s)", plan.from, plan.to);
    if record {
        eprintln!(
            "recorded the old URL in {}, so the published site redirects from it (commit it with your notes)",
            vellum_vault::REDIRECTS_FILE
        );
    }
    Ok(ExitCode::SUCCESS)
}
