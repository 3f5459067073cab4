//! `vellum rename OLD NEW`: rename (or move) a note and rewrite every link to it.
//!
//! 1. NEW is a title (`New Name`: same folder) or a vault path (`folder/New
//!    Name`, moving the note); the file name is the title made safe
//!    ([`names::safe_file_name`]), the title is kept as written.
//! 2. In the note: `title` is set to the new title (its quoting style kept),
//!    and the H1 too when it was the old title.
//! 3. Every link that resolves to the note (`vault.resolved`; not through an
//!    alias, which still works) is rewritten: wikilinks and embeds, with a
//!    heading, a block, an alias (`[[Old#H|alias]]`), inside HTML components
//!    (the linkage tree) or not, and Markdown links (percent-encoded or in
//!    `<…>`). Only the target part changes, in the form it was written: a
//!    folder form stays a folder form when it still resolves, a relative one
//!    stays relative, `.md` stays; otherwise the vault's new link format
//!    (Obsidian's `newLinkFormat`: relative to the note or the full path) when
//!    it resolves, else the shortest form that resolves uniquely. A wikilink
//!    stays a wikilink and a Markdown link a Markdown link. A heading link to
//!    the renamed H1 follows it.
//! 4. When the note moves to another folder, its own links that would now
//!    resolve elsewhere (relative links, same-folder tie-breaks) are rewritten
//!    to keep their target.
//! 5. The result is verified by resolving every link of the vault again: each
//!    link must lead where it led before (the note under its new name). A link
//!    that would change (another note named like the new one would win a
//!    tie-break) makes the plan fail, listing the links; an unwritten link
//!    that now leads to the renamed note is reported.
//! 6. When the note's URL on the site changes, the redirect record
//!    (`.vellum-redirects`) gains a line from the old URL to the new path
//!    ([`crate::redirects`]), so the published site keeps the old address.

use std::fmt;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use vellum_syntax::{Fragment, Link, LinkKind, Note, Span, heading_key};
use vellum_vault::obsidian::relative_path;
use vellum_vault::{Anchor, FileIndex, Kept, LinkFormat, LoadedToPublish, NoteIdx, Rule, Target, Vault};

use crate::edit::{Edit, apply_edits};
use crate::names;
use crate::new::normalize_dir;
use crate::write::Change;
use crate::{links, yaml};

/// A planned rename.
#[derive(Debug, Clone)]
pub struct RenamePlan {
    /// The note's path now.
    pub from: String,
    /// Its path after the rename.
    pub to: String,
    /// Its new title.
    pub title: String,
    /// The file changes: the move of the note (first), then every file whose
    /// links change, then the redirect record when the note's URL changes.
    pub changes: Vec<Change>,
    /// Every link rewritten.
    pub rewritten: Vec<Rewrite>,
    /// Things worth saying that do not stop the rename.
    pub notices: Vec<String>,
}

/// One rewritten link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The file it is in (path after the rename).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The link as it was.
    pub before: String,
    /// The link as it is now.
    pub after: String,
}

/// Why a rename cannot be planned.
#[derive(Debug)]
pub enum RenameError {
    /// NEW names the note as it already is.
    NothingToDo,
    /// Another file has the new name.
    Exists(String),
    /// NEW is not a usable name or folder.
    InvalidName(String),
    /// Links that would lead elsewhere, or that vellum cannot rewrite.
    WouldBreak(Vec<String>),
    /// The vault was loaded to publish: it holds no texts to rewrite.
    LoadedToPublish(LoadedToPublish),
}

impl RenameError {
    /// Whether vellum refused to act (exit 1) rather than failed on bad input (exit 2).
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        matches!(self, Self::Exists(_) | Self::WouldBreak(_))
    }
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NothingToDo => f.write_str("the note already has this name and title; nothing to do"),
            Self::Exists(p) => write!(f, "`{p}` already exists; vellum does not overwrite notes"),
            Self::InvalidName(m) => f.write_str(m),
            Self::LoadedToPublish(e) => e.fmt(f),
            Self::WouldBreak(links) => {
                f.write_str("the rename would change where these links lead; nothing was changed:")?;
                for l in links {
                    write!(f, "\n  {l}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RenameError {}

/// Plan renaming note `idx` to `new` (a title, or a vault path without or with `.md`).
///
/// # Errors
/// See [`RenameError`].
pub fn plan(vault: &Vault, idx: NoteIdx, new: &str) -> Result<RenamePlan, RenameError> {
    let kept = vault.kept().map_err(RenameError::LoadedToPublish)?;
    let note = &vault.notes[idx];
    let note_was = kept[idx].text;
    let from = note.path.clone();
    let (to, title) = target_of(vault, &from, new)?;
    let title_field = note.note.properties.title.as_ref().map(|t| t.value.clone());
    if to == from && title_field.as_deref().is_none_or(|t| t == title) && note.title == title {
        return Err(RenameError::NothingToDo);
    }
    if let Some(other) = vault.files.lookup_path(&to)
        && other != note.file
    {
        return Err(RenameError::Exists(vault.files.path(other).to_owned()));
    }
    let index = links::index_after(vault, Some((&from, &to)), None);
    let aliases = vault.config.links.resolve_aliases;
    let moved = |p: &str| if p == from { to.clone() } else { p.to_owned() };

    let mut edits: FxHashMap<NoteIdx, Vec<Edit>> = FxHashMap::default();
    let mut cannot = Vec::new();
    let mut rewritten_links: Vec<(NoteIdx, usize)> = Vec::new();

    // The note itself: title and H1.
    let old_title = note.title.clone();
    let h1 = note.note.headings.iter().position(|h| h.level == 1 && h.text.trim() == old_title.trim());
    {
        let e = edits.entry(idx).or_default();
        let p = &note.note.properties;
        if let (Some(field), Some(fm)) = (kept[idx].detail.fields.get("title"), note.note.frontmatter) {
            match yaml::value_region(note_was, fm, "title", field.span) {
                Some(region) => {
                    let old = p.title.as_ref().map_or("", |t| t.value.as_str());
                    e.push(Edit::replace(region, yaml::scalar_like(&note_was[region.range()], old, &title)));
                }
                None => cannot.push(format!("{from}: cannot find the text of `title` to change it")),
            }
        }
        if let Some(h) = h1 {
            match atx_content(note_was, note.note.headings[h].span) {
                Some(span) => e.push(Edit::replace(span, names::markdown_escape(&title))),
                None => cannot.push(format!("{from}: cannot change the H1; change it by hand")),
            }
        }
    }

    // Every link to the note, and the note's own links if it moves.
    for (i, n) in vault.notes.iter().enumerate() {
        let (text, detail) = (kept[i].text, kept[i].detail);
        let src_after = moved(&n.path);
        for (li, link) in n.note.links.iter().enumerate() {
            let r = &vault.resolved[i][li];
            let Some(target_file) = r.resolution.target else { continue };
            let to_renamed = r.target.note() == Some(idx);
            if to_renamed && matches!(r.resolution.rule, Rule::Alias | Rule::Empty) {
                continue;
            }
            // Only links to the note, and the note's own links, can need an edit
            // (whether any other link still leads home is for `verify`).
            if !to_renamed && i != idx {
                continue;
            }
            let target_after = moved(vault.files.path(target_file));
            let leads_now =
                links::target_path(&index, link, &src_after, aliases) == Some(target_after.as_str());
            let mut link_edits = Vec::new();
            if to_renamed || (i == idx && !leads_now) {
                let form = Form { aliases, format: vault.config.obsidian.link_style.format };
                match retarget(&index, text, link, &src_after, &target_after, form) {
                    Some(Some(e)) => link_edits.push(e),
                    Some(None) => {}
                    None => {
                        let line = detail.lines.line_col(text, link.span.start).line;
                        cannot.push(format!(
                            "{}:{line}: cannot rewrite `{}`",
                            n.path,
                            &text[link.span.range()]
                        ));
                        continue;
                    }
                }
            }
            if to_renamed
                && let (Some(h), Target::Note { anchor: Anchor::Heading(a), .. }) = (h1, &r.target)
                && *a == h
                && let Some(e) = fragment_edit(text, link, &title)
            {
                link_edits.push(e);
            }
            if let Some(canvas) = n.note.canvas.as_deref() {
                // In a canvas the link is text inside a JSON string; a file
                // node names its file by its full path.
                if to_renamed && vellum_syntax::canvas::file_node_links(canvas).contains(&li) {
                    link_edits = vec![Edit::replace(link.target_span, target_after.clone())];
                }
                for e in &mut link_edits {
                    e.text = vellum_syntax::canvas::json_string_content(&e.text);
                }
            }
            if !link_edits.is_empty() {
                edits.entry(i).or_default().extend(link_edits);
                rewritten_links.push((i, li));
            }
        }
    }
    if !cannot.is_empty() {
        return Err(RenameError::WouldBreak(cannot));
    }

    // The texts after the rename: only the notes that change are parsed again.
    let mut changed: Vec<(NoteIdx, String)> = Vec::new();
    for (&i, es) in &edits {
        if es.is_empty() {
            continue;
        }
        let was = kept[i].text;
        let text = apply_edits(was, es)
            .map_err(|e| RenameError::WouldBreak(vec![format!("{}: {e}", vault.notes[i].path)]))?;
        if text != was {
            changed.push((i, text));
        }
    }
    changed.sort_unstable_by_key(|(i, _)| *i);
    let reparsed: FxHashMap<NoteIdx, (String, Note)> = changed
        .into_par_iter()
        .map(|(i, text)| {
            let note = vellum_syntax::parse_file(&vault.notes[i].path, &text);
            (i, (text, note))
        })
        .collect();
    let after =
        After { vault, kept: &kept, index: &index, reparsed: &reparsed, from: &from, to: &to, aliases };
    let mut notices = verify(vault, &kept, &after, idx, &title, h1.is_some())?;
    for p in vault.problems.iter().filter(|p| p.path.to_ascii_lowercase().ends_with(".md")) {
        notices
            .push(format!("{}: could not be read, so its links were not rewritten: {}", p.path, p.message));
    }

    let rewritten = rewritten_links
        .iter()
        .map(|&(i, li)| {
            let n = &vault.notes[i];
            let new_text = after.text(i);
            let new_link =
                after.note(i).links.get(li).map_or(String::new(), |l| new_text[l.span.range()].to_owned());
            let (text, detail) = (kept[i].text, kept[i].detail);
            Rewrite {
                file: moved(&n.path),
                line: detail.lines.line_col(text, n.note.links[li].span.start).line,
                before: text[n.note.links[li].span.range()].to_owned(),
                after: new_link,
            }
        })
        .collect();

    let mut changes = Vec::new();
    let note_text = after.text(idx);
    if to != from {
        changes.push(Change::Move {
            from: from.clone(),
            to: to.clone(),
            original: note_was.to_owned(),
            text: note_text.to_owned(),
        });
    } else if note_text != note_was {
        changes.push(Change::Modify {
            path: from.clone(),
            original: note_was.to_owned(),
            text: note_text.to_owned(),
        });
    }
    let mut others: Vec<NoteIdx> = reparsed.keys().copied().filter(|&i| i != idx).collect();
    others.sort_unstable();
    for i in others {
        let n = &vault.notes[i];
        changes.push(Change::Modify {
            path: n.path.clone(),
            original: kept[i].text.to_owned(),
            text: after.text(i).to_owned(),
        });
    }
    changes.extend(crate::redirects::record_rename(vault, idx, &to));
    Ok(RenamePlan { from, to, title, changes, rewritten, notices })
}

/// The path and title NEW names, checked.
fn target_of(vault: &Vault, from: &str, new: &str) -> Result<(String, String), RenameError> {
    let raw = new.trim();
    // A canvas keeps its `.canvas`; a note its `.md`.
    let ext = if vellum_syntax::is_canvas_path(from) { ".canvas" } else { ".md" };
    let raw = match raw.len().checked_sub(ext.len()) {
        Some(n) if raw.get(n..).is_some_and(|e| e.eq_ignore_ascii_case(ext)) => &raw[..n],
        _ => raw,
    };
    let (dir, title) = match raw.rsplit_once('/') {
        Some((d, t)) => {
            let dir = normalize_dir(vault, d).map_err(|e| RenameError::InvalidName(e.to_string()))?;
            (dir, t.trim())
        }
        None => (from.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned()), raw),
    };
    if title.is_empty() {
        return Err(RenameError::InvalidName(format!("`{new}` has no name")));
    }
    let stem = names::safe_file_name(title);
    let to = if dir.is_empty() { format!("{stem}{ext}") } else { format!("{dir}/{stem}{ext}") };
    Ok((to, title.to_owned()))
}

/// The span of an ATX heading's text (between the `#`s and the closing sequence).
fn atx_content(text: &str, line: Span) -> Option<Span> {
    let l = &text[line.range()];
    let lead = l.len() - l.trim_start_matches(' ').len();
    let hashes = l[lead..].len() - l[lead..].trim_start_matches('#').len();
    if lead > 3 || !(1..=6).contains(&hashes) {
        return None;
    }
    let after = lead + hashes;
    let body = &l[after..];
    let start = after + (body.len() - body.trim_start().len());
    let mut end = l.trim_end().len();
    let closing = l[..end].trim_end_matches('#');
    if closing.len() < end && (closing.ends_with([' ', '\t']) || closing.len() == start) {
        end = closing.trim_end().len();
    }
    (end > start).then(|| Span::new(line.start + start, line.start + end))
}

/// The edit that makes `link` (in `text`, in the note at `from`) lead to
/// `target` in `index`: `Some(None)` when it already does, `None` when no
/// written form does or the link's text is unusual.
fn retarget(
    index: &FileIndex,
    text: &str,
    link: &Link,
    from: &str,
    target: &str,
    form: Form,
) -> Option<Option<Edit>> {
    let aliases = form.aliases;
    let written = text.get(link.target_span.range())?;
    if links::target_path(index, link, from, aliases) == Some(target) {
        return Some(None);
    }
    let new = match link.kind {
        LinkKind::Wiki | LinkKind::Embed => {
            if written != link.target {
                return None;
            }
            best_form(index, link.kind, written, from, target, form, &|s| s.to_owned())?
        }
        LinkKind::Markdown | LinkKind::MarkdownEmbed => {
            if written != link.target || link.target_span == link.span {
                return None;
            }
            let angle = text[..link.target_span.start].ends_with('<');
            let decoded = vellum_syntax::percent_decode(written);
            let non_ascii = has_encoded_non_ascii(written);
            let encode = move |s: &str| {
                if angle && !s.contains(['<', '>', '\n']) {
                    s.to_owned()
                } else {
                    names::percent_encode_path(s, non_ascii)
                }
            };
            best_form(index, link.kind, &decoded, from, target, form, &encode)?
        }
    };
    let new = if link.in_property() { yaml::in_scalar(text, link.span.start, &new)? } else { new };
    Some((new != written).then(|| Edit::replace(link.target_span, new)))
}

fn has_encoded_non_ascii(s: &str) -> bool {
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit() && w[1] >= b'8')
}

/// How a rewritten link's target is chosen: whether aliases resolve, and
/// the vault's "New link format" for a form vellum picks itself.
#[derive(Debug, Clone, Copy)]
struct Form {
    aliases: bool,
    format: LinkFormat,
}

/// The written target for `target`, in the form of `plain` (the written
/// target, decoded): the same form if it resolves, else a relative or rooted
/// one like the original, else the vault's new link format (Obsidian's
/// `newLinkFormat`: relative to the note, or the full path, when it
/// resolves), else the shortest that resolves uniquely, else the full path.
fn best_form(
    index: &FileIndex,
    kind: LinkKind,
    plain: &str,
    from: &str,
    target: &str,
    form: Form,
    encode: &dyn Fn(&str) -> String,
) -> Option<String> {
    let aliases = form.aliases;
    let is_note = target.to_ascii_lowercase().ends_with(".md");
    let bare = if is_note { &target[..target.len() - 3] } else { target };
    let had_md = plain.to_ascii_lowercase().ends_with(".md");
    let ext = |s: &str| if is_note && had_md { format!("{s}.md") } else { s.to_owned() };
    let stem = bare.rsplit('/').next().unwrap_or(bare);
    let check = |cand: &str, unique: bool| {
        let enc = encode(cand);
        let r = links::resolve_target(index, kind, &enc, from, aliases);
        (r.target.map(|f| index.path(f)) == Some(target) && (!unique || r.candidates.len() == 1))
            .then_some(enc)
    };
    let prefix = plain.rsplit_once('/').map(|(d, _)| d);
    let same = match prefix {
        Some(d) => ext(&format!("{d}/{stem}")),
        None => ext(stem),
    };
    if let Some(s) = check(&same, false) {
        return Some(s);
    }
    if plain.starts_with("./") || plain.starts_with("../") {
        let from_dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        if let Some(s) = check(&ext(&relative_path(from_dir, bare)), false) {
            return Some(s);
        }
    }
    if plain.starts_with('/')
        && let Some(s) = check(&ext(&format!("/{bare}")), false)
    {
        return Some(s);
    }
    let from_dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let chosen = match form.format {
        LinkFormat::Shortest => None,
        LinkFormat::Relative => Some(relative_path(from_dir, bare)),
        LinkFormat::Absolute => Some(bare.to_owned()),
    };
    if let Some(s) = chosen.and_then(|c| check(&ext(&c), false)) {
        return Some(s);
    }
    let parts: Vec<&str> = bare.split('/').collect();
    for k in 1..=parts.len() {
        if let Some(s) = check(&ext(&parts[parts.len() - k..].join("/")), true) {
            return Some(s);
        }
    }
    check(&ext(bare), false)
}

/// The edit that makes a heading link's last heading `title`: only the last
/// heading of the link's fragment changes, in the link's own form (plain in a
/// wikilink, percent-encoded in a Markdown link); characters a heading link
/// cannot hold are left out. `None` when `link` (in `text`) has no heading
/// fragment or its last heading is not where the parse says. Renaming a
/// heading rewrites every link into it with this.
#[must_use]
pub fn fragment_edit(text: &str, link: &Link, title: &str) -> Option<Edit> {
    let Some(Fragment::Heading(chain)) = &link.fragment else { return None };
    let last = chain.last()?;
    let after_target = &text[link.target_span.end..link.span.end];
    let hash = after_target.find('#')?;
    let frag_start = link.target_span.end + hash + 1;
    let frag_region = &text[frag_start..link.span.end];
    let frag_len = match link.kind {
        LinkKind::Wiki | LinkKind::Embed => {
            frag_region.find(['|', ']']).map(|i| if frag_region[..i].ends_with('\\') { i - 1 } else { i })?
        }
        LinkKind::Markdown | LinkKind::MarkdownEmbed => frag_region.find([')', '>', ' ', '"'])?,
    };
    let frag = &text[frag_start..frag_start + frag_len];
    let (encoded, plain_new) = match link.kind {
        LinkKind::Wiki | LinkKind::Embed => (false, title.replace(['#', '|', '[', ']', '^'], "")),
        _ => (true, title.replace(['#', '^'], "")),
    };
    let pieces: Vec<&str> = frag.split('#').collect();
    let last_piece = *pieces.last()?;
    let last_plain = if encoded { vellum_syntax::percent_decode(last_piece) } else { last_piece.to_owned() };
    if heading_key(&last_plain) != heading_key(last) {
        return None;
    }
    let replacement = if encoded { names::percent_encode_path(&plain_new, false) } else { plain_new };
    let replacement =
        if link.in_property() { yaml::in_scalar(text, link.span.start, &replacement)? } else { replacement };
    let lead = last_piece.len() - last_piece.trim_start().len();
    let trail = last_piece.len() - last_piece.trim_end().len();
    let piece_start = frag_start + frag_len - last_piece.len();
    Some(Edit::replace(Span::new(piece_start + lead, piece_start + last_piece.len() - trail), replacement))
}

/// Where a link leads, comparable across the vault before and after.
#[derive(Debug, PartialEq, Eq)]
enum Dest {
    Note(String, Option<usize>, Option<String>),
    Missing(String),
    Attachment(String),
    Unresolved,
    Escapes,
}

fn dest(vault: &Vault, t: &Target, moved: &dyn Fn(&str) -> String) -> Dest {
    match t {
        Target::Note { note, anchor } => {
            let p = moved(&vault.notes[*note].path);
            match anchor {
                Anchor::Note => Dest::Note(p, None, None),
                Anchor::Heading(h) => Dest::Note(p, Some(*h), None),
                Anchor::Block(b) => Dest::Note(p, None, Some(b.to_lowercase())),
            }
        }
        Target::MissingFragment { note } => Dest::Missing(moved(&vault.notes[*note].path)),
        Target::Attachment(f) => Dest::Attachment(moved(vault.files.path(*f))),
        Target::Unresolved => Dest::Unresolved,
        Target::EscapesVault => Dest::Escapes,
    }
}

/// The vault as the rename leaves it, without building it: the file index
/// after the move, the notes that change parsed again, every other note's
/// parse as it is (the same text parses the same). Links resolve here exactly
/// as [`Vault::resolve_link`] resolves them in a vault loaded from the
/// renamed files, for a small part of the time and memory.
struct After<'a> {
    vault: &'a Vault,
    kept: &'a [Kept<'a>],
    index: &'a FileIndex,
    reparsed: &'a FxHashMap<NoteIdx, (String, Note)>,
    from: &'a str,
    to: &'a str,
    aliases: bool,
}

impl After<'_> {
    /// Note `i`'s parse after the rename.
    fn note(&self, i: NoteIdx) -> &Note {
        self.reparsed.get(&i).map_or(&self.vault.notes[i].note, |(_, n)| n)
    }

    /// Note `i`'s text after the rename.
    fn text(&self, i: NoteIdx) -> &str {
        self.reparsed.get(&i).map_or(self.kept[i].text, |(t, _)| t.as_str())
    }

    /// A path before the rename → after.
    fn moved(&self, p: &str) -> String {
        if p == self.from { self.to.to_owned() } else { p.to_owned() }
    }

    /// Where `link`, written in note `i`, leads after the rename.
    fn dest(&self, i: NoteIdx, link: &Link) -> Dest {
        let src = self.moved(&self.vault.notes[i].path);
        let r = links::resolve(self.index, link, &src, self.aliases);
        if r.rule == Rule::EscapesVault {
            return Dest::Escapes;
        }
        let Some(file) = r.target else { return Dest::Unresolved };
        let path = self.index.path(file);
        let before = if path == self.to { self.from } else { path };
        let Some(j) = self.vault.note_by_path(before) else { return Dest::Attachment(path.to_owned()) };
        let n = self.note(j);
        let path = path.to_owned();
        match &link.fragment {
            None => Dest::Note(path, None, None),
            Some(f) if f.is_empty() => Dest::Note(path, None, None),
            Some(Fragment::Block(id)) => match n.block_ids.iter().find(|b| b.id.eq_ignore_ascii_case(id)) {
                Some(b) => Dest::Note(path, None, Some(b.id.to_lowercase())),
                None => Dest::Missing(path),
            },
            Some(Fragment::Heading(chain)) => match vellum_vault::find_heading_chain(&n.headings, chain) {
                Some(h) => Dest::Note(path, Some(h), None),
                None => Dest::Missing(path),
            },
        }
    }
}

/// Every link of the vault leads where it led before.
fn verify(
    before: &Vault,
    kept: &[Kept<'_>],
    after: &After<'_>,
    idx: NoteIdx,
    title: &str,
    h1_renamed: bool,
) -> Result<Vec<String>, RenameError> {
    let moved = |p: &str| after.moved(p);
    let per_note: Vec<(Vec<String>, Vec<String>)> = (0..before.notes.len())
        .into_par_iter()
        .map(|i| {
            let n = &before.notes[i];
            let (mut broken, mut notices) = (Vec::new(), Vec::new());
            if after.note(i).links.len() != n.note.links.len() {
                broken.push(format!("{}: the number of links would change", n.path));
                return (broken, notices);
            }
            for (li, (link, now_link)) in n.note.links.iter().zip(&after.note(i).links).enumerate() {
                let was = dest(before, &before.resolved[i][li].target, &moved);
                let now = after.dest(i, now_link);
                if was == now {
                    continue;
                }
                let line = kept[i].detail.lines.line_col(kept[i].text, link.span.start).line;
                let written = &kept[i].text[link.span.range()];
                if was == Dest::Unresolved && matches!(&now, Dest::Note(p, ..) if p == after.to) {
                    notices.push(format!(
                        "{}:{line}: {written} was unwritten and now leads to `{}`",
                        n.path, after.to
                    ));
                } else {
                    broken.push(format!(
                        "{}:{line}: {written} leads to {} but would lead to {}",
                        n.path,
                        show(&was),
                        show(&now)
                    ));
                }
            }
            (broken, notices)
        })
        .collect();
    let (mut broken, mut notices) = (Vec::new(), Vec::new());
    for (b, n) in per_note {
        broken.extend(b);
        notices.extend(n);
    }
    let n = after.note(idx);
    if before.notes[idx].note.properties.title.is_some()
        && n.properties.title.as_ref().map(|t| t.value.as_str()) != Some(title)
    {
        broken.push(format!("{}: `title` would not read back as `{title}`", after.to));
    }
    if h1_renamed && n.h1().map(|h| h.text.as_str()) != Some(title.trim()) {
        broken.push(format!("{}: the H1 would not read back as `{title}`", after.to));
    }
    if broken.is_empty() { Ok(notices) } else { Err(RenameError::WouldBreak(broken)) }
}

fn show(d: &Dest) -> String {
    match d {
        Dest::Note(p, None, None) => format!("`{p}`"),
        Dest::Note(p, Some(h), _) => format!("`{p}` (heading {})", h + 1),
        Dest::Note(p, None, Some(b)) => format!("`{p}#^{b}`"),
        Dest::Missing(p) => format!("a missing heading or block of `{p}`"),
        Dest::Attachment(p) => format!("`{p}`"),
        Dest::Unresolved => "nothing (unwritten)".to_owned(),
        Dest::Escapes => "outside the vault".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_text_spans() {
        let t = "## Old Title ##";
        assert_eq!(atx_content(t, Span::new(0, t.len())).map(|s| &t[s.range()]), Some("Old Title"));
        let t = "# C#";
        assert_eq!(atx_content(t, Span::new(0, t.len())).map(|s| &t[s.range()]), Some("C#"));
        let t = "#";
        assert_eq!(atx_content(t, Span::new(0, t.len())), None);
    }
}
