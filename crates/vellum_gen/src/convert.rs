//! The notes of a vault as a Hugo site or an mdBook book, so that those tools
//! can be timed on the same Markdown as `vellum build`. Wikilinks stay as they
//! are (both tools print them as text): what is compared is Markdown-to-site
//! throughput, not link resolution.

use std::path::{Path, PathBuf};

use crate::{Error, at, clear};

/// The file that marks a folder written by [`hugo_site`] (its config).
pub const HUGO_MARKER: &str = "hugo.toml";

/// The file that marks a folder written by [`mdbook_book`] (its config).
pub const MDBOOK_MARKER: &str = "book.toml";

const HUGO_CONFIG: &str = r#"# A minimal Hugo site of a generated vault (vellum-gen hugo).
baseURL = "https://example.org/"
title = "vault"
# Generated vaults hold drafts; vellum publishes a vault's drafts only on request,
# but Hugo builds them all here so both tools render every note.
buildDrafts = true
disableKinds = ["RSS", "sitemap", "robotsTXT", "404", "taxonomy", "term"]

[markup.goldmark.renderer]
# The notes hold raw HTML (keyword row, brain dump, linkage tree).
unsafe = true
"#;

const HUGO_SINGLE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><article>
{{ .Content }}
</article></body></html>
"#;

const HUGO_LIST: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"#;

const BOOK_TOML: &str = r#"# A minimal mdBook book of a generated vault (vellum-gen mdbook).
[book]
title = "vault"
language = "en"
src = "src"

[build]
create-missing = false
"#;

/// The vault's Markdown files (vault-relative, `/`-separated, sorted), leaving
/// out hidden files and folders.
///
/// # Errors
///
/// A folder that cannot be listed.
pub fn markdown_files(vault: &Path) -> Result<Vec<String>, Error> {
    let mut found = Vec::new();
    let mut stack = vec![(vault.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(at(&dir))? {
            let entry = entry.map_err(at(&dir))?;
            let Ok(name) = entry.file_name().into_string() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let child = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            let kind = entry.file_type().map_err(at(&entry.path()))?;
            if kind.is_dir() {
                stack.push((entry.path(), child));
            } else if kind.is_file() && name.ends_with(".md") {
                found.push(child);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(at(parent))?;
    }
    std::fs::write(path, bytes).map_err(at(path))
}

/// Write a Hugo site holding every note of `vault` into `site`: raw HTML
/// allowed, drafts built, pages of title and content only, no feeds, sitemap
/// or taxonomies. Build it with `hugo --quiet -s SITE -d SITE/public`.
/// Returns the number of notes.
///
/// # Errors
///
/// `site` holds files and is not an earlier Hugo site of this tool (without
/// `force`: holds files at all), or reading or writing failed.
pub fn hugo_site(vault: &Path, site: &Path, force: bool) -> Result<usize, Error> {
    let notes = markdown_files(vault)?;
    clear(site, force, HUGO_MARKER)?;
    write(&site.join("layouts/_default/single.html"), HUGO_SINGLE.as_bytes())?;
    write(&site.join("layouts/_default/list.html"), HUGO_LIST.as_bytes())?;
    let content = site.join("content");
    for rel in &notes {
        let from = vault.join(rel);
        let text = std::fs::read(&from).map_err(at(&from))?;
        write(&content.join(rel), &text)?;
    }
    // The config last: it marks a complete site.
    write(&site.join(HUGO_MARKER), HUGO_CONFIG.as_bytes())?;
    Ok(notes.len())
}

/// A note without its YAML frontmatter (mdBook would print it as text).
#[must_use]
pub fn without_frontmatter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else { return text };
    let Some(end) = rest.find("\n---\n") else { return text };
    rest[end + 5..].trim_start_matches('\n')
}

/// Write an mdBook book holding every note of `vault` into `book`: one flat
/// chapter list in path order, frontmatter removed, mdBook's defaults (search
/// index and print page on). Build it with `mdbook build BOOK -d BOOK/book`.
/// Returns the number of notes.
///
/// # Errors
///
/// As [`hugo_site`].
pub fn mdbook_book(vault: &Path, book: &Path, force: bool) -> Result<usize, Error> {
    let notes = markdown_files(vault)?;
    clear(book, force, MDBOOK_MARKER)?;
    let src: PathBuf = book.join("src");
    let mut summary = String::from("# Summary\n\n");
    for rel in &notes {
        let from = vault.join(rel);
        let text = std::fs::read_to_string(&from).map_err(at(&from))?;
        write(&src.join(rel), without_frontmatter(&text).as_bytes())?;
        let title = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".md");
        summary.push_str(&format!("- [{title}](<{rel}>)\n"));
    }
    write(&src.join("SUMMARY.md"), summary.as_bytes())?;
    write(&book.join(MDBOOK_MARKER), BOOK_TOML.as_bytes())?;
    Ok(notes.len())
}

#[cfg(test)]
mod tests {
    use super::without_frontmatter;

    #[test]
    fn frontmatter_is_cut() {
        assert_eq!(without_frontmatter("---\ntitle: x\n---\n\n# X\n"), "# X\n");
        assert_eq!(without_frontmatter("# X\n"), "# X\n");
        assert_eq!(without_frontmatter("---\nunclosed\n"), "---\nunclosed\n");
    }
}
