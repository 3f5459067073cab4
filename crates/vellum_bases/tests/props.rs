//! Property tests: the evaluator against reference semantics computed here,
//! and no panics on arbitrary input.

use proptest::prelude::*;
use vellum_bases::{FileRow, Value, evaluate, parse};

/// Integer arithmetic expression tree.
#[derive(Debug, Clone)]
enum Arith {
    Lit(i64),
    Neg(Box<Arith>),
    Bin(char, Box<Arith>, Box<Arith>),
}

fn arith() -> impl Strategy<Value = Arith> {
    let leaf = (-50i64..50).prop_map(Arith::Lit);
    leaf.prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Arith::Neg(Box::new(e))),
            (prop_oneof![Just('+'), Just('-'), Just('*'), Just('%')], inner.clone(), inner)
                .prop_map(|(op, l, r)| Arith::Bin(op, Box::new(l), Box::new(r))),
        ]
    })
}

fn prec(op: char) -> u8 {
    if op == '+' || op == '-' { 1 } else { 2 }
}

/// Prints with the fewest parentheses the grammar needs, so the parser's
/// precedence and left associativity are what the test exercises.
fn print(e: &Arith) -> String {
    match e {
        Arith::Lit(n) if *n < 0 => format!("({n})"),
        Arith::Lit(n) => n.to_string(),
        Arith::Neg(inner) => match **inner {
            Arith::Lit(_) | Arith::Neg(_) => format!("-{}", print(inner)),
            Arith::Bin(..) => format!("-({})", print(inner)),
        },
        Arith::Bin(op, l, r) => {
            let side = |child: &Arith, right: bool| {
                let s = print(child);
                match child {
                    Arith::Bin(cop, ..) if prec(*cop) < prec(*op) || (right && prec(*cop) == prec(*op)) => {
                        format!("({s})")
                    }
                    _ => s,
                }
            };
            format!("{} {op} {}", side(l, false), side(r, true))
        }
    }
}

/// Reference value; `None` for a remainder by zero (NaN in the evaluator).
fn reference(e: &Arith) -> Option<i128> {
    Some(match e {
        Arith::Lit(n) => i128::from(*n),
        Arith::Neg(inner) => -reference(inner)?,
        Arith::Bin(op, l, r) => {
            let (a, b) = (reference(l)?, reference(r)?);
            match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                _ => {
                    if b == 0 {
                        return None;
                    }
                    a % b
                }
            }
        }
    })
}

fn eval_one(expr: &str, rows: &[FileRow]) -> Vec<Value> {
    let src = format!(
        "formulas:\n  f: {}\nviews:\n  - type: table\n    order: [formula.f]\n    sort:\n      - property: formula.f\n    summaries:\n      formula.f: Unique\n",
        serde_json::to_string(expr).unwrap_or_default()
    );
    let p = parse(&src);
    let Some(base) = p.base else { return Vec::new() };
    let Ok(r) = evaluate(&base, None, rows, None, jiff::Timestamp::UNIX_EPOCH) else {
        return Vec::new();
    };
    r.groups.into_iter().flat_map(|g| g.rows).map(|row| row.cells[0].clone()).collect()
}

proptest! {
    #[test]
    fn integer_arithmetic_matches_reference(e in arith()) {
        let text = print(&e);
        let got = eval_one(&text, &[FileRow::new("a.md")]);
        prop_assert_eq!(got.len(), 1);
        match reference(&e) {
            Some(want) => prop_assert_eq!(&got[0], &Value::Number(want as f64), "{}", text),
            None => prop_assert!(matches!(got[0], Value::Number(n) if n.is_nan()), "{} gave {:?}", text, got[0]),
        }
    }
}

/// A filter tree over properties `a` and `b`.
#[derive(Debug, Clone)]
enum F {
    Cmp(&'static str, &'static str, i64),
    And(Vec<F>),
    Or(Vec<F>),
    Not(Vec<F>),
}

fn filter_tree() -> impl Strategy<Value = F> {
    let leaf = (
        prop_oneof![Just("a"), Just("b")],
        prop_oneof![Just("<"), Just("<="), Just(">"), Just(">="), Just("=="), Just("!=")],
        0i64..6,
    )
        .prop_map(|(p, op, n)| F::Cmp(p, op, n));
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(F::And),
            prop::collection::vec(inner.clone(), 0..4).prop_map(F::Or),
            prop::collection::vec(inner, 0..4).prop_map(F::Not),
        ]
    })
}

fn to_json(f: &F) -> serde_json::Value {
    match f {
        F::Cmp(p, op, n) => serde_json::Value::String(format!("{p} {op} {n}")),
        F::And(items) => serde_json::json!({"and": items.iter().map(to_json).collect::<Vec<_>>()}),
        F::Or(items) => serde_json::json!({"or": items.iter().map(to_json).collect::<Vec<_>>()}),
        F::Not(items) => serde_json::json!({"not": items.iter().map(to_json).collect::<Vec<_>>()}),
    }
}

/// Direct predicate: a missing property compares false, except `!=`.
fn holds(f: &F, a: Option<i64>, b: Option<i64>) -> bool {
    match f {
        F::Cmp(p, op, n) => {
            let v = if *p == "a" { a } else { b };
            match v {
                None => *op == "!=",
                Some(v) => match *op {
                    "<" => v < *n,
                    "<=" => v <= *n,
                    ">" => v > *n,
                    ">=" => v >= *n,
                    "==" => v == *n,
                    _ => v != *n,
                },
            }
        }
        F::And(items) => items.iter().all(|i| holds(i, a, b)),
        F::Or(items) => items.iter().any(|i| holds(i, a, b)),
        F::Not(items) => !items.iter().any(|i| holds(i, a, b)),
    }
}

fn make_rows(props: &[(Option<i64>, Option<i64>)]) -> Vec<FileRow> {
    props
        .iter()
        .enumerate()
        .map(|(i, (a, b))| {
            let mut row = FileRow::new(format!("n{i}.md"));
            if let Some(a) = a {
                row.properties.insert("a".into(), Value::Number(*a as f64));
            }
            if let Some(b) = b {
                row.properties.insert("b".into(), Value::Number(*b as f64));
            }
            row
        })
        .collect()
}

proptest! {
    #[test]
    fn filter_trees_agree_with_a_direct_predicate(
        global in filter_tree(),
        view in filter_tree(),
        props in prop::collection::vec((prop::option::of(0i64..6), prop::option::of(0i64..6)), 0..12),
    ) {
        // JSON is YAML: the filters go in as flow mappings.
        let src = format!(
            "filters: {}\nviews:\n  - type: table\n    filters: {}\n",
            to_json(&global),
            to_json(&view)
        );
        let p = parse(&src);
        prop_assert!(p.problems.is_empty(), "{:?}", p.problems);
        let Some(base) = p.base else { return Err(TestCaseError::fail("no base")) };
        let rows = make_rows(&props);
        let Ok(r) = evaluate(&base, None, &rows, None, jiff::Timestamp::UNIX_EPOCH) else {
            return Err(TestCaseError::fail("evaluate failed"));
        };
        let got: Vec<usize> = r.groups.iter().flat_map(|g| g.rows.iter().map(|row| row.row)).collect();
        let want: Vec<usize> = props
            .iter()
            .enumerate()
            .filter(|(_, (a, b))| holds(&global, *a, *b) && holds(&view, *a, *b))
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn sorting_agrees_with_rust_sort(
        props in prop::collection::vec((prop::option::of(-5i64..5), prop::option::of(0i64..3)), 0..15),
        desc in any::<bool>(),
    ) {
        let dir = if desc { "DESC" } else { "ASC" };
        let src = format!("views:\n  - type: table\n    order: [a]\n    sort:\n      - property: b\n        direction: ASC\n      - property: a\n        direction: {dir}\n");
        let p = parse(&src);
        let Some(base) = p.base else { return Err(TestCaseError::fail("no base")) };
        let rows = make_rows(&props.iter().map(|(a, b)| (*a, *b)).collect::<Vec<_>>());
        let Ok(r) = evaluate(&base, None, &rows, None, jiff::Timestamp::UNIX_EPOCH) else {
            return Err(TestCaseError::fail("evaluate failed"));
        };
        let got: Vec<usize> = r.groups.iter().flat_map(|g| g.rows.iter().map(|row| row.row)).collect();
        let mut want: Vec<usize> = (0..props.len()).collect();
        // Nulls last in both directions; stable.
        let key = |v: Option<i64>, desc: bool| match v {
            None => (1, 0),
            Some(n) => (0, if desc { -n } else { n }),
        };
        want.sort_by_key(|&i| (key(props[i].1, false), key(props[i].0, desc)));
        prop_assert_eq!(got, want);
    }
}

const FRAGMENTS: &[&str] = &[
    "file",
    "note",
    "formula",
    "this",
    "value",
    "index",
    "acc",
    "values",
    "a",
    "b",
    "tags",
    ".",
    ",",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "+",
    "-",
    "*",
    "/",
    "%",
    "!",
    "==",
    "!=",
    "<",
    ">=",
    "&&",
    "||",
    "1",
    "0",
    "2.5",
    "-3",
    "\"x\"",
    "'2024-01-01'",
    "\"1d\"",
    "true",
    "null",
    "/a+/g",
    "name",
    "ext",
    "tags",
    "links",
    "hasTag",
    "inFolder",
    "hasLink",
    "length",
    "lower",
    "repeat",
    "split",
    "map",
    "filter",
    "reduce",
    "join",
    "sort",
    "unique",
    "flat",
    "slice",
    "replace",
    "format",
    "date",
    "now",
    "today",
    "duration",
    "if",
    "list",
    "link",
    "number",
    "max",
    "min",
    "contains",
    "keys",
    "values",
    "round",
    "toFixed",
    "title",
    "relative",
    "asFile",
    "isEmpty",
    "matches",
    "random",
    "file.name",
    "formula.f",
    "this.file",
    "values.mean()",
];

proptest! {
    #[test]
    fn parse_never_panics(text in ".{0,300}") {
        for problem in parse(&text).problems {
            prop_assert!(problem.span.start <= problem.span.end && problem.span.end <= text.len());
            prop_assert!(text.is_char_boundary(problem.span.start) && text.is_char_boundary(problem.span.end));
        }
    }

    #[test]
    fn parse_yaml_like_never_panics(parts in prop::collection::vec(prop_oneof![
        Just("filters:"), Just("views:"), Just("formulas:"), Just("  - "), Just("    "), Just("type: table"),
        Just("and:"), Just("or:"), Just("not:"), Just("'"), Just("\""), Just("\n"), Just("x: 1"),
        Just("order: [file.name]"), Just("sort:"), Just("property: a"), Just("groupBy:"), Just("&a"),
        Just("*a"), Just("{"), Just("}"), Just("["), Just("]"), Just("summaries:"), Just("|"), Just(">"),
        Just("f: formula.f"), Just("limit: -1"), Just("#"), Just("\\"), Just("é"),
    ], 0..40)) {
        let text = parts.concat();
        let parsed = parse(&text);
        for problem in &parsed.problems {
            prop_assert!(text.get(problem.span.clone()).is_some(), "{:?} in {:?}", problem, text);
        }
        if let Some(base) = parsed.base {
            let rows = make_rows(&[(Some(1), None), (None, Some(2))]);
            for name in vellum_bases::view_names(&base).iter().map(String::as_str).map(Some).chain([None]) {
                if let Ok(r) = evaluate(&base, name, &rows, rows.first(), jiff::Timestamp::UNIX_EPOCH) {
                    let _ = vellum_bases::render_html(&r, &rows, &|p| Some(p.to_owned()));
                    let _ = vellum_bases::render_text_table(&r, &rows);
                }
            }
        }
    }

    #[test]
    fn any_expression_evaluates_without_panic(
        parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 1..14),
        props in prop::collection::vec((prop::option::of(-3i64..3), prop::option::of(0i64..3)), 1..4),
    ) {
        let expr = parts.join(" ");
        let mut rows = make_rows(&props);
        rows[0].tags = vec!["x/y".into()];
        rows[0].properties.insert("tags".into(), Value::List(vec![Value::String("t".into()), Value::Number(1.0)]));
        let cells = eval_one(&expr, &rows);
        for c in &cells {
            let _ = serde_json::to_string(c);
            let _ = c.to_text();
        }
        let compact = parts.concat();
        let _ = eval_one(&compact, &rows);
    }
}
