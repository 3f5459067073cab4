//! The catalogue of global functions and methods: names, arities and the value
//! types they apply to. The static checker reads it; the evaluator implements
//! exactly these names.

/// Static type of a value, as far as the checker can tell without data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Any,
    Null,
    Bool,
    Number,
    String,
    Date,
    Duration,
    List,
    Object,
    Link,
    File,
    Regex,
    Other,
}

impl Ty {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Ty::Any => "any",
            Ty::Null => "null",
            Ty::Bool => "boolean",
            Ty::Number => "number",
            Ty::String => "string",
            Ty::Date => "date",
            Ty::Duration => "duration",
            Ty::List => "list",
            Ty::Object => "object",
            Ty::Link => "link",
            Ty::File => "file",
            Ty::Regex => "regexp",
            Ty::Other => "value",
        }
    }
}

/// One function or method: name, minimum and maximum argument count (`None` for
/// variadic), result type.
pub(crate) struct Sig {
    pub(crate) name: &'static str,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    pub(crate) ret: Ty,
}

const fn sig(name: &'static str, min: usize, max: Option<usize>, ret: Ty) -> Sig {
    Sig { name, min, max, ret }
}

/// Global functions (`Functions.md`, section Global).
pub(crate) const GLOBALS: &[Sig] = &[
    sig("escapeHTML", 1, Some(1), Ty::String),
    sig("date", 1, Some(1), Ty::Date),
    sig("duration", 1, Some(1), Ty::Duration),
    sig("file", 1, Some(1), Ty::File),
    sig("html", 1, Some(1), Ty::Other),
    sig("if", 2, Some(3), Ty::Any),
    sig("image", 1, Some(1), Ty::Other),
    sig("icon", 1, Some(1), Ty::Other),
    sig("link", 1, Some(2), Ty::Link),
    sig("list", 1, Some(1), Ty::List),
    sig("max", 1, None, Ty::Any),
    sig("min", 1, None, Ty::Any),
    sig("now", 0, Some(0), Ty::Date),
    sig("number", 1, Some(1), Ty::Number),
    sig("today", 0, Some(0), Ty::Date),
    sig("random", 0, Some(0), Ty::Number),
];

/// Methods available on every value.
pub(crate) const ANY_METHODS: &[Sig] = &[
    sig("isTruthy", 0, Some(0), Ty::Bool),
    sig("isType", 1, Some(1), Ty::Bool),
    sig("toString", 0, Some(0), Ty::String),
    sig("isEmpty", 0, Some(0), Ty::Bool),
];

pub(crate) const DATE_METHODS: &[Sig] = &[
    sig("date", 0, Some(0), Ty::Date),
    sig("format", 1, Some(1), Ty::String),
    sig("time", 0, Some(0), Ty::String),
    sig("relative", 0, Some(0), Ty::String),
];

pub(crate) const STRING_METHODS: &[Sig] = &[
    sig("contains", 1, Some(1), Ty::Bool),
    sig("containsAll", 1, None, Ty::Bool),
    sig("containsAny", 1, None, Ty::Bool),
    sig("endsWith", 1, Some(1), Ty::Bool),
    sig("lower", 0, Some(0), Ty::String),
    sig("replace", 2, Some(2), Ty::String),
    sig("repeat", 1, Some(1), Ty::String),
    sig("reverse", 0, Some(0), Ty::String),
    sig("slice", 1, Some(2), Ty::String),
    sig("split", 1, Some(2), Ty::List),
    sig("startsWith", 1, Some(1), Ty::Bool),
    sig("title", 0, Some(0), Ty::String),
    sig("trim", 0, Some(0), Ty::String),
];

pub(crate) const NUMBER_METHODS: &[Sig] = &[
    sig("abs", 0, Some(0), Ty::Number),
    sig("ceil", 0, Some(0), Ty::Number),
    sig("floor", 0, Some(0), Ty::Number),
    sig("round", 0, Some(1), Ty::Number),
    sig("toFixed", 1, Some(1), Ty::String),
];

/// List methods. `mean` is not in the function reference but the Bases syntax
/// page uses it in its summary example (`values.mean().round(3)`).
pub(crate) const LIST_METHODS: &[Sig] = &[
    sig("contains", 1, Some(1), Ty::Bool),
    sig("containsAll", 1, None, Ty::Bool),
    sig("containsAny", 1, None, Ty::Bool),
    sig("filter", 1, Some(1), Ty::List),
    sig("flat", 0, Some(0), Ty::List),
    sig("join", 0, Some(1), Ty::String),
    sig("map", 1, Some(1), Ty::List),
    sig("reduce", 2, Some(2), Ty::Any),
    sig("reverse", 0, Some(0), Ty::List),
    sig("slice", 1, Some(2), Ty::List),
    sig("sort", 0, Some(0), Ty::List),
    sig("unique", 0, Some(0), Ty::List),
    sig("mean", 0, Some(0), Ty::Number),
];

pub(crate) const LINK_METHODS: &[Sig] =
    &[sig("asFile", 0, Some(0), Ty::File), sig("linksTo", 1, Some(1), Ty::Bool)];

pub(crate) const FILE_METHODS: &[Sig] = &[
    sig("asLink", 0, Some(1), Ty::Link),
    sig("hasLink", 1, Some(1), Ty::Bool),
    sig("hasProperty", 1, Some(1), Ty::Bool),
    sig("hasTag", 1, None, Ty::Bool),
    sig("inFolder", 1, Some(1), Ty::Bool),
];

pub(crate) const OBJECT_METHODS: &[Sig] =
    &[sig("keys", 0, Some(0), Ty::List), sig("values", 0, Some(0), Ty::List)];

pub(crate) const REGEX_METHODS: &[Sig] = &[sig("matches", 1, Some(1), Ty::Bool)];

/// Fields of a date value.
pub(crate) const DATE_FIELDS: &[&str] = &["year", "month", "day", "hour", "minute", "second", "millisecond"];

/// Fields of a file value.
pub(crate) const FILE_FIELDS: &[&str] = &[
    "name",
    "basename",
    "path",
    "folder",
    "ext",
    "size",
    "properties",
    "tags",
    "links",
    "embeds",
    "backlinks",
    "ctime",
    "mtime",
    "file",
];

pub(crate) fn global(name: &str) -> Option<&'static Sig> {
    GLOBALS.iter().find(|s| s.name == name)
}

/// Method tables that apply to a static type (besides [`ANY_METHODS`]). Date
/// methods also apply to strings, which may hold a date written as text.
pub(crate) fn tables_for(ty: Ty) -> &'static [&'static [Sig]] {
    match ty {
        Ty::String => &[STRING_METHODS, DATE_METHODS],
        Ty::Number => &[NUMBER_METHODS],
        Ty::Date => &[DATE_METHODS],
        Ty::List => &[LIST_METHODS],
        Ty::Object => &[OBJECT_METHODS],
        Ty::Link => &[LINK_METHODS],
        Ty::File => &[FILE_METHODS],
        Ty::Regex => &[REGEX_METHODS],
        Ty::Any => ALL_TABLES,
        Ty::Null | Ty::Bool | Ty::Duration | Ty::Other => &[],
    }
}

const ALL_TABLES: &[&[Sig]] = &[
    DATE_METHODS,
    STRING_METHODS,
    NUMBER_METHODS,
    LIST_METHODS,
    LINK_METHODS,
    FILE_METHODS,
    OBJECT_METHODS,
    REGEX_METHODS,
];

/// Finds a method for a receiver type; `Err(true)` when the name exists for
/// some other type, `Err(false)` when no type has it.
pub(crate) fn method(ty: Ty, name: &str) -> Result<&'static Sig, bool> {
    if let Some(s) = ANY_METHODS.iter().find(|s| s.name == name) {
        return Ok(s);
    }
    for table in tables_for(ty) {
        if let Some(s) = table.iter().find(|s| s.name == name) {
            return Ok(s);
        }
    }
    let exists = ALL_TABLES.iter().any(|t| t.iter().any(|s| s.name == name));
    Err(exists)
}

/// Human form of an arity for messages: `1`, `1 or 2`, `at least 1`.
pub(crate) fn arity_text(s: &Sig) -> String {
    match s.max {
        None => format!("at least {}", s.min),
        Some(max) if max == s.min => format!("{max}"),
        Some(max) if max == s.min + 1 => format!("{} or {max}", s.min),
        Some(max) => format!("{} to {max}", s.min),
    }
}
