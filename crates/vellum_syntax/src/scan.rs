//! Scanners for the Obsidian inline syntax that Markdown parsers do not see:
//! `[[wikilinks]]`, `![[embeds]]`, `#tags` and `^block-ids`.
//!
//! They run over the *scan text*: the original file with every region where this
//! syntax does not count (frontmatter, code, math, comments, HTML markup) blanked
//! out with spaces. Blanking keeps every byte offset, so spans found here are spans
//! into the original file.

use crate::text::Span;
use crate::{Fragment, Link, LinkKind, Tag};

/// Find every wikilink and embed in `scan` (the blanked text).
pub fn wikilinks(scan: &str, out: &mut Vec<Link>) {
    wikilinks_in(scan, scan, out);
}

/// Find the wikilinks and embeds of `text`: where they are is decided on `scan`
/// (its blanked copy, so `[[` in code or comments does not count), what they say
/// is read from `text`, so a link's target is exactly the text at its
/// `target_span` even when HTML markup inside the brackets was blanked.
pub(crate) fn wikilinks_in(text: &str, scan: &str, out: &mut Vec<Link>) {
    debug_assert_eq!(text.len(), scan.len());
    let bytes = scan.as_bytes();
    let mut i = 0;
    // `i` is always just after ASCII (`[[` or `]]`), so on a char boundary.
    while let Some(rel) = scan[i..].find("[[") {
        let open = i + rel;
        i = open + 2;
        if preceded_by_escape(bytes, open) {
            continue;
        }
        let embed = open > 0 && bytes[open - 1] == b'!' && !preceded_by_escape(bytes, open - 1);
        // The target runs to the first `]]` on the same line; a nested `[[` restarts.
        let mut j = open + 2;
        let mut close = None;
        while j + 1 < bytes.len() {
            match bytes[j] {
                b'\n' | b'\r' => break,
                b'[' if bytes[j + 1] == b'[' => break,
                b']' if bytes[j + 1] == b']' => {
                    close = Some(j);
                    break;
                }
                _ => j += 1,
            }
        }
        let Some(close) = close else { continue };
        let inner_start = open + 2;
        // Blanking only writes spaces, so the `[[` and `]]` found in `scan` are in
        // `text` too, and both ends of `inner` are char boundaries there.
        let inner = &text[inner_start..close];
        let start = if embed { open - 1 } else { open };
        if let Some(link) = parse_wikilink(inner, inner_start, Span::new(start, close + 2), embed) {
            out.push(link);
        }
        i = close + 2;
    }
}

/// Split the inside of `[[…]]` into target, fragment and display text.
/// The order is always `target#fragment|display`; `\|` (escaped for tables) is a pipe too.
pub(crate) fn parse_wikilink(inner: &str, inner_start: usize, span: Span, embed: bool) -> Option<Link> {
    let (before_pipe, display) = match inner.find('|') {
        Some(p) => {
            let before = &inner[..p];
            let before = before.strip_suffix('\\').unwrap_or(before);
            (before, Some(inner[p + 1..].to_owned()))
        }
        None => (inner, None),
    };
    let (target_raw, fragment_raw) = match before_pipe.find('#') {
        Some(h) => (&before_pipe[..h], Some(&before_pipe[h + 1..])),
        None => (before_pipe, None),
    };
    let target = target_raw.trim();
    let fragment = fragment_raw.map(parse_fragment);
    if target.is_empty() && fragment.as_ref().is_none_or(Fragment::is_empty) {
        return None;
    }
    let lead = target_raw.len() - target_raw.trim_start().len();
    let target_span = Span::new(inner_start + lead, inner_start + lead + target.len());
    Some(Link {
        kind: if embed { LinkKind::Embed } else { LinkKind::Wiki },
        span,
        target: target.to_owned(),
        target_span,
        fragment,
        display: display.map(|d| d.trim().to_owned()),
        in_html: false,
        property: None,
    })
}

/// `#H1#H2` → a heading chain; `#^id` → a block reference.
pub fn parse_fragment(raw: &str) -> Fragment {
    let raw = raw.trim();
    if let Some(id) = raw.strip_prefix('^') {
        return Fragment::Block(id.trim().to_owned());
    }
    Fragment::Heading(raw.split('#').map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned).collect())
}

fn preceded_by_escape(bytes: &[u8], at: usize) -> bool {
    let mut n = 0;
    while at > n && bytes[at - n - 1] == b'\\' {
        n += 1;
    }
    n % 2 == 1
}

/// Whether `c` may appear in a tag: letters, digits, `_`, `-`, `/`, and the
/// non-ASCII symbols (emoji and the like) that Obsidian accepts.
#[must_use]
pub fn is_tag_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/')
    } else {
        !c.is_whitespace() && !is_unicode_punct(c)
    }
}

fn is_unicode_punct(c: char) -> bool {
    matches!(
        c,
        '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}' | '\u{00A0}'..='\u{00BF}' | '\u{00D7}' | '\u{00F7}'
    )
}

/// Find inline `#tags`. A tag starts at the start of a line or after whitespace,
/// runs over [`is_tag_char`] characters, and needs at least one non-digit
/// (`#1984` is not a tag, `#y1984` and `#ff394d` are).
pub fn tags(scan: &str, out: &mut Vec<Tag>) {
    let mut from = 0;
    // `from` is always just after a `#` or a run of whole characters: a char boundary.
    while let Some(rel) = scan[from..].find('#') {
        let at = from + rel;
        from = at + 1;
        if at > 0 {
            let prev = scan[..at].chars().next_back().unwrap_or(' ');
            if !prev.is_whitespace() {
                continue;
            }
        }
        let rest = &scan[at + 1..];
        let len: usize = rest.chars().take_while(|&c| is_tag_char(c)).map(char::len_utf8).sum();
        let name = rest[..len].trim_end_matches('/');
        if name.is_empty() || name.starts_with('/') || name.chars().all(|c| c.is_ascii_digit() || c == '/') {
            continue;
        }
        out.push(Tag { name: name.to_owned(), span: Span::new(at, at + 1 + name.len()) });
        from = at + 1 + len;
    }
}

/// Find `^block-id` markers: at the end of a line, after whitespace or right after
/// an embed's `]]`, or alone on their own line. IDs are Latin letters, digits and `-`.
pub fn block_ids(scan: &str, out: &mut Vec<crate::BlockId>) {
    // Visit only the lines that hold a `^`: find one, then take its whole line.
    let mut from = 0;
    while let Some(rel) = scan[from..].find('^') {
        let at = from + rel;
        let line_start = scan[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = scan[at..].find('\n').map_or(scan.len(), |i| at + i + 1);
        let line = &scan[line_start..line_end];
        from = line_end;
        let content = line.trim_end();
        if let Some(caret) = content.rfind('^') {
            let id = &content[caret + 1..];
            let ok_id = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            let before = &content[..caret];
            let ok_prefix =
                before.is_empty() || before.ends_with(|c: char| c.is_whitespace()) || before.ends_with("]]");
            if ok_id && ok_prefix {
                let start = line_start + caret;
                out.push(crate::BlockId {
                    id: id.to_owned(),
                    span: Span::new(start, start + 1 + id.len()),
                    own_line: before.trim().is_empty(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(s: &str) -> Vec<Link> {
        let mut v = Vec::new();
        wikilinks(s, &mut v);
        v
    }

    fn tag_names(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        tags(s, &mut v);
        v.into_iter().map(|t| t.name).collect()
    }

    #[test]
    fn wikilink_forms() {
        let l = links("a [[Note]] b [[folder/Note|Alias]] ![[img.png|300]] [[N#H1#H2]] [[N#^blk]]");
        assert_eq!(l.len(), 5);
        assert_eq!(l[0].target, "Note");
        assert_eq!(l[0].span, Span::new(2, 10));
        assert_eq!(l[1].display.as_deref(), Some("Alias"));
        assert_eq!(l[2].kind, LinkKind::Embed);
        assert_eq!(l[2].span.start, 35);
        assert_eq!(l[3].fragment, Some(Fragment::Heading(vec!["H1".into(), "H2".into()])));
        assert_eq!(l[4].fragment, Some(Fragment::Block("blk".into())));
    }

    #[test]
    fn wikilink_edge_cases() {
        assert_eq!(links("[[Sq]uare]]")[0].target, "Sq]uare");
        let t = links("| [[Note\\|alias]] |");
        assert_eq!(t[0].target, "Note");
        assert_eq!(t[0].display.as_deref(), Some("alias"));
        assert!(links("\\[[not]]").is_empty());
        assert!(links("[[]]").is_empty());
        assert!(links("[[open\nclose]]").is_empty());
        assert_eq!(links("[[a [[b]]")[0].target, "b");
        let same = links("[[#Heading]]");
        assert_eq!(same[0].target, "");
        assert_eq!(links("[[Note.md]]")[0].target, "Note.md");
        assert_eq!(links("[[日本語 🚀 $x [1].v2]]")[0].target, "日本語 🚀 $x [1].v2");
    }

    #[test]
    fn tag_rules() {
        assert_eq!(tag_names("#tag and #a/b, #1984 #y1984 #ff394d"), ["tag", "a/b", "y1984", "ff394d"]);
        assert!(tag_names("a#b (#x) # heading").is_empty());
        assert_eq!(tag_names("#日本 #emoji🚀 #end."), ["日本", "emoji🚀", "end"]);
        assert_eq!(tag_names("#trail/"), ["trail"]);
    }

    #[test]
    fn block_id_rules() {
        let mut v = Vec::new();
        block_ids("para text ^abc-1\n\n^own\n![[img.png]]^img\nnot^this\nx ^bad_id\n", &mut v);
        let ids: Vec<_> = v.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["abc-1", "own", "img"]);
        assert!(v[1].own_line);
    }
}
