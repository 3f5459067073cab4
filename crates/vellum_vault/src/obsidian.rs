//! What vellum reads of Obsidian's own settings in `.obsidian/` (it never
//! writes there): property types, from `types.json`.
//!
//! Obsidian gives each frontmatter property one type for the whole vault
//! (`{"types": {"rating": "number", "due": "date"}}`); a value that does not
//! fit its type is shown by the app as a mismatch, and `vellum check` reports
//! it (`V110`). A settings file that cannot be read as Obsidian writes it is a
//! warning naming the file (`V009`), never a failure: the vault still loads.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use vellum_syntax::Span;

use crate::load::{LoadProblem, LoadProblemKind};

/// The property types file, relative to the vault.
pub const TYPES_FILE: &str = ".obsidian/types.json";

/// A property type, as Obsidian names them in `types.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PropertyType {
    /// `text`: one line of text.
    Text,
    /// `multitext`: a list of texts.
    List,
    /// `number`.
    Number,
    /// `checkbox`: true or false.
    Checkbox,
    /// `date`: `YYYY-MM-DD`.
    Date,
    /// `datetime`: `YYYY-MM-DDTHH:MM[:SS]`.
    DateTime,
    /// `aliases`: the note's other names (a list).
    Aliases,
    /// `tags`: a list of tags.
    Tags,
}

impl PropertyType {
    /// The type named `name` in `types.json`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "text" => Self::Text,
            "multitext" => Self::List,
            "number" => Self::Number,
            "checkbox" => Self::Checkbox,
            "date" => Self::Date,
            "datetime" => Self::DateTime,
            "aliases" => Self::Aliases,
            "tags" => Self::Tags,
            _ => return None,
        })
    }

    /// Its name in `types.json`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::List => "multitext",
            Self::Number => "number",
            Self::Checkbox => "checkbox",
            Self::Date => "date",
            Self::DateTime => "datetime",
            Self::Aliases => "aliases",
            Self::Tags => "tags",
        }
    }

    /// Whether `value` (a frontmatter value as YAML gave it) fits this type
    /// as Obsidian shows it: an empty value fits every type, a list type also
    /// takes one text (the app shows it as a one-item list), and a text takes
    /// any single scalar.
    #[must_use]
    pub fn fits(self, value: &Value) -> bool {
        let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
        match (self, value) {
            (_, Value::Null) => true,
            (Self::Text, v) => scalar(v),
            (Self::List | Self::Aliases | Self::Tags, Value::Array(items)) => {
                items.iter().all(|i| scalar(i) || i.is_null())
            }
            (Self::List | Self::Aliases | Self::Tags, v) => scalar(v),
            (Self::Number, v) => v.is_number(),
            (Self::Checkbox, v) => v.is_boolean(),
            (Self::Date, Value::String(s)) => is_date(s),
            (Self::DateTime, Value::String(s)) => is_datetime(s),
            _ => false,
        }
    }
}

/// `YYYY-MM-DD`, a real day.
fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

/// `YYYY-MM-DDTHH:MM` with optional seconds (and fraction), or a date alone.
fn is_datetime(s: &str) -> bool {
    is_date(s) || s.parse::<jiff::civil::DateTime>().is_ok()
}

/// The property types of a vault, by property name (Obsidian matches names
/// without regard to case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PropertyTypes(BTreeMap<String, PropertyType>);

impl PropertyTypes {
    /// The type of property `name`, when the vault gives it one.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<PropertyType> {
        self.0.get(&name.to_lowercase()).copied()
    }

    /// Every typed property, lowercased, with its type.
    pub fn iter(&self) -> impl Iterator<Item = (&str, PropertyType)> {
        self.0.iter().map(|(k, t)| (k.as_str(), *t))
    }

    /// Whether no property has a type.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Read `.obsidian/types.json` of the vault at `root`: the types, and a
/// problem for a file that is not Obsidian's JSON or names an unknown type.
/// No file: no types and no problem. (A vault's load reads it; a cache that
/// rebuilds part of a vault reads it the same way.)
#[must_use]
pub fn read_types(root: &Path) -> (PropertyTypes, Vec<LoadProblem>) {
    let Ok(text) = std::fs::read_to_string(root.join(TYPES_FILE)) else {
        return (PropertyTypes::default(), Vec::new());
    };
    parse_types(&text)
}

fn parse_types(text: &str) -> (PropertyTypes, Vec<LoadProblem>) {
    let problem = |message: String, span: Option<Span>| LoadProblem {
        path: TYPES_FILE.to_owned(),
        kind: LoadProblemKind::ObsidianSetting,
        message,
        text: span.map(|_| text.to_owned()),
        span,
    };
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let lines = vellum_syntax::LineIndex::new(text);
            let at = lines.line_start(e.line().max(1)) + e.column().saturating_sub(1);
            let at = vellum_syntax::text::floor_char_boundary(text, at.min(text.len()));
            let end = vellum_syntax::text::ceil_char_boundary(text, (at + 1).min(text.len()));
            let message = format!("not valid JSON, property types ignored: {e}");
            return (PropertyTypes::default(), vec![problem(message, Some(Span::new(at, end)))]);
        }
    };
    let Some(types) = root.get("types").and_then(Value::as_object) else {
        let message = "no `types` object, property types ignored".to_owned();
        return (PropertyTypes::default(), vec![problem(message, None)]);
    };
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, ty) in types {
        match ty.as_str().and_then(PropertyType::from_name) {
            Some(t) => {
                out.insert(name.to_lowercase(), t);
            }
            None => problems.push(problem(
                format!("property `{name}` has an unknown type {ty}; it is not checked"),
                None,
            )),
        }
    }
    (PropertyTypes(out), problems)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_fit_their_types_as_obsidian_shows_them() {
        use PropertyType::*;
        let cases: &[(PropertyType, Value, bool)] = &[
            (Number, json!(4), true),
            (Number, json!(4.5), true),
            (Number, json!("high"), false),
            (Number, json!(null), true),
            (Checkbox, json!(true), true),
            (Checkbox, json!("yes"), false),
            (Date, json!("2024-03-01"), true),
            (Date, json!("2024-02-30"), false),
            (Date, json!("March 1"), false),
            (DateTime, json!("2024-03-01T09:30"), true),
            (DateTime, json!("2024-03-01T09:30:15"), true),
            (DateTime, json!("2024-03-01"), true),
            (DateTime, json!("tomorrow"), false),
            (List, json!(["a", "b"]), true),
            (List, json!("a"), true),
            (List, json!([["nested"]]), false),
            (Tags, json!({"a": 1}), false),
            (Text, json!("plain"), true),
            (Text, json!(3), true),
            (Text, json!(["a", "b"]), false),
        ];
        for (t, v, fits) in cases {
            assert_eq!(t.fits(v), *fits, "{} {v}", t.name());
        }
    }

    #[test]
    fn types_json_is_read_and_its_problems_named() {
        let (types, problems) =
            parse_types(r#"{"types": {"Rating": "number", "due": "date", "mood": "emoji", "tags": "tags"}}"#);
        assert_eq!(types.get("rating"), Some(PropertyType::Number));
        assert_eq!(types.get("RATING"), Some(PropertyType::Number));
        assert_eq!(types.get("due"), Some(PropertyType::Date));
        assert_eq!(types.get("mood"), None);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`mood`") && problems[0].path == TYPES_FILE);

        let (types, problems) = parse_types("{\"types\": {\"a\": \"text\",}");
        assert!(types.is_empty());
        assert_eq!(problems.len(), 1);
        let span = problems[0].span.expect("a place");
        assert!(span.start > 20, "points at the stray comma: {span:?}");

        let (types, problems) = parse_types("[]");
        assert!(types.is_empty() && problems.len() == 1);
    }
}
