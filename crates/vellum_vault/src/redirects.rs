//! The redirect record, `<vault>/.vellum-redirects`: the URLs notes had
//! before `vellum rename` moved them, each with the note it leads to now, so
//! that a published site keeps answering at its old addresses.
//!
//! It lives in the vault, beside the notes, because it is part of what the
//! vault publishes: it is committed with them and must survive a clean
//! checkout (`.vellum/` is a disposable cache), and it is vellum's, not
//! Obsidian's (never in `.obsidian/`). Being a dotfile, Obsidian's file list
//! does not show it, and the walk does not take it for an attachment.
//!
//! One redirect a line, `old/url/ -> folder/Note.md`; blank lines and lines
//! starting with `#` are ignored. The target is a note's vault path, so a
//! later title or `permalink` change of the note keeps the redirect right.
//! `vellum rename` writes it (`vellum_edit`); [`parse`] reads it, and a line
//! it cannot read is a [`LoadProblem`] naming the file and line (a warning).

use vellum_syntax::Span;

use crate::load::{LoadProblem, LoadProblemKind};

/// The record's file name, at the vault's root.
pub const REDIRECTS_FILE: &str = ".vellum-redirects";

/// One recorded redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The old URL path, normalised as a permalink is (`old/url`: no
    /// leading or trailing slash).
    pub from: String,
    /// The vault path of the note it leads to.
    pub to: String,
    /// 1-based line in the record.
    pub line: usize,
}

/// The redirect record as loaded: its text (to edit it) and its redirects,
/// in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirects {
    /// The file's text, when there is a record.
    pub text: Option<String>,
    /// Every line that reads as a redirect.
    pub entries: Vec<Redirect>,
}

/// Read a record's text; every line that is neither blank, a comment nor a
/// redirect is a problem naming the file and the line.
#[must_use]
pub fn parse(text: &str) -> (Redirects, Vec<LoadProblem>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut offset = 0;
    for (k, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let body = line.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        match parse_line(body) {
            Ok((from, to)) => entries.push(Redirect { from, to, line: k + 1 }),
            Err(why) => problems.push(LoadProblem {
                path: REDIRECTS_FILE.to_owned(),
                kind: LoadProblemKind::Redirects,
                message: format!("line {} is not a redirect and is ignored: {why}", k + 1),
                text: Some(text.to_owned()),
                span: Some(Span::new(start, start + line.len())),
            }),
        }
    }
    (Redirects { text: Some(text.to_owned()), entries }, problems)
}

/// `old/url/ -> folder/Note.md` → (`old/url`, `folder/Note.md`).
fn parse_line(line: &str) -> Result<(String, String), String> {
    let Some((from, to)) = line.split_once("->") else {
        return Err("expected `old/url/ -> folder/Note.md`".to_owned());
    };
    let from = vellum_syntax::url::permalink(from).map_err(|e| format!("the old URL cannot be used: {e}"))?;
    let to = to.trim();
    if !crate::is_note_path(to) || to.starts_with('/') || to.split('/').any(|p| p.is_empty() || p == "..") {
        return Err(format!("`{to}` is not the vault path of a note (`folder/Note.md`)"));
    }
    Ok((from, to.to_owned()))
}

/// One line of the record.
#[must_use]
pub fn line(from: &str, to: &str) -> String {
    format!("{from}/ -> {to}")
}

/// The first lines of a new record.
pub const HEADER_LINES: &[&str] = &[
    "# Written by `vellum rename`: a published site keeps a redirect from each old URL",
    "# to the note. Keep this file with your notes. One redirect a line: old/url/ -> Note.md",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_redirects_and_names_bad_lines() {
        let text = "# comment\n\nold/a/ -> B.md\r\n/Old-C -> dir/C.md\nnonsense\nx/ -> y.png\n";
        let (r, problems) = parse(text);
        assert_eq!(
            r.entries,
            [
                Redirect { from: "old/a".into(), to: "B.md".into(), line: 3 },
                Redirect { from: "old-c".into(), to: "dir/C.md".into(), line: 4 },
            ]
        );
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.starts_with("line 5 "), "{}", problems[0].message);
        let span = problems[0].span.expect("span");
        assert_eq!(&text[span.range()], "nonsense");
        assert!(problems[1].message.contains("y.png"), "{}", problems[1].message);
        assert_eq!(
            parse(&format!("{}\n{}\n", HEADER_LINES.join("\n"), line("a", "B.md"))).0.entries.len(),
            1
        );
    }
}
