//! `vellum_edit` writes into a journal: it creates notes from templates
//! ([`new`], and daily notes: [`daily`]), applies the safe fixes for what `vellum check` reports ([`fix`])
//! and renames notes while rewriting every link to them ([`rename`]).
//!
//! Every command works in two steps:
//!
//! 1. **Plan**, with no I/O beyond reading a template: from a loaded
//!    [`vellum_vault::Vault`], compute the new text of every file as a list of
//!    [`Change`]s. Texts are changed only by [`edit::Edit`]s, byte-range
//!    replacements on the original text taken from the spans of the parsed
//!    note, so every byte that is not part of an edit stays exactly as it was
//!    (line endings, BOM, YAML comments and quoting, trailing newline). YAML is
//!    never re-serialized. Each plan is verified by parsing (and for renames,
//!    resolving) the result before anything is written.
//! 2. **Write**, with a [`Writer`]: each file is written to a temporary file in
//!    its own folder, synced and renamed over the original (atomic), keeping
//!    its permissions; a file that changed on disk since it was read is never
//!    overwritten. When one file of a multi-file change fails, the files
//!    already written are restored from the in-memory originals, and the error
//!    says exactly which files are old, new or untouched.
//!
//! [`diff::unified`] shows a plan as a unified diff (`--dry-run`).
//!
//! **Architecture invariant:** only [`write`](mod@write) writes to the file system;
//! [`new`] and [`daily`] read their templates (`_templates/<kind>.md`, the
//! Obsidian template folder's, the daily note template). Everything else is a
//! pure function of the loaded vault.
//!
//! The links vellum writes follow Obsidian's "New link format"
//! ([`vellum_vault::LinkStyle`], from `.obsidian/app.json`) wherever vellum
//! chooses a link's form; an existing link keeps its own kind (a wikilink
//! stays a wikilink).

pub mod daily;
pub mod diff;
pub mod edit;
pub mod fix;
mod links;
pub mod moment;
pub mod names;
pub mod new;
pub mod redirects;
pub mod rename;
pub mod write;
mod yaml;

pub use daily::DailyPlan;
pub use edit::{Edit, EditError, apply_edits};
pub use fix::{FixKind, FixPlan, NoteFix, SkipReason};
pub use new::{NewError, NewNote, NewPlan};
pub use rename::{RenameError, RenamePlan};
pub use write::{ApplyError, Change, Writer};
