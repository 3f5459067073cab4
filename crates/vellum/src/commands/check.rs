//! `vellum check [VAULT]`.
//!
//! The diagnostics come from the check cache (`vellum_cache::check`), which
//! reads and checks only the notes that changed since the last check, or,
//! with `--no-cache` or `--fix`, from checking every note. Either way they
//! arrive located (`vellum_check::Located`) and print through the same
//! functions, so the output does not depend on where they came from.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

use vellum_cache::check::Work;
use vellum_check::{Located, Severity};

use crate::args::{CheckArgs, Deny, Format, MinSeverity};
use crate::printer;

/// What was checked: the located diagnostics and the counts of the summary.
struct Checked {
    diagnostics: Vec<Located>,
    notes: usize,
    files: usize,
    /// What the check cache did, and the vault it did it for; `None`
    /// without the cache.
    work: Option<Work>,
    root: Option<PathBuf>,
}

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let checked = if args.fix {
        let vault = super::load_vault(args.vault.as_deref())?;
        match super::fix::run(vault, args.dry_run)? {
            super::fix::Outcome::Check(v) => check_all(*v)?,
            super::fix::Outcome::Done(code) => return Ok(code),
        }
    } else if args.no_cache {
        check_all(super::load_vault(args.vault.as_deref())?)?
    } else {
        let root: PathBuf = args.vault.as_deref().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let report = vellum_cache::check::check(&root)
            .map_err(|e| format!("cannot open vault `{}`: {e}", root.display()))?;
        Checked {
            diagnostics: report.diagnostics,
            notes: report.notes,
            files: report.files,
            work: Some(report.work),
            root: Some(root),
        }
    };
    let mut diagnostics = checked.diagnostics;
    if args.deny == Some(Deny::Warnings) {
        for d in &mut diagnostics {
            if d.diagnostic.severity == Severity::Warning {
                d.diagnostic.severity = Severity::Error;
            }
        }
    }
    let min = match args.min_severity {
        MinSeverity::Note => Severity::Note,
        MinSeverity::Warning => Severity::Warning,
        MinSeverity::Error => Severity::Error,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.format {
        Format::Json => diagnostics.iter().try_for_each(|d| writeln!(out, "{}", printer::json(d))),
        Format::Human => {
            // Rendering a snippet costs more than anything else on a cached
            // check (about 13 µs each, 20,000 of them in a large vault):
            // render on every core, print in order.
            // With the cache, the texts of the last check are reused too.
            let color = printer::use_color();
            let shown: Vec<&Located> = diagnostics.iter().filter(|d| d.diagnostic.severity >= min).collect();
            let texts: Vec<String> = match &checked.root {
                Some(root) => vellum_cache::check::render_memo(root, &shown, &[u8::from(color)], |d| {
                    printer::human(d, color)
                }),
                None => shown.par_iter().map(|d| printer::human(d, color)).collect(),
            };
            texts.iter().try_for_each(|t| writeln!(out, "{t}"))
        }
    };
    if let Err(e) = written.and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write output: {e}"));
    }
    let count = |s| diagnostics.iter().filter(|d| d.diagnostic.severity == s).count();
    let errors = count(Severity::Error);
    if !args.quiet {
        let (warnings, notes) = (count(Severity::Warning), count(Severity::Note));
        let counted = |n: usize, one, many| format!("{n} {}", printer::plural(n, one, many));
        eprintln!(
            "checked {} and {} in {:.0?}: {}, {}, {}",
            counted(checked.notes, "note", "notes"),
            counted(checked.files, "file", "files"),
            started.elapsed(),
            counted(errors, "error", "errors"),
            counted(warnings, "warning", "warnings"),
            counted(notes, "note", "notes"),
        );
    }
    if args.verbose {
        match &checked.work {
            Some(work) => eprintln!("{work}"),
            None => eprintln!("cache: not used"),
        }
    }
    let code = if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS };
    // The process ends next: freeing every diagnostic one by one only costs
    // time, so leave it to the OS.
    std::mem::forget(diagnostics);
    Ok(code)
}

/// Check every note of `vault`.
fn check_all(vault: vellum_vault::Vault) -> Result<Checked, String> {
    let found = vellum_check::check(&vault).map_err(|e| e.to_string())?;
    let diagnostics = vellum_check::locate_all(&vault, found);
    let checked =
        Checked { diagnostics, notes: vault.notes.len(), files: vault.files.len(), work: None, root: None };
    // The process ends soon: freeing every note one by one only costs time
    // (about 90 ms at 10,000 notes), so leave it to the OS.
    std::mem::forget(vault);
    Ok(checked)
}
