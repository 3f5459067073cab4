//! Raw HTML in a note, read with `lol_html`: the element and text tokens of the
//! body with their byte positions. Markdown parsers never look inside HTML blocks,
//! so the journal's components (`keyword-row`, `inline-claim`, `brain-dump`,
//! `linkage-tree`) are read from these tokens.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::{HtmlRewriter, Settings, doc_comments, element};

use crate::text::Span;

/// An HTML element found in the body.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// Lowercase tag name.
    pub name: String,
    /// The `class` attribute split on whitespace.
    pub classes: Vec<String>,
    /// The start tag, `<div class="x">`.
    pub start_tag: Span,
    /// The end tag, when one closed the element.
    pub end_tag: Option<Span>,
}

impl Element {
    pub(crate) fn has_class(&self, class: &str) -> bool {
        self.classes.iter().any(|c| c == class)
    }

    /// The span from the start tag to the end tag, or to `limit` when unclosed.
    pub(crate) fn outer(&self, limit: usize) -> Span {
        Span::new(self.start_tag.start, self.end_tag.map_or(limit, |e| e.end))
    }

    /// The span between the tags.
    pub(crate) fn inner(&self, limit: usize) -> Span {
        Span::new(self.start_tag.end, self.end_tag.map_or(limit, |e| e.start))
    }
}

/// The `src` and `href` attributes of a start tag (`tag` is its raw text,
/// `<img src="a.png">`): for each, whether it is `src`, and the byte range of
/// its value inside `tag` (without quotes). A hand-written scan, because the
/// tokenizer gives attribute values but not where they are.
pub(crate) fn url_attributes(tag: &str) -> Vec<(bool, std::ops::Range<usize>)> {
    let b = tag.as_bytes();
    let mut out = Vec::new();
    // Past `<` and the tag name.
    let mut i = b.iter().position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/').unwrap_or(b.len());
    while i < b.len() && b[i] != b'>' {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &tag[name_start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            if i == name_start && i < b.len() && b[i] != b'>' {
                i += 1; // a stray character: step over it
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = i + 1;
                let end = b[start..].iter().position(|c| *c == q).map_or(b.len(), |p| start + p);
                i = (end + 1).min(b.len());
                start..end
            }
            _ => {
                let start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                start..i
            }
        };
        let src = name.eq_ignore_ascii_case("src");
        if src || name.eq_ignore_ascii_case("href") {
            out.push((src, value));
        }
    }
    out
}

/// Tokens of the HTML in a text, in document order.
#[derive(Debug, Default)]
pub(crate) struct HtmlTokens {
    pub elements: Vec<Element>,
    /// Text chunks (raw, not entity-decoded).
    pub texts: Vec<Span>,
    /// HTML comments `<!-- … -->`.
    pub comments: Vec<Span>,
    /// End tags, matched or not.
    pub end_tags: Vec<Span>,
}

/// Tokenize `text` (already blanked where HTML does not count) from `offset`.
/// Returns `None` if the tokenizer gives up on the input.
#[cfg(test)]
pub(crate) fn tokenize(text: &str, offset: usize) -> Option<HtmlTokens> {
    tokenize_range(text, Span::new(offset, text.len()))
}

/// Tokenize each of `regions` (sorted, non-overlapping) and merge the tokens,
/// in document order. Regions that the tokenizer gives up on are skipped.
pub(crate) fn tokenize_regions(text: &str, regions: &[Span]) -> HtmlTokens {
    let mut all = HtmlTokens::default();
    for r in regions {
        if let Some(mut t) = tokenize_range(text, *r) {
            all.elements.append(&mut t.elements);
            all.texts.append(&mut t.texts);
            all.comments.append(&mut t.comments);
            all.end_tags.append(&mut t.end_tags);
        }
    }
    all
}

fn tokenize_range(text: &str, range: Span) -> Option<HtmlTokens> {
    let offset = range.start;
    let slice = text.get(range.range())?;
    let tokens = Rc::new(RefCell::new(HtmlTokens::default()));
    let el_tokens = Rc::clone(&tokens);
    let comment_tokens = Rc::clone(&tokens);
    let settings = Settings::new()
        .append_element_content_handler(element!("*", move |el| {
            let loc = el.source_location().bytes();
            let classes = el
                .get_attribute("class")
                .map(|c| c.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default();
            let index = {
                let mut t = el_tokens.borrow_mut();
                t.elements.push(Element {
                    name: el.tag_name(),
                    classes,
                    start_tag: Span::new(loc.start + offset, loc.end + offset),
                    end_tag: None,
                });
                t.elements.len() - 1
            };
            if el.can_have_content() && !el.is_self_closing() {
                let end_tokens = Rc::clone(&el_tokens);
                // Void elements refuse end-tag handlers; nothing to record then.
                let handler: lol_html::EndTagHandler<'static> = Box::new(move |end| {
                    let loc = end.source_location().bytes();
                    let span = Span::new(loc.start + offset, loc.end + offset);
                    let mut t = end_tokens.borrow_mut();
                    t.elements[index].end_tag = Some(span);
                    t.end_tags.push(span);
                    Ok(())
                });
                let _ = el.on_end_tag(handler);
            }
            Ok(())
        }))
        .append_document_content_handler(doc_comments!(move |c| {
            let loc = c.source_location().bytes();
            comment_tokens.borrow_mut().comments.push(Span::new(loc.start + offset, loc.end + offset));
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let ok = rewriter.write(slice.as_bytes()).is_ok() && rewriter.end().is_ok();
    if !ok {
        return None;
    }
    let mut tokens = Rc::try_unwrap(tokens).ok().map(RefCell::into_inner)?;
    tokens.texts = gaps(text, &tokens, range);
    Some(tokens)
}

/// The text chunks of `range`: what lies between its tags and comments.
/// (Derived from the markup rather than asked of the tokenizer, which would
/// decode every text chunk for a handler.)
fn gaps(text: &str, tokens: &HtmlTokens, range: Span) -> Vec<Span> {
    let mut marks: Vec<Span> =
        Vec::with_capacity(tokens.elements.len() + tokens.end_tags.len() + tokens.comments.len());
    marks.extend(tokens.elements.iter().map(|e| e.start_tag));
    marks.extend(tokens.end_tags.iter().copied());
    marks.extend(tokens.comments.iter().copied());
    marks.sort_unstable_by_key(|s| s.start);
    // Inside `<script>`, `<style>`, `<textarea>`… everything up to the
    // element's end tag is text, `</div>` included.
    let raw: Vec<Span> = tokens
        .elements
        .iter()
        .filter(|e| RAW_TEXT.contains(&e.name.as_str()))
        .map(|e| e.inner(range.end))
        .collect();
    let mut texts = Vec::with_capacity(marks.len() + 1);
    let mut at = range.start;
    let push = |gap: Span, texts: &mut Vec<Span>| {
        if raw.iter().any(|r| r.contains(gap)) {
            texts.push(gap);
        } else {
            push_text(text, gap, texts);
        }
    };
    for m in marks {
        if m.start > at {
            push(Span::new(at, m.start), &mut texts);
        }
        at = at.max(m.end);
    }
    if range.end > at {
        push(Span::new(at, range.end), &mut texts);
    }
    texts
}

/// Elements whose content the tokenizer reads as text to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
];

/// Push the text of `gap` (between two marks, outside raw-text elements).
/// The tokenizer made a mark of every tag it finished, so a tag that starts
/// here is either an end tag no element claimed (opened in another region),
/// which is left out, or one cut off by the end of the input, which the
/// tokenizer drops with the rest.
fn push_text(text: &str, gap: Span, texts: &mut Vec<Span>) {
    let bytes = &text.as_bytes()[..gap.end];
    let mut start = gap.start;
    let mut i = gap.start;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + off;
        let alpha_at = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_alphabetic);
        // `</>` is dropped like an end tag.
        let end_tag =
            bytes.get(lt + 1) == Some(&b'/') && (alpha_at(lt + 2) || bytes.get(lt + 2) == Some(&b'>'));
        if !end_tag && !alpha_at(lt + 1) {
            i = lt + 1;
            continue;
        }
        if lt > start {
            texts.push(Span::new(start, lt));
        }
        match memchr::memchr(b'>', &bytes[lt..]).filter(|_| end_tag) {
            Some(gt) => {
                start = lt + gt + 1;
                i = start;
            }
            None => return,
        }
    }
    if gap.end > start {
        texts.push(Span::new(start, gap.end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_positions() {
        let text = "xx<div class=\"a b\"><span>t&amp;</span><br><!-- c --></div>";
        let t = tokenize(text, 2).expect("tokens");
        assert_eq!(t.elements.len(), 3);
        assert!(t.elements[0].has_class("b"));
        assert_eq!(&text[t.elements[1].start_tag.range()], "<span>");
        assert_eq!(&text[t.elements[0].end_tag.expect("closed").range()], "</div>");
        assert_eq!(t.comments.len(), 1);
    }

    #[test]
    fn texts_are_what_lies_between_the_markup() {
        let text = "a<b class=x>c &amp;</b><!-- x -->d<br>";
        let t = tokenize(text, 0).expect("tokens");
        let texts: Vec<&str> = t.texts.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(texts, ["a", "c &amp;", "d"]);
        let t = tokenize_regions(text, &[Span::new(1, 12), Span::new(12, 23)]);
        let texts: Vec<&str> = t.texts.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(texts, ["c &amp;"]);
        // `</ b` opens a bogus comment (to the end here): markup, not text.
        let text = "x < y <3 </ b";
        let t = tokenize(text, 0).expect("tokens");
        let texts: Vec<&str> = t.texts.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(texts, ["x < y <3 "]);
    }

    /// The text chunks as lol_html's own text handler reports them (the way
    /// `tokenize_range` read them before deriving them from the markup).
    fn texts_by_handler(text: &str) -> Vec<Span> {
        let texts = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&texts);
        let settings = Settings::new().append_document_content_handler(lol_html::doc_text!(move |chunk| {
            let loc = chunk.source_location().bytes();
            if loc.end > loc.start {
                sink.borrow_mut().push(Span::new(loc.start, loc.end));
            }
            Ok(())
        }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        assert!(rewriter.write(text.as_bytes()).is_ok() && rewriter.end().is_ok());
        texts.take()
    }

    /// Adjacent spans joined: chunk boundaries inside a text do not matter.
    fn joined(spans: &[Span]) -> Vec<Span> {
        let mut out: Vec<Span> = Vec::new();
        for s in spans {
            match out.last_mut() {
                Some(last) if last.end == s.start => last.end = s.end,
                _ => out.push(*s),
            }
        }
        out
    }

    const PIECES: &[&str] = &[
        "a",
        " ",
        "word",
        "\n",
        "<div class=\"x\">",
        "</div>",
        "<span>",
        "</span>",
        "<br>",
        "<br/>",
        "<img src=x>",
        "<!-- c -->",
        "<!--",
        "-->",
        "<",
        ">",
        "</",
        "</ ",
        "&amp;",
        "&",
        "<p>",
        "</p>",
        "</li>",
        "<li>",
        "<b",
        "=\"",
        "<code>",
        "</code>",
        "<script>",
        "</script>",
        "<?x>",
        "<!x>",
        "\"",
        "'",
        "<style>",
        "</style>",
        "<textarea>",
        "</textarea>",
        "<title>",
        "<noscript>",
        "</noscript>",
        "<iframe>",
        "<plaintext>",
        "<xmp>",
    ];

    proptest::proptest! {
        #[test]
        fn texts_match_the_tokenizers_text_handler(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
        ) {
            let text: String = parts.concat();
            let t = tokenize(&text, 0).expect("tokens");
            proptest::prop_assert_eq!(joined(&t.texts), joined(&texts_by_handler(&text)), "{:?}", text);
        }
    }

    #[test]
    fn unclosed_element_has_no_end() {
        let t = tokenize("<div class=\"keyword-row\"><span>a</span>", 0).expect("tokens");
        assert!(t.elements[0].end_tag.is_none());
        assert!(t.elements[1].end_tag.is_some());
    }

    #[test]
    fn url_attributes_are_found_with_their_places() {
        let tag = r#"<img alt="a > b" src="pics/A%20b.png" data-src='x'>"#;
        let found = url_attributes(tag);
        assert_eq!(found.len(), 1);
        assert_eq!(&tag[found[0].1.clone()], "pics/A%20b.png");
        let tag = "<a class=x href=Note.md#Intro title='t'>";
        let found = url_attributes(tag);
        assert_eq!(
            found.iter().map(|(s, r)| (*s, &tag[r.clone()])).collect::<Vec<_>>(),
            [(false, "Note.md#Intro")]
        );
        let tag = "<video controls src=\"clip.mp4\" poster=p.png/>";
        assert_eq!(url_attributes(tag).len(), 1);
        for odd in ["<a", "<a href", "<a href=", "<a href=\"unclosed", "<a =x href='y'>", "<a ==== >"] {
            let _ = url_attributes(odd);
        }
        let tag = "<a href=\"unclosed";
        assert_eq!(&tag[url_attributes(tag)[0].1.clone()], "unclosed");
    }
}
