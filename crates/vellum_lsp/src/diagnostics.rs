//! `vellum_check` diagnostics as LSP diagnostics, and what of a note other
//! notes' diagnostics depend on.

use lsp_types as lsp;
use vellum_check::{Diagnostic, Severity};
use vellum_vault::{NoteIdx, Vault};

use crate::position::LineMap;
use crate::state::VaultState;

/// The LSP form of `found`, all in `file` (vault-relative). Ranges are
/// computed on the note's text as the server holds it (the buffer when open);
/// a file that is not a note (a load problem, `vellum.toml`) is read from disk
/// for its positions, and a diagnostic without a place sits at the start.
pub(crate) fn to_lsp(state: &VaultState, file: &str, found: &[Diagnostic]) -> Vec<lsp::Diagnostic> {
    let owned;
    let text: &str = match state.vault.note_by_path(file) {
        Some(i) => state.text(i),
        None if found.iter().any(|d| d.span.is_some()) => {
            owned = std::fs::read_to_string(state.root.join(file)).unwrap_or_default();
            &owned
        }
        None => "",
    };
    let map = LineMap::new(text);
    found
        .iter()
        .map(|d| {
            let range = d.span.map_or_else(lsp::Range::default, |s| map.range(text, s));
            let message = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            lsp::Diagnostic {
                range,
                severity: Some(severity(d.severity)),
                code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
                source: Some("vellum".to_owned()),
                message,
                data: Some(serde_json::Value::String(d.code.name().to_owned())),
                ..lsp::Diagnostic::default()
            }
        })
        .collect()
}

/// An unwritten note is worth knowing, not a problem: information, not a warning.
fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// What other notes' diagnostics read of a note: its name, headings, block
/// ids, aliases, draft flag and `note_id`. When an edit leaves these alone,
/// only the edited note needs checking again.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Exposed {
    title: String,
    headings: Vec<(u8, String)>,
    blocks: Vec<String>,
    aliases: Vec<String>,
    draft: bool,
    note_id: Option<String>,
}

impl Exposed {
    pub(crate) fn of(vault: &Vault, idx: NoteIdx) -> Self {
        let n = &vault.notes[idx];
        let p = &n.note.properties;
        Self {
            title: n.title.clone(),
            headings: n.note.headings.iter().map(|h| (h.level, h.text.clone())).collect(),
            blocks: n.note.block_ids.iter().map(|b| b.id.clone()).collect(),
            aliases: p.aliases.iter().map(|a| a.value.clone()).collect(),
            draft: n.is_draft(),
            note_id: p.note_id.as_ref().map(|i| i.value.clone()),
        }
    }

    /// The notes carrying this `note_id` (`V108` links them).
    pub(crate) fn same_note_id<'v>(&'v self, vault: &'v Vault) -> impl Iterator<Item = NoteIdx> + 'v {
        let id = self.note_id.as_deref();
        (0..vault.notes.len()).filter(move |&i| {
            id.is_some() && vault.notes[i].note.properties.note_id.as_ref().map(|x| x.value.as_str()) == id
        })
    }
}
