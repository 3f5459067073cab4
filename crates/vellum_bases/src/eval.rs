//! The evaluator: expressions over one row of file data.
//!
//! A `Ctx` holds everything an expression can see: the base (for formulas),
//! the rows, the `this` file and the clock. Formulas are evaluated lazily when a
//! filter, column, sort key or another formula asks for them, and memoized per
//! row; a formula met again while it is being computed is a circular reference
//! and yields an error instead of recursing.
//!
//! Every top-level evaluation (one cell, one filter, one sort key) runs under a
//! budget: each node costs one unit, building text or lists costs in proportion
//! to their size, strings stop at [`MAX_STRING_BYTES`] and lists at
//! [`MAX_LIST_LEN`]. Going over makes that value an error; other rows and
//! cells are unaffected.

use crate::FileRow;
use crate::base::{Base, Filter, Namespace, PropertyKey};
use crate::expr::{BinaryOp, Expr, ExprKind, UnaryOp};
use crate::functions::{self, Ty};
use crate::value::{
    Duration, RegexValue, Value, compare_values, file_basename, file_name, format_number, parse_date,
    parse_wikilink, sort_order, target_matches, values_equal,
};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;

/// Longest string an expression may build, in bytes.
pub const MAX_STRING_BYTES: usize = 1 << 20;
/// Longest list an expression may build.
pub const MAX_LIST_LEN: usize = 100_000;
/// Work units one cell, filter or sort key may spend.
pub const CELL_BUDGET: u64 = 2_000_000;
/// Deepest chain of formulas referencing formulas.
const MAX_FORMULA_DEPTH: usize = 64;
/// Deepest nesting of lists and objects a value may have (values are dropped,
/// compared and rendered recursively).
pub const MAX_VALUE_DEPTH: usize = 32;

/// Work units a value stands for: one per list item or object entry, one per
/// 16 bytes of text. Counting stops past `cap`. Also returns the nesting depth.
/// Walks with an explicit stack.
fn measure(v: &Value, cap: u64) -> (u64, usize) {
    let mut weight = 0u64;
    let mut depth = 0usize;
    let mut stack: Vec<(&Value, usize)> = vec![(v, 0)];
    while let Some((v, d)) = stack.pop() {
        depth = depth.max(d);
        weight += 1;
        match v {
            Value::String(t) | Value::Html(t) => weight += t.len() as u64 / 16,
            Value::List(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
        if weight > cap || depth > MAX_VALUE_DEPTH {
            break;
        }
    }
    (weight, depth)
}

type R<T> = Result<T, String>;

/// Which row an expression looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RowRef {
    /// An index into the rows.
    Row(usize),
    /// The `this` file.
    This,
}

/// Local variables (`value`, `index`, `acc`, `values`) layered over a parent.
pub(crate) struct Frame<'p> {
    vars: Vec<(&'static str, Value)>,
    parent: Option<&'p Frame<'p>>,
}

impl Frame<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        match self.vars.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => Some(v),
            None => self.parent.and_then(|p| p.get(name)),
        }
    }
}

/// Row and local variables visible to an expression.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'p> {
    pub(crate) row: Option<RowRef>,
    pub(crate) frame: Option<&'p Frame<'p>>,
}

impl<'p> Scope<'p> {
    pub(crate) fn row(row: RowRef) -> Scope<'p> {
        Scope { row: Some(row), frame: None }
    }

    fn local(&self, name: &str) -> Option<&'p Value> {
        self.frame.and_then(|f| f.get(name))
    }
}

enum Memo {
    Busy,
    Done(Value),
}

/// Evaluation context for one view evaluation.
pub(crate) struct Ctx<'a> {
    base: &'a Base,
    rows: &'a [FileRow],
    this: Option<&'a FileRow>,
    by_path: FxHashMap<&'a str, &'a FileRow>,
    by_name: FxHashMap<String, Vec<&'a str>>,
    now: DateTime,
    memo: RefCell<FxHashMap<(RowRef, usize), Memo>>,
    spent: Cell<u64>,
    formula_depth: Cell<usize>,
    regexes: RefCell<FxHashMap<(String, String), Result<RegexValue, String>>>,
    rng: Cell<u64>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        base: &'a Base,
        rows: &'a [FileRow],
        this: Option<&'a FileRow>,
        now: jiff::Timestamp,
    ) -> Ctx<'a> {
        let mut by_path = FxHashMap::default();
        let mut by_name: FxHashMap<String, Vec<&'a str>> = FxHashMap::default();
        for row in rows.iter().chain(this) {
            by_path.entry(row.path.as_str()).or_insert(row);
            let name = file_name(&row.path);
            by_name.entry(name.to_lowercase()).or_default().push(&row.path);
            if let Some(stem) = name.strip_suffix(".md") {
                by_name.entry(stem.to_lowercase()).or_default().push(&row.path);
            }
        }
        let seed = now.as_millisecond() as u64 ^ 0x9E37_79B9_7F4A_7C15;
        Ctx {
            base,
            rows,
            this,
            by_path,
            by_name,
            now: TimeZone::UTC.to_datetime(now),
            memo: RefCell::new(FxHashMap::default()),
            spent: Cell::new(0),
            formula_depth: Cell::new(0),
            regexes: RefCell::new(FxHashMap::default()),
            rng: Cell::new(seed | 1),
        }
    }

    fn row_data(&self, r: Option<RowRef>) -> Option<&'a FileRow> {
        match r? {
            RowRef::Row(i) => self.rows.get(i),
            RowRef::This => self.this,
        }
    }

    fn charge(&self, units: u64) -> R<()> {
        let spent = self.spent.get().saturating_add(units);
        self.spent.set(spent);
        if spent > CELL_BUDGET { Err("evaluation budget exceeded".into()) } else { Ok(()) }
    }

    fn text(&self, s: String) -> R<Value> {
        if s.len() > MAX_STRING_BYTES {
            return Err(format!("text would be {} bytes; the limit is {MAX_STRING_BYTES}", s.len()));
        }
        self.charge(s.len() as u64 / 16)?;
        Ok(Value::String(s))
    }

    /// Charges for a copy of `v` (its size in work units) and hands it back.
    fn copied(&self, v: &Value) -> R<Value> {
        if matches!(v, Value::List(_) | Value::Object(_) | Value::String(_)) {
            self.charge(measure(v, CELL_BUDGET).0)?;
        }
        Ok(v.clone())
    }

    /// Checks the size and depth of a new list or object's items and charges
    /// for them, so nested lists cannot multiply past the limits.
    fn check_items<'v>(&self, items: impl Iterator<Item = &'v Value>) -> R<()> {
        let mut total = 0u64;
        for item in items {
            let (w, d) = measure(item, CELL_BUDGET);
            if d + 1 > MAX_VALUE_DEPTH {
                return Err(format!("value nested more than {MAX_VALUE_DEPTH} levels deep"));
            }
            total += w;
            if total > MAX_LIST_LEN as u64 * 4 {
                return Err(format!("value would exceed {MAX_LIST_LEN} items"));
            }
        }
        self.charge(total)
    }

    fn list(&self, items: Vec<Value>) -> R<Value> {
        if items.len() > MAX_LIST_LEN {
            return Err(format!("list would have {} items; the limit is {MAX_LIST_LEN}", items.len()));
        }
        self.check_items(items.iter())?;
        Ok(Value::List(items))
    }

    /// Evaluates a top-level expression with a fresh budget; failures become
    /// an error value.
    pub(crate) fn eval_top(&self, e: &Expr, scope: Scope<'_>) -> Value {
        self.spent.set(0);
        self.eval(e, scope).unwrap_or_else(Value::Error)
    }

    /// Evaluates a summary formula over the values of one column.
    pub(crate) fn eval_summary(&self, e: &Expr, values: Vec<Value>) -> Value {
        let frame = Frame { vars: vec![("values", Value::List(values))], parent: None };
        self.eval_top(e, Scope { row: None, frame: Some(&frame) })
    }

    /// Whether a row passes a filter tree. An expression that failed to parse
    /// or errors at run time does not hold.
    pub(crate) fn filter_holds(&self, f: &Filter, row: RowRef) -> bool {
        match f {
            Filter::Expr(e) => match &e.ast {
                Some(ast) => self.eval_top(ast, Scope::row(row)).is_truthy(),
                None => false,
            },
            Filter::And(items) => items.iter().all(|i| self.filter_holds(i, row)),
            Filter::Or(items) => items.iter().any(|i| self.filter_holds(i, row)),
            Filter::Not(items) => !items.iter().any(|i| self.filter_holds(i, row)),
        }
    }

    /// The value of a property key (a column, sort or group key) for a row.
    pub(crate) fn property(&self, row: RowRef, key: &PropertyKey) -> Value {
        self.spent.set(0);
        let r = match key.namespace {
            Namespace::Note => Ok(self.note_prop(Some(row), &key.name)),
            Namespace::File => match self.row_data(Some(row)) {
                Some(data) => self.file_field(&data.path, &key.name),
                None => Ok(Value::Null),
            },
            Namespace::Formula => self.formula(Some(row), &key.name),
        };
        r.unwrap_or_else(Value::Error)
    }

    fn note_prop(&self, row: Option<RowRef>, name: &str) -> Value {
        self.row_data(row).and_then(|r| r.properties.get(name)).cloned().unwrap_or(Value::Null)
    }

    /// A formula's value for a row, memoized; cycles and errors are `Err`.
    pub(crate) fn formula(&self, row: Option<RowRef>, name: &str) -> R<Value> {
        let Some(row) = row else {
            return Ok(Value::Null);
        };
        let Some((index, _, expr)) = self.base.formulas.get_full(name) else {
            return Err(format!("unknown formula `{name}`"));
        };
        match self.memo.borrow().get(&(row, index)) {
            Some(Memo::Busy) => return Err(format!("circular reference to formula `{name}`")),
            Some(Memo::Done(Value::Error(m))) => return Err(m.clone()),
            Some(Memo::Done(v)) => return self.copied(v),
            None => {}
        }
        let Some(ast) = &expr.ast else {
            return Err(format!("formula `{name}` has a syntax error"));
        };
        if self.formula_depth.get() >= MAX_FORMULA_DEPTH {
            return Err("formulas reference each other too deeply".into());
        }
        self.memo.borrow_mut().insert((row, index), Memo::Busy);
        self.formula_depth.set(self.formula_depth.get() + 1);
        let result = self.eval(ast, Scope::row(row));
        self.formula_depth.set(self.formula_depth.get() - 1);
        let stored = match &result {
            Ok(v) => v.clone(),
            Err(m) => Value::Error(m.clone()),
        };
        self.memo.borrow_mut().insert((row, index), Memo::Done(stored));
        result
    }

    fn regex(&self, pattern: &str, flags: &str) -> R<RegexValue> {
        let key = (pattern.to_owned(), flags.to_owned());
        if let Some(r) = self.regexes.borrow().get(&key) {
            return r.clone();
        }
        let compiled = RegexValue::new(pattern, flags);
        self.regexes.borrow_mut().insert(key, compiled.clone());
        compiled
    }

    fn eval(&self, e: &Expr, s: Scope<'_>) -> R<Value> {
        self.charge(1)?;
        match &e.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Number(n) => Ok(Value::Number(*n)),
            ExprKind::Str(t) => self.text(t.clone()),
            ExprKind::Regex { pattern, flags } => self.regex(pattern, flags).map(Value::Regex),
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(i, s)?);
                }
                self.list(out)
            }
            ExprKind::Object(entries) => {
                let mut out = indexmap::IndexMap::new();
                for (k, v) in entries {
                    out.insert(k.clone(), self.eval(v, s)?);
                }
                self.check_items(out.values())?;
                Ok(Value::Object(out))
            }
            ExprKind::Ident(name) => self.ident(name, s),
            ExprKind::Member { target, name, .. } => {
                if let Some(v) = self.namespaced(target, name, s) {
                    return v;
                }
                let v = self.eval(target, s)?;
                self.field(&v, name)
            }
            ExprKind::Index { target, index } => {
                let idx = self.eval(index, s)?;
                if let Value::String(name) = &idx
                    && let Some(v) = self.namespaced(target, name, s)
                {
                    return v;
                }
                let v = self.eval(target, s)?;
                self.index(&v, &idx)
            }
            ExprKind::Call { name, args, .. } => self.call(name, args, s),
            ExprKind::Method { target, name, args, .. } => {
                let recv = self.eval(target, s)?;
                self.method(recv, name, args, s)
            }
            ExprKind::Unary(op, inner) => {
                let v = self.eval(inner, s)?;
                match (op, v) {
                    (_, Value::Error(m)) => Err(m),
                    (UnaryOp::Not, v) => Ok(Value::Bool(!v.is_truthy())),
                    (UnaryOp::Neg, Value::Number(n)) => Ok(Value::Number(-n)),
                    (UnaryOp::Neg, Value::Duration(d)) => {
                        Ok(Value::Duration(Duration { months: -d.months, millis: -d.millis }))
                    }
                    (UnaryOp::Neg, Value::Null) => Ok(Value::Null),
                    (UnaryOp::Neg, v) => Err(format!("cannot negate a {}", v.type_name())),
                }
            }
            ExprKind::Binary(op, l, r) => {
                let left = self.eval(l, s)?;
                match op {
                    BinaryOp::And if !left.is_truthy() => return Ok(left),
                    BinaryOp::Or if left.is_truthy() => return Ok(left),
                    BinaryOp::And | BinaryOp::Or => return self.eval(r, s),
                    _ => {}
                }
                let right = self.eval(r, s)?;
                self.binary(*op, left, right)
            }
        }
    }

    /// `note.x`, `formula.x`, `this.x` and `file.x` (for the current row), unless a
    /// local variable shadows the namespace name.
    fn namespaced(&self, target: &Expr, name: &str, s: Scope<'_>) -> Option<R<Value>> {
        let this_scope = Scope { row: self.this.map(|_| RowRef::This), frame: None };
        let (ns, scope) = match &target.kind {
            ExprKind::Ident(ns) if s.local(ns).is_none() => (ns.as_str(), s),
            // `this.note.x`, `this.formula.x`, `this.file.x`: the same namespaces
            // read on the `this` file.
            ExprKind::Member { target: inner, name: ns, .. }
                if matches!(&inner.kind, ExprKind::Ident(t) if t == "this")
                    && s.local("this").is_none()
                    && matches!(ns.as_str(), "note" | "formula" | "file") =>
            {
                (ns.as_str(), this_scope)
            }
            _ => return None,
        };
        match ns {
            "note" => Some(self.copied(&self.note_prop(scope.row, name))),
            "formula" => Some(self.formula(scope.row, name)),
            "this" => Some(self.ident(name, this_scope)),
            "file" => {
                let row = self.row_data(scope.row)?;
                Some(self.file_field(&row.path, name))
            }
            _ => None,
        }
    }

    fn ident(&self, name: &str, s: Scope<'_>) -> R<Value> {
        if let Some(v) = s.local(name) {
            return self.copied(v);
        }
        let row = self.row_data(s.row);
        Ok(match name {
            "file" => row.map(|r| Value::File(r.path.clone())).unwrap_or_default(),
            "this" => self.this.map(|r| Value::File(r.path.clone())).unwrap_or_default(),
            "note" => row.map(|r| Value::Object(r.properties.clone())).unwrap_or_default(),
            "formula" => return Err("`formula` must be followed by a formula name".into()),
            _ => return self.copied(&self.note_prop(s.row, name)),
        })
    }

    fn resolve(&self, target: &str) -> Option<&'a str> {
        let target = target.trim().trim_start_matches('/');
        let target = target.split('#').next().unwrap_or(target);
        if let Some(r) = self.by_path.get(target) {
            return Some(&r.path);
        }
        if let Some(r) = self.by_path.get(format!("{target}.md").as_str()) {
            return Some(&r.path);
        }
        let name = file_name(target).to_lowercase();
        let candidates = self.by_name.get(&name)?;
        candidates
            .iter()
            .copied()
            .find(|p| target_matches(target, p) || target_matches(&target.to_lowercase(), &p.to_lowercase()))
    }

    fn file_row(&self, path: &str) -> Option<&'a FileRow> {
        self.by_path.get(path).copied()
    }

    /// A field of the file at `path`; fields needing file data are null when the
    /// file is not among the rows.
    fn file_field(&self, path: &str, name: &str) -> R<Value> {
        let row = self.file_row(path);
        let links = |items: &[String]| {
            Value::List(items.iter().map(|p| Value::Link { path: p.clone(), display: None }).collect())
        };
        let ts = |t: Option<jiff::Timestamp>| {
            t.map(|t| Value::DateTime(TimeZone::UTC.to_datetime(t))).unwrap_or_default()
        };
        Ok(match name {
            "name" => Value::String(file_name(path).to_owned()),
            "basename" => Value::String(file_basename(path).to_owned()),
            "path" => Value::String(path.to_owned()),
            "folder" => Value::String(match path.rfind('/') {
                Some(i) => path[..i].to_owned(),
                None => "/".to_owned(),
            }),
            "ext" => Value::String(match file_name(path).rfind('.') {
                Some(i) if i > 0 => file_name(path)[i + 1..].to_owned(),
                _ => String::new(),
            }),
            "file" => Value::File(path.to_owned()),
            "size" => row.map(|r| Value::Number(r.size as f64)).unwrap_or_default(),
            "ctime" => ts(row.and_then(|r| r.ctime)),
            "mtime" => ts(row.and_then(|r| r.mtime)),
            "tags" => row
                .map(|r| Value::List(r.tags.iter().map(|t| Value::String(t.clone())).collect()))
                .unwrap_or_else(|| Value::List(Vec::new())),
            "links" => row.map(|r| links(&r.links)).unwrap_or_else(|| Value::List(Vec::new())),
            "embeds" => row.map(|r| links(&r.embeds)).unwrap_or_else(|| Value::List(Vec::new())),
            "backlinks" => row
                .map(|r| Value::List(r.backlinks.iter().map(|p| Value::File(p.clone())).collect()))
                .unwrap_or_else(|| Value::List(Vec::new())),
            "properties" => row
                .map(|r| Value::Object(r.properties.clone()))
                .unwrap_or_else(|| Value::Object(indexmap::IndexMap::new())),
            other => return Err(format!("unknown file property `{other}`")),
        })
    }

    fn field(&self, v: &Value, name: &str) -> R<Value> {
        match v {
            Value::Error(m) => Err(m.clone()),
            Value::File(path) => self.file_field(path, name),
            Value::Object(map) => Ok(map.get(name).cloned().unwrap_or_default()),
            Value::List(items) if name == "length" => Ok(Value::Number(items.len() as f64)),
            Value::String(t) if name == "length" => Ok(Value::Number(t.chars().count() as f64)),
            Value::Date(_) | Value::DateTime(_) | Value::String(_)
                if functions::DATE_FIELDS.contains(&name) =>
            {
                match v.as_datetime() {
                    Some(dt) => Ok(date_field(&dt, name)),
                    None => Ok(Value::Null),
                }
            }
            _ => Ok(Value::Null),
        }
    }

    fn index(&self, v: &Value, idx: &Value) -> R<Value> {
        match (v, idx) {
            (Value::Error(m), _) => Err(m.clone()),
            (Value::List(items), Value::Number(n)) => {
                Ok(js_index(*n, items.len()).and_then(|i| items.get(i)).cloned().unwrap_or_default())
            }
            (Value::String(t), Value::Number(n)) => Ok(js_index(*n, usize::MAX)
                .and_then(|i| t.chars().nth(i))
                .map(|c| Value::String(c.to_string()))
                .unwrap_or_default()),
            (_, Value::String(name)) => self.field(v, name),
            _ => Ok(Value::Null),
        }
    }

    fn binary(&self, op: BinaryOp, l: Value, r: Value) -> R<Value> {
        if let Value::Error(m) = &l {
            return Err(m.clone());
        }
        if let Value::Error(m) = &r {
            return Err(m.clone());
        }
        let cmp = |want: fn(Ordering) -> bool| Ok(Value::Bool(compare_values(&l, &r).is_some_and(want)));
        match op {
            BinaryOp::Eq => Ok(Value::Bool(values_equal(&l, &r))),
            BinaryOp::Ne => Ok(Value::Bool(!values_equal(&l, &r))),
            BinaryOp::Lt => cmp(|o| o == Ordering::Less),
            BinaryOp::Le => cmp(|o| o != Ordering::Greater),
            BinaryOp::Gt => cmp(|o| o == Ordering::Greater),
            BinaryOp::Ge => cmp(|o| o != Ordering::Less),
            BinaryOp::Add => self.add(l, r),
            BinaryOp::Sub => self.sub(l, r),
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => arith(op, l, r),
            BinaryOp::And => Ok(if l.is_truthy() { r } else { l }),
            BinaryOp::Or => Ok(if l.is_truthy() { l } else { r }),
        }
    }

    fn add(&self, l: Value, r: Value) -> R<Value> {
        match (&l, &r) {
            (Value::Number(a), Value::Number(b)) => Ok(Value::Number(a + b)),
            (a, b) if a.is_date() => match duration_of(b) {
                Some(d) => add_duration(a, d, 1),
                None if matches!(b, Value::String(_)) => self.text(l.to_text() + &r.to_text()),
                None if matches!(b, Value::Null) => Ok(Value::Null),
                None => Err(format!("cannot add a {} to a date", b.type_name())),
            },
            (Value::Duration(d), b) if b.is_date() => add_duration(b, *d, 1),
            (Value::Duration(a), Value::Duration(b)) => Ok(Value::Duration(Duration {
                months: a.months.saturating_add(b.months),
                millis: a.millis.saturating_add(b.millis),
            })),
            (Value::String(a), Value::String(b)) if date_and_duration(a, b).is_some() => {
                match date_and_duration(a, b) {
                    Some((date, d)) => add_duration(&date, d, 1),
                    None => Ok(Value::Null),
                }
            }
            (Value::String(_), _) | (_, Value::String(_)) => {
                let (a, b) = (l.to_text(), r.to_text());
                if a.len() + b.len() > MAX_STRING_BYTES {
                    return Err(format!("text would exceed {MAX_STRING_BYTES} bytes"));
                }
                self.text(a + &b)
            }
            (Value::List(a), Value::List(b)) => {
                if a.len() + b.len() > MAX_LIST_LEN {
                    return Err(format!("list would exceed {MAX_LIST_LEN} items"));
                }
                let mut out = a.clone();
                out.extend(b.iter().cloned());
                self.list(out)
            }
            (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
            _ => Err(format!("cannot add {} and {}", l.type_name(), r.type_name())),
        }
    }

    fn sub(&self, l: Value, r: Value) -> R<Value> {
        let date_like = |v: &Value| v.is_date() || matches!(v, Value::String(s) if parse_date(s).is_some());
        match (&l, &r) {
            (Value::Number(a), Value::Number(b)) => Ok(Value::Number(a - b)),
            (a, b) if (a.is_date() && date_like(b)) || (b.is_date() && date_like(a)) => {
                match (a.as_datetime().and_then(dt_millis), b.as_datetime().and_then(dt_millis)) {
                    (Some(x), Some(y)) => Ok(Value::Number((x - y) as f64)),
                    _ => Err("date out of range".into()),
                }
            }
            (a, b) if a.is_date() => match duration_of(b) {
                Some(d) => add_duration(a, d, -1),
                None if matches!(b, Value::Null) => Ok(Value::Null),
                None => Err(format!("cannot subtract a {} from a date", b.type_name())),
            },
            (Value::String(a), Value::String(b)) => match date_and_duration(a, b) {
                Some((date, d)) => add_duration(&date, d, -1),
                None => Err("cannot subtract text from text".into()),
            },
            (Value::Duration(a), Value::Duration(b)) => Ok(Value::Duration(Duration {
                months: a.months.saturating_sub(b.months),
                millis: a.millis.saturating_sub(b.millis),
            })),
            (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
            _ => Err(format!("cannot subtract {} from {}", r.type_name(), l.type_name())),
        }
    }

    fn call(&self, name: &str, args: &[Expr], s: Scope<'_>) -> R<Value> {
        let Some(sig) = functions::global(name) else {
            return Err(format!("unknown function `{name}`"));
        };
        check_arity(name, sig, args.len())?;
        if name == "if" {
            let cond = self.eval(&args[0], s)?;
            return match (cond.is_truthy(), args.get(1), args.get(2)) {
                (true, Some(t), _) => self.eval(t, s),
                (false, _, Some(f)) => self.eval(f, s),
                _ => Ok(Value::Null),
            };
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            let v = self.eval(a, s)?;
            if let Value::Error(m) = v {
                return Err(m);
            }
            vals.push(v);
        }
        let first = vals.first().cloned().unwrap_or_default();
        match name {
            "escapeHTML" => self.text(crate::html::escape(&first.to_text())),
            "date" => match &first {
                Value::Null => Ok(Value::Null),
                Value::Date(_) | Value::DateTime(_) => Ok(first),
                Value::Number(ms) => from_millis(*ms),
                Value::String(t) => parse_date(t).ok_or_else(|| format!("cannot read `{t}` as a date")),
                other => Err(format!("cannot make a date from a {}", other.type_name())),
            },
            "duration" => match &first {
                Value::Null => Ok(Value::Null),
                Value::Duration(_) => Ok(first),
                Value::Number(ms) if ms.is_finite() => {
                    Ok(Value::Duration(Duration { months: 0, millis: *ms as i64 }))
                }
                Value::String(t) => Duration::parse(t)
                    .map(Value::Duration)
                    .ok_or_else(|| format!("cannot read `{t}` as a duration")),
                other => Err(format!("cannot make a duration from a {}", other.type_name())),
            },
            "file" => Ok(match &first {
                Value::Null => Value::Null,
                Value::File(_) => first,
                Value::Link { path, .. } => {
                    Value::File(self.resolve(path).map(str::to_owned).unwrap_or_else(|| path.clone()))
                }
                other => {
                    let t = other.to_text();
                    let t = match parse_wikilink(&t) {
                        Some(Value::Link { path, .. }) => path,
                        _ => t,
                    };
                    Value::File(self.resolve(&t).map(str::to_owned).unwrap_or(t))
                }
            }),
            "html" => Ok(Value::Html(first.to_text())),
            "image" => Ok(match &first {
                Value::Null => Value::Null,
                Value::Link { path, .. } | Value::File(path) => Value::Image(path.clone()),
                other => Value::Image(other.to_text()),
            }),
            "icon" => Ok(Value::Icon(first.to_text())),
            "link" => {
                let display = match vals.get(1) {
                    None | Some(Value::Null) => None,
                    Some(d) => Some(d.to_text()),
                };
                Ok(match first {
                    Value::Null => Value::Null,
                    Value::File(path) => Value::Link { path, display },
                    Value::Link { path, display: old } => Value::Link { path, display: display.or(old) },
                    other => {
                        let t = other.to_text();
                        match parse_wikilink(&t) {
                            Some(Value::Link { path, display: old }) => {
                                Value::Link { path, display: display.or(old) }
                            }
                            _ => Value::Link { path: t, display },
                        }
                    }
                })
            }
            "list" => match first {
                Value::List(_) => Ok(first),
                Value::Null => Ok(Value::List(Vec::new())),
                other => self.list(vec![other]),
            },
            "max" | "min" => extreme(&vals, name == "max"),
            "now" => Ok(Value::DateTime(self.now)),
            "today" => Ok(Value::Date(self.now.date())),
            "number" => to_number(&first),
            "random" => {
                let mut x = self.rng.get();
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                self.rng.set(x);
                Ok(Value::Number((x >> 11) as f64 / (1u64 << 53) as f64))
            }
            _ => Err(format!("unknown function `{name}`")),
        }
    }

    fn method(&self, recv: Value, name: &str, args: &[Expr], s: Scope<'_>) -> R<Value> {
        if let Value::Error(m) = recv {
            return Err(m);
        }
        // A date written as text answers date methods.
        let recv = match &recv {
            Value::String(t)
                if functions::DATE_METHODS.iter().any(|m| m.name == name)
                    && !functions::STRING_METHODS.iter().any(|m| m.name == name) =>
            {
                parse_date(t).unwrap_or(recv)
            }
            _ => recv,
        };
        let ty = value_ty(&recv);
        let sig = match functions::method(ty, name) {
            Ok(sig) => sig,
            Err(_) if matches!(recv, Value::Null) => {
                // Methods on a missing value give a missing value.
                return Ok(Value::Null);
            }
            Err(true) => return Err(format!("`{name}` is not a method of {}", ty.name())),
            Err(false) => return Err(format!("unknown method `{name}`")),
        };
        check_arity(name, sig, args.len())?;
        if let Value::List(items) = &recv {
            match name {
                "filter" | "map" => return self.filter_map(items, name == "filter", &args[0], s),
                "reduce" => return self.reduce(items, &args[0], &args[1], s),
                _ => {}
            }
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            let v = self.eval(a, s)?;
            if let Value::Error(m) = v {
                return Err(m);
            }
            vals.push(v);
        }
        let arg = |i: usize| vals.get(i).cloned().unwrap_or_default();
        match name {
            "isTruthy" => return Ok(Value::Bool(recv.is_truthy())),
            "isType" => {
                let want = arg(0).to_text().to_lowercase();
                let have = recv.type_name();
                return Ok(Value::Bool(
                    want == have
                        || (want == "array" && have == "list")
                        || (want == "regex" && have == "regexp"),
                ));
            }
            "toString" => return self.text(recv.to_text()),
            "isEmpty" => return Ok(Value::Bool(recv.is_empty_value())),
            _ => {}
        }
        match recv {
            Value::Null => Ok(Value::Null),
            Value::String(t) => self.string_method(&t, name, &vals),
            Value::Number(n) => number_method(n, name, &vals),
            Value::Date(_) | Value::DateTime(_) => self.date_method(&recv, name, &vals),
            Value::List(items) => self.list_method(items, name, &vals),
            Value::Object(map) => match name {
                "keys" => self.list(map.keys().map(|k| Value::String(k.clone())).collect()),
                "values" => self.list(map.values().cloned().collect()),
                _ => Err(format!("unknown method `{name}`")),
            },
            Value::Regex(re) => match name {
                "matches" => Ok(Value::Bool(re.compiled.is_match(&arg(0).to_text()))),
                _ => Err(format!("unknown method `{name}`")),
            },
            Value::Link { path, display } => match name {
                "asFile" => Ok(self.resolve(&path).map(|p| Value::File(p.to_owned())).unwrap_or_default()),
                "linksTo" => {
                    let Some(p) = self.resolve(&path) else {
                        return Ok(Value::Bool(false));
                    };
                    Ok(Value::Bool(self.has_link(p, &arg(0))))
                }
                _ => {
                    let _ = display;
                    Err(format!("unknown method `{name}`"))
                }
            },
            Value::File(path) => self.file_method(&path, name, &vals),
            other => Err(format!("`{name}` is not a method of {}", other.type_name())),
        }
    }

    fn filter_map(&self, items: &[Value], keep: bool, body: &Expr, s: Scope<'_>) -> R<Value> {
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let frame = Frame {
                vars: vec![("value", item.clone()), ("index", Value::Number(i as f64))],
                parent: s.frame,
            };
            let inner = Scope { row: s.row, frame: Some(&frame) };
            let v = self.eval(body, inner)?;
            if let Value::Error(m) = v {
                return Err(m);
            }
            if keep {
                if v.is_truthy() {
                    out.push(self.copied(item)?);
                }
            } else {
                self.charge(measure(&v, CELL_BUDGET).0)?;
                out.push(v);
            }
        }
        self.list(out)
    }

    fn reduce(&self, items: &[Value], body: &Expr, init: &Expr, s: Scope<'_>) -> R<Value> {
        let mut acc = self.eval(init, s)?;
        for (i, item) in items.iter().enumerate() {
            let frame = Frame {
                vars: vec![("value", item.clone()), ("index", Value::Number(i as f64)), ("acc", acc)],
                parent: s.frame,
            };
            acc = self.eval(body, Scope { row: s.row, frame: Some(&frame) })?;
            if let Value::Error(m) = acc {
                return Err(m);
            }
        }
        Ok(acc)
    }

    fn string_method(&self, t: &str, name: &str, vals: &[Value]) -> R<Value> {
        let arg_text = |i: usize| vals.get(i).map(Value::to_text).unwrap_or_default();
        let texts = || vals.iter().map(Value::to_text);
        match name {
            "contains" => Ok(Value::Bool(t.contains(&arg_text(0)))),
            "containsAll" => Ok(Value::Bool(texts().all(|v| t.contains(&v)))),
            "containsAny" => Ok(Value::Bool(texts().any(|v| t.contains(&v)))),
            "startsWith" => Ok(Value::Bool(t.starts_with(&arg_text(0)))),
            "endsWith" => Ok(Value::Bool(t.ends_with(&arg_text(0)))),
            "lower" => self.text(t.to_lowercase()),
            "trim" => self.text(t.trim().to_owned()),
            "reverse" => self.text(t.chars().rev().collect()),
            "title" => {
                let mut out = String::with_capacity(t.len());
                let mut start = true;
                for c in t.chars() {
                    if start && c.is_alphabetic() {
                        out.extend(c.to_uppercase());
                    } else {
                        out.push(c);
                    }
                    start = c.is_whitespace();
                }
                self.text(out)
            }
            "repeat" => {
                let n = number_arg(vals, 0)?;
                if !(0.0..=1e9).contains(&n) || n.fract() != 0.0 {
                    return Err(format!("invalid repeat count {}", format_number(n)));
                }
                let total = (t.len() as f64) * n;
                if total > MAX_STRING_BYTES as f64 {
                    return Err(format!("text would exceed {MAX_STRING_BYTES} bytes"));
                }
                self.text(t.repeat(n as usize))
            }
            "slice" => {
                let chars: Vec<char> = t.chars().collect();
                let (a, b) = js_range(chars.len(), vals)?;
                self.text(chars[a..b].iter().collect())
            }
            "split" => {
                let mut parts: Vec<Value> = match vals.first() {
                    Some(Value::Regex(re)) => re
                        .compiled
                        .split(t)
                        .map(|p| Value::String(p.to_owned()))
                        .take(MAX_LIST_LEN + 1)
                        .collect(),
                    _ => {
                        let sep = arg_text(0);
                        if sep.is_empty() {
                            t.chars().map(|c| Value::String(c.to_string())).take(MAX_LIST_LEN + 1).collect()
                        } else {
                            t.split(sep.as_str())
                                .map(|p| Value::String(p.to_owned()))
                                .take(MAX_LIST_LEN + 1)
                                .collect()
                        }
                    }
                };
                if let Some(n) = vals.get(1) {
                    let n = to_number(n)?;
                    if let Value::Number(n) = n
                        && n >= 0.0
                    {
                        parts.truncate(n as usize);
                    }
                }
                self.list(parts)
            }
            "replace" => {
                let with = arg_text(1);
                let out = match vals.first() {
                    Some(Value::Regex(re)) => {
                        let rep = js_replacement(&with);
                        if re.global() {
                            re.compiled.replace_all(t, rep.as_str()).into_owned()
                        } else {
                            re.compiled.replace(t, rep.as_str()).into_owned()
                        }
                    }
                    _ => {
                        let pat = arg_text(0);
                        if pat.is_empty() {
                            format!("{with}{t}")
                        } else {
                            let count = t.matches(pat.as_str()).count();
                            let size = t.len() + count * with.len();
                            if size > MAX_STRING_BYTES {
                                return Err(format!("text would exceed {MAX_STRING_BYTES} bytes"));
                            }
                            t.replace(pat.as_str(), &with)
                        }
                    }
                };
                self.text(out)
            }
            _ => Err(format!("`{name}` is not a method of string")),
        }
    }

    fn date_method(&self, v: &Value, name: &str, vals: &[Value]) -> R<Value> {
        let Some(dt) = v.as_datetime() else {
            return Ok(Value::Null);
        };
        match name {
            "date" => Ok(Value::Date(dt.date())),
            "time" => Ok(Value::String(dt.strftime("%H:%M:%S").to_string())),
            "format" => {
                let f = vals.first().map(Value::to_text).unwrap_or_default();
                if f.len() > 4096 {
                    return Err("format string too long".into());
                }
                self.text(crate::moment::format(&f, dt))
            }
            "relative" => {
                let (Some(then), Some(now)) = (dt_millis(dt), dt_millis(self.now)) else {
                    return Ok(Value::Null);
                };
                Ok(Value::String(relative_text(now - then)))
            }
            _ => Err(format!("`{name}` is not a method of date")),
        }
    }

    fn list_method(&self, items: Vec<Value>, name: &str, vals: &[Value]) -> R<Value> {
        let has = |v: &Value| items.iter().any(|i| values_equal(i, v));
        match name {
            "contains" => Ok(Value::Bool(vals.first().is_some_and(has))),
            "containsAll" => Ok(Value::Bool(vals.iter().all(has))),
            "containsAny" => Ok(Value::Bool(vals.iter().any(has))),
            "flat" => {
                let mut out = Vec::new();
                for i in items {
                    match i {
                        Value::List(inner) => out.extend(inner),
                        other => out.push(other),
                    }
                    if out.len() > MAX_LIST_LEN {
                        return Err(format!("list would exceed {MAX_LIST_LEN} items"));
                    }
                }
                self.list(out)
            }
            "join" => {
                let sep = vals.first().map(Value::to_text).unwrap_or_else(|| ",".into());
                let mut out = String::new();
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&sep);
                    }
                    out.push_str(&v.to_text());
                    if out.len() > MAX_STRING_BYTES {
                        return Err(format!("text would exceed {MAX_STRING_BYTES} bytes"));
                    }
                }
                self.text(out)
            }
            "reverse" => {
                let mut items = items;
                items.reverse();
                self.list(items)
            }
            "slice" => {
                let (a, b) = js_range(items.len(), vals)?;
                self.list(items[a..b].to_vec())
            }
            "sort" => {
                let mut items = items;
                self.charge(items.len() as u64)?;
                items.sort_by(sort_order);
                self.list(items)
            }
            "unique" => {
                let mut seen = FxHashSet::default();
                let out: Vec<Value> = items.into_iter().filter(|v| seen.insert(v.identity_key())).collect();
                self.list(out)
            }
            "mean" => {
                let nums: Vec<f64> = items.iter().filter_map(as_number).collect();
                Ok(if nums.is_empty() {
                    Value::Null
                } else {
                    Value::Number(nums.iter().sum::<f64>() / nums.len() as f64)
                })
            }
            _ => Err(format!("`{name}` is not a method of list")),
        }
    }

    fn has_link(&self, from: &str, target: &Value) -> bool {
        let Some(row) = self.file_row(from) else {
            return false;
        };
        match target {
            Value::File(p) => row.links.iter().any(|l| l == p),
            Value::Link { path, .. } => row.links.iter().any(|l| l == path || target_matches(path, l)),
            Value::String(t) => {
                let t = match parse_wikilink(t) {
                    Some(Value::Link { path, .. }) => path,
                    _ => t.clone(),
                };
                row.links.iter().any(|l| *l == t || target_matches(&t, l))
            }
            _ => false,
        }
    }

    fn file_method(&self, path: &str, name: &str, vals: &[Value]) -> R<Value> {
        let row = self.file_row(path);
        match name {
            "asLink" => Ok(Value::Link {
                path: path.to_owned(),
                display: vals.first().filter(|v| !matches!(v, Value::Null)).map(Value::to_text),
            }),
            "hasLink" => Ok(Value::Bool(vals.first().is_some_and(|t| self.has_link(path, t)))),
            "hasProperty" => {
                let want = vals.first().map(Value::to_text).unwrap_or_default();
                let want = want.strip_prefix("note.").unwrap_or(&want);
                Ok(Value::Bool(row.is_some_and(|r| r.properties.contains_key(want))))
            }
            "hasTag" => {
                let Some(row) = row else {
                    return Ok(Value::Bool(false));
                };
                Ok(Value::Bool(vals.iter().any(|want| {
                    let want = want.to_text();
                    let want = want.trim_start_matches('#').to_lowercase();
                    row.tags.iter().any(|t| {
                        let t = t.trim_start_matches('#').to_lowercase();
                        t == want || (t.starts_with(&want) && t[want.len()..].starts_with('/'))
                    })
                })))
            }
            "inFolder" => {
                let folder = vals.first().map(Value::to_text).unwrap_or_default();
                let folder = folder.trim_matches('/');
                Ok(Value::Bool(
                    folder.is_empty() || path.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/')),
                ))
            }
            _ => Err(format!("`{name}` is not a method of file")),
        }
    }
}

fn check_arity(name: &str, sig: &functions::Sig, n: usize) -> R<()> {
    if n < sig.min || sig.max.is_some_and(|m| n > m) {
        return Err(format!("`{name}` takes {} argument(s), got {n}", functions::arity_text(sig)));
    }
    Ok(())
}

pub(crate) fn value_ty(v: &Value) -> Ty {
    match v {
        Value::Null => Ty::Null,
        Value::Bool(_) => Ty::Bool,
        Value::Number(_) => Ty::Number,
        Value::String(_) => Ty::String,
        Value::Date(_) | Value::DateTime(_) => Ty::Date,
        Value::Duration(_) => Ty::Duration,
        Value::List(_) => Ty::List,
        Value::Object(_) => Ty::Object,
        Value::Link { .. } => Ty::Link,
        Value::File(_) => Ty::File,
        Value::Regex(_) => Ty::Regex,
        Value::Image(_) | Value::Icon(_) | Value::Html(_) | Value::Error(_) => Ty::Other,
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) if !n.is_nan() => Some(*n),
        _ => None,
    }
}

fn number_arg(vals: &[Value], i: usize) -> R<f64> {
    match vals.get(i) {
        Some(Value::Number(n)) => Ok(*n),
        Some(other) => match to_number(other)? {
            Value::Number(n) => Ok(n),
            _ => Err("expected a number".into()),
        },
        None => Err("expected a number".into()),
    }
}

/// `number()`: booleans as 1/0, dates as epoch milliseconds, durations as
/// milliseconds, numeric text parsed; null stays null.
fn to_number(v: &Value) -> R<Value> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Number(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Number(if *b { 1.0 } else { 0.0 })),
        Value::Date(_) | Value::DateTime(_) => v
            .as_datetime()
            .and_then(dt_millis)
            .map(|ms| Value::Number(ms as f64))
            .ok_or_else(|| "date out of range".into()),
        Value::Duration(d) => Ok(Value::Number(d.approx_millis())),
        Value::String(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(Value::Number(0.0));
            }
            t.parse::<f64>()
                .ok()
                .filter(|_| !t.contains(['i', 'I', 'n', 'N']) || t.ends_with("Infinity"))
                .map(Value::Number)
                .ok_or_else(|| format!("`{t}` is not a number"))
        }
        other => Err(format!("cannot convert a {} to a number", other.type_name())),
    }
}

fn number_method(n: f64, name: &str, vals: &[Value]) -> R<Value> {
    Ok(Value::Number(match name {
        "abs" => n.abs(),
        "ceil" => n.ceil(),
        "floor" => n.floor(),
        "round" => {
            let digits = match vals.first() {
                Some(v) => number_arg(std::slice::from_ref(v), 0)?.clamp(0.0, 15.0) as i32,
                None => 0,
            };
            let f = 10f64.powi(digits);
            (n * f + 0.5).floor() / f
        }
        "toFixed" => {
            let p = number_arg(vals, 0)?;
            if !(0.0..=100.0).contains(&p) {
                return Err("toFixed precision must be between 0 and 100".into());
            }
            return Ok(Value::String(format!("{:.*}", p as usize, n)));
        }
        _ => return Err(format!("`{name}` is not a method of number")),
    }))
}

/// `max()`/`min()` over numbers (or over dates); lists are flattened and nulls
/// skipped.
fn extreme(vals: &[Value], want_max: bool) -> R<Value> {
    let mut flat: Vec<&Value> = Vec::new();
    for v in vals {
        match v {
            Value::List(items) => flat.extend(items.iter()),
            other => flat.push(other),
        }
    }
    let mut best: Option<&Value> = None;
    for v in flat {
        match v {
            Value::Null => continue,
            Value::Number(_) | Value::Date(_) | Value::DateTime(_) => {}
            other => return Err(format!("cannot compare a {}", other.type_name())),
        }
        best = match best {
            None => Some(v),
            Some(b) => match compare_values(v, b) {
                Some(Ordering::Greater) if want_max => Some(v),
                Some(Ordering::Less) if !want_max => Some(v),
                Some(_) => Some(b),
                None => return Err("cannot compare numbers with dates".into()),
            },
        };
    }
    Ok(best.cloned().unwrap_or_default())
}

fn duration_of(v: &Value) -> Option<Duration> {
    match v {
        Value::Duration(d) => Some(*d),
        Value::String(t) => Duration::parse(t),
        _ => None,
    }
}

fn date_and_duration(a: &str, b: &str) -> Option<(Value, Duration)> {
    Some((parse_date(a)?, Duration::parse(b)?))
}

/// Adds `sign * d` to a date value. A plain date stays a plain date when the
/// duration is whole days; otherwise the result has a time.
fn add_duration(date: &Value, d: Duration, sign: i64) -> R<Value> {
    let Some(dt) = date.as_datetime() else {
        return Err("not a date".into());
    };
    let months = d.months.saturating_mul(sign);
    let millis = d.millis.saturating_mul(sign);
    let span = jiff::Span::new().try_months(months).map_err(|e| e.to_string())?;
    let dt = dt
        .checked_add(span)
        .and_then(|dt| dt.checked_add(jiff::SignedDuration::from_millis(millis)))
        .map_err(|_| "date out of range".to_owned())?;
    if matches!(date, Value::Date(_)) && millis % 86_400_000 == 0 {
        Ok(Value::Date(dt.date()))
    } else {
        Ok(Value::DateTime(dt))
    }
}

pub(crate) fn dt_millis(dt: DateTime) -> Option<i64> {
    TimeZone::UTC.to_timestamp(dt).ok().map(|t| t.as_millisecond())
}

fn from_millis(ms: f64) -> R<Value> {
    if !ms.is_finite() {
        return Err("invalid date".into());
    }
    jiff::Timestamp::from_millisecond(ms as i64)
        .map(|t| Value::DateTime(TimeZone::UTC.to_datetime(t)))
        .map_err(|e| e.to_string())
}

fn date_field(dt: &DateTime, name: &str) -> Value {
    Value::Number(match name {
        "year" => f64::from(dt.year()),
        "month" => f64::from(dt.month()),
        "day" => f64::from(dt.day()),
        "hour" => f64::from(dt.hour()),
        "minute" => f64::from(dt.minute()),
        "second" => f64::from(dt.second()),
        "millisecond" => f64::from(dt.millisecond()),
        _ => return Value::Null,
    })
}

fn arith(op: BinaryOp, l: Value, r: Value) -> R<Value> {
    match (&l, &r) {
        (Value::Number(a), Value::Number(b)) => Ok(Value::Number(match op {
            BinaryOp::Mul => a * b,
            BinaryOp::Div => a / b,
            _ => a % b,
        })),
        (Value::Duration(d), Value::Number(n)) if op != BinaryOp::Rem => {
            let f = if op == BinaryOp::Mul { *n } else { 1.0 / n };
            let scale = |x: i64| -> R<i64> {
                let v = x as f64 * f;
                if v.is_finite() && v.abs() < 9.0e15 {
                    Ok(v.round() as i64)
                } else {
                    Err("duration out of range".into())
                }
            };
            Ok(Value::Duration(Duration { months: scale(d.months)?, millis: scale(d.millis)? }))
        }
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        _ => {
            let verb = match op {
                BinaryOp::Mul => "multiply",
                BinaryOp::Div => "divide",
                _ => "take the remainder of",
            };
            Err(format!("cannot {verb} {} by {}", l.type_name(), r.type_name()))
        }
    }
}

/// Resolves a JavaScript index (negative counts from the end) against a length.
fn js_index(n: f64, len: usize) -> Option<usize> {
    if n.fract() != 0.0 || !n.is_finite() {
        return None;
    }
    if n < 0.0 {
        let back = (-n) as usize;
        if len == usize::MAX {
            return None;
        }
        len.checked_sub(back)
    } else {
        Some(n as usize)
    }
}

/// `slice(start, end?)` bounds with JavaScript's clamping and negative indices.
fn js_range(len: usize, vals: &[Value]) -> R<(usize, usize)> {
    let clamp = |n: f64| -> usize {
        let n = n.trunc();
        if n < 0.0 { (len as f64 + n).max(0.0) as usize } else { n.min(len as f64) as usize }
    };
    let start = clamp(number_arg(vals, 0)?);
    let end = match vals.get(1) {
        Some(Value::Null) | None => len,
        Some(_) => clamp(number_arg(vals, 1)?),
    };
    Ok((start, end.max(start)))
}

/// Rewrites a JavaScript replacement string (`$1`, `$&`, `$$`) for the regex crate.
fn js_replacement(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('$') => {
                chars.next();
                out.push_str("$$");
            }
            Some('&') => {
                chars.next();
                out.push_str("${0}");
            }
            Some(d) if d.is_ascii_digit() => {
                let mut num = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    num.push(d);
                    chars.next();
                    if num.len() == 2 {
                        break;
                    }
                }
                out.push_str(&format!("${{{num}}}"));
            }
            _ => out.push_str("$$"),
        }
    }
    out
}

/// Moment.js `fromNow()` wording for a difference `now - then` in milliseconds.
pub(crate) fn relative_text(diff_ms: i64) -> String {
    let past = diff_ms >= 0;
    let secs = (diff_ms.unsigned_abs() as f64) / 1000.0;
    let mins = secs / 60.0;
    let hours = mins / 60.0;
    let days = hours / 24.0;
    let phrase = if secs < 45.0 {
        "a few seconds".to_owned()
    } else if secs < 90.0 {
        "a minute".to_owned()
    } else if mins < 45.0 {
        format!("{} minutes", mins.round())
    } else if mins < 90.0 {
        "an hour".to_owned()
    } else if hours < 22.0 {
        format!("{} hours", hours.round())
    } else if hours < 36.0 {
        "a day".to_owned()
    } else if days < 26.0 {
        format!("{} days", days.round())
    } else if days < 45.0 {
        "a month".to_owned()
    } else if days < 320.0 {
        format!("{} months", (days / 30.4).round())
    } else if days < 548.0 {
        "a year".to_owned()
    } else {
        format!("{} years", (days / 365.25).round())
    };
    if past { format!("{phrase} ago") } else { format!("in {phrase}") }
}

#[cfg(test)]
mod tests;
