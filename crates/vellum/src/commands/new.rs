//! `vellum new "Title" [--date YYYY-MM-DD] [--kind KIND] [--code XX] [--dir FOLDER]`:
//! create a note from `_templates/<kind>.md` or the built-in journal skeleton.
//!
//! Prints the new file's path on stdout. Exit codes: 0 created, 1 refused
//! (the file exists, or existing links would lead to the new file instead of
//! where they lead now), 2 bad input (date, kind, folder, template).

use std::path::PathBuf;
use std::process::ExitCode;

use vellum_edit::{Writer, new};

/// Create a note from a template.
#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    /// The title, kept as written in `title`; the file name is made safe from it.
    pub title: String,
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
    if args.title.trim().is_empty() {
        return Err("the title is empty".to_owned());
    }
    let date = match &args.date {
        Some(d) => parse_date(d)?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let vault = super::find_and_load(args.vault.as_deref())?;
    let req = new::NewNote {
        title: args.title.clone(),
        date,
        kind: args.kind.clone(),
        code: args.code.clone(),
        dir: args.dir.clone(),
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

/// A strict `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    match s.parse::<jiff::civil::Date>() {
        Ok(d) if shaped => Ok(d),
        _ => Err(format!("--date `{s}` is not a date (expected YYYY-MM-DD)")),
    }
}
