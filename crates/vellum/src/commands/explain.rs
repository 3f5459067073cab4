//! `vellum explain "[[X]]" --from note.md`: how one link resolves.

use std::fmt::Write as _;
use std::process::ExitCode;

use vellum_syntax::{Fragment, LinkKind};
use vellum_vault::{Anchor, Target};

use crate::args::ExplainArgs;

pub(crate) fn run(args: &ExplainArgs) -> Result<ExitCode, String> {
    let vault = super::load_vault(args.vault.as_deref())?;
    let parsed = vellum_syntax::parse(&args.link);
    let Some(link) = parsed.links.first() else {
        return Err(format!(
            "`{}` is not a link: write `[[Note]]`, `![[Note]]` or `[text](Note.md)`",
            args.link
        ));
    };
    let from = args.from.trim_start_matches("./").replace('\\', "/");
    let Some(from_idx) = vault.note_by_path(&from) else {
        return Err(format!("no note `{from}` in the vault (give --from as a vault-relative path)"));
    };
    let resolved = vault.resolve_link(from_idx, link);
    let mut s = String::new();
    let kind = match link.kind {
        LinkKind::Wiki => "wikilink",
        LinkKind::Embed => "embed",
        LinkKind::Markdown => "Markdown link",
        LinkKind::MarkdownEmbed => "Markdown image",
    };
    let _ = writeln!(s, "link:      {} ({kind}) from `{}`", args.link, vault.notes[from_idx].path);
    let _ = writeln!(s, "target:    {:?}", link.target);
    match &link.fragment {
        Some(Fragment::Heading(chain)) => {
            let _ = writeln!(s, "heading:   {}", chain.join(" > "));
        }
        Some(Fragment::Block(id)) => {
            let _ = writeln!(s, "block:     ^{id}");
        }
        None => {}
    }
    if let Some(d) = &link.display {
        let _ = writeln!(s, "display:   {d:?}");
    }
    // Where the note writes this link: in its body, in properties, or both.
    let mut places: Vec<String> = Vec::new();
    for l in &vault.notes[from_idx].note.links {
        if (l.kind, &l.target, &l.fragment) == (link.kind, &link.target, &link.fragment) {
            let place =
                l.property.as_deref().map_or_else(|| "the body".to_owned(), |p| format!("property `{p}`"));
            if !places.contains(&place) {
                places.push(place);
            }
        }
    }
    if !places.is_empty() {
        let _ = writeln!(s, "written:   in {}", places.join(", "));
    }
    let res = &resolved.resolution;
    if res.candidates.is_empty() {
        let _ = writeln!(s, "candidates: none");
    } else {
        let _ = writeln!(s, "candidates:");
        for &c in &res.candidates {
            let mark = if Some(c) == res.target { "→" } else { " " };
            let _ = writeln!(s, "  {mark} {}", vault.files.path(c));
        }
    }
    let _ = writeln!(s, "rule:      {:?}: {}", res.rule, res.rule.describe());
    let outcome = match &resolved.target {
        Target::Note { note, anchor } => {
            let n = &vault.notes[*note];
            match anchor {
                Anchor::Note => format!("note `{}`", n.path),
                Anchor::Heading(h) => format!("heading `{}` in `{}`", n.note.headings[*h].text, n.path),
                Anchor::Block(b) => format!("block `^{b}` in `{}`", n.path),
            }
        }
        Target::MissingFragment { note } => {
            format!("`{}`, but it has no such heading or block", vault.notes[*note].path)
        }
        Target::Attachment(f) => format!("attachment `{}`", vault.files.path(*f)),
        Target::Unresolved => {
            let owners = vault.notes_with_alias(&link.target);
            match owners.first() {
                Some(&o) => format!(
                    "unresolved (`{}` is an alias of `{}`, and Obsidian does not resolve aliases; write `[[{}|{}]]`)",
                    link.target,
                    vault.notes[o].path,
                    vault.notes[o].stem(),
                    link.target
                ),
                None => "unresolved: an unwritten note".to_owned(),
            }
        }
        Target::EscapesVault => "nothing: the path climbs out of the vault".to_owned(),
    };
    let _ = writeln!(s, "resolves:  {outcome}");
    print!("{s}");
    Ok(ExitCode::SUCCESS)
}
