//! `V201`–`V205`: the journal components agree with the frontmatter.
//!
//! - `V201 keywords-mismatch`: `keywords` and the `keyword-row` hold the same words.
//! - `V202 linkage-tags-mismatch`: `tags`, less the kind tags (`tech-journal`) and
//!   year tags (`2022`), are the tags the `linkage-tree` lists — as in the seed note.
//! - `V203 title-mismatch`: the first H1 is the `title`.
//! - `V204 malformed-component`: from the parser (unclosed elements, missing labels).
//! - `V205 source-without-url`: every `[!ref]` carries an `http(s)` URL.

use vellum_syntax::ErrorKind;

use super::NoteContext;
use crate::{Code, Diagnostic};

fn norm(s: &str) -> String {
    s.trim().trim_start_matches('#').to_lowercase()
}

fn list(words: &[String]) -> String {
    words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}

/// Journal component rules.
pub(crate) fn check(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    let path = cx.note.path.as_str();
    let note = &cx.note.note;
    let p = &note.properties;
    let j = &note.journal;
    for e in note.errors.iter().filter(|e| e.kind == ErrorKind::MalformedComponent) {
        out.push(Diagnostic::new(Code::MalformedComponent, path, Some(e.span), e.message.clone()));
    }
    if let Some(row) = &j.keyword_row {
        let fm: Vec<String> = p.keywords.iter().map(|k| norm(&k.value)).collect();
        let html: Vec<String> = row.value.iter().map(|k| norm(&k.value)).collect();
        let missing: Vec<String> = fm.iter().filter(|k| !html.contains(k)).cloned().collect();
        let extra: Vec<String> = html.iter().filter(|k| !fm.contains(k)).cloned().collect();
        if !missing.is_empty() || !extra.is_empty() {
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("missing from the row: {}", list(&missing)));
            }
            if !extra.is_empty() {
                parts.push(format!("not in `keywords`: {}", list(&extra)));
            }
            let span = Some(vellum_syntax::Span::new(
                row.span.start,
                row.span.start + "<div".len().min(row.span.len()),
            ));
            out.push(
                Diagnostic::new(
                    Code::KeywordsMismatch,
                    path,
                    span,
                    format!("keyword row and `keywords` disagree ({})", parts.join("; ")),
                )
                .with_help("list the same keywords in the frontmatter and in the row"),
            );
        }
    }
    if let Some(linkage) = &cx.detail.linkage {
        let kinds = &cx.vault.config.journal.kind_tags;
        let topical: Vec<String> = p
            .tags
            .iter()
            .map(|t| norm(&t.value))
            .filter(|t| !kinds.iter().any(|k| k.eq_ignore_ascii_case(t)) && !is_year(t))
            .collect();
        let listed: Vec<String> = linkage.tags.iter().map(|t| norm(&t.value)).collect();
        let missing: Vec<String> = topical.iter().filter(|t| !listed.contains(t)).cloned().collect();
        let extra: Vec<String> = listed.iter().filter(|t| !topical.contains(t)).cloned().collect();
        if !missing.is_empty() || !extra.is_empty() {
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("missing from the tree: {}", list(&missing)));
            }
            if !extra.is_empty() {
                parts.push(format!("not in `tags`: {}", list(&extra)));
            }
            let span = Some(vellum_syntax::Span::new(
                linkage.span.start,
                linkage.span.start + "<div".len().min(linkage.span.len()),
            ));
            out.push(
                Diagnostic::new(
                    Code::TagsMismatch,
                    path,
                    span,
                    format!("linkage tree tags and `tags` disagree ({})", parts.join("; ")),
                )
                .with_help(
                    "the tree lists the topical tags: every `tags` entry except the kind tag and the year",
                ),
            );
        }
    }
    if let (Some(title), Some(h1)) = (&p.title, note.h1())
        && !h1.text.is_empty()
        && h1.text.trim() != title.value.trim()
    {
        out.push(
            Diagnostic::new(
                Code::TitleMismatch,
                path,
                Some(h1.span),
                format!("H1 `{}` differs from the title `{}`", h1.text, title.value),
            )
            .with_help("make the first heading the note's title"),
        );
    }
    for s in &j.sources {
        let valid = s.url.as_ref().is_some_and(|u| is_valid_url(&u.value));
        if !valid {
            let span = s.url.as_ref().map_or(s.span, |u| u.span);
            out.push(
                Diagnostic::new(Code::SourceWithoutUrl, path, Some(span), "`[!ref]` source has no valid URL")
                    .with_help("put the source's `https://` address on the line after the title"),
            );
        }
    }
}

fn is_year(tag: &str) -> bool {
    tag.len() == 4 && tag.bytes().all(|b| b.is_ascii_digit())
}

/// An `http(s)://` URL with a host that has a dot (or is `localhost`).
#[must_use]
pub fn is_valid_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    !host.is_empty()
        && (host == "localhost" || (host.contains('.') && !host.starts_with('.') && !host.ends_with('.')))
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_valid_url("https://developer.nvidia.com/blog/x/"));
        assert!(!is_valid_url("https://"));
        assert!(!is_valid_url("ftp://x.com"));
        assert!(!is_valid_url("https://nodot"));
    }
}
