//! Evaluating one view: filter, sort, group, limit, columns and summaries.

use crate::base::{BUILTIN_SUMMARIES, Base, Direction, Namespace, PropertyKey, SortSpec, View, ViewKind};
use crate::eval::{Ctx, RowRef, dt_millis};
use crate::value::{Duration, Value, sort_order, values_equal};
use crate::{FileRow, Problem, ProblemKind, Severity};
use rustc_hash::FxHashSet;
use serde::Serialize;
use std::cmp::Ordering;

/// One column of a view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Property key as written in `order` (`file.name`, `note.age`, `formula.ppu`).
    pub key: String,
    /// Header text: `displayName` from `properties`, else the property name.
    pub display: String,
    /// Name of the summary shown for this column, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// One result row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowResult {
    /// Index into the rows given to [`evaluate`].
    pub row: usize,
    /// One value per column.
    pub cells: Vec<Value>,
    /// Cover image value for cards views with an `image` property.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Value>,
}

/// A group of rows sharing the `groupBy` value; a view without `groupBy` has
/// one group with no key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The group value; `None` for the ungrouped group and for rows without a value.
    pub key: Option<Value>,
    /// Rows in display order.
    pub rows: Vec<RowResult>,
    /// Per-column summaries over this group's rows (`None` where the column has none).
    pub summaries: Vec<Option<Value>>,
}

/// The evaluated view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewResult {
    /// View name.
    pub name: String,
    /// Layout.
    pub kind: ViewKind,
    /// `type:` as written (a plugin type renders as a table).
    pub type_name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// True when the view has `groupBy` (a group header is shown per group).
    pub grouped: bool,
    /// Groups in order.
    pub groups: Vec<Group>,
    /// Per-column summaries over all shown rows.
    pub summaries: Vec<Option<Value>>,
    /// Number of files matching the filters, before `limit`.
    pub total: usize,
}

/// Names of the views, in file order (the first is the default).
pub fn view_names(base: &Base) -> Vec<String> {
    base.views.iter().map(|v| v.name.clone()).collect()
}

fn default_view() -> View {
    View {
        type_name: "table".into(),
        kind: ViewKind::Table,
        name: "Table".into(),
        limit: None,
        filters: None,
        order: Vec::new(),
        sort: Vec::new(),
        group_by: None,
        summaries: Vec::new(),
        image: None,
        span: 0..0,
    }
}

/// Evaluates a view of `base` over `rows`.
///
/// `view` selects a view by name (`None`: the first). `this` is the file the
/// base is shown in (the embedding note, or the base file itself), which
/// `this.…` expressions read. `now` is the moment `now()` and `today()` return.
///
/// Fails only when no view has the given name.
pub fn evaluate(
    base: &Base,
    view: Option<&str>,
    rows: &[FileRow],
    this: Option<&FileRow>,
    now: jiff::Timestamp,
) -> Result<ViewResult, Problem> {
    let fallback;
    let view = match view {
        Some(name) => base.views.iter().find(|v| v.name == name).ok_or_else(|| Problem {
            span: 0..0,
            severity: Severity::Error,
            kind: ProblemKind::UnknownView,
            message: format!("no view named `{name}`; the views are: {}", view_names(base).join(", ")),
        })?,
        None => match base.views.first() {
            Some(v) => v,
            None => {
                fallback = default_view();
                &fallback
            }
        },
    };
    let ctx = Ctx::new(base, rows, this, now);

    let mut matched: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            let r = RowRef::Row(i);
            base.filters.as_ref().is_none_or(|f| ctx.filter_holds(f, r))
                && view.filters.as_ref().is_none_or(|f| ctx.filter_holds(f, r))
        })
        .collect();
    let total = matched.len();

    let keys: Vec<&SortSpec> = view.group_by.iter().chain(view.sort.iter()).collect();
    if !keys.is_empty() {
        let mut keyed: Vec<(usize, Vec<Value>)> = matched
            .iter()
            .map(|&i| (i, keys.iter().map(|k| ctx.property(RowRef::Row(i), &k.property)).collect()))
            .collect();
        keyed.sort_by(|(_, a), (_, b)| {
            for ((x, y), spec) in a.iter().zip(b).zip(&keys) {
                match compare_key(x, y, spec.direction) {
                    Ordering::Equal => continue,
                    o => return o,
                }
            }
            Ordering::Equal
        });
        matched = keyed.into_iter().map(|(i, _)| i).collect();
    }
    if let Some(limit) = view.limit {
        matched.truncate(limit);
    }

    let default_order;
    let order: &[PropertyKey] = if view.order.is_empty() {
        default_order = [PropertyKey::parse("file.name", 0..0)];
        &default_order
    } else {
        &view.order
    };
    let columns: Vec<Column> = order
        .iter()
        .map(|k| Column {
            key: k.raw.clone(),
            display: display_name(base, k),
            summary: view.summaries.iter().find(|(s, _)| s.id() == k.id()).map(|(_, n)| n.clone()),
        })
        .collect();

    let mut groups: Vec<Group> = Vec::new();
    for &i in &matched {
        let r = RowRef::Row(i);
        let cells: Vec<Value> = order.iter().map(|k| ctx.property(r, k)).collect();
        let image = match (view.kind, &view.image) {
            (ViewKind::Cards, Some(k)) => Some(ctx.property(r, k)),
            _ => None,
        };
        let row = RowResult { row: i, cells, image };
        let key = view.group_by.as_ref().map(|g| ctx.property(r, &g.property));
        let key = match key {
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        };
        let same = groups.last().is_some_and(|g| match (&g.key, &key) {
            (None, None) => true,
            (Some(a), Some(b)) => values_equal(a, b) && a.type_name() == b.type_name(),
            _ => false,
        });
        if same {
            if let Some(g) = groups.last_mut() {
                g.rows.push(row);
            }
        } else {
            groups.push(Group { key, rows: vec![row], summaries: Vec::new() });
        }
    }

    let summary_of = |col: usize, rows: &mut dyn Iterator<Item = &RowResult>| -> Option<Value> {
        let key = order.get(col)?;
        let name = view.summaries.iter().find(|(k, _)| k.id() == key.id()).map(|(_, n)| n)?;
        let values: Vec<Value> = rows.filter_map(|r| r.cells.get(col).cloned()).collect();
        Some(summarize(&ctx, base, name, values))
    };
    let has_summaries = !view.summaries.is_empty();
    for g in &mut groups {
        g.summaries = (0..order.len())
            .map(|c| if has_summaries { summary_of(c, &mut g.rows.iter()) } else { None })
            .collect();
    }
    let summaries =
        (0..order.len())
            .map(|c| {
                if has_summaries {
                    summary_of(c, &mut groups.iter().flat_map(|g| g.rows.iter()))
                } else {
                    None
                }
            })
            .collect();

    Ok(ViewResult {
        name: view.name.clone(),
        kind: view.kind,
        type_name: view.type_name.clone(),
        columns,
        grouped: view.group_by.is_some(),
        groups,
        summaries,
        total,
    })
}

/// Compares two sort-key values: nulls and errors last in either direction.
fn compare_key(a: &Value, b: &Value, dir: Direction) -> Ordering {
    let missing = |v: &Value| matches!(v, Value::Null | Value::Error(_));
    match (missing(a), missing(b)) {
        (false, false) => {
            let o = sort_order(a, b);
            if dir == Direction::Desc { o.reverse() } else { o }
        }
        (x, y) => x.cmp(&y),
    }
}

/// Header text for a property: `displayName` from `properties` (looked up as
/// written, then by the canonical `note.`/`file.`/`formula.` form, then by the
/// bare name for note properties), else the default name.
fn display_name(base: &Base, key: &PropertyKey) -> String {
    let id = key.id();
    let mut candidates = vec![key.raw.clone(), id];
    if key.namespace == Namespace::Note {
        candidates.push(key.name.clone());
    }
    for c in &candidates {
        if let Some(name) = base.properties.get(c).and_then(|p| p.display_name.clone()) {
            return name;
        }
    }
    match key.namespace {
        Namespace::File => format!("file.{}", key.name),
        _ => key.name.clone(),
    }
}

/// Computes a built-in or custom summary over a column's values.
fn summarize(ctx: &Ctx<'_>, base: &Base, name: &str, values: Vec<Value>) -> Value {
    let builtin = BUILTIN_SUMMARIES.iter().find(|b| b.eq_ignore_ascii_case(name)).copied();
    let Some(builtin) = builtin else {
        return match base.summaries.get(name).and_then(|e| e.ast.as_ref()) {
            Some(ast) => ctx.eval_summary(ast, values),
            None => Value::Error(format!("unknown summary `{name}`")),
        };
    };
    let nums: Vec<f64> = values
        .iter()
        .filter_map(|v| match v {
            Value::Number(n) if !n.is_nan() => Some(*n),
            _ => None,
        })
        .collect();
    // Date summaries accept date values and text holding a date.
    let dates: Vec<&Value> = values.iter().filter(|v| v.as_datetime().is_some()).collect();
    let num = |f: &dyn Fn(&[f64]) -> f64| {
        if nums.is_empty() { Value::Null } else { Value::Number(f(&nums)) }
    };
    let count = |n: usize| Value::Number(n as f64);
    let date_pick = |want: Ordering| {
        dates
            .iter()
            .copied()
            .reduce(|a, b| {
                let o = match (b.as_datetime(), a.as_datetime()) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => Ordering::Equal,
                };
                if o == want { b } else { a }
            })
            .cloned()
            .unwrap_or_default()
    };
    match builtin {
        "Average" => num(&|n| n.iter().sum::<f64>() / n.len() as f64),
        "Sum" => num(&|n| n.iter().sum()),
        "Min" => num(&|n| n.iter().copied().fold(f64::INFINITY, f64::min)),
        "Max" => num(&|n| n.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        "Median" => num(&|n| {
            let mut s = n.to_vec();
            s.sort_by(f64::total_cmp);
            let m = s.len() / 2;
            if s.len() % 2 == 0 { (s[m - 1] + s[m]) / 2.0 } else { s[m] }
        }),
        "Stddev" => num(&|n| {
            let mean = n.iter().sum::<f64>() / n.len() as f64;
            (n.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n.len() as f64).sqrt()
        }),
        "Range" => {
            if !nums.is_empty() {
                num(&|n| {
                    n.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                        - n.iter().copied().fold(f64::INFINITY, f64::min)
                })
            } else {
                let (first, last) = (date_pick(Ordering::Less), date_pick(Ordering::Greater));
                match (first.as_datetime().and_then(dt_millis), last.as_datetime().and_then(dt_millis)) {
                    (Some(a), Some(b)) => Value::Duration(Duration { months: 0, millis: b - a }),
                    _ => Value::Null,
                }
            }
        }
        "Earliest" => date_pick(Ordering::Less),
        "Latest" => date_pick(Ordering::Greater),
        "Checked" => count(values.iter().filter(|v| matches!(v, Value::Bool(true))).count()),
        "Unchecked" => count(values.iter().filter(|v| matches!(v, Value::Bool(false))).count()),
        "Empty" => count(values.iter().filter(|v| v.is_empty_value()).count()),
        "Filled" => count(values.iter().filter(|v| !v.is_empty_value()).count()),
        "Unique" => {
            let mut seen = FxHashSet::default();
            count(
                values
                    .iter()
                    .filter(|v| !v.is_empty_value())
                    .filter(|v| seen.insert(v.identity_key()))
                    .count(),
            )
        }
        _ => Value::Null,
    }
}
