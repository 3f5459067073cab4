//! Static checks over a parsed base: unknown functions and methods, wrong
//! argument counts, operations on literal values of the wrong type, unknown and
//! circular formula references, and view settings naming unknown formulas or
//! summaries. Nothing here needs file data.

use crate::base::{BUILTIN_SUMMARIES, Base, Expression, Filter, Namespace, PropertyKey};
use crate::expr::{BinaryOp, Expr, ExprKind, UnaryOp};
use crate::functions::{self, Ty};
use crate::value::RegexValue;
use crate::{Problem, ProblemKind, Severity};
use rustc_hash::FxHashSet;
use std::ops::Range;

struct Checker<'a> {
    base: &'a Base,
    problems: Vec<Problem>,
}

/// Runs every static check and returns the problems found.
pub(crate) fn check_base(base: &Base) -> Vec<Problem> {
    let mut c = Checker { base, problems: Vec::new() };
    if let Some(f) = &base.filters {
        c.filter(f);
    }
    for e in base.formulas.values() {
        c.expression(e, false);
    }
    for e in base.summaries.values() {
        c.expression(e, true);
    }
    for view in &base.views {
        if let Some(f) = &view.filters {
            c.filter(f);
        }
        let keys = view
            .order
            .iter()
            .chain(view.sort.iter().map(|s| &s.property))
            .chain(view.group_by.iter().map(|s| &s.property))
            .chain(view.summaries.iter().map(|(k, _)| k))
            .chain(view.image.iter());
        for key in keys {
            c.property_key(key);
        }
        for (key, name) in &view.summaries {
            let builtin = BUILTIN_SUMMARIES.iter().any(|b| b.eq_ignore_ascii_case(name));
            if !builtin && !base.summaries.contains_key(name) {
                c.push(
                    ProblemKind::UnknownSummary,
                    Severity::Error,
                    key.span.clone(),
                    format!("unknown summary `{name}` for `{}`", key.raw),
                );
            }
        }
    }
    c.cycles();
    c.problems
}

impl Checker<'_> {
    fn push(&mut self, kind: ProblemKind, severity: Severity, span: Range<usize>, message: String) {
        self.problems.push(Problem { span, severity, kind, message });
    }

    fn property_key(&mut self, key: &PropertyKey) {
        match key.namespace {
            Namespace::Formula if !self.base.formulas.contains_key(&key.name) => self.push(
                ProblemKind::UnknownFormula,
                Severity::Error,
                key.span.clone(),
                format!("no formula named `{}`", key.name),
            ),
            Namespace::File if !functions::FILE_FIELDS.contains(&key.name.as_str()) => self.push(
                ProblemKind::UnknownProperty,
                Severity::Warning,
                key.span.clone(),
                format!("`{}` is not a file property", key.raw),
            ),
            _ => {}
        }
    }

    fn filter(&mut self, f: &Filter) {
        match f {
            Filter::Expr(e) => self.expression(e, false),
            Filter::And(items) | Filter::Or(items) | Filter::Not(items) => {
                items.iter().for_each(|i| self.filter(i));
            }
        }
    }

    fn expression(&mut self, expr: &Expression, summary: bool) {
        let Some(ast) = &expr.ast else {
            return;
        };
        let mut found: Vec<(ProblemKind, Severity, Range<usize>, String)> = Vec::new();
        crate::expr::walk(ast, &mut |e| self.node(e, summary, &mut found));
        for (kind, severity, local, message) in found {
            let span = expr.file_span(local);
            self.push(kind, severity, span, message);
        }
    }

    fn node(&self, e: &Expr, summary: bool, found: &mut Vec<(ProblemKind, Severity, Range<usize>, String)>) {
        match &e.kind {
            ExprKind::Call { name, name_span, args } => match functions::global(name) {
                None => found.push((
                    ProblemKind::UnknownFunction,
                    Severity::Error,
                    name_span.clone(),
                    format!("unknown function `{name}`"),
                )),
                Some(sig) => arity(name, sig, args.len(), e.span.clone(), found),
            },
            ExprKind::Method { target, name, name_span, args } => {
                let ty = infer(target, summary);
                match functions::method(ty, name) {
                    Ok(sig) => arity(name, sig, args.len(), e.span.clone(), found),
                    Err(true) => found.push((
                        ProblemKind::TypeError,
                        Severity::Error,
                        name_span.clone(),
                        format!("`{name}` is not a method of {}", ty.name()),
                    )),
                    Err(false) => found.push((
                        ProblemKind::UnknownMethod,
                        Severity::Error,
                        name_span.clone(),
                        format!("unknown method `{name}`"),
                    )),
                }
            }
            ExprKind::Member { target, name, name_span } => {
                self.namespaced(target, name, name_span.clone(), found)
            }
            ExprKind::Index { target, index } => {
                if let ExprKind::Str(name) = &index.kind {
                    self.namespaced(target, name, index.span.clone(), found);
                }
            }
            ExprKind::Regex { pattern, flags } => {
                if let Err(msg) = RegexValue::new(pattern, flags) {
                    found.push((
                        ProblemKind::Syntax,
                        Severity::Error,
                        e.span.clone(),
                        format!("invalid regular expression: {msg}"),
                    ));
                }
            }
            ExprKind::Binary(op, l, r) => {
                let (lt, rt) = (infer(l, summary), infer(r, summary));
                if let Some(msg) = binary_type_error(*op, lt, rt) {
                    found.push((ProblemKind::TypeError, Severity::Error, e.span.clone(), msg));
                }
            }
            ExprKind::Unary(UnaryOp::Neg, inner) => {
                let t = infer(inner, summary);
                if matches!(t, Ty::String | Ty::Bool | Ty::List | Ty::Object | Ty::Date) {
                    found.push((
                        ProblemKind::TypeError,
                        Severity::Error,
                        e.span.clone(),
                        format!("cannot negate a {}", t.name()),
                    ));
                }
            }
            _ => {}
        }
    }

    fn namespaced(
        &self,
        target: &Expr,
        name: &str,
        span: Range<usize>,
        found: &mut Vec<(ProblemKind, Severity, Range<usize>, String)>,
    ) {
        let ExprKind::Ident(ns) = &target.kind else {
            return;
        };
        match ns.as_str() {
            "formula" if !self.base.formulas.contains_key(name) => found.push((
                ProblemKind::UnknownFormula,
                Severity::Error,
                span,
                format!("no formula named `{name}`"),
            )),
            "file" if !functions::FILE_FIELDS.contains(&name) => found.push((
                ProblemKind::UnknownProperty,
                Severity::Warning,
                span,
                format!("`file.{name}` is not a file property"),
            )),
            _ => {}
        }
    }

    /// Reports formulas that reference themselves, directly or through others.
    /// Depth-first search with an explicit stack (formula chains can be long);
    /// each edge back to a formula still on the stack closes one cycle.
    fn cycles(&mut self) {
        let base = self.base;
        let n = base.formulas.len();
        let mut edges: Vec<Vec<(usize, Range<usize>)>> = vec![Vec::new(); n];
        for (i, (_, expr)) in base.formulas.iter().enumerate() {
            let Some(ast) = &expr.ast else {
                continue;
            };
            crate::expr::walk(ast, &mut |e| {
                let reference = match &e.kind {
                    ExprKind::Member { target, name, .. } => Some((target, name.as_str())),
                    ExprKind::Index { target, index } => match &index.kind {
                        ExprKind::Str(name) => Some((target, name.as_str())),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some((target, name)) = reference
                    && matches!(&target.kind, ExprKind::Ident(ns) if ns == "formula")
                    && let Some(j) = base.formulas.get_index_of(name)
                {
                    edges[i].push((j, expr.file_span(e.span.clone())));
                }
            });
        }
        let mut color = vec![0u8; n];
        let mut reported: FxHashSet<(usize, usize)> = FxHashSet::default();
        for root in 0..n {
            if color[root] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            color[root] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some((to, span)) = edges[node].get(*next).cloned() {
                    *next += 1;
                    match color[to] {
                        0 => {
                            color[to] = 1;
                            stack.push((to, 0));
                        }
                        1 if reported.insert((node, to)) => {
                            let start = stack.iter().position(|(f, _)| *f == to).unwrap_or(0);
                            let mut names: Vec<&str> = stack[start..]
                                .iter()
                                .filter_map(|(f, _)| base.formulas.get_index(*f).map(|(k, _)| k.as_str()))
                                .collect();
                            if let Some((k, _)) = base.formulas.get_index(to) {
                                names.push(k);
                            }
                            let message = if names.len() == 2 {
                                format!("formula `{}` refers to itself", names[0])
                            } else {
                                format!("circular formula reference: {}", names.join(" → "))
                            };
                            self.push(ProblemKind::CircularFormula, Severity::Error, span, message);
                        }
                        _ => {}
                    }
                } else {
                    color[node] = 2;
                    stack.pop();
                }
            }
        }
    }
}

fn arity(
    name: &str,
    sig: &functions::Sig,
    n: usize,
    span: Range<usize>,
    found: &mut Vec<(ProblemKind, Severity, Range<usize>, String)>,
) {
    if n < sig.min || sig.max.is_some_and(|m| n > m) {
        found.push((
            ProblemKind::WrongArity,
            Severity::Error,
            span,
            format!("`{name}` takes {} argument(s), but {n} were given", functions::arity_text(sig)),
        ));
    }
}

/// A type error that holds whatever the data: both operand types are known
/// and the operator has no meaning for them.
fn binary_type_error(op: BinaryOp, l: Ty, r: Ty) -> Option<String> {
    let known = |t: Ty| !matches!(t, Ty::Any | Ty::Null | Ty::Other);
    if !known(l) || !known(r) {
        return None;
    }
    let bad = match op {
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
            !(l == Ty::Number && r == Ty::Number
                || l == Ty::Duration && r == Ty::Number && op != BinaryOp::Rem)
        }
        BinaryOp::Sub => match (l, r) {
            (Ty::Number, Ty::Number) | (Ty::Duration, Ty::Duration) => false,
            (Ty::Date, Ty::Date | Ty::Duration | Ty::String) => false,
            // Text minus a duration string is date arithmetic when the text is a date.
            (Ty::String, Ty::String) => false,
            _ => true,
        },
        BinaryOp::Add => matches!(
            (l, r),
            (Ty::Number, Ty::Bool | Ty::List | Ty::Object | Ty::Date)
                | (Ty::Bool, Ty::Number | Ty::Bool)
                | (Ty::List, Ty::Number | Ty::Bool)
        ),
        _ => false,
    };
    bad.then(|| format!("`{}` cannot be applied to {} and {}", op.symbol(), l.name(), r.name()))
}

/// The static type of an expression where it is known without data.
fn infer(e: &Expr, summary: bool) -> Ty {
    match &e.kind {
        ExprKind::Null => Ty::Null,
        ExprKind::Bool(_) => Ty::Bool,
        ExprKind::Number(_) => Ty::Number,
        ExprKind::Str(_) => Ty::String,
        ExprKind::Regex { .. } => Ty::Regex,
        ExprKind::List(_) => Ty::List,
        ExprKind::Object(_) => Ty::Object,
        ExprKind::Ident(name) => match name.as_str() {
            "file" => Ty::File,
            "values" if summary => Ty::List,
            _ => Ty::Any,
        },
        ExprKind::Call { name, .. } => functions::global(name).map_or(Ty::Any, |s| s.ret),
        ExprKind::Method { target, name, .. } => {
            functions::method(infer(target, summary), name).map_or(Ty::Any, |s| s.ret)
        }
        ExprKind::Member { target, name, .. } => {
            let t = infer(target, summary);
            match (t, name.as_str()) {
                (Ty::String | Ty::List, "length") => Ty::Number,
                (Ty::Date, _) if functions::DATE_FIELDS.contains(&name.as_str()) => Ty::Number,
                (Ty::File, "name" | "basename" | "path" | "folder" | "ext") => Ty::String,
                (Ty::File, "size") => Ty::Number,
                (Ty::File, "ctime" | "mtime") => Ty::Date,
                (Ty::File, "tags" | "links" | "embeds" | "backlinks") => Ty::List,
                (Ty::File, "properties") => Ty::Object,
                (Ty::File, "file") => Ty::File,
                _ => Ty::Any,
            }
        }
        ExprKind::Index { .. } => Ty::Any,
        ExprKind::Unary(UnaryOp::Not, _) => Ty::Bool,
        ExprKind::Unary(UnaryOp::Neg, inner) => match infer(inner, summary) {
            Ty::Number => Ty::Number,
            Ty::Duration => Ty::Duration,
            _ => Ty::Any,
        },
        ExprKind::Binary(op, l, r) => {
            let (lt, rt) = (infer(l, summary), infer(r, summary));
            match op {
                BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                    Ty::Bool
                }
                BinaryOp::Add if lt == Ty::Number && rt == Ty::Number => Ty::Number,
                BinaryOp::Add if lt == Ty::Date => Ty::Date,
                BinaryOp::Add if (lt == Ty::String) ^ (rt == Ty::String) => Ty::String,
                BinaryOp::Sub if lt == Ty::Number && rt == Ty::Number => Ty::Number,
                BinaryOp::Sub if lt == Ty::Date && rt == Ty::Date => Ty::Number,
                BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem if lt == Ty::Number && rt == Ty::Number => {
                    Ty::Number
                }
                _ => Ty::Any,
            }
        }
    }
}
