//! Hostile input: every case returns problems or error values, in bounded time,
//! without panicking or overflowing the stack.

use std::time::{Duration, Instant};
use vellum_bases::{FileRow, ProblemKind, Value, evaluate, parse};

fn quick<T>(limit_secs: u64, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < Duration::from_secs(limit_secs), "took {:?}", start.elapsed());
    out
}

fn cell(src: &str) -> Value {
    let p = parse(src);
    let Some(base) = p.base else { panic!("{:?}", p.problems) };
    let rows = vec![FileRow::new("a.md"), FileRow::new("b.md")];
    let Ok(r) = evaluate(&base, None, &rows, None, jiff::Timestamp::UNIX_EPOCH) else { panic!() };
    r.groups[0].rows[0].cells[0].clone()
}

#[test]
fn self_referencing_formula_is_one_problem() {
    let p = parse("formulas:\n  loop: formula.loop\nviews:\n  - type: table\n    order: [formula.loop]\n");
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::CircularFormula);
    let v = cell("formulas:\n  loop: formula.loop\nviews:\n  - type: table\n    order: [formula.loop]\n");
    assert!(matches!(v, Value::Error(m) if m.contains("circular")));
}

#[test]
fn mutual_recursion_at_run_time_is_an_error_cell() {
    let v = cell(
        "formulas:\n  a: formula.b + 1\n  b: 'if(true, formula.a, 0)'\nviews:\n  - type: table\n    order: [formula.a]\n",
    );
    assert!(matches!(v, Value::Error(m) if m.contains("circular")));
}

#[test]
fn huge_string_growth_is_cut_off() {
    let v = quick(5, || {
        cell(
            "formulas:\n  big: '\"x\".repeat(10000000)'\nviews:\n  - type: table\n    order: [formula.big]\n",
        )
    });
    assert!(matches!(v, Value::Error(_)), "{v:?}");
    let v = quick(10, || {
        cell(
            "formulas:\n  big: '\"xxxxxxxx\".repeat(100000).split(\"\").map(value + value + value).join(\"\").repeat(3)'\nviews:\n  - type: table\n    order: [formula.big]\n",
        )
    });
    assert!(matches!(v, Value::Error(_)), "{v:?}");
}

#[test]
fn list_explosion_is_cut_off() {
    let v = quick(10, || {
        cell(
            "formulas:\n  l: '[1,2,3,4,5,6,7,8,9,10].reduce(acc + acc, [1])'\n  m: 'formula.l.map([value, value, value]).flat().map(formula.l)'\nviews:\n  - type: table\n    order: [formula.m]\n",
        )
    });
    assert!(matches!(v, Value::Error(_)), "{v:?}");
}

#[test]
fn busy_loops_hit_the_budget() {
    let v = quick(20, || {
        cell(
            "formulas:\n  spin: '\"ab\".repeat(50000).split(\"\").map(\"ab\".repeat(50000).split(\"\").length).length'\nviews:\n  - type: table\n    order: [formula.spin]\n",
        )
    });
    assert!(matches!(&v, Value::Error(m) if m.contains("budget") || m.contains("limit")), "{v:?}");
}

#[test]
fn hundred_thousand_nested_parentheses_are_one_problem() {
    let expr = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let src = format!("formulas:\n  deep: '{expr}'\n");
    let p = quick(5, || parse(&src));
    assert_eq!(p.problems.len(), 1, "{:?}", &p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::TooLarge);
    let chain = format!("formulas:\n  long: '{}'\n", vec!["a"; 100_000].join(" + "));
    let p = quick(5, || parse(&chain));
    assert_eq!(p.problems.len(), 1);
    let members = format!("formulas:\n  long: 'x{}'\n", ".y".repeat(100_000));
    let p = quick(5, || parse(&members));
    assert_eq!(p.problems.len(), 1);
    let unary = format!("formulas:\n  long: '{}x'\n", "!".repeat(100_000));
    let p = quick(5, || parse(&unary));
    assert_eq!(p.problems.len(), 1);
}

#[test]
fn ten_megabyte_literal_is_too_large() {
    let src = format!("formulas:\n  big: '\"{}\"'\n", "x".repeat(10 << 20));
    let p = quick(5, || parse(&src));
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.problems[0].kind, ProblemKind::TooLarge);
    let src = format!("formulas:\n  big: '\"{}\"'\n", "x".repeat(2 << 20));
    let p = quick(5, || parse(&src));
    assert_eq!(p.problems.len(), 1, "an expression over 1 MiB");
    assert_eq!(p.problems[0].kind, ProblemKind::TooLarge);
}

#[test]
fn deep_yaml_does_not_overflow() {
    let src = format!("filters: {}a{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let p = quick(5, || parse(&src));
    assert!(!p.problems.is_empty());
    let mut src = String::from("filters:\n");
    for depth in 0..400 {
        src.push_str(&"  ".repeat(depth + 1));
        src.push_str("and:\n");
        src.push_str(&"  ".repeat(depth + 1));
        src.push_str("- ");
        src.push('\n');
    }
    let p = quick(5, || parse(&src));
    let _ = p;
    let mut src = String::from("filters:\n");
    let mut indent = 1;
    for _ in 0..300 {
        src.push_str(&format!("{}and:\n{}- ", "  ".repeat(indent), "  ".repeat(indent)));
        src.push_str("x\n");
        indent += 1;
        src.push_str(&format!("{}- ", "  ".repeat(indent - 1)));
        src.push('\n');
    }
    let _ = quick(5, || parse(&src));
}

#[test]
fn alias_bombs_are_refused() {
    let src = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    let p = quick(10, || parse(src));
    assert!(!p.problems.is_empty());
}

#[test]
fn many_formulas_many_rows_stay_bounded() {
    let mut src = String::from("formulas:\n  f0: '\"ab\".repeat(1000)'\n");
    for i in 1..200 {
        src.push_str(&format!("  f{i}: 'formula.f{} + formula.f{}.slice(0, 10)'\n", i - 1, i - 1));
    }
    src.push_str("views:\n  - type: table\n    order: [formula.f199]\n");
    let p = parse(&src);
    let Some(base) = p.base else { panic!() };
    let rows: Vec<FileRow> = (0..200).map(|i| FileRow::new(format!("n{i}.md"))).collect();
    let r = quick(30, || evaluate(&base, None, &rows, None, jiff::Timestamp::UNIX_EPOCH));
    let Ok(r) = r else { panic!() };
    assert_eq!(r.groups[0].rows.len(), 200);
    assert!(
        r.groups[0].rows.iter().all(|row| matches!(row.cells[0], Value::Error(_))),
        "formula chain deeper than the limit"
    );
}

#[test]
fn deeply_nested_values_are_refused() {
    let items = (0..100).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let v = cell(&format!(
        "formulas:\n  n: '[{items}].reduce([acc], [])'\nviews:\n  - type: table\n    order: [formula.n]\n"
    ));
    assert!(matches!(&v, Value::Error(m) if m.contains("nested")), "{v:?}");
    let v = cell(&format!(
        "formulas:\n  n: '[{items}].reduce({{a: acc}}, 0)'\nviews:\n  - type: table\n    order: [formula.n]\n"
    ));
    assert!(matches!(&v, Value::Error(m) if m.contains("nested")), "{v:?}");
}
