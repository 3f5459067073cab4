//! Turn a note's Markdown body into plain prose for the full-text index and
//! its snippets: markup goes, words stay.
//!
//! This is a light, line-based pass, not a Markdown renderer. It removes
//! `<!-- -->` and `%% %%` comments, HTML tags (keeping their text), code-fence
//! lines (keeping the code), block markers (`#`, `>`, `[!type]`, list bullets,
//! task boxes), emphasis characters and backticks; it turns `[[Target|Display]]`
//! into `Display` (`Target` when there is no display text), `[text](url)` into
//! `text`, drops `![[embeds]]`, and decodes the common HTML entities. Runs of
//! whitespace collapse to one space and blank lines are dropped, so the result is
//! one line of prose per source line.

use vellum_syntax::html_text::{decode_entity, is_inline_element};

#[derive(Default)]
struct State {
    /// Inside `<!-- … -->`.
    html_comment: bool,
    /// Inside `%% … %%`.
    obsidian_comment: bool,
    /// Inside an HTML tag's `< … >` (tags may span lines).
    tag: bool,
    /// The fence that opened the current code block (```` ``` ```` or `~~~`).
    fence: Option<&'static str>,
}

/// The plain prose of a Markdown body. See the module documentation.
pub(crate) fn prose(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut st = State::default();
    let mut line_buf = String::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(fence) = st.fence {
            if trimmed.starts_with(fence) {
                st.fence = None;
            } else {
                push_line(&mut out, line);
            }
            continue;
        }
        if !st.html_comment && !st.obsidian_comment && !st.tag {
            let fence = if trimmed.starts_with("```") {
                Some("```")
            } else if trimmed.starts_with("~~~") {
                Some("~~~")
            } else {
                None
            };
            if fence.is_some() {
                st.fence = fence;
                continue;
            }
        }
        line_buf.clear();
        let rest =
            if st.html_comment || st.obsidian_comment || st.tag { line } else { strip_block_markers(line) };
        inline(rest, &mut st, &mut line_buf);
        push_line(&mut out, &line_buf);
    }
    out
}

/// Append `line` with its whitespace collapsed, if it holds anything.
fn push_line(out: &mut String, line: &str) {
    let mut words = line.split_whitespace().peekable();
    if words.peek().is_none() {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let mut first = true;
    for w in words {
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(w);
    }
}

/// Remove the markers at the start of a line: blockquote `>`, callout
/// `[!type]`, heading `#`, list bullets and task boxes.
fn strip_block_markers(line: &str) -> &str {
    let mut rest = line.trim_start();
    // Blockquotes, possibly nested, and the callout marker after them.
    while let Some(r) = rest.strip_prefix('>') {
        rest = r.trim_start();
    }
    if rest.starts_with("[!")
        && let Some(end) = rest.find(']')
    {
        rest = rest[end + 1..].trim_start_matches(['+', '-']).trim_start();
    }
    // Headings: `#`, `## Title` (not `#tag`).
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if hashes > 0 && hashes <= 6 {
        let after = &rest[hashes..];
        if after.is_empty() || after.starts_with([' ', '\t']) {
            rest = after.trim_start();
        }
    }
    // List bullets and ordered-list numbers.
    for bullet in ["- ", "* ", "+ "] {
        if let Some(r) = rest.strip_prefix(bullet) {
            rest = r.trim_start();
            break;
        }
    }
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && digits <= 9 {
        let after = &rest[digits..];
        if after.starts_with(". ") || after.starts_with(") ") {
            rest = after[2..].trim_start();
        }
    }
    // Task boxes.
    for task in ["[ ] ", "[x] ", "[X] "] {
        if let Some(r) = rest.strip_prefix(task) {
            rest = r.trim_start();
            break;
        }
    }
    rest
}

/// Copy the text of one line to `out` without its inline markup.
fn inline(line: &str, st: &mut State, out: &mut String) {
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if st.html_comment {
            match rest.find("-->") {
                Some(i) => {
                    rest = &rest[i + 3..];
                    st.html_comment = false;
                    out.push(' ');
                }
                None => return,
            }
            continue;
        }
        if st.obsidian_comment {
            match rest.find("%%") {
                Some(i) => {
                    rest = &rest[i + 2..];
                    st.obsidian_comment = false;
                    out.push(' ');
                }
                None => return,
            }
            continue;
        }
        if st.tag {
            match rest.find('>') {
                Some(i) => {
                    rest = &rest[i + 1..];
                    st.tag = false;
                }
                None => return,
            }
            continue;
        }
        // Copy plain text up to the next character that may start markup in one go.
        let run = rest.find(is_special).unwrap_or(rest.len());
        if run > 0 {
            out.push_str(&rest[..run]);
            rest = &rest[run..];
            continue;
        }
        if let Some(r) = rest.strip_prefix("<!--") {
            st.html_comment = true;
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix("%%") {
            st.obsidian_comment = true;
            rest = r;
            continue;
        }
        if c == '<' && is_tag_start(&rest[1..]) {
            let name = rest[1..].trim_start_matches('/');
            let name = &name[..name.bytes().take_while(u8::is_ascii_alphanumeric).count()];
            if !is_inline_element(name) {
                out.push(' ');
            }
            st.tag = true;
            rest = &rest[1..];
            continue;
        }
        if c == '\\' {
            let mut chars = rest.chars();
            chars.next();
            match chars.next() {
                Some(next) => {
                    out.push(next);
                    rest = chars.as_str();
                }
                None => rest = "",
            }
            continue;
        }
        if let Some(r) = rest.strip_prefix("![[") {
            // Embeds show a file, not words: drop them.
            rest = r.find("]]").map_or("", |i| &r[i + 2..]);
            continue;
        }
        if let Some(r) = rest.strip_prefix("[[")
            && let Some(end) = r.find("]]")
        {
            push_wikilink(&r[..end], out);
            rest = &r[end + 2..];
            continue;
        }
        if c == '[' || rest.starts_with("![") {
            let start = if c == '[' { 1 } else { 2 };
            if let Some((text, after)) = markdown_link(&rest[start..]) {
                out.push_str(text);
                rest = after;
                continue;
            }
        }
        if c == '&'
            && let Some((decoded, after)) = decode_entity(rest)
        {
            out.push(decoded);
            rest = after;
            continue;
        }
        match c {
            '*' | '`' => {}
            '=' if rest.starts_with("==") => {
                rest = &rest[2..];
                continue;
            }
            '~' if rest.starts_with("~~") => {
                rest = &rest[2..];
                continue;
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
}

/// Characters that may start inline markup.
fn is_special(c: char) -> bool {
    matches!(c, '<' | '%' | '\\' | '!' | '[' | '&' | '*' | '`' | '=' | '~')
}

/// Whether the text after `<` starts a tag: `<a`, `</a`, `<!DOCTYPE`.
fn is_tag_start(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => true,
        Some('/') => chars.next().is_some_and(|c| c.is_ascii_alphabetic()),
        Some('!') => true,
        _ => false,
    }
}

/// The words of a wikilink's inside, `Target#Heading|Display`.
fn push_wikilink(inside: &str, out: &mut String) {
    match inside.split_once('|') {
        Some((_, display)) if !display.trim().is_empty() => out.push_str(display),
        _ => {
            let target = inside.split('|').next().unwrap_or(inside);
            for (i, part) in target.split('#').enumerate() {
                let part = part.trim_start_matches('^');
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(part);
            }
        }
    }
}

/// `text](url)…` after the opening `[`: the text and what follows the link.
fn markdown_link(after_bracket: &str) -> Option<(&str, &str)> {
    let close = after_bracket.find("](")?;
    let text = &after_bracket[..close];
    if text.contains('[') {
        return None;
    }
    let url_and_rest = &after_bracket[close + 2..];
    let end = url_and_rest.find(')')?;
    Some((text, &url_and_rest[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::prose;

    #[test]
    fn strips_markup_and_keeps_words() {
        let body = "# Title\n\n<div class=\"keyword-row\">\n  <span class=\"inline-keyword\">driver</span>\n</div>\n\n\
                    I read it. <span class=\"inline-claim\">Control can be shared</span>.\n\n\
                    > [!note] Core claim\n> The **kernel** module ==release==.\n\n\
                    - [[Chipmakers Slash Orders with TSMC|Chipmakers]] and [[CHIPS Act#Money]]\n\
                    - [a link](https://example.com) ![[image.png|300]] `code` &amp; more\n\
                    <!-- hidden\ncomment --> %%also hidden%% visible\n\
                    ```rust\nlet x = a < b;\n```\n#";
        let got = prose(body);
        assert_eq!(
            got,
            "Title\ndriver\nI read it. Control can be shared.\nCore claim\nThe kernel module release.\n\
             Chipmakers and CHIPS Act Money\na link code & more\nvisible\nlet x = a < b;"
        );
    }

    #[test]
    fn entities_decode_and_inline_tags_join_words() {
        assert_eq!(prose("a&nbsp;b &mdash; c&hellip; <EM>d</EM>e<br>f &bogus;"), "a b — c… de f &bogus;");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "<",
            "[[",
            "[x](",
            "&#xFFFFFFFF;",
            "&",
            "\\",
            "<!--",
            "%%",
            "é<é>é",
            "[!",
            "> [!x",
            "1. ",
            "######",
        ] {
            let _ = prose(s);
        }
    }
}
