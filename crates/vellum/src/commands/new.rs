//! `vellum new "Title" [--date YYYY-MM-DD] [--kind KIND] [--code XX] [--dir FOLDER]`:
//! create a note from `_templates/<kind>.md`, the Obsidian template folder's
//! `<kind>.md` or the built-in journal skeleton.
//!
//! `vellum new --daily [--date YYYY-MM-DD]`: the daily note, in the folder,
//! with the name format and template of Obsidian's Daily notes plugin; when
//! it exists, its path is printed and nothing is written.
//!
//! Prints the note's path on stdout. Exit codes: 0 created (or the daily note
//! exists), 1 refused (the file exists, or existing links would lead to the
//! new file instead of where they lead now), 2 bad input (date, kind, folder,
//! template).

use std::path::PathBuf;
use std::process::ExitCode;

use vellum_edit::{Writer, new};

/// Create a note from a template.
#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    /// The title, kept as written in `title`; the file name is made safe from it.
    #[arg(required_unless_present = "daily")]
    pub title: Option<String>,
    /// Create (or find) the daily note of the date instead, as Obsidian's
    /// Daily notes plugin does (`.obsidian/daily-notes.json`).
    #[arg(long, conflicts_with_all = ["title", "kind", "code", "dir"])]
    pub daily: bool,
    /// The date of `created`, `updated` and `note_id`, as YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// The kind: kind tag, `cssclasses` entry and template (`_templates/<kind>.md`).
    #[arg(long, default_value = "tech-journal")]
    pub kind: String,
    /// The kind code in `note_id` (default: the kind's initials, `TJ` for `tech-journal`).
    #[arg(long)]
    pub code: Option<String>,
    /// The folder for the note, relative to the vault root (default: the root).
    #[arg(long)]
    pub dir: Option<String>,
    /// The vault (default: the nearest folder upward holding `.obsidian/` or
    /// `vellum.toml`, else the current directory).
    #[arg(long)]
    pub vault: Option<PathBuf>,
}

pub(crate) fn run(args: &NewArgs) -> Result<ExitCode, String> {
    let now = jiff::ZonedDateTime::now();
    let date = match &args.date {
        Some(d) => parse_date(d)?,
        None => now.date(),
    };
    if args.daily {
        let vault = super::find_and_load(args.vault.as_deref())?;
        return daily(&vault, date, now.time());
    }
    let title = args.title.clone().unwrap_or_default();
    if title.trim().is_empty() {
        return Err("the title is empty".to_owned());
    }
    let vault = super::find_and_load(args.vault.as_deref())?;
    let req = new::NewNote {
        title,
        date,
        kind: args.kind.clone(),
        code: args.code.clone(),
        dir: args.dir.clone(),
        time: now.time(),
    };
    let plan = match new::plan(&vault, &req) {
        Ok(p) => p,
        Err(e) if e.is_refusal() => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.to_string()),
    };
    if let Err(e) = Writer::new(&vault.root).apply(&[plan.change()]) {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(1));
    }
    println!("{}", vault.root.join(&plan.path).display());
    let from =
        plan.template.as_deref().map_or_else(|| "the built-in template".to_owned(), |t| format!("`{t}`"));
    eprintln!("created `{}` (note_id {}) from {from}", plan.path, plan.note_id);
    if plan.resolves_links > 0 {
        eprintln!("{} link(s) to this unwritten note now lead to it", plan.resolves_links);
    }
    Ok(ExitCode::SUCCESS)
}

/// `vellum new --daily`: create the daily note of `date`, or find it.
fn daily(
    vault: &vellum_vault::Vault,
    date: jiff::civil::Date,
    now: jiff::civil::Time,
) -> Result<ExitCode, String> {
    let plan = vellum_edit::daily::plan(vault, date, now).map_err(|e| e.to_string())?;
    let Some(change) = plan.change() else {
        println!("{}", vault.root.join(&plan.path).display());
        eprintln!("the daily note `{}` exists", plan.path);
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(problem) = &plan.template_problem {
        eprintln!("warning: {problem}; the note is created empty");
    }
    if let Err(e) = Writer::new(&vault.root).apply(&[change]) {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(1));
    }
    println!("{}", vault.root.join(&plan.path).display());
    let from = plan.template.as_deref().map_or_else(String::new, |t| format!(" from `{t}`"));
    eprintln!("created the daily note `{}`{from}", plan.path);
    Ok(ExitCode::SUCCESS)
}

/// A strict `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    match s.parse::<jiff::civil::Date>() {
        Ok(d) if shaped => Ok(d),
        _ => Err(format!("--date `{s}` is not a date (expected YYYY-MM-DD)")),
    }
}
