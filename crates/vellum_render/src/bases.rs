//! Obsidian bases as a page shows them: evaluated at build time over the
//! published notes (`vellum_bases`), each view as a static table, cards or
//! list.
//!
//! - A `.base` file's page shows every view under its name (the names are
//!   the page's headings, so `[[Reading.base#Unread]]` lands on one).
//! - `![[Reading.base]]` shows its first view, `![[Reading.base#Unread]]` that
//!   view; `this` is the note embedding it.
//! - A ```` ```base ```` code block shows its first view, `this` being its note.
//!
//! The rows are the published notes that are not drafts (a draft never
//! appears in a base's results, even in a preview that shows drafts). Each
//! is asked of [`Urls::note`](crate::Urls::note), which is how the build
//! cache learns that a base reads every note: an edit of any note renders
//! the base again. `now()` and `today()` are the build's time, or
//! `SOURCE_DATE_EPOCH` when it is set (reproducible builds).

use indexmap::IndexMap;
use vellum_bases::{FileRow, Value};
use vellum_syntax::Properties;
use vellum_vault::{Anchor, NoteIdx, NoteText, Vault};

use crate::transform::Context;
use crate::{TocEntry, escape, heading_ids};

/// How much of a base that cannot be read its page shows (characters).
const SOURCE_SHOWN: usize = 4000;

/// Which views of a base to show.
pub(crate) enum Views {
    /// Every view, each under its name (the `.base` file's page).
    All,
    /// One view, by index (an embed of `#View`), or the first.
    One(usize),
}

/// The HTML of base `text` and its table of contents (the views shown under
/// their names); `this` is the note the base is shown in, if any.
pub(crate) fn render(
    cx: &Context<'_>,
    text: &str,
    this: Option<NoteIdx>,
    views: &Views,
) -> (String, Vec<TocEntry>) {
    let parsed = vellum_bases::parse(text);
    let Some(base) = parsed.base else {
        // Nothing can be evaluated: the start of the source, as a code block
        // would show it (`vellum check` says what is wrong).
        let shown = match text.char_indices().nth(SOURCE_SHOWN) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        };
        return (
            format!("<pre class=\"code base-invalid\"><code>{}</code></pre>", escape(&shown)),
            Vec::new(),
        );
    };
    cx.urls.listed_all();
    let rows = base_rows(cx.vault, &|i| cx.urls.note(i).is_some());
    let this_row = this.map(|i| base_row(cx.vault, i));
    let now = base_now();
    let url = |path: &str| {
        let v = cx.vault;
        match v.note_by_path(path) {
            Some(i) => cx.urls.note(i),
            None => v.files.lookup_path(path).map(|f| cx.urls.attachment(f)),
        }
    };
    let names = vellum_bases::view_names(&base);
    let shown: Vec<usize> = match views {
        Views::All => (0..names.len().max(1)).collect(),
        Views::One(i) => vec![(*i).min(names.len().saturating_sub(1))],
    };
    let ids = heading_ids(names.iter().map(String::as_str));
    let mut out = String::from("<div class=\"base\">");
    let mut toc = Vec::new();
    for i in shown {
        let name = names.get(i).map(String::as_str);
        let html = match vellum_bases::evaluate(&base, name, &rows, this_row.as_ref(), now) {
            Ok(result) => vellum_bases::render_html(&result, &rows, &url),
            Err(problem) => format!("<p class=\"base-error\">{}</p>", escape(&problem.message)),
        };
        match (views, name, ids.get(i)) {
            (Views::All, Some(name), Some(id)) => {
                out.push_str(&format!(
                    "<section class=\"base-view\"><h2 id=\"{}\">{}</h2>{html}</section>",
                    escape(id),
                    escape(name)
                ));
                toc.push(TocEntry { level: 2, text: name.to_owned(), id: id.clone() });
            }
            _ => out.push_str(&format!("<section class=\"base-view\">{html}</section>")),
        }
    }
    out.push_str("</div>");
    (out, toc)
}

/// The view an embed's anchor names: a heading of a base is one of its views.
pub(crate) fn view_of(anchor: &Anchor) -> Views {
    match anchor {
        Anchor::Heading(i) => Views::One(*i),
        _ => Views::One(0),
    }
}

/// `now()` for the bases evaluated now: the time, or `SOURCE_DATE_EPOCH`
/// (seconds) when it is set, for reproducible output.
#[must_use]
pub fn base_now() -> jiff::Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .unwrap_or_else(jiff::Timestamp::now)
}

/// The rows a base queries: every note `include` accepts that is not a
/// draft, a canvas or a base, in path order. The site includes the
/// published notes; `vellum query --base` the notes that are not hidden.
#[must_use]
pub fn base_rows(v: &Vault, include: &dyn Fn(NoteIdx) -> bool) -> Vec<FileRow> {
    (0..v.notes.len())
        .filter(|&i| {
            // `include` first: the site learns of every note this asked about.
            let n = &v.notes[i];
            include(i) && n.is_markdown() && !n.is_draft()
        })
        .map(|i| base_row(v, i))
        .collect()
}

/// What a base knows of note `i`: its path, size, file times, tags, links,
/// embeds, backlinks and frontmatter. The times are read from the file system
/// (empty when it cannot say).
#[must_use]
pub fn base_row(v: &Vault, i: NoteIdx) -> FileRow {
    let n = &v.notes[i];
    let mut row = FileRow::new(n.path.clone());
    row.size = match &n.text {
        NoteText::Kept(t) => t.len(),
        NoteText::Released { len, .. } => *len,
    } as u64;
    if let Ok(meta) = std::fs::metadata(v.root.join(&n.path)) {
        let time = |t: std::io::Result<std::time::SystemTime>| {
            t.ok().and_then(|t| jiff::Timestamp::try_from(t).ok())
        };
        row.mtime = time(meta.modified());
        row.ctime = time(meta.created()).or(row.mtime);
    }
    row.tags = n.note.all_tags();
    for (link, r) in n.note.links.iter().zip(&v.resolved[i]) {
        let Some(f) = r.resolution.target else { continue };
        let path = v.files.path(f).to_owned();
        if link.kind.is_embed() { row.embeds.push(path) } else { row.links.push(path) }
    }
    let mut from: Vec<NoteIdx> = v.backlinks(i).iter().map(|&(s, _)| s).collect();
    from.sort_unstable();
    from.dedup();
    row.backlinks = from.into_iter().map(|s| v.notes[s].path.clone()).collect();
    row.properties = properties(&n.note.properties);
    row
}

/// A note's frontmatter as a base reads it: the journal's fields, then the others.
fn properties(p: &Properties) -> IndexMap<String, Value> {
    use serde_json::Value as J;
    let mut m = serde_json::Map::new();
    let text = |s: &vellum_syntax::Spanned<String>| J::String(s.value.clone());
    let list = |l: &[vellum_syntax::Spanned<String>]| J::Array(l.iter().map(text).collect());
    let date = |d: &vellum_syntax::Spanned<jiff::civil::Date>| J::String(d.value.to_string());
    if let Some(t) = &p.title {
        m.insert("title".into(), text(t));
    }
    if !p.aliases.is_empty() {
        m.insert("aliases".into(), list(&p.aliases));
    }
    if !p.tags.is_empty() {
        m.insert("tags".into(), list(&p.tags));
    }
    if !p.keywords.is_empty() {
        m.insert("keywords".into(), list(&p.keywords));
    }
    if let Some(d) = &p.draft {
        m.insert("draft".into(), J::Bool(d.value));
    }
    if let Some(d) = &p.description {
        m.insert("description".into(), text(d));
    }
    if let Some(d) = &p.created {
        m.insert("created".into(), date(d));
    }
    if let Some(d) = &p.updated {
        m.insert("updated".into(), date(d));
    }
    if let Some(id) = &p.note_id {
        m.insert("note_id".into(), text(id));
    }
    if !p.cssclasses.is_empty() {
        m.insert("cssclasses".into(), list(&p.cssclasses));
    }
    if let Some(l) = &p.permalink {
        m.insert("permalink".into(), text(l));
    }
    for (k, f) in &p.other {
        m.insert(k.clone(), f.value.clone());
    }
    Value::properties_from_json(&m)
}
