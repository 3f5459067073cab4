//! The query language: a small boolean language over the note model.
//!
//! ```text
//! expr  := or
//! or    := and ("OR" and)*
//! and   := not ("AND"? not)*          -- juxtaposition means AND
//! not   := ("NOT" | "-") not | atom
//! atom  := "(" expr ")" | FIELD ":" value | word | "quoted phrase"
//! value := word | "quoted" | OP? DATE  -- OP is >=, <=, >, <, = ; DATE is YYYY[-MM[-DD]]
//!          | NAME ":" OP? word         -- after `prop:`
//! ```
//!
//! Fields: `tag:` (nested tags match their parents: `tag:hardware` finds
//! `#hardware/gpu`), `keyword:`, `created:`, `updated:`, `draft:true|false`,
//! `has:claim|question|source|signals|take|brain-dump|linkage`, `links-to:`,
//! `id:`, `kind:`, `title:`, `path:`, `prop:NAME` (has that property) and
//! `prop:NAME:VALUE` / `prop:NAME:>=VALUE` (a value of the property compares
//! so, by its type from `.obsidian/types.json`: see [`PropTest`]). A bare word or phrase matches the title or
//! body, case-insensitively. Operators are case-sensitive words (`AND`, `OR`,
//! `NOT`) so that lowercase `and`/`or` stay searchable text.
//!
//! [`parse`] reports errors with the 1-based character column of the problem.

use jiff::civil::{Date, DateTime};
use vellum_syntax::text::Span;

use crate::facts::{LinkFact, PropKind, VaultFacts};
use crate::{FindNotes, NoteIdx, Vault};

/// A parse error with its place in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
    /// Byte range in the query.
    pub span: Span,
    /// A hint, if any.
    pub help: Option<String>,
}

impl QueryError {
    /// 1-based column (in characters) where the problem starts.
    #[must_use]
    pub fn column(&self, query: &str) -> usize {
        query.get(..self.span.start).map_or(1, |p| p.chars().count() + 1)
    }
}

/// Fields a query can name.
pub const FIELDS: &[&str] = &[
    "tag", "keyword", "created", "updated", "draft", "has", "links-to", "id", "kind", "title", "path", "prop",
];

/// What `has:` accepts.
pub const HAS_VALUES: &[&str] = &["claim", "question", "source", "signals", "take", "brain-dump", "linkage"];

/// A comparison on dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Within the named period.
    In,
    /// `>=`: on or after the start of the period.
    Ge,
    /// `>`: after the end of the period.
    Gt,
    /// `<=`: on or before the end of the period.
    Le,
    /// `<`: before the start of the period.
    Lt,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Both.
    And(Box<Query>, Box<Query>),
    /// Either.
    Or(Box<Query>, Box<Query>),
    /// Not.
    Not(Box<Query>),
    /// `tag:x`.
    Tag(String),
    /// `keyword:x`.
    Keyword(String),
    /// `created:…` / `updated:…`: field (true = created), comparison, first and last day of the period.
    Date(bool, Cmp, Date, Date),
    /// `draft:true|false`.
    Draft(bool),
    /// `has:…`.
    Has(String),
    /// `links-to:…`.
    LinksTo(String),
    /// `id:…`.
    Id(String),
    /// `kind:…`.
    Kind(String),
    /// `title:…`.
    Title(String),
    /// `path:…` (substring of the vault path).
    Path(String),
    /// `prop:NAME` (lowercased) or `prop:NAME:VALUE` / `prop:NAME:>=VALUE`
    /// (any comparison): the note has that property, or a value of it
    /// compares so with `VALUE` by the property's type (see [`PropTest`]).
    Prop(String, Option<PropTest>),
    /// A bare word or phrase.
    Text(String),
}

/// The test of `prop:NAME:VALUE`: a comparison and the value as written.
///
/// How values compare depends on the property's type in
/// `.obsidian/types.json` ([`crate::facts::PropKind`]): `number`
/// numerically, `date` and `datetime` as moments (a `VALUE` of `YYYY`,
/// `YYYY-MM` or `YYYY-MM-DD` is a period, as for `created:`), `checkbox` as
/// true or false, text and lists as texts, case-insensitively (a list by any
/// of its items). Without a type, `=` is a text match (or a link to the note
/// `VALUE` names, as `links-to:` reads it) and the other comparisons are
/// numeric when both sides are numbers, by date when both are dates, else by
/// text. A value that cannot be read as the property's type matches nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropTest {
    /// The comparison (`In` for `=` or none).
    pub cmp: Cmp,
    /// The value, as written (without `[[ ]]`).
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    /// `field:value` or a bare word; `quoted` tells whether the value was quoted.
    Term {
        field: Option<String>,
        value: String,
        quoted: bool,
    },
}

fn lex(q: &str) -> Result<Vec<(Tok, Span)>, QueryError> {
    let mut out = Vec::new();
    let b = q.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            b'(' => {
                out.push((Tok::LParen, Span::new(i, i + 1)));
                i += 1;
            }
            b')' => {
                out.push((Tok::RParen, Span::new(i, i + 1)));
                i += 1;
            }
            b'-' if i + 1 < b.len() && !b[i + 1].is_ascii_whitespace() => {
                out.push((Tok::Not, Span::new(i, i + 1)));
                i += 1;
            }
            _ => {
                // A word, possibly `field:value`, where value may be quoted.
                let mut field = None;
                let mut value = String::new();
                let mut quoted = false;
                if c == b'"' {
                    let (v, end) = quoted_str(q, i)?;
                    value = v;
                    quoted = true;
                    i = end;
                } else {
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'(' && b[i] != b')' {
                        if b[i] == b':' && field.is_some() && b.get(i + 1) == Some(&b'"') {
                            // `prop:name:"a value"`: the quoted part ends the value.
                            let (v, end) = quoted_str(q, i + 1)?;
                            value.push(':');
                            value.push_str(&v);
                            i = end;
                            break;
                        }
                        if b[i] == b':' && field.is_none() && !value.is_empty() {
                            field = Some(std::mem::take(&mut value));
                            i += 1;
                            if i < b.len() && b[i] == b'"' {
                                let (v, end) = quoted_str(q, i)?;
                                value = v;
                                quoted = true;
                                i = end;
                                break;
                            }
                            continue;
                        }
                        let ch = q[i..].chars().next().unwrap_or(' ');
                        value.push(ch);
                        i += ch.len_utf8();
                    }
                }
                let span = Span::new(start, i);
                let tok = match (field.is_none() && !quoted, value.as_str()) {
                    (true, "AND") => Tok::And,
                    (true, "OR") => Tok::Or,
                    (true, "NOT") => Tok::Not,
                    _ => Tok::Term { field, value, quoted },
                };
                out.push((tok, span));
            }
        }
    }
    Ok(out)
}

fn quoted_str(q: &str, open: usize) -> Result<(String, usize), QueryError> {
    match q[open + 1..].find('"') {
        Some(rel) => Ok((q[open + 1..open + 1 + rel].to_owned(), open + rel + 2)),
        None => Err(QueryError {
            message: "unclosed quote".to_owned(),
            span: Span::new(open, q.len()),
            help: Some("close the phrase with `\"`".to_owned()),
        }),
    }
}

struct Parser<'q> {
    query: &'q str,
    toks: Vec<(Tok, Span)>,
    pos: usize,
}

/// Parse a query.
///
/// # Errors
/// A [`QueryError`] pointing at the part of the query that is wrong.
pub fn parse(query: &str) -> Result<Query, QueryError> {
    let toks = lex(query)?;
    if toks.is_empty() {
        return Err(QueryError {
            message: "empty query".to_owned(),
            span: Span::empty(0),
            help: Some("try `tag:hardware` or `created:2022 has:claim`".to_owned()),
        });
    }
    let mut p = Parser { query, toks, pos: 0 };
    let q = p.or()?;
    if let Some((_, span)) = p.toks.get(p.pos) {
        return Err(QueryError { message: "unexpected `)`".to_owned(), span: *span, help: None });
    }
    Ok(q)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn end_span(&self) -> Span {
        Span::empty(self.query.len())
    }

    fn or(&mut self) -> Result<Query, QueryError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let right = self.and()?;
            left = Query::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Query, QueryError> {
        let mut left = self.not()?;
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                }
                Some(Tok::Term { .. } | Tok::Not | Tok::LParen) => {}
                _ => break,
            }
            let right = self.not()?;
            left = Query::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Query, QueryError> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Query::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Query, QueryError> {
        let Some((tok, span)) = self.toks.get(self.pos).cloned() else {
            return Err(QueryError {
                message: "the query ends too early".to_owned(),
                span: self.end_span(),
                help: Some("an operator needs something after it".to_owned()),
            });
        };
        self.pos += 1;
        match tok {
            Tok::LParen => {
                let inner = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(QueryError {
                        message: "unclosed `(`".to_owned(),
                        span,
                        help: Some("add the matching `)`".to_owned()),
                    });
                }
                self.pos += 1;
                Ok(inner)
            }
            Tok::RParen => Err(QueryError { message: "unexpected `)`".to_owned(), span, help: None }),
            Tok::And | Tok::Or => Err(QueryError {
                message: "an operator needs a term on each side".to_owned(),
                span,
                help: None,
            }),
            Tok::Not => unreachable_not(span),
            Tok::Term { field: None, value, .. } => Ok(Query::Text(value.to_lowercase())),
            Tok::Term { field: Some(field), value, .. } => term(&field, &value, span),
        }
    }
}

fn unreachable_not(span: Span) -> Result<Query, QueryError> {
    Err(QueryError { message: "misplaced `NOT`".to_owned(), span, help: None })
}

fn term(field: &str, value: &str, span: Span) -> Result<Query, QueryError> {
    let value_span = Span::new(span.start + field.len() + 1, span.end);
    if value.is_empty() {
        return Err(QueryError {
            message: format!("`{field}:` needs a value"),
            span: value_span,
            help: None,
        });
    }
    let v = value.to_lowercase();
    Ok(match field.to_lowercase().as_str() {
        "tag" => Query::Tag(v.trim_start_matches('#').to_owned()),
        "keyword" => Query::Keyword(v),
        "created" | "updated" => {
            let (cmp, date) = date_value(value, value_span)?;
            Query::Date(field.eq_ignore_ascii_case("created"), cmp, date.0, date.1)
        }
        "draft" => match v.as_str() {
            "true" | "yes" => Query::Draft(true),
            "false" | "no" => Query::Draft(false),
            _ => {
                return Err(QueryError {
                    message: format!("`draft:` takes true or false, not `{value}`"),
                    span: value_span,
                    help: None,
                });
            }
        },
        "has" => {
            let v = match v.as_str() {
                "claims" => "claim",
                "questions" => "question",
                "sources" | "ref" => "source",
                "my-take" => "take",
                other => other,
            };
            if !HAS_VALUES.contains(&v) {
                return Err(QueryError {
                    message: format!("`has:` does not know `{value}`"),
                    span: value_span,
                    help: Some(format!("one of: {}", HAS_VALUES.join(", "))),
                });
            }
            Query::Has(v.to_owned())
        }
        "links-to" => Query::LinksTo(value.to_owned()),
        "id" => Query::Id(v),
        "kind" => Query::Kind(v),
        "title" => Query::Title(v),
        "path" => Query::Path(v),
        "prop" => match value.split_once(':') {
            Some((name, wanted)) if !name.is_empty() && !wanted.is_empty() => {
                let (cmp, rest) = split_cmp(wanted);
                let wanted = rest.trim();
                if wanted.is_empty() {
                    let at = (value_span.start + name.len() + 1).min(span.end);
                    return Err(QueryError {
                        message: format!("`prop:{value}` compares with nothing"),
                        span: Span::new(at, span.end),
                        help: Some("write a value after the comparison, e.g. `prop:rating:>=4`".to_owned()),
                    });
                }
                let bare = wanted.strip_prefix("[[").and_then(|w| w.strip_suffix("]]")).unwrap_or(wanted);
                Query::Prop(name.to_lowercase(), Some(PropTest { cmp, value: bare.to_owned() }))
            }
            Some(_) => {
                return Err(QueryError {
                    message: format!("`prop:{value}` needs a name and a value"),
                    span: value_span,
                    help: Some(
                        "write `prop:NAME` or `prop:NAME:VALUE`, e.g. `prop:up:\"Parent Note\"`".to_owned(),
                    ),
                });
            }
            None => Query::Prop(v, None),
        },
        _ => {
            return Err(QueryError {
                message: format!("unknown field `{field}`"),
                span: Span::new(span.start, span.start + field.len()),
                help: Some(format!("fields: {}", FIELDS.join(", "))),
            });
        }
    })
}

/// The comparison a value starts with (`>=`, `<=`, `>`, `<`, `=` or none)
/// and the rest.
fn split_cmp(value: &str) -> (Cmp, &str) {
    if let Some(r) = value.strip_prefix(">=") {
        (Cmp::Ge, r)
    } else if let Some(r) = value.strip_prefix("<=") {
        (Cmp::Le, r)
    } else if let Some(r) = value.strip_prefix('>') {
        (Cmp::Gt, r)
    } else if let Some(r) = value.strip_prefix('<') {
        (Cmp::Lt, r)
    } else {
        (Cmp::In, value.strip_prefix('=').unwrap_or(value))
    }
}

/// `>=2022-05` → (Ge, first and last day of May 2022).
fn date_value(value: &str, span: Span) -> Result<(Cmp, (Date, Date)), QueryError> {
    let (cmp, rest) = split_cmp(value);
    let op_len = value.len() - rest.len();
    let range = period(rest).ok_or_else(|| QueryError {
        message: format!("`{rest}` is not a date"),
        span: Span::new(span.start + op_len, span.end),
        help: Some("write YYYY, YYYY-MM or YYYY-MM-DD, optionally after >=, <=, > or <".to_owned()),
    })?;
    Ok((cmp, range))
}

/// The first and last day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn period(text: &str) -> Option<(Date, Date)> {
    let parts: Vec<&str> = text.split('-').collect();
    let num = |s: &str, len: usize| if s.len() == len { s.parse::<i16>().ok() } else { None };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)?;
            Some((Date::new(y, 1, 1).ok()?, Date::new(y, 12, 31).ok()?))
        }
        [y, m] => {
            let y = num(y, 4)?;
            let m = i8::try_from(num(m, 2)?).ok()?;
            let first = Date::new(y, m, 1).ok()?;
            Some((first, first.last_of_month()))
        }
        [_, _, _] => {
            let d = vellum_syntax::frontmatter::parse_date(text)?;
            Some((d, d))
        }
        _ => None,
    }
}

/// The first and last moment of a date period (see [`period`]) or the one
/// moment of a date and time (`YYYY-MM-DDTHH:MM[:SS]`).
fn moments(text: &str) -> Option<(DateTime, DateTime)> {
    let text = text.trim();
    if text.len() > 10 {
        let at: DateTime = text.to_ascii_uppercase().replacen(' ', "T", 1).parse().ok()?;
        return Some((at, at));
    }
    let (first, last) = period(text)?;
    Some((first.to_datetime(jiff::civil::Time::MIN), last.to_datetime(jiff::civil::Time::MAX)))
}

/// A property value read as a moment: a date is its first moment.
fn moment(text: &str) -> Option<DateTime> {
    let t = text.trim();
    if t.len() == 10 {
        return vellum_syntax::frontmatter::parse_date(t).map(|d| d.to_datetime(jiff::civil::Time::MIN));
    }
    t.to_ascii_uppercase().replacen(' ', "T", 1).parse().ok()
}

/// A number as a property or a query writes it.
fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `true`/`false` (also `yes`/`no`), as a checkbox holds it.
fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

/// Whether `v` compares as `cmp` says with the range `first..=last` (one
/// value: both the same).
fn in_range<T: PartialOrd>(v: &T, cmp: Cmp, first: &T, last: &T) -> bool {
    match cmp {
        Cmp::In => first <= v && v <= last,
        Cmp::Ge => v >= first,
        Cmp::Gt => v > last,
        Cmp::Le => v <= last,
        Cmp::Lt => v < first,
    }
}

/// Whether property values `values` (lowercased texts) hold one that
/// compares as `test` says, read as `kind`. Untyped `=` tests are the
/// caller's (a text or link match).
fn compare(kind: PropKind, values: &[String], test: &PropTest) -> bool {
    let cmp = test.cmp;
    let by_number = |q: f64| values.iter().filter_map(|v| number(v)).any(|x| in_range(&x, cmp, &q, &q));
    let by_moment = |(a, b): (DateTime, DateTime)| {
        values.iter().filter_map(|v| moment(v)).any(|x| in_range(&x, cmp, &a, &b))
    };
    let lower = test.value.to_lowercase();
    let by_text = || values.iter().any(|v| in_range(v, cmp, &lower, &lower));
    match kind {
        PropKind::Number => number(&test.value).is_some_and(by_number),
        PropKind::Date => moments(&test.value).is_some_and(by_moment),
        PropKind::Checkbox => boolean(&test.value)
            .is_some_and(|q| values.iter().filter_map(|v| boolean(v)).any(|x| in_range(&x, cmp, &q, &q))),
        PropKind::Text => by_text(),
        PropKind::Untyped => {
            if let Some(q) = number(&test.value)
                && values.iter().all(|v| number(v).is_some())
            {
                by_number(q)
            } else if let Some(q) = moments(&test.value)
                && values.iter().all(|v| moment(v).is_some())
            {
                by_moment(q)
            } else {
                by_text()
            }
        }
    }
}

impl Query {
    /// Whether evaluating the query reads note bodies (it has a bare word or
    /// phrase). Without bodies ([`VaultFacts::bodies`] is `None`) bare words
    /// match titles only.
    #[must_use]
    pub fn needs_bodies(&self) -> bool {
        match self {
            Query::And(a, b) | Query::Or(a, b) => a.needs_bodies() || b.needs_bodies(),
            Query::Not(a) => a.needs_bodies(),
            Query::Text(_) => true,
            _ => false,
        }
    }

    fn link_targets<'q>(&'q self, out: &mut Vec<&'q str>) {
        match self {
            Query::And(a, b) | Query::Or(a, b) => {
                a.link_targets(out);
                b.link_targets(out);
            }
            Query::Not(a) => a.link_targets(out),
            Query::LinksTo(t) => out.push(t),
            Query::Prop(_, Some(PropTest { cmp: Cmp::In, value })) => out.push(value),
            _ => {}
        }
    }
}

/// What a query needs from the whole vault, worked out once before the notes
/// are tested one by one: the notes each `links-to:` target names.
struct Prepared<'q> {
    wanted: Vec<(&'q str, String, Vec<NoteIdx>)>,
}

impl<'q> Prepared<'q> {
    fn new(facts: &VaultFacts, query: &'q Query) -> Self {
        let mut targets = Vec::new();
        query.link_targets(&mut targets);
        targets.dedup();
        let wanted = targets.into_iter().map(|t| (t, t.to_lowercase(), facts.find_notes(t))).collect();
        Self { wanted }
    }
}

impl Prepared<'_> {
    /// Whether one of `links` leads to what `target` (a `links-to:` or
    /// `prop:` value) names.
    fn links_to(&self, target: &str, links: &[LinkFact]) -> bool {
        let Some((_, lower, wanted)) = self.wanted.iter().find(|(t, ..)| *t == target) else {
            return false;
        };
        links.iter().any(|l| match l {
            LinkFact::Note(i) => usize::try_from(*i).is_ok_and(|i| wanted.contains(&i)),
            LinkFact::Unresolved(t) => t == lower,
        })
    }
}

fn eval(facts: &VaultFacts, prep: &Prepared<'_>, idx: NoteIdx, query: &Query) -> bool {
    let n = &facts.notes[idx];
    match query {
        Query::And(a, b) => eval(facts, prep, idx, a) && eval(facts, prep, idx, b),
        Query::Or(a, b) => eval(facts, prep, idx, a) || eval(facts, prep, idx, b),
        Query::Not(a) => !eval(facts, prep, idx, a),
        Query::Tag(t) => n.all_tags.iter().any(|have| {
            have.strip_prefix(t.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        }),
        Query::Keyword(k) => n.keywords.iter().any(|x| x == k),
        Query::Date(created, cmp, first, last) => {
            let d = if *created { n.created } else { n.updated };
            d.is_some_and(|d| match cmp {
                Cmp::In => *first <= d && d <= *last,
                Cmp::Ge => d >= *first,
                Cmp::Gt => d > *last,
                Cmp::Le => d <= *last,
                Cmp::Lt => d < *first,
            })
        }
        Query::Draft(want) => n.draft == *want,
        Query::Has(what) => n.has.get(what),
        Query::LinksTo(target) => prep.links_to(target, &n.links),
        Query::Prop(name, test) => n.props.iter().filter(|p| p.name == *name).any(|p| match test {
            None => true,
            Some(t) if t.cmp == Cmp::In && matches!(p.kind, PropKind::Untyped | PropKind::Text) => {
                let lower = t.value.to_lowercase();
                p.values.iter().any(|v| {
                    *v == lower || v.strip_prefix("[[").and_then(|v| v.strip_suffix("]]")) == Some(&lower)
                }) || prep.links_to(&t.value, &p.links)
            }
            Some(t) => compare(p.kind, &p.values, t),
        }),
        Query::Id(id) => n.note_id.as_ref().is_some_and(|x| x.to_lowercase() == *id),
        Query::Kind(k) => n.kinds.iter().any(|t| t == k),
        Query::Title(t) => n.title.to_lowercase().contains(t.as_str()),
        Query::Path(s) => n.path.to_lowercase().contains(s.as_str()),
        Query::Text(word) => {
            n.title.to_lowercase().contains(word.as_str())
                || facts
                    .bodies
                    .as_ref()
                    .and_then(|b| b.get(idx))
                    .is_some_and(|b| memchr::memmem::find(b.as_bytes(), word.as_bytes()).is_some())
        }
    }
}

/// Every note of `facts` matching `query` (never a hidden one), in path order.
#[must_use]
pub fn select_facts(facts: &VaultFacts, query: &Query) -> Vec<NoteIdx> {
    use rayon::prelude::*;
    let prep = Prepared::new(facts, query);
    (0..facts.notes.len())
        .into_par_iter()
        .filter(|&i| !facts.notes[i].hidden && eval(facts, &prep, i, query))
        .collect()
}

/// Every note of `vault` matching `query`, in path order.
///
/// # Errors
/// When the vault was loaded to publish ([`crate::Texts::Release`]).
pub fn select(vault: &Vault, query: &Query) -> Result<Vec<NoteIdx>, crate::LoadedToPublish> {
    Ok(select_facts(&VaultFacts::from_vault(vault, query.needs_bodies())?, query))
}

/// Whether note `idx` of `vault` matches `query`. To test many notes, use
/// [`select`], which works out what the query needs from the vault once.
///
/// # Errors
/// When the vault was loaded to publish ([`crate::Texts::Release`]).
pub fn matches(vault: &Vault, idx: NoteIdx, query: &Query) -> Result<bool, crate::LoadedToPublish> {
    Ok(select(vault, query)?.binary_search(&idx).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_implicit_and() {
        let q = parse("tag:a b OR NOT c").expect("parses");
        assert_eq!(
            q,
            Query::Or(
                Box::new(Query::And(Box::new(Query::Tag("a".into())), Box::new(Query::Text("b".into())))),
                Box::new(Query::Not(Box::new(Query::Text("c".into()))))
            )
        );
        assert!(matches!(parse("(tag:a OR tag:b) -draft:true").expect("parses"), Query::And(..)));
        assert_eq!(
            parse("links-to:\"CHIPS Act Momentum\"").expect("parses"),
            Query::LinksTo("CHIPS Act Momentum".into())
        );
    }

    #[test]
    fn dates() {
        let q = parse("created:>=2022-05").expect("parses");
        assert_eq!(
            q,
            Query::Date(true, Cmp::Ge, jiff::civil::date(2022, 5, 1), jiff::civil::date(2022, 5, 31))
        );
        assert!(matches!(parse("updated:<2023").expect("parses"), Query::Date(false, Cmp::Lt, ..)));
    }

    #[test]
    fn errors_point_at_the_column() {
        let q = "tag:x AND tga:hardware";
        let e = parse(q).expect_err("unknown field");
        assert_eq!(e.column(q), 11);
        assert!(e.message.contains("tga"));
        let q = "created:>=2022-13";
        assert_eq!(parse(q).expect_err("bad date").column(q), 11);
        assert_eq!(parse("(tag:a").expect_err("unclosed").column("(tag:a"), 1);
        assert_eq!(parse("tag:a OR").expect_err("dangling").column("tag:a OR"), 9);
        assert!(parse("\"open").is_err());
        assert!(parse("has:nothing").expect_err("bad has").help.is_some());
        assert!(parse("").is_err());
    }
}
