//! `V501`–`V503`: the published site's URLs.
//!
//! - `V501 invalid-permalink`: a `permalink` that cannot be a path on the
//!   site (empty, a whole URL, `..`, characters outside letters, digits, `-`
//!   and `_`); the note keeps the URL its path gives it. `permalink: /` asks
//!   for the front page, and is reported only when another note has it.
//! - `V502 duplicate-url`: a `permalink` that claims a URL another published
//!   note has (by its own permalink or by its path) or a section of the site
//!   (`tags/…`). Notes claim URLs in path order and the first claim wins
//!   (`vellum_syntax::url::claim_notes`, which the site's plan reads too), so
//!   the diagnostic says which note ends up where.
//! - `V503 invalid-redirect`: a line of the redirect record
//!   (`.vellum-redirects`) that is not a redirect (reported by [`super::load`]).

use vellum_syntax::Note;
use vellum_syntax::url::{SECTIONS, Slugs, UrlConflict, claim_notes};
use vellum_vault::{NoteIdx, Vault};

use super::NoteContext;
use crate::{Code, Diagnostic, NoteKeys};

/// Whether a note is published by a default build: not a draft, and its
/// frontmatter readable (a note whose YAML is broken might be a draft).
#[must_use]
pub fn published(note: &Note) -> bool {
    !note.properties.is_draft()
        && !note.errors.iter().any(|e| e.kind == vellum_syntax::ErrorKind::MalformedYaml)
}

/// `V501`, per note.
pub(crate) fn check(cx: &NoteContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(p) = &cx.note.note.properties.permalink else { return };
    if vellum_syntax::url::is_root(&p.value) {
        if let Some(why) = front_page_elsewhere(cx) {
            out.push(
                Diagnostic::new(
                    Code::InvalidPermalink,
                    &cx.note.path,
                    Some(p.span),
                    format!("`permalink: {}` asks for the site's front page, but {why}", p.value),
                )
                .with_help("remove the `permalink`, or give it a path such as `notes/my-page`"),
            );
        }
        return;
    }
    if let Err(why) = vellum_syntax::url::permalink(&p.value) {
        out.push(
            Diagnostic::new(
                Code::InvalidPermalink,
                &cx.note.path,
                Some(p.span),
                format!("`permalink: {}` cannot be a URL on the site: {why}", p.value),
            )
            .with_help(
                "write a path such as `notes/my-page`; until then the note's URL comes from its file name",
            ),
        );
    }
}

/// Why a published note whose `permalink` is `/` is not the front page, if
/// it is not: `[site] home` names another note, or a note before it in path
/// order asks first (the site's choice, `vellum_site`'s `home_note`).
fn front_page_elsewhere(cx: &NoteContext<'_>) -> Option<String> {
    if !published(&cx.note.note) {
        return None;
    }
    let vault = cx.vault;
    if let Ok(site) = &vault.config.site
        && let Some(home) = site.home.as_deref().map(str::trim).filter(|h| !h.is_empty())
    {
        return (vault.note_named(home) != Some(cx.idx))
            .then(|| format!("`[site] home = \"{home}\"` in vellum.toml gives it to another note"));
    }
    let first = vault.notes.iter().find(|n| {
        published(&n.note)
            && n.note.properties.permalink.as_ref().is_some_and(|p| vellum_syntax::url::is_root(&p.value))
    })?;
    (first.path != cx.note.path).then(|| format!("`{}` asks for it first (in path order)", first.path))
}

/// `V502` over the whole vault.
pub(crate) fn check_vault(vault: &Vault) -> Vec<Diagnostic> {
    let keys: Vec<NoteKeys<'_>> = vault.notes.iter().map(|n| NoteKeys::of(&n.path, &n.note)).collect();
    duplicate_urls(vault, &keys)
}

/// `V502` over `keys`: every note of the vault, in path order. A conflict
/// is reported on a note parsed in `vault` (which gives the permalink's span).
pub(crate) fn duplicate_urls(vault: &Vault, keys: &[NoteKeys<'_>]) -> Vec<Diagnostic> {
    let published: Vec<&NoteKeys<'_>> = keys.iter().filter(|k| k.published).collect();
    let claims: Vec<(&str, Option<&str>)> = published.iter().map(|k| (k.path, k.permalink)).collect();
    let mut slugs = Slugs::default();
    for s in SECTIONS {
        slugs.reserve(s);
    }
    let urls = claim_notes(&mut slugs, &claims);
    let mut out = Vec::new();
    for (k, u) in urls.iter().enumerate().filter(|(_, u)| !u.conflicts.is_empty()) {
        let Some(n) = vault.note_by_path(published[k].path).map(|i: NoteIdx| &vault.notes[i]) else {
            continue;
        };
        let Some(p) = &n.note.properties.permalink else { continue };
        let wanted = vellum_syntax::url::permalink(&p.value).unwrap_or_default();
        for c in &u.conflicts {
            let message = match *c {
                UrlConflict::Section => format!(
                    "`/{wanted}/` is in the site's own `{}/` section; this note keeps `/{}/`",
                    wanted.split('/').next().unwrap_or_default(),
                    u.rel
                ),
                UrlConflict::Taken(o) => format!(
                    "`/{wanted}/` is already the URL of `{}` (the first note in path order keeps it); this note keeps `/{}/`",
                    published[o].path, u.rel
                ),
                UrlConflict::Displaces(o) => format!(
                    "`/{wanted}/` is the URL `{}` has by its file name; that note moves to `/{}/`",
                    published[o].path, urls[o].rel
                ),
            };
            out.push(
                Diagnostic::new(Code::DuplicateUrl, &n.path, Some(p.span), message)
                    .with_help("give one of the notes another `permalink` (or rename the other note)"),
            );
        }
    }
    out
}
