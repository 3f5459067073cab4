//! `vellum-gen`: write a generated tech-journal vault, or turn a vault into a
//! Hugo site or an mdBook book (see the `vellum_gen` library).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use vellum_gen::{Params, convert};

/// Seeded, reproducible tech-journal vaults for vellum's benchmarks.
///
/// `vellum-gen --notes N --seed S OUT` writes a vault; `vellum-gen hugo VAULT
/// SITE` and `vellum-gen mdbook VAULT BOOK` write the same notes for those tools.
#[derive(Debug, Parser)]
#[command(
    name = "vellum-gen",
    version,
    about,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    vault: VaultArgs,
}

#[derive(Debug, Args)]
struct VaultArgs {
    /// How many notes.
    #[arg(long, required = true)]
    notes: Option<usize>,
    /// The seed: the same notes and seed give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many notes in a thousand live in a per-year folder.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=1000))]
    subfolders_per_mille: u32,
    /// Replace OUT if it holds an earlier generated vault.
    #[arg(long)]
    force: bool,
    /// The folder to write the vault into.
    #[arg(required = true)]
    out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the notes of VAULT as a minimal Hugo site (title and content only).
    Hugo(ConvertArgs),
    /// Write the notes of VAULT as a flat mdBook book.
    Mdbook(ConvertArgs),
}

#[derive(Debug, Args)]
struct ConvertArgs {
    /// The vault to read.
    vault: PathBuf,
    /// The folder to write.
    out: PathBuf,
    /// Replace OUT if this command wrote it before.
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let start = Instant::now();
    let result = match (cli.command, cli.vault) {
        (Some(Command::Hugo(a)), _) => convert::hugo_site(&a.vault, &a.out, a.force)
            .map(|n| format!("hugo site: {n} notes in {}", a.out.display())),
        (Some(Command::Mdbook(a)), _) => convert::mdbook_book(&a.vault, &a.out, a.force)
            .map(|n| format!("mdbook: {n} notes in {}", a.out.display())),
        (None, VaultArgs { notes: Some(notes), seed, subfolders_per_mille, force, out: Some(out) }) => {
            let params = Params { notes, seed, subfolders_per_mille };
            vellum_gen::write_vault(&out, params, force).map(|s| {
                let (min, max, median) = s.min_max_median;
                format!(
                    "wrote {} notes, {:.1} MB (min {min} B, median {median} B, max {max} B) and {} attachments to {}",
                    s.notes,
                    s.note_bytes as f64 / 1e6,
                    s.attachments,
                    out.display()
                )
            })
        }
        (None, _) => {
            eprintln!("error: give --notes N and OUT, or a subcommand (see --help)");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(line) => {
            eprintln!("{line} in {:.2} s", start.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
