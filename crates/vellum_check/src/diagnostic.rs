//! The diagnostic type and the catalogue of codes.

use serde::{Deserialize, Serialize};
use vellum_syntax::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Worth knowing, not a problem (an unwritten note).
    Note,
    /// Probably a mistake.
    Warning,
    /// Wrong: the note breaks the schema or a link cannot work.
    Error,
}

impl Severity {
    /// `note`, `warning` or `error`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $name:literal, $sev:ident, $doc:literal;)*) => {
        /// Every diagnostic vellum can report. Codes are stable.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// All codes, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code, e.g. `V101`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)* }
            }

            /// The rule name, e.g. `malformed-yaml`.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The default severity.
            #[must_use]
            pub fn severity(self) -> Severity {
                match self { $(Self::$variant => Severity::$sev,)* }
            }

            /// One line saying what the rule checks.
            #[must_use]
            pub fn doc(self) -> &'static str {
                match self { $(Self::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    Unreadable = "V001", "unreadable-file", Error, "The file could not be read.";
    InvalidUtf8 = "V002", "invalid-utf8", Error, "The note is not valid UTF-8.";
    Binary = "V003", "binary-file", Error, "A `.md` file holds binary data.";
    TooLarge = "V004", "file-too-large", Error, "The note is over the size limit.";
    WalkError = "V005", "walk-error", Error, "The folder walk failed here (for example a symlink loop).";
    BadConfig = "V006", "invalid-config", Error, "`vellum.toml` is invalid.";
    SymlinkOutsideVault = "V007", "symlink-outside-vault", Warning, "A symbolic link leads out of the vault; it is not followed.";
    InvalidFileName = "V008", "invalid-file-name", Error, "A file name is not valid UTF-8 or holds a control character.";
    InvalidObsidianSetting = "V009", "invalid-obsidian-setting", Warning, "A setting in `.obsidian/` cannot be read as Obsidian writes it; vellum ignores it.";
    MalformedYaml = "V101", "malformed-yaml", Error, "The frontmatter is not valid YAML.";
    MissingField = "V102", "missing-field", Error, "A required frontmatter field is missing.";
    WrongType = "V103", "wrong-type", Error, "A frontmatter field has the wrong type.";
    InvalidDate = "V104", "invalid-date", Error, "A date field is not a valid YYYY-MM-DD date.";
    UpdatedBeforeCreated = "V105", "updated-before-created", Warning, "`updated` is earlier than `created`.";
    MalformedNoteId = "V106", "malformed-note-id", Error, "`note_id` is not YYMMDD + kind code + two-digit sequence.";
    NoteIdDateMismatch = "V107", "note-id-date-mismatch", Error, "The date in `note_id` is not the `created` date.";
    DuplicateNoteId = "V108", "duplicate-note-id", Error, "Two notes share a `note_id`.";
    UnquotedPropertyLink = "V109", "unquoted-property-link", Warning, "A wikilink in a property is not quoted, so YAML reads it as a nested list.";
    PropertyTypeMismatch = "V110", "property-type-mismatch", Warning, "A property's value does not fit the type `.obsidian/types.json` gives it.";
    KeywordsMismatch = "V201", "keywords-mismatch", Warning, "Frontmatter `keywords` and the keyword row disagree.";
    TagsMismatch = "V202", "linkage-tags-mismatch", Warning, "Frontmatter `tags` and the linkage tree's tags disagree.";
    TitleMismatch = "V203", "title-mismatch", Warning, "The H1 heading differs from the `title`.";
    MalformedComponent = "V204", "malformed-component", Error, "A journal component's HTML is malformed.";
    SourceWithoutUrl = "V205", "source-without-url", Warning, "A `[!ref]` source has no valid URL.";
    EmptyHeading = "V301", "empty-heading", Warning, "A heading has no text.";
    UnknownCallout = "V302", "unknown-callout", Warning, "A callout type Obsidian does not know (it renders as `note`).";
    PluginOnly = "V303", "plugin-only-content", Note, "A block only an Obsidian plugin renders; the published page shows its source.";
    DrawingWithoutExport = "V304", "drawing-without-export", Note, "An embedded Excalidraw drawing has no SVG or PNG export beside it; the published page shows a link.";
    BrokenFragment = "V401", "missing-heading-or-block", Error, "The linked note has no such heading or block.";
    AmbiguousLink = "V402", "ambiguous-link", Warning, "Several files match the link; Obsidian's tie-break picks one.";
    UnresolvedLink = "V403", "unresolved-link", Note, "The link points to a note that is not written yet.";
    LinkToDraft = "V404", "link-to-draft", Warning, "A published note links to a draft, which will not be published.";
    LinkEscapesVault = "V405", "link-escapes-vault", Error, "A relative link climbs out of the vault.";
    EmbedLoop = "V406", "embed-loop", Warning, "An embed leads back to the note embedding it (itself, or through the note or canvas it embeds); the published page shows a link where the loop closes.";
    InvalidPermalink = "V501", "invalid-permalink", Error, "A `permalink` cannot be a path on the site; the note keeps the URL of its file name.";
    DuplicateUrl = "V502", "duplicate-url", Error, "A `permalink` claims a URL another published note or a section of the site has.";
    InvalidRedirect = "V503", "invalid-redirect", Warning, "A line of `.vellum-redirects` is not a redirect; it is ignored.";
    MalformedCanvas = "V601", "malformed-canvas", Error, "A `.canvas` file is not valid JSON Canvas, or a node or edge of it cannot be read.";
    MissingCanvasFile = "V602", "canvas-file-missing", Warning, "A canvas file node shows a file that is not in the vault.";
    InvalidBase = "V701", "invalid-base", Error, "A base (a `.base` file or a `base` code block) is not valid YAML, does not fit the base format, or holds an expression that does not parse.";
    UnknownBaseName = "V702", "unknown-base-name", Error, "A base calls a function or method that does not exist, with the wrong number of arguments, or names a formula, summary or view it does not define.";
    BaseTypeError = "V703", "base-type-error", Error, "A base applies an operation to values of a type it cannot take.";
    CircularFormula = "V704", "circular-formula", Error, "A base formula refers to itself, directly or through other formulas.";
    BaseWarning = "V705", "base-setting-ignored", Warning, "A base holds something Obsidian ignores or only a plugin shows: an unknown key, a plugin's view type, a file property that does not exist.";
}

/// One finding: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Which rule.
    pub code: Code,
    /// Severity (the code's default unless a rule says otherwise).
    pub severity: Severity,
    /// Vault-relative path of the file.
    pub file: String,
    /// The place in the file, if there is one.
    #[serde(with = "crate::located::span_serde")]
    pub span: Option<Span>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    #[must_use]
    pub fn new(code: Code, file: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity(),
            file: file.to_owned(),
            span,
            message: message.into(),
            help: None,
        }
    }

    /// Add a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
