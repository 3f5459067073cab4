//! Redirect pages: the addresses a note answers at besides its own URL.
//!
//! - **Renamed**: each line of the vault's redirect record
//!   (`.vellum-redirects`, written by `vellum rename`; see
//!   `vellum_vault::redirects`) leads its old URL to the note now at the
//!   recorded path.
//! - **Aliases**: each alias of a published note leads `/<alias slug>/` to it.
//!
//! Both are claimed in the plan after every page of the site, renames first
//! (in record order), then aliases (notes in path order, aliases in the
//! order written), so a real page always wins and the same vault always gets
//! the same redirects: an address already taken — by a page, a section of
//! the site or an earlier redirect — is skipped. Drafts get none, and no
//! redirect leads to a draft (not even with `--drafts`).
//!
//! Each redirect is a tiny page (`<meta http-equiv="refresh">`, a canonical
//! link, `noindex` and a plain link, for hosts that serve files as they are:
//! GitHub Pages), and one line of `_redirects` at the output's root
//! (`/old/ /new/ 301`, the format Netlify and Cloudflare Pages read). Neither
//! is in the sitemap or the search index.

use vellum_syntax::url::{Slugs, in_section, url_slug};
use vellum_vault::{NoteIdx, Vault};

use crate::plan::Plan;

/// A redirect page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redirect {
    /// Output-relative folder it answers at (`old/url/`).
    pub(crate) rel: String,
    /// The note it leads to.
    pub(crate) to: NoteIdx,
}

/// Claim the redirects of `vault` in `slugs`, after every page: `rel` is
/// each note's planned folder (`None` when it has no page).
pub(crate) fn claim(vault: &Vault, slugs: &mut Slugs, rel: &[Option<String>]) -> Vec<Redirect> {
    let target = |i: NoteIdx| rel.get(i).is_some_and(Option::is_some) && !vault.notes[i].is_draft();
    let mut out = Vec::new();
    for r in &vault.redirects.entries {
        let Some(to) = vault.note_by_path(&r.to).filter(|&i| vault.notes[i].path == r.to && target(i)) else {
            continue;
        };
        if !in_section(&r.from) && !slugs.is_taken(&r.from) {
            slugs.reserve(&r.from);
            out.push(Redirect { rel: format!("{}/", r.from), to });
        }
    }
    for to in (0..vault.notes.len()).filter(|&i| target(i)) {
        for alias in &vault.notes[to].note.properties.aliases {
            let slug = url_slug(&alias.value);
            if !slug.is_empty() && !in_section(&slug) && !slugs.is_taken(&slug) {
                slugs.reserve(&slug);
                out.push(Redirect { rel: format!("{slug}/"), to });
            }
        }
    }
    out
}

/// The page at a redirect's address.
pub(crate) fn page(plan: &Plan<'_>, r: &Redirect) -> Option<Vec<u8>> {
    let url = plan.note_url(r.to)?;
    let esc = vellum_render::escape;
    let (title, url_e) = (esc(&plan.vault.notes[r.to].title), esc(&url));
    let canonical = esc(&plan.site.absolute(&url));
    let cat = &plan.site.catalogue;
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url_e}\">\n</head>\n<body>\n\
         <p>{moved} <a href=\"{url_e}\">{title}</a></p>\n</body>\n</html>\n",
        lang = esc(&cat.code),
        dir = cat.dir,
        moved = esc(&cat.strings.moved),
    );
    Some(html.into_bytes())
}

/// Output path of the `_redirects` file.
pub(crate) const NETLIFY: &str = "_redirects";

/// `_redirects`: one `/old/ /new/ 301` line per redirect, in claim order.
pub(crate) fn netlify(plan: &Plan<'_>) -> Vec<u8> {
    let mut out =
        String::from("# Written by vellum: the aliases and old URLs of notes. One redirect a line.\n");
    for r in &plan.redirects {
        if let Some(to) = plan.note_url(r.to) {
            out.push_str(&format!("{} {to} 301\n", plan.url(&r.rel)));
        }
    }
    out.into_bytes()
}
