//! Plain text from rendered HTML, for the search index and fallback
//! descriptions: tags go (block tags become spaces, inline tags vanish),
//! `<script>`/`<style>` content goes, common entities are decoded and
//! whitespace collapses. Text is cut at a space, or inside a run of CJK
//! text, which has none.

use vellum_syntax::html_text::{decode_entities, is_inline_element};

/// The text of `html`, whitespace collapsed, at most `max_chars` characters
/// (cut at a word boundary when possible).
#[must_use]
pub(crate) fn html_to_text(html: &str, max_chars: usize) -> String {
    let mut raw = String::with_capacity(html.len().min(max_chars * 2 + 16));
    let mut rest = html;
    let mut budget = max_chars.saturating_mul(4).saturating_add(64);
    while !rest.is_empty() && budget > 0 {
        let Some(lt) = rest.find('<') else {
            raw.push_str(rest);
            break;
        };
        raw.push_str(&rest[..lt]);
        budget = budget.saturating_sub(lt);
        let tag = &rest[lt..];
        if let Some(body) = tag.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |i| &body[i + 3..]);
            continue;
        }
        let Some(gt) = tag.find('>') else { break };
        let inner = tag[1..gt].trim_start_matches('/');
        let name = &inner[..inner.bytes().take_while(u8::is_ascii_alphanumeric).count()];
        rest = &tag[gt + 1..];
        if !tag.starts_with("</")
            && (name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style"))
        {
            let close = format!("</{name}");
            rest = find_ci(rest, &close).map_or("", |i| &rest[i..]);
            continue;
        }
        if !is_inline_element(name) {
            raw.push(' ');
        }
    }
    let decoded = decode_entities(&raw);
    let mut out = String::with_capacity(decoded.len().min(max_chars + 4));
    let mut count = 0;
    for word in decoded.split_whitespace() {
        let n = word.chars().count();
        let room = max_chars.saturating_sub(count + usize::from(count > 0));
        if n > room {
            // A first word longer than the budget is cut; so is a run of
            // Chinese, Japanese or Korean text, which has no spaces to cut
            // at (a whole paragraph can be one "word").
            let cut_inside = count == 0 || word.starts_with(vellum_syntax::script::is_cjk);
            if cut_inside && room > 0 {
                if count > 0 {
                    out.push(' ');
                }
                out.extend(word.chars().take(room));
            }
            break;
        }
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        out.push_str(word);
        count += n;
    }
    out
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `s` cut to at most `max` characters at a word boundary, with `…` when cut.
#[must_use]
pub(crate) fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_decodes() {
        let html = "<h2 id=\"x\">Head</h2><p>A <em>b</em>c &amp; d&#x27;s<br>e</p><script>var x = '<p>';</script>\
                    <!-- hidden --><style>p{}</style><p>tail</p>";
        assert_eq!(html_to_text(html, 1000), "Head A bc & d's e tail");
        assert_eq!(html_to_text(html, 8), "Head A");
        assert_eq!(html_to_text("<p>abcdefghij</p>", 4), "abcd");
        // A CJK sentence has no spaces: it is cut inside, not dropped.
        assert_eq!(html_to_text("<h2>标题</h2><p>分布式数据库系统的设计</p>", 8), "标题 分布式数据");
        // A no-break space separates words like any other space.
        assert_eq!(html_to_text("<p>a&nbsp;b &nbsp; c\u{a0}d</p>", 100), "a b c d");
    }

    #[test]
    fn inline_tags_in_any_case_join_words() {
        assert_eq!(
            html_to_text("<P>a<STRONG>b</STRONG>c</P><DIV>d</DIV><SCRIPT>x</SCRIPT>e", 100),
            "abc d e"
        );
    }

    #[test]
    fn truncates_at_words() {
        assert_eq!(truncate_words("one two three", 20), "one two three");
        assert_eq!(truncate_words("one two, three", 9), "one two…");
    }
}
