//! `vellum build [VAULT]`: publish the vault as a static site.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use vellum_cache::parsed::ParseCache;
use vellum_site::{BuildOptions, BuildReport, Fresh, build_with, up_to_date};
use vellum_vault::Texts;

use crate::args::BuildArgs;
use crate::progress::Progress;

pub(crate) fn run(args: &BuildArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let root: PathBuf = args.vault.clone().unwrap_or_else(|| PathBuf::from("."));
    let output: PathBuf = args.output.clone().unwrap_or_else(|| root.join("public"));
    let mut opts = BuildOptions::new(&output);
    opts.include_drafts = args.drafts;
    opts.force = args.force;
    opts.cache = !args.no_cache;
    opts.patchable = opts.cache;
    // The freshness record names the output by its canonical folder: make
    // its parent first (the build would), so that the first build is recorded.
    if opts.cache
        && let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty())
    {
        let _ = std::fs::create_dir_all(parent);
    }
    // Nothing changed since the last clean build: do not even load the vault.
    let fresh = opts.cache.then(|| Fresh::take(&root, &opts));
    if let Some(report) = fresh.as_ref().and_then(|f| up_to_date(&root, f)) {
        if !args.quiet {
            eprintln!(
                "{} is up to date ({} pages, {} notes; nothing changed since the last build) in {:.2?} — open {}",
                output.display(),
                thousands(report.pages),
                thousands(report.notes),
                started.elapsed(),
                output.join("index.html").display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Only some notes' prose changed: patch their pages in place.
    let patched = fresh.as_ref().map(|f| vellum_site::patch(&root, &opts, f));
    if let Some(Ok(report)) = patched {
        let report = report.map_err(|e| e.to_string())?;
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        if !args.quiet {
            eprintln!("{}", summary(&report, &output, args.drafts, started.elapsed().as_secs_f64()));
        }
        if args.verbose {
            eprintln!(
                "  cache: {} rendered, {} files replaced in place (the rest of the site is unchanged)",
                counted(report.rendered, "note"),
                report.patched
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    // The site needs each text only while its note renders: parse and drop
    // them at load, and read each again then (a third of the memory at scale).
    // With the cache, a note whose file did not change is taken as the last
    // build parsed it.
    let parses = opts.cache.then(|| ParseCache::open(&root));
    let texts = parses.as_ref().map_or(Texts::Release, |p| Texts::ReleaseReusing(p));
    let vault = super::load_vault_with(Some(&root), texts)?;
    // Notes that could not be loaded (or whose frontmatter is broken: they might be
    // drafts) are left out; say so, and exit 1 so CI notices.
    // An Obsidian setting or a redirect line vellum cannot read never stops a build.
    for p in &vault.problems {
        if !vault.config.obsidian.hides(&p.path)
            && matches!(
                p.kind,
                vellum_vault::LoadProblemKind::ObsidianSetting | vellum_vault::LoadProblemKind::Redirects
            )
        {
            eprintln!("warning: {}: {}", p.path, p.message);
        }
    }
    let errors = vault.publish_errors();
    for (path, message) in &errors {
        eprintln!("error: {path}: {message}");
    }
    let failed = errors.len();
    // Only a clean vault may be recorded as up to date (its problems are reported again).
    opts.fresh = if failed == 0 { fresh } else { None };
    let report = build_with(&vault, &opts, &Progress::new(!args.quiet)).map_err(|e| e.to_string())?;
    // Recorded after a successful build only: a build that failed on a note
    // that changed under it leaves the last good record.
    if let Some(p) = &parses {
        p.save(&vault);
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if !args.quiet {
        eprintln!("{}", summary(&report, &output, args.drafts, started.elapsed().as_secs_f64()));
    }
    if args.verbose {
        if let Some(Err(why)) = patched {
            eprintln!("  cache: not patched in place ({why})");
        }
        let l = vault.timings;
        details(&report, [l.read, l.parse, l.resolve], opts.cache.then_some(l.parsed));
    }
    // The process ends here: freeing the vault model (hundreds of MB in
    // small allocations) would only delay the exit.
    std::mem::forget(vault);
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `n` things, digits grouped: "1 note", "1,234 notes".
fn counted(n: usize, thing: &str) -> String {
    format!("{} {thing}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// The one line a build prints: what it made, how long it took, where it
/// is and what to open.
fn summary(report: &BuildReport, output: &std::path::Path, drafts: bool, secs: f64) -> String {
    let drafts = if drafts { format!(", {}", counted(report.drafts, "draft")) } else { String::new() };
    format!(
        "built {} ({}{drafts}) in {secs:.2} s → {} — open {}",
        counted(report.pages, "page"),
        counted(report.notes, "note"),
        output.display(),
        output.join("index.html").display()
    )
}

/// `--verbose`: every count, the build cache's work and each phase's time.
fn details(report: &BuildReport, [walk, parse, resolve]: [std::time::Duration; 3], parsed: Option<usize>) {
    eprintln!(
        "  {} pages: {} notes ({} drafts), {} tags, {} keywords, {} unwritten; {} attachments; {} files, {:.1} MB in {}",
        report.pages,
        report.notes,
        report.drafts,
        report.tags,
        report.keywords,
        report.unwritten,
        report.attachments,
        report.files,
        report.bytes as f64 / 1_048_576.0,
        report.output.display(),
    );
    if let Some(parsed) = parsed {
        eprintln!(
            "  cache: {parsed} notes parsed, {} of {} note bodies rendered, {} of {} pages unchanged (linked from the previous output)",
            report.rendered, report.notes, report.reused, report.pages
        );
    }
    if report.social_cards > 0 {
        eprintln!(
            "  social cards: {} of {} drawn (the rest kept from earlier builds)",
            report.social_cards_drawn, report.social_cards
        );
    }
    // Loading the vault first (walk, read + parse: one step, as the texts
    // are released; resolve), then the site.
    eprintln!("  phases: walk {:.2?}, read + parse {:.2?}, resolve {:.2?} (the vault)", walk, parse, resolve);
    let t = &report.timings;
    eprintln!(
        "  phases: render {:.2?}, pages {:.2?}, search {:.2?}, graph {:.2?}, feed {:.2?}, social cards {:.2?}, write {:.2?}",
        t.render, t.pages, t.search, t.graph, t.feed, t.social, t.write
    );
}

/// `n` with a comma between groups of three digits: `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn the_summary_says_what_was_built_and_what_to_open() {
        let mut report = BuildReport::default();
        report.pages = 1_234;
        report.notes = 12;
        report.drafts = 3;
        let out = std::path::Path::new("public");
        assert_eq!(
            summary(&report, out, true, 0.4213),
            "built 1,234 pages (12 notes, 3 drafts) in 0.42 s → public — open public/index.html"
        );
        assert_eq!(
            summary(&report, out, false, 0.4213),
            "built 1,234 pages (12 notes) in 0.42 s → public — open public/index.html"
        );
        report.notes = 1;
        report.drafts = 1;
        assert_eq!(
            summary(&report, out, true, 1.0),
            "built 1,234 pages (1 note, 1 draft) in 1.00 s → public — open public/index.html"
        );
    }
}
