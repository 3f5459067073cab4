//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// vellum: check, resolve and publish tech-journal vaults written in
/// Obsidian-flavoured Markdown.
#[derive(Debug, Parser)]
#[command(name = "vellum", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a vault against the Obsidian dialect and the journal schema.
    Check(CheckArgs),
    /// Publish the vault as a static site (drafts left out).
    Build(BuildArgs),
    /// Explain how a link resolves: the candidates and the rule that decided.
    Explain(ExplainArgs),
    /// Outgoing links of a note, with the line they are on and where they lead.
    Links(NoteArgs),
    /// Incoming links of a note.
    Backlinks(NoteArgs),
    /// The link graph, with unwritten notes as their own kind of node.
    Graph(GraphArgs),
    /// Notes with no links in or out.
    Orphans(OutputArgs),
    /// Unwritten notes, most wanted first: the journal's to-write list.
    Unwritten(OutputArgs),
    /// Counts: notes, drafts, words, links, unresolved, tags, notes per year.
    Stats(OutputArgs),
    /// Select notes with the query language (see `docs/query.md`).
    Query(QueryArgs),
    /// Ranked full-text search (title, claims, sources, body, tags).
    Search(crate::commands::search::SearchArgs),
    /// Core claims and inline claims, optionally filtered by a query.
    Claims(DigestArgs),
    /// Reflective questions, optionally filtered by a query.
    Questions(DigestArgs),
    /// Sources, deduplicated by URL, with the notes citing them.
    Sources(DigestArgs),
    /// Create a note from a template (`_templates/<kind>.md` or the built-in journal skeleton).
    New(crate::commands::new::NewArgs),
    /// Rename or move a note and rewrite every link to it.
    Rename(crate::commands::rename::RenameArgs),
    /// Preview the site with live reload while you write (drafts shown).
    Serve(crate::commands::serve::ServeArgs),
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(crate::commands::completions::CompletionsArgs),
    /// Run the language server on stdin/stdout, for editors (diagnostics,
    /// completion, navigation, rename, fixes).
    Lsp(crate::commands::lsp::LspArgs),
}

/// Sort order for note lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SortKey {
    /// Vault path.
    Path,
    /// Title.
    Title,
    /// `created`.
    Created,
    /// `updated`.
    Updated,
}

#[derive(Debug, Args)]
pub(crate) struct QueryArgs {
    /// The query, e.g. `tag:hardware created:>=2022-05 has:claim`.
    #[arg(required_unless_present = "base", conflicts_with = "base")]
    pub expr: Option<String>,
    /// Evaluate an Obsidian base instead (`Reading.base`: a path, or a base
    /// of the vault by path or name) and print the rows of one of its views.
    #[arg(long, value_name = "FILE")]
    pub base: Option<String>,
    /// The base's view to print, by name (default: its first).
    #[arg(long, requires = "base")]
    pub view: Option<String>,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = SortKey::Path)]
    pub sort: SortKey,
    /// Reverse the order.
    #[arg(long)]
    pub reverse: bool,
    /// At most this many notes.
    #[arg(long)]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DigestArgs {
    /// Only notes matching this query.
    pub expr: Option<String>,
    /// Sort order of the notes.
    #[arg(long, value_enum, default_value_t = SortKey::Path)]
    pub sort: SortKey,
    /// Reverse the order.
    #[arg(long)]
    pub reverse: bool,
    /// At most this many notes (for `sources`: rows).
    #[arg(long)]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Table or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TableFormat {
    /// An aligned text table.
    Table,
    /// JSON.
    Json,
}

/// Options shared by the query commands.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// The vault (default: the nearest folder upward holding `.obsidian/` or
    /// `vellum.toml`, else the current directory).
    #[arg(long)]
    pub vault: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// No summary line on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub(crate) struct NoteArgs {
    /// A note: path, file name, title, alias or note_id.
    pub note: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Graph output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    /// `{nodes, edges}` JSON.
    Json,
    /// Graphviz.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

#[derive(Debug, Args)]
pub(crate) struct GraphArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
    pub format: GraphFormat,
    /// Only the notes around this one.
    #[arg(long)]
    pub around: Option<String>,
    /// With --around: how many links away.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// The vault (default: found upward from the current directory).
    #[arg(long)]
    pub vault: Option<PathBuf>,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Human-readable, with the source line and a caret.
    Human,
    /// One JSON object per line.
    Json,
}

/// Severities that can be promoted to errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Deny {
    /// Treat warnings as errors.
    Warnings,
}

/// The least severity to print in human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MinSeverity {
    /// Everything, including unwritten notes.
    Note,
    /// Warnings and errors.
    Warning,
    /// Errors only.
    Error,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The vault folder (default: the current directory).
    pub vault: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Promote warnings to errors (exit 1 when there are any).
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Least severity to print (human format; JSON always has every diagnostic).
    #[arg(long, value_enum, default_value_t = MinSeverity::Note)]
    pub min_severity: MinSeverity,
    /// Print no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Apply the safe fixes first (keyword row, linkage tags, empty headings,
    /// `updated`, `#` in frontmatter tags), then check what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print the fixes as a unified diff and write nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// Check every note, without reading or writing the check cache
    /// (`.vellum/check/` in the vault).
    #[arg(long)]
    pub no_cache: bool,
    /// After the summary, what the check cache did.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The vault folder (default: the current directory).
    pub vault: Option<PathBuf>,
    /// Where to write the site (default: `public/` in the vault, which the vault walk skips).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Include drafts, each marked as a draft.
    #[arg(long)]
    pub drafts: bool,
    /// Replace an output folder vellum did not create.
    #[arg(long)]
    pub force: bool,
    /// Render everything again, without reading or writing the build cache
    /// (`.vellum/build/` in the vault).
    #[arg(long)]
    pub no_cache: bool,
    /// No progress bar and no summary.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Besides the summary: every count, the build cache's work and the
    /// time of each phase.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The link as written, e.g. `[[Note#Heading|alias]]` or `[x](Other%20Note.md)`.
    pub link: String,
    /// The note the link is written in (vault-relative path).
    #[arg(long)]
    pub from: String,
    /// The vault folder (default: the current directory).
    #[arg(long)]
    pub vault: Option<PathBuf>,
}
