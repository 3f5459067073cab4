//! `vellum completions <shell>`: print the shell completion script, made from
//! the same argument definitions the binary parses with.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

/// Print the completion script for a shell.
#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Write the script to stdout.
pub(crate) fn run(args: &CompletionsArgs) -> Result<ExitCode, String> {
    let mut command = crate::args::Cli::command();
    clap_complete::generate(args.shell, &mut command, "vellum", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
