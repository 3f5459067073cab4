//! A span-carrying YAML tree.
//!
//! serde-saphyr deserializes the document into [`Node`]s wrapped in
//! [`serde_saphyr::Spanned`], so every scalar, sequence and mapping keeps the
//! byte offset where it was written. The base schema is then read from this
//! tree by hand, which lets a malformed section produce a problem with a
//! precise span instead of failing the whole document.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::ops::Range;

/// One YAML value with its location.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    /// Byte range of the node in the source, as far as serde-saphyr knows it.
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar as text, whatever its YAML type (`limit: 10` and `name: 2024` are
    /// read as text where the schema expects text).
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::String(s) => Some(s.clone()),
            NodeKind::Number(n) => Some(crate::value::format_number(*n)),
            NodeKind::Bool(b) => Some(b.to_string()),
            NodeKind::Null => None,
            NodeKind::Seq(_) | NodeKind::Map(_) => None,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Raw node as serde sees it; converted to [`Node`] after the spans are attached.
enum Raw {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Number(v as f64))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Number(v as f64))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Number(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::String(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Raw>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

fn convert(raw: Spanned<Raw>, source: &str) -> Node {
    let start = location_offset(&raw.referenced, source).unwrap_or(0);
    let len = raw.referenced.span().byte_len().and_then(|l| usize::try_from(l).ok()).unwrap_or(0);
    let end = (start + len).min(source.len());
    let kind = match raw.value {
        Raw::Null => NodeKind::Null,
        Raw::Bool(b) => NodeKind::Bool(b),
        Raw::Number(n) => NodeKind::Number(n),
        Raw::String(s) => NodeKind::String(s),
        Raw::Seq(items) => NodeKind::Seq(items.into_iter().map(|i| convert(i, source)).collect()),
        Raw::Map(entries) => NodeKind::Map(
            entries.into_iter().map(|(k, v)| (convert(k, source), convert(v, source))).collect(),
        ),
    };
    Node { kind, span: start..end.max(start) }
}

/// Byte offset of a serde-saphyr location, from its byte span when known, else
/// from the 1-based line and character column.
pub(crate) fn location_offset(loc: &serde_saphyr::Location, source: &str) -> Option<usize> {
    if let Some(b) = loc.span().byte_offset().and_then(|b| usize::try_from(b).ok())
        && b <= source.len()
        && source.is_char_boundary(b)
    {
        return Some(b);
    }
    line_col_to_offset(source, loc.line(), loc.column())
}

/// Converts a 1-based line and 1-based character column to a byte offset.
pub(crate) fn line_col_to_offset(source: &str, line: u64, column: u64) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut line_start = 0usize;
    let mut current = 1u64;
    while current < line {
        let rest = source.get(line_start..)?;
        let nl = rest.find('\n')?;
        line_start += nl + 1;
        current += 1;
    }
    let rest = source.get(line_start..)?;
    let line_text = rest.split('\n').next().unwrap_or("");
    let col = usize::try_from(column.saturating_sub(1)).ok()?;
    let byte = line_text.char_indices().nth(col).map(|(i, _)| i).unwrap_or(line_text.len());
    Some(line_start + byte)
}

/// Error from reading the YAML document: message and byte range.
pub(crate) struct YamlError {
    pub(crate) message: String,
    pub(crate) span: Range<usize>,
}

/// Deepest YAML nesting accepted. A base needs a handful of levels (filters
/// nest a few deep); the tree is built recursively, so the limit also keeps
/// deep hostile documents from exhausting the stack.
const MAX_YAML_DEPTH: usize = 40;

/// serde-saphyr options matching Obsidian's YAML 1.2 reading: only
/// `true`/`false` are booleans, so a formula named `n` or `on` stays a name.
/// Nesting is capped at [`MAX_YAML_DEPTH`].
pub(crate) fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.strict_booleans = true;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_YAML_DEPTH;
    budget.flow_nesting_limit = MAX_YAML_DEPTH;
    options.budget = Some(budget);
    options
}

/// Stack for the YAML reader thread. serde's recursive descent costs tens of
/// kilobytes of stack per nesting level in unoptimized builds, more than a
/// 2 MiB worker thread has for [`MAX_YAML_DEPTH`] levels; the pages are only
/// committed when used.
const YAML_STACK: usize = 64 << 20;

/// Parses a YAML document into a [`Node`] tree, on a helper thread with a
/// stack large enough for the deepest document the budget admits (falling
/// back to the current thread if no thread can be started).
pub(crate) fn parse_yaml(source: &str) -> Result<Node, YamlError> {
    on_big_stack(|| parse_yaml_here(source))
        .unwrap_or_else(|| Err(YamlError { message: "the YAML reader failed".into(), span: 0..0 }))
}

/// Runs `f` on a scoped thread with a [`YAML_STACK`] stack, or on the current
/// thread if none can be started. `None` if `f` panicked.
pub(crate) fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Option<T> {
    let mut slot = Some(f);
    let spawned = std::thread::scope(|scope| {
        let slot = &mut slot;
        std::thread::Builder::new()
            .name("vellum-bases-yaml".into())
            .stack_size(YAML_STACK)
            .spawn_scoped(scope, move || slot.take().map(|f| f()))
            .ok()
            .map(|handle| handle.join().ok().flatten())
    });
    match spawned {
        Some(result) => result,
        None => slot.take().map(|f| f()),
    }
}

fn parse_yaml_here(source: &str) -> Result<Node, YamlError> {
    let options = yaml_options();
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(source, options) {
        Ok(raw) => Ok(convert(raw, source)),
        Err(err) => {
            let start =
                err.location().and_then(|l| location_offset(&l, source)).unwrap_or(0).min(source.len());
            let end = next_char_end(source, start);
            Err(YamlError { message: err.to_string(), span: start..end })
        }
    }
}

fn next_char_end(source: &str, start: usize) -> usize {
    source.get(start..).and_then(|s| s.chars().next()).map(|c| start + c.len_utf8()).unwrap_or(start)
}
