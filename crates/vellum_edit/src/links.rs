//! Resolving links against the file list a change would leave behind, without
//! touching the disk: a new [`FileIndex`] with a path added or renamed.

use vellum_syntax::{Link, LinkKind};
use vellum_vault::{FileIndex, Resolution, Vault};

/// The vault's file index after renaming `rename.0` to `rename.1` and adding
/// `add`, with the notes' aliases registered when the vault resolves them.
pub(crate) fn index_after(vault: &Vault, rename: Option<(&str, &str)>, add: Option<&str>) -> FileIndex {
    let moved = |p: &str| match rename {
        Some((from, to)) if p == from => to.to_owned(),
        _ => p.to_owned(),
    };
    let mut paths: Vec<String> = vault.files.iter().map(|(_, p)| moved(p)).collect();
    paths.extend(add.map(str::to_owned));
    let mut index = FileIndex::new(paths);
    index.set_attachment_folder(vault.config.obsidian.attachment_folder.clone());
    if vault.config.links.resolve_aliases {
        for n in &vault.notes {
            if let Some(id) = index.lookup_path(&moved(&n.path)) {
                for a in &n.note.properties.aliases {
                    index.add_alias(&a.value, id);
                }
            }
        }
    }
    index
}

/// Resolve `link` (written in the note at `from`) in `index`, the way
/// [`Vault::resolve_link`] does.
pub(crate) fn resolve(index: &FileIndex, link: &Link, from: &str, aliases: bool) -> Resolution {
    resolve_target(index, link.kind, &link.target, from, aliases)
}

/// Resolve a target written as `target` in a link of `kind`.
pub(crate) fn resolve_target(
    index: &FileIndex,
    kind: LinkKind,
    target: &str,
    from: &str,
    aliases: bool,
) -> Resolution {
    match kind {
        LinkKind::Wiki | LinkKind::Embed => index.resolve_wikilink(target, from, aliases),
        LinkKind::Markdown | LinkKind::MarkdownEmbed if target.is_empty() => {
            index.resolve_wikilink("", from, aliases)
        }
        LinkKind::Markdown | LinkKind::MarkdownEmbed => index.resolve_markdown(target, from, aliases),
    }
}

/// Where `link` leads in `index`, as a path.
pub(crate) fn target_path<'i>(
    index: &'i FileIndex,
    link: &Link,
    from: &str,
    aliases: bool,
) -> Option<&'i str> {
    resolve(index, link, from, aliases).target.map(|f| index.path(f))
}
