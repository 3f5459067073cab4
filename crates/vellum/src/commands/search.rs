//! `vellum search TEXT`: ranked full-text search over the vault, through the
//! index cached in `<vault>/.vellum/search/` (see `vellum_search`).

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use vellum_search::{SearchIndex, UpdateStats};

use crate::args::TableFormat;
use crate::printer;

/// Arguments of `vellum search`.
#[derive(Debug, clap::Args)]
pub(crate) struct SearchArgs {
    /// What to look for: words (all must match), `"a phrase"`, `OR`, `-word`,
    /// `title:word` (also `claims:`, `sources:`, `body:`, `tags:`).
    pub text: String,
    /// At most this many results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Leave out drafts (they are included by default).
    #[arg(long)]
    pub no_drafts: bool,
    /// The vault (default: the nearest folder upward holding `.obsidian/` or
    /// `vellum.toml`, else the current directory).
    #[arg(long)]
    pub vault: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// No line on stderr about re-indexing.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Serialize)]
struct HitRow<'a> {
    path: &'a str,
    title: &'a str,
    score: f32,
    draft: bool,
    snippet: &'a str,
}

/// The best `args.limit` hits among the notes Obsidian's settings do not
/// hide (templates, excluded files: indexed for the vault's own sake, never
/// found).
fn visible_hits(
    root: &std::path::Path,
    index: &SearchIndex,
    args: &SearchArgs,
) -> Result<Vec<vellum_search::Hit>, String> {
    let settings = vellum_vault::obsidian::read_settings(root).0;
    let mut asked = args.limit;
    loop {
        let mut hits = index.search(&args.text, asked, !args.no_drafts).map_err(|e| e.to_string())?;
        let all = hits.len() < asked;
        hits.retain(|h| !settings.hides(&h.path));
        if all || hits.len() >= args.limit || asked == usize::MAX {
            hits.truncate(args.limit);
            return Ok(hits);
        }
        asked = asked.saturating_mul(4).max(16);
    }
}

/// `vellum search TEXT`.
pub(crate) fn run(args: &SearchArgs) -> Result<ExitCode, String> {
    let root = super::find_root(args.vault.as_deref())?;
    // Stamps first: whatever changes after this point is seen next time.
    let stamps = super::stamps(&root)?;
    let (index, stats) = match SearchIndex::open_quick(&root, &stamps) {
        Some(opened) => opened,
        None => {
            let vault = super::load_vault(Some(&root))?;
            let (index, stats) = SearchIndex::open(&vault).map_err(|e| e.to_string())?;
            index.record_stamps(&root, &stamps);
            std::mem::forget(vault);
            (index, stats)
        }
    };
    if !args.quiet {
        report_update(&stats);
    }
    let hits = visible_hits(&root, &index, args)?;
    match args.format {
        TableFormat::Json => {
            let rows: Vec<HitRow<'_>> = hits
                .iter()
                .map(|h| HitRow {
                    path: &h.path,
                    title: &h.title,
                    score: h.score,
                    draft: h.draft,
                    snippet: &h.snippet,
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
        }
        TableFormat::Table => {
            let color = crate::printer::use_color();
            let table: Vec<[String; 4]> = hits
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let path = if h.draft { format!("{} (draft)", h.path) } else { h.path.clone() };
                    let snippet = if color { h.marked("\x1b[1m", "\x1b[0m") } else { h.snippet.clone() };
                    [(i + 1).to_string(), path, format!("{:.2}", h.score), snippet]
                })
                .collect();
            if !table.is_empty() {
                print!("{}", super::graph::render_table(&["#", "path", "score", "snippet"], &table));
            }
            if !args.quiet && hits.is_empty() {
                eprintln!("no note matches `{}`", args.text);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One stderr line when the index had to be written or could not be kept.
fn report_update(stats: &UpdateStats) {
    let ms = stats.elapsed.as_millis();
    if !stats.persisted {
        eprintln!(
            "note: search index kept in memory for this run ({})",
            stats.rebuilt.as_deref().unwrap_or("the cache folder cannot be written")
        );
        return;
    }
    if let Some(reason) = &stats.rebuilt {
        eprintln!("rebuilt the search index ({reason}): indexed {} notes in {ms}ms", stats.added);
        return;
    }
    if stats.changed() == 0 {
        return;
    }
    if stats.updated == 0 && stats.removed == 0 && stats.unchanged == 0 {
        eprintln!(
            "built the search index: {} {} in {ms}ms",
            stats.added,
            printer::plural(stats.added, "note", "notes")
        );
        return;
    }
    let mut parts = Vec::new();
    if stats.added + stats.updated > 0 {
        let n = stats.added + stats.updated;
        parts.push(format!("indexed {n} changed {}", printer::plural(n, "note", "notes")));
    }
    if stats.removed > 0 {
        parts.push(format!(
            "removed {} deleted {}",
            stats.removed,
            printer::plural(stats.removed, "note", "notes")
        ));
    }
    eprintln!("{} ({} unchanged) in {ms}ms", parts.join(", "), stats.unchanged);
}
