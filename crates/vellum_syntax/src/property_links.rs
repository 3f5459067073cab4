//! Links written in frontmatter properties: `up: "[[Parent]]"`,
//! `categories: ["[[Books]]", "[[Films]]"]`, `source: "see [[Paper#Results]]"`,
//! `cover: "[[cover.png]]"`, `home: "[start](Start.md)"`.
//!
//! Obsidian (since 1.4) counts a wikilink in a text or list property as a
//! link: it shows in backlinks and the graph, it can be unresolved, and a
//! rename rewrites it. Here the links are read from the *parsed* values, so a
//! `[[…]]` in a YAML comment or a key is no link, and each one is then found, in
//! order, in the YAML text of its value, which gives it an exact span in the
//! file: diagnostics point into the YAML, and edits replace just the link.
//!
//! Written without quotes, `up: [[Parent]]` is YAML for a list holding a list
//! holding `Parent`, which Obsidian does not show as a link. vellum counts it
//! anyway (it is what the writer meant, and a rename must not leave it behind)
//! and reports it as an [`ErrorKind::UnquotedPropertyLink`], which `check`
//! turns into a warning and `fix` into quotes.

use serde_json::Value;

use crate::frontmatter::{Fields, value_region};
use crate::markdown::internal_link;
use crate::scan::{self, parse_wikilink};
use crate::text::Span;
use crate::{ErrorKind, FrontmatterBlock, Link, SyntaxError};

/// Properties whose values are never links: they hold tags and CSS classes.
const NOT_LINKS: &[&str] = &["tags", "cssclasses"];

/// A link found in a parsed value: how it reads in the file, and whether it
/// was written without quotes (the nested-list form).
struct Candidate {
    raw: String,
    unquoted: bool,
}

/// Every link in the properties of a note, in file order, each with its
/// property's name in [`Link::property`]; unquoted ones are also reported in
/// `errors`.
pub(crate) fn links(
    text: &str,
    block: FrontmatterBlock,
    fields: &Fields,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Link> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    for (key, field) in fields {
        if NOT_LINKS.contains(&key.as_str()) {
            continue;
        }
        found.clear();
        candidates(&field.value, false, &mut found);
        if found.is_empty() {
            continue;
        }
        let region = value_region(fields, block.yaml, field.span);
        let mut cursor = region.start;
        for c in &found {
            // As written, or with the escapes of a single- or double-quoted string.
            let Some((at, escape)) = ESCAPES
                .iter()
                .find_map(|escape| locate(text, region, cursor, &escape(&c.raw)).map(|at| (at, escape)))
            else {
                continue;
            };
            let written = escape(&c.raw);
            let span = Span::new(at, at + written.len());
            cursor = span.end;
            let link = if written == c.raw {
                link_at(text, span)
            } else {
                // Read the link from its value, and place it (and its target) in the file.
                link_at(&c.raw, Span::new(0, c.raw.len())).map(|mut l| {
                    let target = escape(&l.target);
                    l.target_span = text[span.range()]
                        .find(&target)
                        .map_or(span, |i| Span::new(span.start + i, span.start + i + target.len()));
                    l.span = span;
                    l
                })
            };
            let Some(mut link) = link else { continue };
            link.property = Some(key.as_str().into());
            if c.unquoted {
                errors.push(SyntaxError::new(
                    ErrorKind::UnquotedPropertyLink,
                    span,
                    format!(
                        "the link `{}` in `{key}` is not quoted: YAML reads it as a list inside a list, \
                         and Obsidian shows no link",
                        c.raw
                    ),
                ));
            }
            out.push(link);
        }
    }
    out.sort_by_key(|l| l.span.start);
    out
}

/// How a piece of a value may be written in the file: as is, inside single
/// quotes (`'` doubled) or inside double quotes (`\\` and `"` escaped).
const ESCAPES: [fn(&str) -> String; 3] =
    [|s| s.to_owned(), |s| s.replace('\'', "''"), |s| s.replace('\\', "\\\\").replace('"', "\\\"")];

/// Where `raw` is written in `region` of `text`, searching from `cursor` (the
/// end of the value's previous link) and then from the region's start (values
/// of a nested mapping may come in another order than in the file).
fn locate(text: &str, region: Span, cursor: usize, raw: &str) -> Option<usize> {
    let hay = |from: usize| text.get(from..region.end).and_then(|h| h.find(raw)).map(|i| from + i);
    hay(cursor).or_else(|| hay(region.start))
}

/// The links a parsed value holds, in order. `in_list` says the value is an
/// item of a list, where a one-item list of text is the unquoted `[[Note]]`.
fn candidates(value: &Value, in_list: bool, out: &mut Vec<Candidate>) {
    match value {
        Value::String(s) => {
            let mut wiki = Vec::new();
            if s.contains("[[") {
                scan::wikilinks(s, &mut wiki);
            }
            let mut raws: Vec<(usize, &str)> =
                wiki.iter().map(|l| (l.span.start, &s[l.span.range()])).collect();
            raws.extend(markdown_links(s));
            raws.sort_by_key(|&(at, _)| at);
            out.extend(raws.into_iter().map(|(_, raw)| Candidate { raw: raw.to_owned(), unquoted: false }));
        }
        Value::Array(items) => {
            if let [Value::String(s)] = items.as_slice()
                && in_list
                && !s.is_empty()
                && !s.contains(['[', ']', '\n'])
            {
                out.push(Candidate { raw: format!("[[{s}]]"), unquoted: true });
                return;
            }
            for item in items {
                candidates(item, true, out);
            }
        }
        Value::Object(map) => {
            for v in map.values() {
                candidates(v, false, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The Markdown links and images in `s` (`[text](dest)`, `![alt](dest)`), as
/// (offset, written text). Destinations run to the first `)`, or are written
/// in `<…>`; a wikilink's brackets are not a Markdown link's.
fn markdown_links(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = s[from..].find("](") {
        let mid = from + rel;
        from = mid + 2;
        let Some(open) = s[..mid].rfind('[') else { continue };
        if s[open + 1..mid].contains(']') || s[..open].ends_with('[') {
            continue;
        }
        let dest = &s[mid + 2..];
        let close = if dest.starts_with('<') {
            dest.find('>').and_then(|g| dest[g..].find(')').map(|c| g + c))
        } else {
            dest.find(')')
        };
        let Some(close) = close else { continue };
        let start = if s[..open].ends_with('!') { open - 1 } else { open };
        let end = mid + 2 + close + 1;
        out.push((start, &s[start..end]));
        from = end;
    }
    out
}

/// The links written in one text value of a property, with spans into
/// `value`: what a page shows as links when it shows the value.
#[must_use]
pub fn links_in_value(value: &str) -> Vec<Link> {
    let mut spans: Vec<Span> = Vec::new();
    if value.contains("[[") {
        let mut wiki = Vec::new();
        scan::wikilinks(value, &mut wiki);
        spans.extend(wiki.iter().map(|l| l.span));
    }
    spans.extend(markdown_links(value).into_iter().map(|(at, raw)| Span::new(at, at + raw.len())));
    spans.sort_by_key(|s| s.start);
    spans.into_iter().filter_map(|span| link_at(value, span)).collect()
}

/// The link written at `span` of `text`: a wikilink or embed, or a Markdown
/// link (`None` for an external URL).
fn link_at(text: &str, span: Span) -> Option<Link> {
    let raw = &text[span.range()];
    let embed = raw.starts_with('!');
    let lead = usize::from(embed);
    if raw[lead..].starts_with("[[") {
        let inner_start = span.start + lead + 2;
        return parse_wikilink(&text[inner_start..span.end - 2], inner_start, span, embed);
    }
    let mid = raw.rfind("](")?;
    let mut url = raw[mid + 2..raw.len() - 1].trim();
    if let Some(inner) = url.strip_prefix('<') {
        url = inner.split('>').next().unwrap_or(inner);
    } else {
        // `[x](dest "title")`: the title is not part of the destination.
        url = url.split_whitespace().next().unwrap_or(url);
    }
    internal_link(text, span, url, embed)
}

#[cfg(test)]
mod tests {
    use crate::{ErrorKind, LinkKind, parse};

    fn prop_links(text: &str) -> Vec<(String, String, String)> {
        parse(text)
            .links
            .iter()
            .filter_map(|l| {
                Some((l.property.as_deref()?.to_owned(), text[l.span.range()].to_owned(), l.target.clone()))
            })
            .collect()
    }

    fn row(p: &str, raw: &str, target: &str) -> (String, String, String) {
        (p.to_owned(), raw.to_owned(), target.to_owned())
    }

    #[test]
    fn quoted_listed_and_in_text() {
        let text = "---\nup: \"[[Parent]]\"\ncategories:\n  - \"[[Books]]\"\n  - '[[Films|films]]'\n\
                    related: [\"[[A#H]]\", plain, \"[[B#^blk]]\"]\nsource: see [[Paper]] and [[Other]] too\n\
                    cover: \"![[cover.png]]\"\n---\nbody [[Body]]\n";
        assert_eq!(
            prop_links(text),
            [
                row("up", "[[Parent]]", "Parent"),
                row("categories", "[[Books]]", "Books"),
                row("categories", "[[Films|films]]", "Films"),
                row("related", "[[A#H]]", "A"),
                row("related", "[[B#^blk]]", "B"),
                row("source", "[[Paper]]", "Paper"),
                row("source", "[[Other]]", "Other"),
                row("cover", "![[cover.png]]", "cover.png"),
            ]
        );
        let note = parse(text);
        assert!(note.errors.is_empty(), "{:?}", note.errors);
        let body: Vec<_> =
            note.links.iter().filter(|l| !l.in_property()).map(|l| l.target.as_str()).collect();
        assert_eq!(body, ["Body"]);
        let cover = note.links.iter().find(|l| l.target == "cover.png").expect("cover");
        assert_eq!(cover.kind, LinkKind::Embed);
        let films = note.links.iter().find(|l| l.target == "Films").expect("films");
        assert_eq!(films.display.as_deref(), Some("films"));
        assert_eq!(&text[films.target_span.range()], "Films");
    }

    #[test]
    fn unquoted_links_count_and_are_reported() {
        let text = "---\nup: [[Parent]]\nlist:\n  - [[A|a]]\nflow: [[[B]], [[C]]]\n---\n";
        assert_eq!(
            prop_links(text),
            [
                row("up", "[[Parent]]", "Parent"),
                row("list", "[[A|a]]", "A"),
                row("flow", "[[B]]", "B"),
                row("flow", "[[C]]", "C")
            ]
        );
        let note = parse(text);
        let unquoted: Vec<_> = note
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::UnquotedPropertyLink)
            .map(|e| &text[e.span.range()])
            .collect();
        assert_eq!(unquoted, ["[[Parent]]", "[[A|a]]", "[[B]]", "[[C]]"]);
        // A one-item list of text is no link.
        assert!(prop_links("---\naliases: [Parent]\nx: [[1, 2]]\n---\n").is_empty());
    }

    #[test]
    fn escaped_quotes_in_links() {
        let text = "---\nq: 'it''s [[Ender''s Game]]'\nd: \"[[Say \\\"hi\\\"]]\"\n---\n";
        let note = parse(text);
        let got: Vec<_> = note
            .links
            .iter()
            .map(|l| (l.target.as_str(), &text[l.span.range()], &text[l.target_span.range()]))
            .collect();
        assert_eq!(
            got,
            [
                ("Ender's Game", "[[Ender''s Game]]", "Ender''s Game"),
                ("Say \"hi\"", "[[Say \\\"hi\\\"]]", "Say \\\"hi\\\"")
            ]
        );
    }

    #[test]
    fn markdown_links_in_values() {
        let text = "---\nhome: \"[start](Start%20Here.md)\"\nweb: \"[site](https://example.com)\"\n\
                    pic: \"![alt](<img/a b.png>)\"\n---\n";
        assert_eq!(
            prop_links(text),
            [
                row("home", "[start](Start%20Here.md)", "Start%20Here.md"),
                row("pic", "![alt](<img/a b.png>)", "img/a b.png")
            ]
        );
    }

    #[test]
    fn comments_keys_tags_and_broken_yaml_hold_no_links() {
        assert!(prop_links("---\ntitle: x # see [[Nope]]\ntags: [\"[[t]]\"]\n---\n").is_empty());
        assert!(prop_links("---\nup: \"[[A]]\nbad: [\n---\n").is_empty());
        // The same link twice in a value: two links, two spans.
        let text = "---\nx: \"[[A]] and [[A]]\"\n---\n";
        let spans: Vec<_> = parse(text).links.iter().map(|l| l.span.start).collect();
        assert_eq!(spans, [8, 18]);
    }
}
