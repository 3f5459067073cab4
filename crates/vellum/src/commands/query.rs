//! `vellum query EXPR` and the journal digests `claims`, `questions`, `sources`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde::Serialize;
use vellum_vault::facts::VaultFacts;
use vellum_vault::query::{self, QueryError};
use vellum_vault::{NoteIdx, Vault};

use crate::args::{DigestArgs, QueryArgs, SortKey, TableFormat};

/// Print a query error with a caret under the column, and fail.
fn query_error(q: &str, e: &QueryError) -> String {
    let col = e.column(q);
    let width = q.get(e.span.range()).map_or(1, |s| s.chars().count().max(1));
    let mut msg = format!(
        "invalid query at column {col}: {}\n  {q}\n  {}{}",
        e.message,
        " ".repeat(col - 1),
        "^".repeat(width)
    );
    if let Some(h) = &e.help {
        msg.push_str("\nhelp: ");
        msg.push_str(h);
    }
    msg
}

/// Notes selected by an optional query, sorted and limited.
fn selected(
    facts: &VaultFacts,
    expr: Option<&str>,
    sort: SortKey,
    reverse: bool,
    limit: Option<usize>,
) -> Result<Vec<NoteIdx>, String> {
    let mut notes = match expr {
        Some(q) => {
            let parsed = query::parse(q).map_err(|e| query_error(q, &e))?;
            query::select_facts(facts, &parsed)
        }
        None => (0..facts.notes.len()).collect(),
    };
    let f = &facts.notes;
    match sort {
        SortKey::Path => {}
        SortKey::Title => notes.sort_by_key(|&i| f[i].title.to_lowercase()),
        SortKey::Created => notes.sort_by_key(|&i| f[i].created),
        SortKey::Updated => notes.sort_by_key(|&i| f[i].updated),
    }
    if reverse {
        notes.reverse();
    }
    if let Some(l) = limit {
        notes.truncate(l);
    }
    Ok(notes)
}

/// The notes a digest covers: those of the loaded `vault` matching the
/// digest's optional query (parsed first, so a bad query fails before any
/// work), sorted and limited as asked.
fn digest_notes(vault: &Vault, args: &DigestArgs, limit: Option<usize>) -> Result<Vec<NoteIdx>, String> {
    let expr = args.expr.as_deref();
    let parsed = expr.map(|q| query::parse(q).map_err(|e| query_error(q, &e))).transpose()?;
    let facts = VaultFacts::from_vault(vault, parsed.as_ref().is_some_and(query::Query::needs_bodies))
        .map_err(|e| e.to_string())?;
    selected(&facts, expr, args.sort, args.reverse, limit)
}

/// The facts of the vault for `vellum query`: from the cache in
/// `.vellum/query/` when no file changed since it was written, else from a
/// freshly loaded vault (and the cache is rewritten).
fn query_facts(dir: Option<&std::path::Path>, needs_bodies: bool) -> Result<VaultFacts, String> {
    let root = super::find_root(dir)?;
    // Read the cache while the stamps are taken; use it only if they match.
    let (stamps, cached) = std::thread::scope(|s| {
        let cached = s.spawn(|| vellum_cache::facts::CachedFacts::read(&root, needs_bodies));
        (super::stamps(&root), cached.join().ok().flatten())
    });
    let stamps = stamps?;
    if let Some(facts) = cached.and_then(|c| c.current(&stamps)) {
        return Ok(facts);
    }
    let vault = super::load_vault(Some(&root))?;
    let facts = VaultFacts::from_vault(&vault, true).map_err(|e| e.to_string())?;
    vellum_cache::facts::save_facts(&root, &stamps, &facts);
    // The process is about to end: skip freeing the parsed vault.
    std::mem::forget(vault);
    Ok(facts)
}

#[derive(Serialize)]
struct NoteRow<'a> {
    path: &'a str,
    title: &'a str,
    created: Option<String>,
    updated: Option<String>,
    draft: bool,
    note_id: Option<&'a str>,
    tags: Vec<String>,
}

/// `vellum query EXPR`, or `vellum query --base FILE [--view NAME]`.
pub(crate) fn run(args: &QueryArgs) -> Result<ExitCode, String> {
    let expr = match (&args.expr, &args.base) {
        (_, Some(base)) => return run_base(args, base),
        (Some(expr), None) => expr.as_str(),
        (None, None) => return Err("give a query, or a base with `--base FILE`".to_owned()),
    };
    // Parse first: a bad query fails before the vault is read.
    let parsed = query::parse(expr).map_err(|e| query_error(expr, &e))?;
    let facts = query_facts(args.output.vault.as_deref(), parsed.needs_bodies())?;
    let notes = selected(&facts, Some(expr), args.sort, args.reverse, args.limit)?;
    let rows: Vec<NoteRow<'_>> = notes
        .iter()
        .map(|&i| {
            let n = &facts.notes[i];
            NoteRow {
                path: &n.path,
                title: &n.title,
                created: n.created.map(|d| d.to_string()),
                updated: n.updated.map(|d| d.to_string()),
                draft: n.draft,
                note_id: n.note_id.as_deref(),
                tags: n.tags.clone(),
            }
        })
        .collect();
    match args.output.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default()),
        TableFormat::Table => {
            let table: Vec<[String; 4]> = rows
                .iter()
                .map(|r| {
                    let title = if r.draft { format!("{} (draft)", r.title) } else { r.title.to_owned() };
                    [
                        r.created.clone().unwrap_or_default(),
                        r.note_id.unwrap_or("").to_owned(),
                        title,
                        r.path.to_owned(),
                    ]
                })
                .collect();
            print!("{}", super::graph::render_table(&["created", "id", "title", "path"], &table));
        }
    }
    if !args.output.quiet {
        eprintln!("{} of {} notes", rows.len(), facts.notes.len());
    }
    drop(rows);
    // The process is about to end: freeing ten thousand small facts costs more than the query.
    std::mem::forget(facts);
    Ok(ExitCode::SUCCESS)
}

/// `vellum query --base FILE [--view NAME]`: the rows of a view of an
/// Obsidian base over the vault's notes (drafts and hidden notes left out, as
/// on the published site), as a table or JSON.
fn run_base(args: &QueryArgs, base: &str) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.output.vault.as_deref())?;
    // A file as given, else a base of the vault by path or by name.
    let in_vault = vault
        .note_by_path(base)
        .or_else(|| vault.note_by_path(&format!("{base}.base")))
        .or_else(|| {
            let name = base.strip_suffix(".base").unwrap_or(base);
            vault.notes.iter().position(|n| n.note.base && n.title.eq_ignore_ascii_case(name))
        })
        .filter(|&i| vault.notes[i].note.base);
    let (text, this) = match in_vault {
        Some(i) => (vault.text(i).map_err(|e| e.to_string())?.into_owned(), Some(i)),
        None => (
            std::fs::read_to_string(base).map_err(|e| {
                format!(
                    "{base}: no base of the vault has this name or path, and it cannot be read as a file: {e}"
                )
            })?,
            None,
        ),
    };
    let parsed = vellum_bases::parse(&text);
    let errors: Vec<String> = parsed
        .problems
        .iter()
        .filter(|p| p.severity == vellum_bases::Severity::Error)
        .map(|p| format!("{base}: {}", p.message))
        .collect();
    let Some(definition) = parsed.base.filter(|_| errors.is_empty()) else {
        return Err(format!(
            "{}
(`vellum check` shows where)",
            errors.join("\n")
        ));
    };
    let names = vellum_bases::view_names(&definition);
    if let Some(view) = &args.view
        && !names.iter().any(|n| n == view)
    {
        return Err(format!("{base} has no view `{view}`; its views: {}", names.join(", ")));
    }
    let rows = vellum_render::base_rows(&vault, &|i| !vault.is_hidden(i));
    let this_row = this.map(|i| vellum_render::base_row(&vault, i));
    let result = vellum_bases::evaluate(
        &definition,
        args.view.as_deref(),
        &rows,
        this_row.as_ref(),
        vellum_render::base_now(),
    )
    .map_err(|p| format!("{base}: {}", p.message))?;
    match args.output.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&result).unwrap_or_default()),
        TableFormat::Table => print!("{}", vellum_bases::render_text_table(&result, &rows)),
    }
    if !args.output.quiet {
        eprintln!("{} of {} notes in view `{}`", result.total, rows.len(), result.name);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ClaimRow<'a> {
    path: &'a str,
    line: usize,
    kind: &'static str,
    text: &'a str,
}

/// `vellum claims [EXPR]`: core claims and inline claims.
pub(crate) fn claims(args: &DigestArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.output.vault.as_deref())?;
    let notes = digest_notes(&vault, args, args.limit)?;
    let mut rows = Vec::new();
    for &i in &notes {
        let n = &vault.notes[i];
        let k = n.kept().map_err(|e| e.to_string())?;
        let line = |o: usize| k.detail.lines.line_col(k.text, o).line;
        if let Some(c) = &n.note.journal.core_claim {
            rows.push(ClaimRow { path: &n.path, line: line(c.span.start), kind: "core", text: &c.value });
        }
        for c in &n.note.journal.claims {
            rows.push(ClaimRow { path: &n.path, line: line(c.span.start), kind: "inline", text: &c.value });
        }
    }
    match args.output.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default()),
        TableFormat::Table => {
            let t: Vec<[String; 3]> = rows
                .iter()
                .map(|r| [format!("{}:{}", r.path, r.line), r.kind.to_owned(), r.text.to_owned()])
                .collect();
            print!("{}", super::graph::render_table(&["note", "kind", "claim"], &t));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct QuestionRow<'a> {
    path: &'a str,
    line: usize,
    question: &'a str,
}

/// `vellum questions [EXPR]`: the reflective questions.
pub(crate) fn questions(args: &DigestArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.output.vault.as_deref())?;
    let notes = digest_notes(&vault, args, args.limit)?;
    let mut rows = Vec::new();
    for &i in &notes {
        let n = &vault.notes[i];
        let k = n.kept().map_err(|e| e.to_string())?;
        for q in &n.note.journal.questions {
            rows.push(QuestionRow {
                path: &n.path,
                line: k.detail.lines.line_col(k.text, q.span.start).line,
                question: &q.value,
            });
        }
    }
    match args.output.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default()),
        TableFormat::Table => {
            let t: Vec<[String; 2]> =
                rows.iter().map(|r| [format!("{}:{}", r.path, r.line), r.question.to_owned()]).collect();
            print!("{}", super::graph::render_table(&["note", "question"], &t));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct SourceRow {
    url: String,
    title: Option<String>,
    why: Vec<String>,
    cited_by: Vec<String>,
}

/// `vellum sources [EXPR]`: sources deduplicated by URL, with the notes citing them.
pub(crate) fn sources(args: &DigestArgs) -> Result<ExitCode, String> {
    let vault = super::find_and_load(args.output.vault.as_deref())?;
    let notes = digest_notes(&vault, args, None)?;
    let mut by_url: BTreeMap<String, SourceRow> = BTreeMap::new();
    for &i in &notes {
        let n = &vault.notes[i];
        for s in &n.note.journal.sources {
            let Some(url) = &s.url else { continue };
            let key = url.value.trim_end_matches('/').to_lowercase();
            let row = by_url.entry(key).or_insert_with(|| SourceRow {
                url: url.value.clone(),
                title: s.title.clone(),
                why: Vec::new(),
                cited_by: Vec::new(),
            });
            if let Some(w) = &s.why
                && !row.why.contains(w)
            {
                row.why.push(w.clone());
            }
            if !row.cited_by.contains(&n.path) {
                row.cited_by.push(n.path.clone());
            }
        }
    }
    let mut rows: Vec<SourceRow> = by_url.into_values().collect();
    rows.sort_by(|a, b| b.cited_by.len().cmp(&a.cited_by.len()).then_with(|| a.url.cmp(&b.url)));
    if let Some(l) = args.limit {
        rows.truncate(l);
    }
    match args.output.format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default()),
        TableFormat::Table => {
            let t: Vec<[String; 3]> = rows
                .iter()
                .map(|r| [r.cited_by.len().to_string(), r.title.clone().unwrap_or_default(), r.url.clone()])
                .collect();
            print!("{}", super::graph::render_table(&["cited", "source", "url"], &t));
        }
    }
    Ok(ExitCode::SUCCESS)
}
