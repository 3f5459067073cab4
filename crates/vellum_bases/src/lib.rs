//! Obsidian Bases for vellum: parse, check and evaluate `.base` files and
//! ```` ```base ```` code blocks, and render their views as static HTML.
//!
//! A base is a YAML document describing a query over the files of a vault:
//! global `filters`, `formulas` (computed properties), per-property
//! `properties` settings (display names), custom `summaries`, and `views`
//! (table, cards or list) with their own filters, columns (`order`), `sort`,
//! `groupBy`, `limit` and column summaries.
//!
//! # Pipeline
//!
//! 1. **Parse** — [`parse`] reads the YAML with serde-saphyr into a span-carrying
//!    tree, builds the [`Base`] model and parses every filter, formula and
//!    summary expression (see [`expr`]). Each expression remembers where its text
//!    sits in the file, so a problem inside an expression points at the exact
//!    byte in the YAML, through quotes and `''`/`\"` escapes.
//! 2. **Check** — [`parse`] also runs the static checks: unknown functions and
//!    methods, wrong argument counts, operators applied to literal values of the
//!    wrong type (`"a" * 2`, `5.lower()`), unknown formulas, formulas that
//!    reference themselves directly or through others, unknown summaries and view
//!    types. Every [`Problem`] carries a byte span.
//! 3. **Evaluate** — [`evaluate`] runs one view over file data the caller
//!    supplies as [`FileRow`]s (nothing is read from disk): filters (global AND
//!    view), lazily memoized formulas, sort, grouping, limit, columns and
//!    summaries, giving a [`ViewResult`]. A formula failing for one row becomes an
//!    error cell ([`Value::Error`]); evaluation is bounded in time and memory per
//!    cell.
//! 4. **Render** — [`render_html`] turns a result into static, escaped HTML
//!    (table, cards or list); [`render_text_table`] gives aligned text for a
//!    terminal; [`ViewResult`] and [`Value`] serialize to JSON with serde.
//!
//! ```
//! use vellum_bases::{parse, evaluate, render_text_table, FileRow, Value};
//!
//! let parsed = parse("filters: 'year > 1960'\nviews:\n  - type: table\n    order: [file.basename, year]\n");
//! assert!(parsed.problems.is_empty());
//! let base = parsed.base.unwrap();
//! let mut dune = FileRow::new("Books/Dune.md");
//! dune.properties.insert("year".into(), Value::Number(1965.0));
//! let mut old = FileRow::new("Books/Old.md");
//! old.properties.insert("year".into(), Value::Number(1900.0));
//! let rows = [dune, old];
//! let result = evaluate(&base, None, &rows, None, jiff::Timestamp::UNIX_EPOCH).unwrap();
//! assert_eq!(result.total, 1);
//! assert!(render_text_table(&result, &rows).contains("Dune"));
//! ```
//!
//! # Decisions where the Obsidian documentation is silent
//!
//! - Dates and times are civil values in UTC; `now()` is the timestamp the caller
//!   passes, so output is reproducible.
//! - Frontmatter strings stay strings; a `YYYY-MM-DD…` string acts as a date when
//!   compared with a date, offset by a duration, or asked for a date method or
//!   field. `[[…]]` strings become links.
//! - Arithmetic with a missing (null) operand gives null (an empty cell) rather
//!   than JavaScript's coercion to 0; `+` with text concatenates, with null as
//!   empty text. Methods called on a missing value give a missing value.
//! - `&&` and `||` return one of their operands, as in JavaScript.
//! - `list(null)` is an empty list; `number(null)` is null.
//! - `random()` is a deterministic generator seeded by `now`.
//! - `html()` values are rendered escaped: the site never emits markup taken
//!   from a base.
//! - Rows without `sort` keep the caller's order; `groupBy` sorts first, then the
//!   sort keys; `limit` applies to the sorted rows before they are split into
//!   groups; nulls sort last in either direction.
//! - Summary `Stddev` is the population standard deviation; `Unique` counts
//!   distinct non-empty values; `Unchecked` counts `false` values only.
//! - A base without views evaluates as one table view named `Table` showing
//!   `file.name`; a view without `order` shows `file.name`.
//! - Default column names: the property name without `note.`/`formula.`, and
//!   `file.x` as written.
//! - A hyphen in an expression is always minus; use `note["my-prop"]` for
//!   property names containing one.

pub mod base;
mod check;
pub mod eval;
pub mod expr;
mod functions;
mod html;
pub mod moment;
pub mod value;
mod view;
mod yaml;

pub use base::{
    BUILTIN_SUMMARIES, Base, Direction, Expression, Filter, Namespace, PropertyConfig, PropertyKey, SortSpec,
    View, ViewKind,
};
pub use html::{render_html, render_text_table};
pub use value::{Duration, RegexValue, Value};
pub use view::{Column, Group, RowResult, ViewResult, evaluate, view_names};

use indexmap::IndexMap;
use std::ops::Range;

/// Largest base document accepted, in bytes.
pub const MAX_SOURCE_LEN: usize = 4 << 20;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The base still works; something is probably unintended.
    Warning,
    /// Part of the base cannot work as written.
    Error,
}

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ProblemKind {
    /// The document is not valid YAML.
    Yaml,
    /// The YAML is valid but does not fit the base schema.
    Schema,
    /// An expression does not parse.
    Syntax,
    /// A call to a global function that does not exist.
    UnknownFunction,
    /// A method that no type has.
    UnknownMethod,
    /// A function or method called with the wrong number of arguments.
    WrongArity,
    /// An operation that cannot apply to the (statically known) types.
    TypeError,
    /// A formula that references itself, directly or through others.
    CircularFormula,
    /// A reference to a formula the base does not define.
    UnknownFormula,
    /// A `file.` property that does not exist.
    UnknownProperty,
    /// A summary name that is neither built in nor defined in `summaries`.
    UnknownSummary,
    /// A view type that is not built in, or a view name that does not exist.
    UnknownView,
    /// Input over a size or nesting limit.
    TooLarge,
}

/// A problem found while parsing or checking a base.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Byte range in the text given to [`parse`].
    pub span: Range<usize>,
    /// How serious.
    pub severity: Severity,
    /// What kind.
    pub kind: ProblemKind,
    /// Human-readable description.
    pub message: String,
}

/// Result of [`parse`]: the base when the YAML could be read (possibly with
/// problems in parts of it), and every problem found.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The base, `None` when the document is not valid YAML or too large.
    pub base: Option<Base>,
    /// Problems, in the order found.
    pub problems: Vec<Problem>,
}

impl Parsed {
    /// True when some problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// Parses and checks a base.
///
/// `text` is the whole `.base` file, or the body of a ```` ```base ```` code
/// block (spans are then relative to the body; add the block's offset). Never
/// panics; input over [`MAX_SOURCE_LEN`] gives one [`ProblemKind::TooLarge`]
/// problem.
pub fn parse(text: &str) -> Parsed {
    if text.len() > MAX_SOURCE_LEN {
        return Parsed {
            base: None,
            problems: vec![Problem {
                span: 0..0,
                severity: Severity::Error,
                kind: ProblemKind::TooLarge,
                message: format!("base is {} bytes; the limit is {MAX_SOURCE_LEN}", text.len()),
            }],
        };
    }
    let root = match yaml::parse_yaml(text) {
        Ok(root) => root,
        Err(e) => {
            return Parsed {
                base: None,
                problems: vec![Problem {
                    span: e.span,
                    severity: Severity::Error,
                    kind: ProblemKind::Yaml,
                    message: e.message,
                }],
            };
        }
    };
    let mut reader = base::Reader { source: text, problems: Vec::new() };
    let base = reader.read_base(&root);
    let mut problems = reader.problems;
    problems.extend(check::check_base(&base));
    Parsed { base: Some(base), problems }
}

/// One file of the vault, as the caller knows it. Bases query these; the crate
/// reads nothing from disk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileRow {
    /// Vault path, e.g. `Books/Dune.md`.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Creation time.
    pub ctime: Option<jiff::Timestamp>,
    /// Modification time.
    pub mtime: Option<jiff::Timestamp>,
    /// Tags without `#`, from frontmatter and body.
    pub tags: Vec<String>,
    /// Vault paths of resolved link targets.
    pub links: Vec<String>,
    /// Vault paths of embedded files.
    pub embeds: Vec<String>,
    /// Vault paths of files linking here.
    pub backlinks: Vec<String>,
    /// Frontmatter properties (see [`Value::from_json`]).
    pub properties: IndexMap<String, Value>,
}

impl FileRow {
    /// A row with only a path; fill the other fields as needed.
    pub fn new(path: impl Into<String>) -> FileRow {
        FileRow { path: path.into(), ..FileRow::default() }
    }
}
