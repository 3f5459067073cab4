//! `vellum`: the command-line interface. The only crate that prints, picks exit
//! codes or knows about JSON. Each subcommand lives in `commands/`.
//!
//! Exit codes: 0 = clean, 1 = findings (errors), 2 = vellum itself could not run.

mod args;
mod commands;
mod printer;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: parsing thousands of notes in parallel is allocation-heavy, and
/// mimalloc spends markedly less CPU on it than glibc's allocator
/// (`bench/RESULTS.md`). Built without transparent huge pages (the workspace's
/// `no_thp`) and with a short purge delay (`vellum_alloc::tune`), which keep
/// the peak memory of a build low.
#[global_allocator]
static GLOBAL: vellum_alloc::MiMalloc = vellum_alloc::MiMalloc;

fn main() -> ExitCode {
    vellum_alloc::tune();
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Check(a) => commands::check::run(&a),
        args::Command::Build(a) => commands::build::run(&a),
        args::Command::Explain(a) => commands::explain::run(&a),
        args::Command::Links(a) => commands::graph::links(&a),
        args::Command::Backlinks(a) => commands::graph::backlinks(&a),
        args::Command::Graph(a) => commands::graph::graph(&a),
        args::Command::Orphans(a) => commands::graph::orphans(&a),
        args::Command::Unwritten(a) => commands::graph::unwritten(&a),
        args::Command::Stats(a) => commands::graph::stats(&a),
        args::Command::Query(a) => commands::query::run(&a),
        args::Command::Search(a) => commands::search::run(&a),
        args::Command::Claims(a) => commands::query::claims(&a),
        args::Command::Questions(a) => commands::query::questions(&a),
        args::Command::Sources(a) => commands::query::sources(&a),
        args::Command::New(a) => commands::new::run(&a),
        args::Command::Rename(a) => commands::rename::run(&a),
        args::Command::Serve(a) => commands::serve::run(&a),
        args::Command::Completions(a) => commands::completions::run(&a),
        args::Command::Lsp(a) => commands::lsp::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
