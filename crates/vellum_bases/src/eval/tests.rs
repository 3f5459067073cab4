use super::*;
use crate::base::Expression;
use crate::{FileRow, parse};
use indexmap::IndexMap;

fn now() -> jiff::Timestamp {
    "2025-05-27T10:30:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn dune() -> FileRow {
    let mut props = IndexMap::new();
    props.insert("price".into(), Value::Number(12.5));
    props.insert("age".into(), Value::Number(5.0));
    props.insert("status".into(), Value::String("reading".into()));
    props.insert(
        "tags".into(),
        Value::List(vec![Value::String("sf".into()), Value::String("classic".into())]),
    );
    props.insert("author".into(), Value::Link { path: "Frank Herbert".into(), display: None });
    props.insert("due".into(), Value::String("2025-06-01".into()));
    props.insert("done".into(), Value::Bool(false));
    props.insert("my-prop".into(), Value::Number(7.0));
    FileRow {
        path: "Books/Dune.md".into(),
        size: 2048,
        ctime: "2024-01-02T03:04:05Z".parse().ok(),
        mtime: "2025-05-21T10:30:00Z".parse().ok(),
        tags: vec!["book/sf".into(), "to-read".into()],
        links: vec!["People/Frank Herbert.md".into(), "Books/Textbook.md".into()],
        embeds: vec!["assets/cover.png".into()],
        backlinks: vec!["Home.md".into()],
        properties: props,
    }
}

fn rows() -> Vec<FileRow> {
    let mut herbert = FileRow::new("People/Frank Herbert.md");
    herbert.links.push("Books/Dune.md".into());
    vec![dune(), herbert, FileRow::new("Home.md")]
}

fn ev_in(src: &str, rows: &[FileRow], this: Option<&FileRow>) -> Value {
    let (e, err) = Expression::standalone(src);
    assert!(err.is_none(), "{src}: {err:?}");
    let base = Base::default();
    let ctx = Ctx::new(&base, rows, this, now());
    match &e.ast {
        Some(ast) => ctx.eval_top(ast, Scope::row(RowRef::Row(0))),
        None => Value::Error("no ast".into()),
    }
}

fn ev(src: &str) -> Value {
    ev_in(src, &rows(), None)
}

fn num(n: f64) -> Value {
    Value::Number(n)
}

fn s(t: &str) -> Value {
    Value::String(t.into())
}

fn b(x: bool) -> Value {
    Value::Bool(x)
}

fn is_err(v: &Value) -> bool {
    matches!(v, Value::Error(_))
}

#[test]
fn arithmetic_and_precedence() {
    assert_eq!(ev("1 + 2 * 3"), num(7.0));
    assert_eq!(ev("(1 + 2) * 3"), num(9.0));
    assert_eq!(ev("7 % 4"), num(3.0));
    assert_eq!(ev("-7 % 4"), num(-3.0));
    assert_eq!(ev("10 / 4"), num(2.5));
    assert_eq!(ev("price * 2"), num(25.0));
    assert_eq!(ev("(price / age).toFixed(2)"), s("2.50"));
    assert_eq!(ev("missing * 2"), Value::Null);
    assert_eq!(ev("-price"), num(-12.5));
    assert_eq!(ev("note[\"my-prop\"] + 1"), num(8.0));
    assert_eq!(ev("note.price"), num(12.5));
}

#[test]
fn strings_and_concatenation() {
    assert_eq!(ev("\"a\" + 1"), s("a1"));
    assert_eq!(ev("file.name + \" - \" + status"), s("Dune.md - reading"));
    assert_eq!(ev("'x' + missing"), s("x"));
    assert!(is_err(&ev("\"a\" * 2")));
    assert!(is_err(&ev("[1] * 2")));
}

#[test]
fn comparisons_and_logic() {
    assert_eq!(ev("price > 10 && age < 10"), b(true));
    assert_eq!(ev("status != \"done\""), b(true));
    assert_eq!(ev("status == 'reading'"), b(true));
    assert_eq!(ev("1 == '1'"), b(false));
    assert_eq!(ev("'b' > 'a'"), b(true));
    assert_eq!(ev("missing > 1"), b(false));
    assert_eq!(ev("!done"), b(true));
    assert_eq!(ev("missing || 'fallback'"), s("fallback"));
    assert_eq!(ev("0 && boom()"), num(0.0), "short-circuit skips the unknown call");
    assert_eq!(ev("[1, [2]] == [1, [2]]"), b(true));
}

#[test]
fn dates_and_durations() {
    assert_eq!(ev("now()").to_text(), "2025-05-27T10:30:00");
    assert_eq!(ev("today()").to_text(), "2025-05-27");
    assert_eq!(ev("now() + \"1 day\"").to_text(), "2025-05-28T10:30:00");
    assert_eq!(ev("(now() + \"1d\") - now()"), num(86_400_000.0));
    assert_eq!(ev("date(\"2024-12-01\") + \"1M\" + \"4h\" + \"3m\"").to_text(), "2025-01-01T04:03:00");
    assert_eq!(ev("today() + \"7d\"").to_text(), "2025-06-03");
    assert_eq!(ev("date('2024-01-31') + '1M'").to_text(), "2024-02-29");
    assert_eq!(ev("file.mtime > now() - \"1 week\""), b(true));
    assert_eq!(ev("file.ctime > now() - \"1 week\""), b(false));
    assert_eq!(ev("due < now()"), b(false), "date text compares as a date");
    assert_eq!(ev("due > today()"), b(true));
    assert_eq!(ev("due + '2w'").to_text(), "2025-06-15");
    assert_eq!(ev("now() + (duration('1d') * 2)").to_text(), "2025-05-29T10:30:00");
    assert_eq!(ev("duration('5h') / 5").to_text(), "1h");
    assert_eq!(ev("now() - date('2025-05-26')"), num(124_200_000.0));
    assert!(is_err(&ev("date('not a date')")));
    assert!(is_err(&ev("duration('soon')")));
    assert_eq!(ev("date('2024-05-06 07:08:09').hour"), num(7.0));
    assert_eq!(ev("now().year"), num(2025.0));
    assert_eq!(ev("due.month"), num(6.0));
}

#[test]
fn date_methods() {
    assert_eq!(ev("now().date().format(\"YYYY-MM-DD HH:mm:ss\")"), s("2025-05-27 00:00:00"));
    assert_eq!(
        ev("now().format('dddd, MMMM Do YYYY, h:mm A [at] Q')"),
        s("Tuesday, May 27th 2025, 10:30 AM at 2")
    );
    assert_eq!(ev("now().format('YY MMM D ddd HH:m:ss SSS')"), s("25 May 27 Tue 10:30:00 000"));
    assert_eq!(ev("now().time()"), s("10:30:00"));
    assert_eq!(ev("file.mtime.relative()"), s("6 days ago"));
    assert_eq!(ev("(now() + '3h').relative()"), s("in 3 hours"));
    assert_eq!(ev("due.format('DD/MM')"), s("01/06"));
    assert_eq!(ev("now().isEmpty()"), b(false));
    assert_eq!(relative_text(30_000), "a few seconds ago");
    assert_eq!(relative_text(400 * 86_400_000), "a year ago");
    assert_eq!(relative_text(-3 * 365 * 86_400_000), "in 3 years");
}

#[test]
fn global_functions() {
    assert_eq!(ev("if(price, price.toFixed(2) + \" dollars\")"), s("12.50 dollars"));
    assert_eq!(ev("if(missing, 1)"), Value::Null);
    assert_eq!(ev("if(missing, 1, 2)"), num(2.0));
    assert_eq!(ev("escapeHTML('<a href=\"x\">')"), s("&lt;a href=&quot;x&quot;&gt;"));
    assert_eq!(ev("number('3.4')"), num(3.4));
    assert_eq!(ev("number(true)"), num(1.0));
    assert_eq!(ev("number(date('1970-01-02'))"), num(86_400_000.0));
    assert!(is_err(&ev("number('abc')")));
    assert_eq!(ev("max(1, 5, 3)"), num(5.0));
    assert_eq!(ev("min(4, -1, missing)"), num(-1.0));
    assert_eq!(ev("max([1, 9], 2)"), num(9.0));
    assert!(is_err(&ev("max(1, 'a')")));
    assert_eq!(ev("list('value')"), Value::List(vec![s("value")]));
    assert_eq!(ev("list(tags).length"), num(2.0));
    assert_eq!(ev("list(missing)"), Value::List(vec![]));
    assert_eq!(
        ev("link('Dune', 'The book')"),
        Value::Link { path: "Dune".into(), display: Some("The book".into()) }
    );
    assert_eq!(ev("link('[[Dune|D]]')"), Value::Link { path: "Dune".into(), display: Some("D".into()) });
    assert_eq!(
        ev("link(file.ctime.date().toString())"),
        Value::Link { path: "2024-01-02".into(), display: None }
    );
    assert_eq!(ev("file('Dune')"), Value::File("Books/Dune.md".into()));
    assert_eq!(ev("file(link('[[Frank Herbert]]'))"), Value::File("People/Frank Herbert.md".into()));
    assert_eq!(ev("image('https://x.org/a.png')"), Value::Image("https://x.org/a.png".into()));
    assert_eq!(ev("icon('plus')"), Value::Icon("plus".into()));
    assert_eq!(ev("html('<b>x</b>')"), Value::Html("<b>x</b>".into()));
    let r = ev("random()");
    assert!(matches!(r, Value::Number(n) if (0.0..1.0).contains(&n)));
    assert_eq!(r, ev("random()"), "deterministic for one `now`");
    assert!(is_err(&ev("nope(1)")));
    assert!(is_err(&ev("if(1)")));
}

#[test]
fn any_methods() {
    assert_eq!(ev("1.isTruthy()"), b(true));
    assert_eq!(ev("''.isTruthy()"), b(false));
    assert_eq!(ev("\"example\".isType(\"string\")"), b(true));
    assert_eq!(ev("true.isType(\"boolean\")"), b(true));
    assert_eq!(ev("tags.isType('list')"), b(true));
    assert_eq!(ev("123.toString()"), s("123"));
    assert_eq!(ev("missing.isEmpty()"), b(true));
    assert_eq!(ev("missing.lower()"), Value::Null);
    assert_eq!(ev("5.isEmpty()"), b(false));
}

#[test]
fn string_methods() {
    assert_eq!(ev("\"hello\".contains(\"ell\")"), b(true));
    assert_eq!(ev("\"hello\".containsAll(\"h\", \"e\")"), b(true));
    assert_eq!(ev("\"hello\".containsAll(\"h\", \"z\")"), b(false));
    assert_eq!(ev("\"hello\".containsAny(\"x\", \"y\", \"e\")"), b(true));
    assert_eq!(ev("\"hello\".endsWith(\"lo\")"), b(true));
    assert_eq!(ev("\"hello\".startsWith(\"he\")"), b(true));
    assert_eq!(ev("\"Hello world\".isEmpty()"), b(false));
    assert_eq!(ev("\"\".isEmpty()"), b(true));
    assert_eq!(ev("'ÄBC'.lower()"), s("äbc"));
    assert_eq!(ev("\"a:b:c:d\".replace(/:/, \"-\")"), s("a-b:c:d"));
    assert_eq!(ev("\"a:b:c:d\".replace(/:/g, \"-\")"), s("a-b-c-d"));
    assert_eq!(ev("\"a:b:c:d\".replace(\":\", \"-\")"), s("a-b-c-d"));
    assert_eq!(ev("\"John Smith\".replace(/(\\w+) (\\w+)/, \"$2, $1\")"), s("Smith, John"));
    assert_eq!(ev("'abc'.replace(/B/i, '[$&]')"), s("a[b]c"));
    assert_eq!(ev("\"123\".repeat(2)"), s("123123"));
    assert!(is_err(&ev("'a'.repeat(-1)")));
    assert_eq!(ev("\"hello\".reverse()"), s("olleh"));
    assert_eq!(ev("\"hello\".slice(1, 4)"), s("ell"));
    assert_eq!(ev("\"hello\".slice(-3)"), s("llo"));
    assert_eq!(ev("\"hello\".slice(3, 1)"), s(""));
    assert_eq!(ev("\"a,b,c,d\".split(\",\", 3)"), Value::List(vec![s("a"), s("b"), s("c")]));
    assert_eq!(ev("\"a,b,c,d\".split(/,/, 3)"), Value::List(vec![s("a"), s("b"), s("c")]));
    assert_eq!(ev("'ab'.split('')"), Value::List(vec![s("a"), s("b")]));
    assert_eq!(ev("\"hello world\".title()"), s("Hello World"));
    assert_eq!(ev("\"  hi  \".trim()"), s("hi"));
    assert_eq!(ev("'héllo'.length"), num(5.0));
    assert_eq!(ev("'abc'[1]"), s("b"));
}

#[test]
fn number_methods() {
    assert_eq!(ev("(-5).abs()"), num(5.0));
    assert_eq!(ev("(2.1).ceil()"), num(3.0));
    assert_eq!(ev("(2.9).floor()"), num(2.0));
    assert_eq!(ev("(2.5).round()"), num(3.0));
    assert_eq!(ev("(-2.5).round()"), num(-2.0));
    assert_eq!(ev("(2.3333).round(2)"), num(2.33));
    assert_eq!(ev("(3.14159).toFixed(2)"), s("3.14"));
    assert!(is_err(&ev("(1).toFixed(101)")));
}

#[test]
fn list_methods() {
    assert_eq!(ev("[1,2,3].contains(2)"), b(true));
    assert_eq!(ev("[1,2,3].containsAll(2,3)"), b(true));
    assert_eq!(ev("[1,2,3].containsAny(3,4)"), b(true));
    assert_eq!(ev("[1,2,3].containsAny(5,4)"), b(false));
    assert_eq!(ev("[1,2,3,4].filter(value > 2)"), ev("[3,4]"));
    assert_eq!(ev("[5,6,7].filter(index != 1)"), ev("[5,7]"));
    assert_eq!(ev("[1,[2,3]].flat()"), ev("[1,2,3]"));
    assert_eq!(ev("[1,2,3].isEmpty()"), b(false));
    assert_eq!(ev("[].isEmpty()"), b(true));
    assert_eq!(ev("[1,2,3].join(\",\")"), s("1,2,3"));
    assert_eq!(ev("[1,2,3,4].map(value + 1)"), ev("[2,3,4,5]"));
    assert_eq!(ev("[1,2,3].reduce(acc + value, 0)"), num(6.0));
    assert_eq!(
        ev(
            "[3, 'x', 9, 2].filter(value.isType(\"number\")).reduce(if(acc == null || value > acc, value, acc), null)"
        ),
        num(9.0)
    );
    assert_eq!(ev("[1,2,3].reverse()"), ev("[3,2,1]"));
    assert_eq!(ev("[1,2,3,4].slice(1,3)"), ev("[2,3]"));
    assert_eq!(ev("[3, 1, 2].sort()"), ev("[1, 2, 3]"));
    assert_eq!(ev("[\"c\", \"a\", \"b\"].sort()"), ev("[\"a\", \"b\", \"c\"]"));
    assert_eq!(ev("[1,2,2,3].unique()"), ev("[1,2,3]"));
    assert_eq!(ev("[1,2,3,6].mean()"), num(3.0));
    assert_eq!(ev("tags.length"), num(2.0));
    assert_eq!(ev("tags.contains(\"sf\")"), b(true));
    assert_eq!(ev("tags[0]"), s("sf"));
    assert_eq!(ev("tags[5]"), Value::Null);
    assert_eq!(ev("[[1,2]].map(value.map(value * 10))"), ev("[[10,20]]"));
}

#[test]
fn objects_and_regex() {
    assert_eq!(ev("{}.isEmpty()"), b(true));
    assert_eq!(ev("{\"a\": 1, \"b\": 2}.keys()"), ev("['a', 'b']"));
    assert_eq!(ev("{\"a\": 1, \"b\": 2}.values()"), ev("[1, 2]"));
    assert_eq!(ev("{a: {b: 3}}.a.b"), num(3.0));
    assert_eq!(ev("{a: 1}['a']"), num(1.0));
    assert_eq!(ev("/abc/.matches(\"abcde\")"), b(true));
    assert_eq!(ev("/^ABC$/i.matches(\"abc\")"), b(true));
    assert_eq!(ev("/x/.matches(\"abc\")"), b(false));
    assert!(is_err(&ev("/(/.matches('a')")));
}

#[test]
fn file_properties() {
    assert_eq!(ev("file.name"), s("Dune.md"));
    assert_eq!(ev("file.basename"), s("Dune"));
    assert_eq!(ev("file.path"), s("Books/Dune.md"));
    assert_eq!(ev("file.folder"), s("Books"));
    assert_eq!(ev("file.ext"), s("md"));
    assert_eq!(ev("file.size"), num(2048.0));
    assert_eq!(ev("file.ctime").to_text(), "2024-01-02T03:04:05");
    assert_eq!(ev("file.tags"), ev("['book/sf', 'to-read']"));
    assert_eq!(ev("file.links.length"), num(2.0));
    assert_eq!(ev("file.embeds[0]"), Value::Link { path: "assets/cover.png".into(), display: None });
    assert_eq!(ev("file.backlinks"), Value::List(vec![Value::File("Home.md".into())]));
    assert_eq!(ev("file.properties.price"), num(12.5));
    assert_eq!(ev("file.file"), Value::File("Books/Dune.md".into()));
    assert_eq!(ev("file['name']"), s("Dune.md"));
    assert!(is_err(&ev("file.nope")));
    let home = rows();
    assert_eq!(ev_in("file.folder", &home[2..], None), s("/"));
}

#[test]
fn file_methods() {
    assert_eq!(ev("file.hasTag(\"book\")"), b(true), "nested tag book/sf");
    assert_eq!(ev("file.hasTag(\"#BOOK\")"), b(true));
    assert_eq!(ev("file.hasTag(\"boo\")"), b(false));
    assert_eq!(ev("file.hasTag(\"x\", \"to-read\")"), b(true));
    assert_eq!(ev("file.inFolder(\"Books\")"), b(true));
    assert_eq!(ev("file.inFolder(\"Book\")"), b(false));
    assert_eq!(ev("file.inFolder(\"Books/\")"), b(true));
    assert_eq!(ev("file.hasLink(\"Textbook\")"), b(true));
    assert_eq!(ev("file.hasLink(\"[[Frank Herbert]]\")"), b(true));
    assert_eq!(ev("file.hasLink(file('People/Frank Herbert.md'))"), b(true));
    assert_eq!(ev("file.hasLink(link('Frank Herbert'))"), b(true));
    assert_eq!(ev("file.hasLink(\"Nope\")"), b(false));
    assert_eq!(ev("file.hasProperty(\"price\")"), b(true));
    assert_eq!(ev("file.hasProperty(\"nope\")"), b(false));
    assert_eq!(ev("file.asLink()"), Value::Link { path: "Books/Dune.md".into(), display: None });
    assert_eq!(ev("file.asLink('D').toString()"), s("D"));
    assert_eq!(ev("author.asFile()"), Value::File("People/Frank Herbert.md".into()));
    assert_eq!(ev("author.linksTo(file)"), b(true));
    assert_eq!(ev("link('Home').linksTo(file)"), b(false));
    assert_eq!(ev("file('Books/Dune.md').inFolder('Books')"), b(true));
}

#[test]
fn this_and_links() {
    let rows = rows();
    let this = FileRow::new("People/Frank Herbert.md");
    assert_eq!(ev_in("author == this", &rows, Some(&this)), b(true));
    assert_eq!(ev_in("[author].contains(this)", &rows, Some(&this)), b(true));
    assert_eq!(ev_in("file.hasLink(this.file)", &rows, Some(&this)), b(true));
    assert_eq!(ev_in("this.file.name", &rows, Some(&this)), s("Frank Herbert.md"));
    assert_eq!(ev_in("this.file.folder", &rows, Some(&this)), s("People"));
    assert_eq!(ev_in("this.price", &rows, Some(&rows[0])), num(12.5));
    assert_eq!(ev_in("this.file.name", &rows, None), Value::Null);
    assert_eq!(ev("link('Dune') == link('Books/Dune.md')"), b(true));
    assert_eq!(ev("link('Dune') == link('Dune2')"), b(false));
}

#[test]
fn formulas_reference_formulas() {
    let p = parse(
        "formulas:\n  a: price * 2\n  b: formula.a + 1\n  c: formula[\"b\"] * 10\n  bad: price.lower()\n  uses_bad: formula.bad + 1\n  self: formula.self + 1\n",
    );
    let Some(base) = p.base else { panic!("{:?}", p.problems) };
    let rows = rows();
    let ctx = Ctx::new(&base, &rows, None, now());
    let key = |n: &str| crate::base::PropertyKey::parse(&format!("formula.{n}"), 0..0);
    assert_eq!(ctx.property(RowRef::Row(0), &key("a")), num(25.0));
    assert_eq!(ctx.property(RowRef::Row(0), &key("c")), num(260.0));
    assert_eq!(ctx.property(RowRef::Row(1), &key("c")), Value::Null, "missing price");
    assert!(is_err(&ctx.property(RowRef::Row(0), &key("bad"))));
    assert!(is_err(&ctx.property(RowRef::Row(0), &key("uses_bad"))));
    assert!(matches!(ctx.property(RowRef::Row(0), &key("self")), Value::Error(m) if m.contains("circular")));
    assert!(is_err(&ctx.property(RowRef::Row(0), &key("nope"))));
}

#[test]
fn this_namespaces() {
    let p = parse("formulas:\n  twice: price * 2\n");
    let Some(base) = p.base else { panic!() };
    let rows = rows();
    let this = dune();
    let ctx = Ctx::new(&base, &rows[1..], Some(&this), now());
    let run = |src: &str| {
        let (e, _) = Expression::standalone(src);
        e.ast.map(|ast| ctx.eval_top(&ast, Scope::row(RowRef::Row(0)))).unwrap_or_default()
    };
    assert_eq!(run("this.formula.twice"), num(25.0));
    assert_eq!(run("formula.twice"), Value::Null, "the row has no price");
    assert_eq!(run("this.note.price"), num(12.5));
    assert_eq!(run("this.note['price']"), num(12.5));
    assert_eq!(run("this.file.basename"), s("Dune"));
    assert_eq!(run("file.basename"), s("Frank Herbert"));
    assert_eq!(run("[1].map(this.price)"), ev("[12.5]"));
}

#[test]
fn budgets_cut_off_growth() {
    let start = std::time::Instant::now();
    let v = ev("\"x\".repeat(10000000)");
    assert!(matches!(&v, Value::Error(m) if m.contains("exceed")), "{v:?}");
    let v = ev("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20].reduce(acc + acc + 'xxxxxxxxxx', 'y')");
    assert!(is_err(&v), "{v:?}");
    let v = ev("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20].reduce(acc + acc + [1], [1])");
    assert!(is_err(&v), "{v:?}");
    let v = ev(
        "'a,'.repeat(500000).split(',').map(value + value).map(value + value).map(value + value).map(value+value).length",
    );
    assert!(is_err(&v), "{v:?}");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}
