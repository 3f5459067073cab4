//! `V701`–`V705`: Obsidian bases, in `.base` files and in `base` code blocks
//! of notes, checked by `vellum_bases` (every problem with its exact place,
//! inside the YAML and inside an expression).
//!
//! - `V701 invalid-base` (error): not YAML, not the base format, an
//!   expression that does not parse, or over a size or nesting limit.
//! - `V702 unknown-base-name` (error): an unknown function or method, a wrong
//!   number of arguments, a formula, summary or view the base does not define.
//! - `V703 base-type-error` (error): an operation on values of a type it
//!   cannot take (`"a" * 2`).
//! - `V704 circular-formula` (error): a formula that refers to itself,
//!   directly or through others.
//! - `V705 base-setting-ignored` (warning): what Obsidian ignores or only a
//!   plugin shows (an unknown key, a `map` view, a `file.` property that does
//!   not exist).

use vellum_bases::{Problem, ProblemKind, Severity};
use vellum_syntax::Span;

use super::NoteContext;
use crate::{Code, Diagnostic};

/// A `.base` file.
pub(crate) fn check(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    report(cx, cx.text, 0, out);
}

/// The `base` code blocks of a note.
pub(crate) fn check_blocks(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    for block in &cx.note.note.base_blocks {
        let Some(body) = cx.text.get(block.range()) else { continue };
        report(cx, body, block.start, out);
    }
}

fn report(cx: &NoteContext<'_>, text: &str, at: usize, out: &mut Vec<Diagnostic>) {
    for p in vellum_bases::parse(text).problems {
        out.push(diagnostic(cx, &p, at));
    }
}

/// The code for a problem `vellum_bases` found.
#[must_use]
pub fn code_of(p: &Problem) -> Code {
    match (p.severity, p.kind) {
        (Severity::Warning, _) => Code::BaseWarning,
        (_, ProblemKind::Yaml | ProblemKind::Schema | ProblemKind::Syntax | ProblemKind::TooLarge) => {
            Code::InvalidBase
        }
        (_, ProblemKind::TypeError) => Code::BaseTypeError,
        (_, ProblemKind::CircularFormula) => Code::CircularFormula,
        (
            _,
            ProblemKind::UnknownFunction
            | ProblemKind::UnknownMethod
            | ProblemKind::WrongArity
            | ProblemKind::UnknownFormula
            | ProblemKind::UnknownProperty
            | ProblemKind::UnknownSummary
            | ProblemKind::UnknownView,
        ) => Code::UnknownBaseName,
    }
}

fn diagnostic(cx: &NoteContext<'_>, p: &Problem, at: usize) -> Diagnostic {
    let span = Span::new(at + p.span.start, at + p.span.end);
    let help = match code_of(p) {
        Code::InvalidBase => {
            "the base syntax is in Obsidian's help, \"Bases syntax\"; until this is fixed the page shows what can be read"
        }
        Code::UnknownBaseName => match p.kind {
            ProblemKind::UnknownFormula => "define it under `formulas:`, or fix the name",
            ProblemKind::UnknownSummary => {
                "use a built-in summary (Average, Sum, Min, Max, …) or define it under `summaries:`"
            }
            ProblemKind::UnknownView => "use the name of one of the base's views",
            _ => "the functions a base can call are in Obsidian's help, \"Functions\"",
        },
        Code::BaseTypeError => "convert the value first (`number(x)`, `x.toString()`, `date(x)`)",
        Code::CircularFormula => {
            "a formula cannot use its own value; compute it from properties or other formulas"
        }
        _ => "Obsidian ignores it; the published page does too",
    };
    Diagnostic::new(code_of(p), &cx.note.path, Some(span), p.message.clone()).with_help(help)
}
