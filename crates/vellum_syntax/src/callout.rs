//! Callout types: Obsidian's 13 built-in types, their aliases, and the
//! journal's own `ref` type for sources.

/// A canonical callout type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CalloutKind {
    /// `note`.
    Note,
    /// `abstract` (`summary`, `tldr`).
    Abstract,
    /// `info`.
    Info,
    /// `todo`.
    Todo,
    /// `tip` (`hint`, `important`).
    Tip,
    /// `success` (`check`, `done`).
    Success,
    /// `question` (`help`, `faq`).
    Question,
    /// `warning` (`caution`, `attention`).
    Warning,
    /// `failure` (`fail`, `missing`).
    Failure,
    /// `danger` (`error`).
    Danger,
    /// `bug`.
    Bug,
    /// `example`.
    Example,
    /// `quote` (`cite`).
    Quote,
    /// The journal's `ref`: a source with a URL and "Why it matters".
    Ref,
}

impl CalloutKind {
    /// The canonical name, used as `data-callout` and CSS hook.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Abstract => "abstract",
            Self::Info => "info",
            Self::Todo => "todo",
            Self::Tip => "tip",
            Self::Success => "success",
            Self::Question => "question",
            Self::Warning => "warning",
            Self::Failure => "failure",
            Self::Danger => "danger",
            Self::Bug => "bug",
            Self::Example => "example",
            Self::Quote => "quote",
            Self::Ref => "ref",
        }
    }
}

/// Map a callout type as written (any case) to its canonical type; `None` for a
/// type Obsidian does not know (it then renders as `note`).
#[must_use]
pub fn canonical_callout(kind: &str) -> Option<CalloutKind> {
    use CalloutKind as K;
    Some(match kind.to_ascii_lowercase().as_str() {
        "note" => K::Note,
        "abstract" | "summary" | "tldr" => K::Abstract,
        "info" => K::Info,
        "todo" => K::Todo,
        "tip" | "hint" | "important" => K::Tip,
        "success" | "check" | "done" => K::Success,
        "question" | "help" | "faq" => K::Question,
        "warning" | "caution" | "attention" => K::Warning,
        "failure" | "fail" | "missing" => K::Failure,
        "danger" | "error" => K::Danger,
        "bug" => K::Bug,
        "example" => K::Example,
        "quote" | "cite" => K::Quote,
        "ref" => K::Ref,
        _ => return None,
    })
}

/// The default title of a callout: its type with `-` as spaces, in title case.
#[must_use]
pub fn default_title(kind: &str) -> String {
    let spaced = kind.replace('-', " ").to_lowercase();
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_case() {
        assert_eq!(canonical_callout("FAQ"), Some(CalloutKind::Question));
        assert_eq!(canonical_callout("tldr"), Some(CalloutKind::Abstract));
        assert_eq!(canonical_callout("ref"), Some(CalloutKind::Ref));
        assert_eq!(canonical_callout("custom-type"), None);
        assert_eq!(default_title("custom-question-type"), "Custom question type");
    }
}
