//! Parsing and static checks: problems, their kinds and their exact spans.

use vellum_bases::{Filter, Namespace, ProblemKind, Severity, ViewKind, parse};

fn at<'a>(src: &'a str, span: &std::ops::Range<usize>) -> &'a str {
    &src[span.clone()]
}

const DOC_EXAMPLE: &str = r#"filters:
  or:
    - file.hasTag("tag")
    - and:
        - file.hasTag("book")
        - file.hasLink("Textbook")
    - not:
        - file.hasTag("book")
        - file.inFolder("Required Reading")
formulas:
  formatted_price: 'if(price, price.toFixed(2) + " dollars")'
  ppu: "(price / age).toFixed(2)"
properties:
  status:
    displayName: Status
  formula.formatted_price:
    displayName: "Price"
  file.ext:
    displayName: Extension
summaries:
  customAverage: 'values.mean().round(3)'
views:
  - type: table
    name: "My table"
    limit: 10
    groupBy:
      property: note.age
      direction: DESC
    filters:
      and:
        - 'status != "done"'
        - or:
            - "formula.ppu > 5"
            - "price > 2.1"
    order:
      - file.name
      - file.ext
      - note.age
      - formula.ppu
      - formula.formatted_price
    summaries:
      formula.ppu: Average
"#;

#[test]
fn documentation_example_parses_cleanly() {
    let p = parse(DOC_EXAMPLE);
    assert!(p.problems.is_empty(), "{:#?}", p.problems);
    let Some(base) = p.base else { panic!() };
    assert_eq!(base.formulas.len(), 2);
    assert_eq!(base.properties["status"].display_name.as_deref(), Some("Status"));
    let view = &base.views[0];
    assert_eq!(view.name, "My table");
    assert_eq!(view.kind, ViewKind::Table);
    assert_eq!(view.limit, Some(10));
    assert_eq!(view.order.len(), 5);
    assert_eq!(view.order[3].namespace, Namespace::Formula);
    let Some(g) = &view.group_by else { panic!() };
    assert_eq!(g.property.name, "age");
    assert_eq!(g.direction, vellum_bases::Direction::Desc);
    let Some(Filter::Or(items)) = &base.filters else { panic!() };
    assert_eq!(items.len(), 3);
    assert!(matches!(&items[2], Filter::Not(n) if n.len() == 2));
    // Expression spans point into the file.
    let Filter::Expr(e) = &items[0] else { panic!() };
    assert_eq!(at(DOC_EXAMPLE, &e.span), "file.hasTag(\"tag\")");
    let f = &base.formulas["formatted_price"];
    assert_eq!(at(DOC_EXAMPLE, &f.file_span(3..8)), "price");
}

#[test]
fn yaml_errors_point_at_the_right_byte() {
    let src = "views:\n  - type: table\n    order: [file.name\n";
    let p = parse(src);
    assert!(p.base.is_none());
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.problems[0].kind, ProblemKind::Yaml);
    assert_eq!(p.problems[0].span.start, src.find('[').unwrap_or(0));
    let src = "formulas:\n  a: 'unterminated\n";
    let p = parse(src);
    assert_eq!(p.problems[0].kind, ProblemKind::Yaml);
    assert_eq!(p.problems[0].span.start, src.find('\'').unwrap_or(0));
    let src = "formulas:\n  a: 1\n  a: 2\n";
    let p = parse(src);
    assert_eq!(p.problems[0].kind, ProblemKind::Yaml);
    assert_eq!(p.problems[0].span.start, src.rfind("a:").unwrap_or(0));
}

#[test]
fn expression_errors_point_inside_the_yaml_scalar() {
    // Plain scalar.
    let src = "formulas:\n  a: price + nope(1)\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::UnknownFunction);
    assert_eq!(at(src, &p.problems[0].span), "nope");
    // Single-quoted with a '' escape before the error.
    let src = "formulas:\n  a: 'if(x == ''it\\''s'', 1, 2).lowr()'\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::UnknownMethod);
    assert_eq!(at(src, &p.problems[0].span), "lowr");
    // Double-quoted with escapes.
    let src = "filters: \"status == \\\"a\\\" && 5.lower()\"\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::TypeError);
    assert_eq!(at(src, &p.problems[0].span), "lower");
    // Syntax error column.
    let src = "views:\n  - type: table\n    filters:\n      and:\n        - 'price > '\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::Syntax);
    assert_eq!(p.problems[0].span.start, src.find("> '").unwrap_or(0) + 2);
    // Block scalar.
    let src = "formulas:\n  a: |\n    price *\n      bogus(2)\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(at(src, &p.problems[0].span), "bogus");
}

#[test]
fn arity_and_type_errors() {
    let src = "formulas:\n  a: 'if(1)'\n  b: '\"a\" * 2'\n  c: 'now(1)'\n  d: '[1].join(\",\", 2, 3)'\n  e: 'x.contains()'\n  f: '-\"a\"'\n";
    let p = parse(src);
    let kinds: Vec<(ProblemKind, &str)> = p.problems.iter().map(|q| (q.kind, at(src, &q.span))).collect();
    assert_eq!(
        kinds,
        vec![
            (ProblemKind::WrongArity, "if(1)"),
            (ProblemKind::TypeError, "\"a\" * 2"),
            (ProblemKind::WrongArity, "now(1)"),
            (ProblemKind::WrongArity, "[1].join(\",\", 2, 3)"),
            (ProblemKind::WrongArity, "x.contains()"),
            (ProblemKind::TypeError, "-\"a\""),
        ]
    );
}

#[test]
fn sensible_expressions_are_not_flagged() {
    let src = r#"formulas:
  a: 'start_date + "2w"'
  b: 'if(due_date < now() && status != "Done", "Overdue", "")'
  c: 'file.mtime > now() - "7d"'
  d: '(impact * urgency) / effort'
  e: 'first_name + " " + last_name'
  f: 'monthlyUses * formula.a.round()'
  g: 'tags.contains("urgent")'
  h: 'due_date.format("YYYY-MM-DD")'
  i: '"2024-01-01".format("YYYY")'
  j: 'now() + (duration("1d") * 2)'
  k: 'values.length'
  l: '[1,2].map(value.toFixed(1))'
"#;
    let p = parse(src);
    assert!(p.problems.is_empty(), "{:#?}", p.problems);
}

#[test]
fn circular_formulas() {
    let src = "formulas:\n  a: formula.a + 1\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::CircularFormula);
    assert_eq!(at(src, &p.problems[0].span), "formula.a");
    assert!(p.problems[0].message.contains("`a`"));

    let src = "formulas:\n  a: formula.b * 2\n  b: formula.c + 1\n  c: 'formula[\"a\"]'\n  d: formula.a\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::CircularFormula);
    assert!(p.problems[0].message.contains("a → b → c → a"), "{}", p.problems[0].message);

    // A long acyclic chain is fine and does not recurse.
    let mut src = String::from("formulas:\n  f0: 1\n");
    for i in 1..5000 {
        src.push_str(&format!("  f{i}: formula.f{} + 1\n", i - 1));
    }
    assert!(parse(&src).problems.is_empty());
}

#[test]
fn views_naming_unknown_things() {
    let src = "formulas:\n  ok: 1\nviews:\n  - type: map\n    name: Pins\n    order: [formula.ok, formula.nope, file.nme]\n    sort:\n      - property: formula.gone\n        direction: UP\n    groupBy:\n      property: formula.missing\n    summaries:\n      formula.ok: Total\n";
    let p = parse(src);
    let got: Vec<(ProblemKind, Severity, &str)> =
        p.problems.iter().map(|q| (q.kind, q.severity, at(src, &q.span))).collect();
    assert_eq!(
        got,
        vec![
            (ProblemKind::UnknownView, Severity::Warning, "map"),
            (ProblemKind::Schema, Severity::Error, "UP"),
            (ProblemKind::UnknownFormula, Severity::Error, "formula.nope"),
            (ProblemKind::UnknownProperty, Severity::Warning, "file.nme"),
            (ProblemKind::UnknownFormula, Severity::Error, "formula.gone"),
            (ProblemKind::UnknownFormula, Severity::Error, "formula.missing"),
            (ProblemKind::UnknownSummary, Severity::Error, "formula.ok"),
        ]
    );
    let Some(base) = p.base else { panic!() };
    assert_eq!(base.views[0].type_name, "map");
    assert_eq!(base.views[0].kind, ViewKind::Table);
    assert_eq!(vellum_bases::view_names(&base), vec!["Pins".to_owned()]);
}

#[test]
fn schema_problems() {
    let p = parse("views: 3\nfilters: [a]\nextra: 1\n");
    let kinds: Vec<ProblemKind> = p.problems.iter().map(|q| q.kind).collect();
    assert_eq!(kinds, vec![ProblemKind::Schema, ProblemKind::Schema, ProblemKind::Schema]);
    assert_eq!(p.problems[2].severity, Severity::Warning);
    let p = parse("- a\n- b\n");
    assert_eq!(p.problems[0].kind, ProblemKind::Schema);
    let p = parse("");
    assert!(p.problems.is_empty());
    assert!(p.base.is_some());
    let p = parse("filters: 'a == 1'\n");
    assert!(matches!(p.base.and_then(|b| b.filters), Some(Filter::Expr(_))));
}

#[test]
fn invalid_regex_literal() {
    let src = "filters: 'file.name.replace(/(/, \"x\")'\n";
    let p = parse(src);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].kind, ProblemKind::Syntax);
    assert_eq!(at(src, &p.problems[0].span), "/(/");
}
