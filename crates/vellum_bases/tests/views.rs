//! Evaluating views: filters, sort, groups, limit, columns, summaries, `this`,
//! error cells.

mod common;
use common::{now, vault};
use vellum_bases::{FileRow, Value, ViewKind, ViewResult, evaluate, parse};

fn run(src: &str, view: Option<&str>, this: Option<&FileRow>) -> (ViewResult, Vec<FileRow>) {
    let p = parse(src);
    assert!(!p.has_errors(), "{:?}", p.problems);
    let Some(base) = p.base else { panic!("{:?}", p.problems) };
    let rows = vault();
    let result = match evaluate(&base, view, &rows, this, now()) {
        Ok(r) => r,
        Err(e) => panic!("{e:?}"),
    };
    (result, rows)
}

fn paths(result: &ViewResult, rows: &[FileRow]) -> Vec<String> {
    result.groups.iter().flat_map(|g| g.rows.iter()).map(|r| rows[r.row].path.clone()).collect()
}

fn num(n: f64) -> Value {
    Value::Number(n)
}

#[test]
fn global_and_view_filters_combine_with_and() {
    let src = "filters:\n  and:\n    - file.hasTag(\"book\")\nviews:\n  - type: table\n    name: Done\n    filters: 'status == \"done\"'\n  - type: table\n    name: All\n";
    let (r, rows) = run(src, Some("Done"), None);
    assert_eq!(paths(&r, &rows), vec!["Books/Dune.md", "Books/Neuromancer.md"]);
    assert_eq!(r.total, 2);
    let (r, rows) = run(src, Some("All"), None);
    assert_eq!(r.total, 4);
    assert_eq!(paths(&r, &rows)[3], "Books/Untitled.md");
    let (r, _) = run(src, None, None);
    assert_eq!(r.name, "Done", "first view by default");
}

#[test]
fn or_and_not_filters() {
    let src = "filters:\n  or:\n    - file.inFolder(\"People\")\n    - and:\n        - file.hasTag(\"book/sf\")\n        - 'year < 1970'\n    - not:\n        - file.inFolder(\"Books\")\n        - file.inFolder(\"People\")\n        - file.ext == \"png\"\n";
    let (r, rows) = run(src, None, None);
    assert_eq!(paths(&r, &rows), vec!["Books/Dune.md", "People/Frank Herbert.md", "Home.md"]);
}

#[test]
fn unknown_view_name_is_a_problem() {
    let p = parse("views:\n  - type: table\n    name: A\n");
    let Some(base) = p.base else { panic!() };
    let err = evaluate(&base, Some("B"), &vault(), None, now()).err();
    assert_eq!(err.map(|e| e.kind), Some(vellum_bases::ProblemKind::UnknownView));
}

#[test]
fn sort_multiple_keys_nulls_last_and_limit() {
    let src = "filters: file.inFolder(\"Books\")\nviews:\n  - type: table\n    order: [file.basename, rating, year]\n    sort:\n      - property: rating\n        direction: DESC\n      - property: year\n        direction: ASC\n";
    let (r, rows) = run(src, None, None);
    assert_eq!(
        paths(&r, &rows),
        vec!["Books/Dune.md", "Books/Emma.md", "Books/Neuromancer.md", "Books/Untitled.md"]
    );
    let src2 = src.replace("direction: DESC", "direction: ASC") + "    limit: 2\n";
    let (r, rows) = run(&src2, None, None);
    assert_eq!(paths(&r, &rows), vec!["Books/Emma.md", "Books/Neuromancer.md"]);
    assert_eq!(r.total, 4, "total counts matches before the limit");
    assert_eq!(r.columns[0].display, "file.basename");
    assert_eq!(r.groups[0].rows[0].cells, vec![Value::String("Emma".into()), num(4.0), num(1815.0)]);
}

#[test]
fn group_by_with_direction_and_group_summaries() {
    let src = "filters: file.hasTag(\"book\")\nproperties:\n  status:\n    displayName: Status\nviews:\n  - type: table\n    order: [file.name, status, price]\n    groupBy:\n      property: status\n      direction: DESC\n    sort:\n      - property: price\n    summaries:\n      price: Sum\n";
    let (r, rows) = run(src, None, None);
    assert!(r.grouped);
    let keys: Vec<Option<String>> = r.groups.iter().map(|g| g.key.as_ref().map(Value::to_text)).collect();
    assert_eq!(keys, vec![Some("todo".into()), Some("reading".into()), Some("done".into())]);
    assert_eq!(
        paths(&r, &rows),
        vec!["Books/Untitled.md", "Books/Emma.md", "Books/Dune.md", "Books/Neuromancer.md"]
    );
    assert_eq!(r.columns[1].display, "Status");
    assert_eq!(r.groups[2].summaries[2], Some(num(9.99 + 12.0)));
    assert_eq!(r.groups[0].summaries[2], Some(Value::Null), "no numbers in the group");
    assert_eq!(r.summaries, vec![None, None, Some(num(4.5 + 9.99 + 12.0))]);
}

#[test]
fn builtin_summaries() {
    let src = "filters: file.hasTag(\"book\")\nsummaries:\n  top: 'values.filter(value != null).sort().reverse()[0]'\n  custAvg: 'values.mean().round(3)'\nviews:\n  - type: table\n    order: [rating, year, read, finished, status, price, title]\n    summaries:\n      rating: Average\n      year: Range\n      read: Checked\n      finished: Earliest\n      status: Unique\n      price: custAvg\n      title: Empty\n";
    let (r, _) = run(src, None, None);
    assert_eq!(r.summaries[0], Some(num(13.0 / 3.0)));
    assert_eq!(r.summaries[1], Some(num(169.0)));
    assert_eq!(r.summaries[2], Some(num(2.0)));
    assert_eq!(r.summaries[3], Some(Value::String("2024-03-01".into())), "date text is not a date value");
    assert_eq!(r.summaries[4], Some(num(3.0)));
    assert_eq!(r.summaries[5], Some(num(8.83)));
    assert_eq!(r.summaries[6], Some(num(1.0)));
    assert_eq!(r.columns[5].summary.as_deref(), Some("custAvg"));
}

#[test]
fn every_builtin_summary_by_hand() {
    let names = [
        "Average",
        "Min",
        "Max",
        "Sum",
        "Range",
        "Median",
        "Stddev",
        "Checked",
        "Unchecked",
        "Empty",
        "Filled",
        "Unique",
    ];
    for name in names {
        let one = format!(
            "formulas:\n  n: '{}'\nviews:\n  - type: table\n    filters: file.hasTag(\"book\")\n    order: [formula.n]\n    summaries:\n      formula.n: {name}\n",
            "if(file.basename == \"Dune\", 3, if(file.basename == \"Emma\", 1, if(file.basename == \"Neuromancer\", 4, 1)))"
        );
        let (r, _) = run(&one, None, None);
        let want = match name {
            "Average" => num(2.25),
            "Min" => num(1.0),
            "Max" => num(4.0),
            "Sum" => num(9.0),
            "Range" => num(3.0),
            "Median" => num(2.0),
            "Stddev" => {
                num((((3.0f64 - 2.25).powi(2) + 2.0 * (1.0f64 - 2.25).powi(2) + (4.0f64 - 2.25).powi(2))
                    / 4.0)
                    .sqrt())
            }
            "Checked" | "Unchecked" | "Empty" => num(0.0),
            "Filled" => num(4.0),
            "Unique" => num(3.0),
            _ => Value::Null,
        };
        assert_eq!(r.summaries[0], Some(want), "{name}");
    }
}

#[test]
fn date_summaries() {
    let src = "formulas:\n  d: 'if(finished, date(finished))'\nviews:\n  - type: table\n    order: [formula.d]\n    summaries:\n      formula.d: Latest\n  - type: table\n    name: r\n    order: [formula.d]\n    summaries:\n      formula.d: Range\n";
    let (r, _) = run(src, None, None);
    assert_eq!(r.summaries[0].as_ref().map(Value::to_text), Some("2025-01-15".into()));
    let (r, _) = run(src, Some("r"), None);
    assert_eq!(r.summaries[0].as_ref().map(Value::to_text), Some("320d".into()));
}

#[test]
fn formula_columns_and_error_cells() {
    let src = "formulas:\n  ppu: 'price / rating'\n  label: 'title.lower() + \" (\" + formula.ppu.toFixed(1) + \")\"'\n  broken: 'title.repeat(-1)'\nviews:\n  - type: table\n    filters: file.hasTag(\"book\")\n    order: [file.name, formula.label, formula.broken]\n    sort:\n      - property: formula.ppu\n        direction: DESC\n";
    let (r, rows) = run(src, None, None);
    assert_eq!(
        paths(&r, &rows),
        vec!["Books/Neuromancer.md", "Books/Dune.md", "Books/Emma.md", "Books/Untitled.md"]
    );
    let labels: Vec<Value> = r.groups[0].rows.iter().map(|row| row.cells[1].clone()).collect();
    assert_eq!(labels[0], Value::String("neuromancer <b> (3.0)".into()));
    assert_eq!(labels[1], Value::String("dune (2.0)".into()));
    assert_eq!(labels[3], Value::String(" ()".into()), "null is empty text in concatenation");
    assert!(r.groups[0].rows.iter().take(3).all(|row| matches!(row.cells[2], Value::Error(_))));
}

#[test]
fn this_file_in_filters() {
    let src = "filters: file.hasLink(this.file)\nviews:\n  - type: list\n    order: [file.basename, formula.me]\nformulas:\n  me: this.file.basename\n";
    let this = FileRow::new("People/Frank Herbert.md");
    let (r, rows) = run(src, None, Some(&this));
    assert_eq!(r.kind, ViewKind::List);
    assert_eq!(paths(&r, &rows), vec!["Books/Dune.md"]);
    assert_eq!(r.groups[0].rows[0].cells[1], Value::String("Frank Herbert".into()));
    let src = "filters: 'author == this'\n";
    let (r, rows) = run(src, None, Some(&this));
    assert_eq!(paths(&r, &rows), vec!["Books/Dune.md"]);
    let src = "filters: 'file.backlinks.contains(link(\"Dune\"))'\n";
    let (r, rows) = run(src, None, None);
    assert_eq!(paths(&r, &rows), vec!["People/Frank Herbert.md"]);
}

#[test]
fn base_without_views_shows_file_names() {
    let (r, rows) = run("filters: file.ext == \"png\"\n", None, None);
    assert_eq!(r.name, "Table");
    assert_eq!(r.columns[0].key, "file.name");
    assert_eq!(paths(&r, &rows), vec!["assets/emma.png"]);
    assert_eq!(r.groups[0].rows[0].cells[0], Value::String("emma.png".into()));
}

#[test]
fn json_output() {
    let (r, _) = run(
        "filters: 'title == \"Dune\"'\nviews:\n  - type: cards\n    order: [title, author, year, finished]\n    image: cover\n",
        None,
        None,
    );
    let json = serde_json::to_value(&r).unwrap_or_default();
    assert_eq!(json["kind"], "cards");
    let row = &json["groups"][0]["rows"][0];
    assert_eq!(row["cells"][1], serde_json::json!({"link": "Frank Herbert", "display": null}));
    assert_eq!(row["cells"][2], serde_json::json!(1965));
    assert_eq!(row["image"], "https://example.org/dune.jpg");
    assert_eq!(json["total"], 1);
}
