//! `vellum build [VAULT]`: publish the vault as a static site.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use vellum_site::{BuildOptions, Fresh, build, up_to_date};

use crate::args::BuildArgs;

pub(crate) fn run(args: &BuildArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let root: PathBuf = args.vault.clone().unwrap_or_else(|| PathBuf::from("."));
    let output: PathBuf = args.output.clone().unwrap_or_else(|| root.join("public"));
    let mut opts = BuildOptions::new(&output);
    opts.include_drafts = args.drafts;
    opts.force = args.force;
    opts.progress = !args.quiet;
    opts.cache = !args.no_cache;
    // Nothing changed since the last clean build: do not even load the vault.
    let fresh = opts.cache.then(|| Fresh::take(&root, &opts));
    if let Some(report) = fresh.as_ref().and_then(|f| up_to_date(&root, f)) {
        if !args.quiet {
            eprintln!(
                "{} is up to date ({} pages, {} notes; nothing changed since the last build) in {:.2?}",
                report.output.display(),
                report.pages,
                report.notes,
                started.elapsed()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    // The site needs each text only while its note renders: parse and drop
    // them at load, and read each again then (a third of the memory at scale).
    let vault = super::load_vault_with(Some(&root), vellum_vault::Texts::Release)?;
    // Notes that could not be loaded (or whose frontmatter is broken: they might be
    // drafts) are left out; say so, and exit 1 so CI notices.
    let mut failed = 0;
    for p in &vault.problems {
        eprintln!("error: {}: {}", p.path, p.message);
        failed += 1;
    }
    for n in &vault.notes {
        if n.note.errors.iter().any(|e| e.kind == vellum_syntax::ErrorKind::MalformedYaml) {
            eprintln!("error: {}: malformed YAML frontmatter; the note is left out of the site", n.path);
            failed += 1;
        }
    }
    // Only a clean vault may be recorded as up to date (its problems are reported again).
    opts.fresh = if failed == 0 { fresh } else { None };
    let report = build(&vault, &opts).map_err(|e| e.to_string())?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if !args.quiet {
        let t = &report.timings;
        eprintln!(
            "built {} pages ({} notes{}, {} tags, {} keywords, {} unwritten, {} attachments; {:.1} MB) into {} in {:.2?}",
            report.pages,
            report.notes,
            if args.drafts { format!(", {} drafts", report.drafts) } else { String::new() },
            report.tags,
            report.keywords,
            report.unwritten,
            report.attachments,
            report.bytes as f64 / 1_048_576.0,
            report.output.display(),
            started.elapsed(),
        );
        if opts.cache {
            eprintln!(
                "  cache: {} of {} note bodies rendered, {} of {} pages unchanged (linked from the previous output)",
                report.rendered, report.notes, report.reused, report.pages
            );
        }
        // Loading the vault first (walk, read + parse: one step, as the texts
        // are released; resolve), then the site.
        let l = vault.timings;
        eprintln!(
            "  phases: walk {:.2?}, read + parse {:.2?}, resolve {:.2?} (the vault)",
            l.read, l.parse, l.resolve
        );
        eprintln!(
            "  phases: render {:.2?}, pages {:.2?}, search {:.2?}, graph {:.2?}, feed {:.2?}, write {:.2?}",
            t.render, t.pages, t.search, t.graph, t.feed, t.write
        );
    }
    // The process ends here: freeing the vault model (hundreds of MB in
    // small allocations) would only delay the exit.
    std::mem::forget(vault);
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
