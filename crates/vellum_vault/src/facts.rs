//! Facts: what the query language and the note tables need to know about each
//! note, flattened into small owned values with no spans and no text.
//!
//! The [`query`](crate::query) evaluator runs over [`VaultFacts`], never over the
//! parsed model directly, so that a cache can answer a query without reading or
//! parsing a single note: `vellum_cache` persists `VaultFacts` in
//! `<vault>/.vellum/` and reloads them when no file changed. Building facts from
//! a loaded [`Vault`] and reading them back from a cache give the same answers
//! because both go through this one type.
//!
//! Bodies (for bare-word queries) are kept apart from the rest: most queries
//! never need them, and they are most of the bytes.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{Kept, LoadedToPublish, NoteIdx, PropertyType, Target, Vault};

/// Where one link of a note leads, as far as `links-to:` cares.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkFact {
    /// To this note (index in [`VaultFacts::notes`]), any heading or block.
    Note(u32),
    /// Nowhere yet: the target as written, lowercased.
    Unresolved(String),
}

/// How `prop:` compares a property's values: its type in
/// `.obsidian/types.json`, as far as comparing goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PropKind {
    /// No type: inferred from the values compared.
    #[default]
    Untyped,
    /// `text`, `multitext`, `aliases`, `tags`: texts (a list by any item).
    Text,
    /// `number`.
    Number,
    /// `date` and `datetime`.
    Date,
    /// `checkbox`.
    Checkbox,
}

impl PropKind {
    /// How a property of type `ty` (or none) compares.
    #[must_use]
    pub fn of(ty: Option<PropertyType>) -> Self {
        match ty {
            None => Self::Untyped,
            Some(PropertyType::Number) => Self::Number,
            Some(PropertyType::Date | PropertyType::DateTime) => Self::Date,
            Some(PropertyType::Checkbox) => Self::Checkbox,
            Some(_) => Self::Text,
        }
    }
}

/// One frontmatter property of a note, as `prop:` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropFact {
    /// The property's name, lowercased.
    pub name: String,
    /// How its values compare (from the vault's property types).
    pub kind: PropKind,
    /// Its text values, lowercased: the value itself, or each item of a list
    /// (numbers and booleans as written, nested lists and mappings left out).
    pub values: Vec<String>,
    /// Where the links written in it lead.
    pub links: Vec<LinkFact>,
}

/// The journal elements a note has, for `has:`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(clippy::struct_excessive_bools)] // one flag per `has:` value, read by name
pub struct HasFacts {
    /// A core claim or an inline claim.
    pub claim: bool,
    /// A reflective question.
    pub question: bool,
    /// A `[!ref]` source.
    pub source: bool,
    /// A `signals` section.
    pub signals: bool,
    /// A `my take` section.
    pub take: bool,
    /// A brain dump.
    pub brain_dump: bool,
    /// A linkage tree.
    pub linkage: bool,
}

impl HasFacts {
    /// The flag for a `has:` value (see [`crate::query::HAS_VALUES`]).
    #[must_use]
    pub fn get(&self, what: &str) -> bool {
        match what {
            "claim" => self.claim,
            "question" => self.question,
            "source" => self.source,
            "signals" => self.signals,
            "take" => self.take,
            "brain-dump" => self.brain_dump,
            "linkage" => self.linkage,
            _ => false,
        }
    }
}

/// What queries and tables know about one note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteFacts {
    /// Vault-relative path.
    pub path: String,
    /// Title ([`crate::title_of`]).
    pub title: String,
    /// `aliases`, as written.
    pub aliases: Vec<String>,
    /// `note_id`, as written.
    pub note_id: Option<String>,
    /// Frontmatter `tags`, as written (for display).
    pub tags: Vec<String>,
    /// Frontmatter and inline tags, lowercased, sorted, deduplicated.
    pub all_tags: Vec<String>,
    /// Frontmatter keywords and the keyword row, lowercased.
    pub keywords: Vec<String>,
    /// Frontmatter `tags` and `cssclasses`, lowercased: what `kind:` matches.
    pub kinds: Vec<String>,
    /// `created`.
    pub created: Option<Date>,
    /// `updated`.
    pub updated: Option<Date>,
    /// `draft: true`.
    pub draft: bool,
    /// Hidden by Obsidian's settings ([`Vault::is_hidden`]): no query selects it.
    pub hidden: bool,
    /// Journal elements present.
    pub has: HasFacts,
    /// Distinct link destinations that `links-to:` can match, from the body
    /// and the properties.
    pub links: Vec<LinkFact>,
    /// Every frontmatter property with a value, in file order.
    pub props: Vec<PropFact>,
}

impl NoteFacts {
    /// The file name without folder and `.md`.
    #[must_use]
    pub fn stem(&self) -> &str {
        crate::stem_of(&self.path)
    }
}

/// The facts of every note of a vault, in the vault's note order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultFacts {
    /// One entry per note, sorted by path (same indices as [`Vault::notes`]).
    pub notes: Vec<NoteFacts>,
    /// Each note's body (the text after the frontmatter), lowercased, for
    /// bare-word queries; `None` when they were not loaded.
    #[serde(skip)]
    pub bodies: Option<Bodies>,
}

/// The lowercased bodies of all notes in one buffer (one allocation to load,
/// whatever the number of notes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bodies {
    text: String,
    ends: Vec<usize>,
}

impl Bodies {
    /// Note `i`'s lowercased body, if there is a note `i`.
    #[must_use]
    pub fn get(&self, i: NoteIdx) -> Option<&str> {
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.text.get(start..*self.ends.get(i)?)
    }

    /// How many bodies there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl FromIterator<String> for Bodies {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut out = Bodies::default();
        for body in iter {
            out.text.push_str(&body);
            out.ends.push(out.text.len());
        }
        out
    }
}

impl VaultFacts {
    /// The facts of `vault`; `with_bodies` also keeps the lowercased bodies.
    ///
    /// # Errors
    /// When the vault was loaded to publish: it lacks what queries read.
    pub fn from_vault(vault: &Vault, with_bodies: bool) -> Result<Self, LoadedToPublish> {
        use rayon::prelude::*;
        let kept = vault.kept()?;
        let notes = (0..vault.notes.len()).into_par_iter().map(|i| note_facts(vault, i, kept[i])).collect();
        let bodies = with_bodies.then(|| bodies_of(vault, &kept));
        Ok(Self { notes, bodies })
    }

    /// The lowercased body of every note, in note order.
    ///
    /// # Errors
    /// When the vault was loaded to publish: it holds no texts.
    pub fn bodies_of(vault: &Vault) -> Result<Bodies, LoadedToPublish> {
        Ok(bodies_of(vault, &vault.kept()?))
    }
}

/// The lowercased body of every note, in note order.
fn bodies_of(vault: &Vault, kept: &[Kept<'_>]) -> Bodies {
    use rayon::prelude::*;
    let bodies: Vec<String> = vault
        .notes
        .par_iter()
        .zip(kept)
        .map(|(n, k)| k.text.get(n.note.body.range()).unwrap_or_default().to_lowercase())
        .collect();
    bodies.into_iter().collect()
}

/// The facts of note `i` of `vault`, whose text and detail are `kept`.
fn note_facts(vault: &Vault, i: NoteIdx, kept: Kept<'_>) -> NoteFacts {
    let n = &vault.notes[i];
    let note = &n.note;
    let p = &note.properties;
    let j = &note.journal;
    let lower = |v: &str| v.to_lowercase();
    let mut keywords: Vec<String> = p.keywords.iter().map(|k| lower(&k.value)).collect();
    if let Some(row) = &j.keyword_row {
        keywords.extend(row.value.iter().map(|k| lower(&k.value)));
    }
    keywords.sort();
    keywords.dedup();
    let mut links: Vec<LinkFact> = Vec::new();
    let mut props: Vec<PropFact> = kept
        .detail
        .fields
        .iter()
        .filter_map(|(name, field)| {
            let values = text_values(&field.value);
            let kind = PropKind::of(vault.config.property_types.get(name));
            (!values.is_empty()).then(|| PropFact { name: lower(name), kind, values, links: Vec::new() })
        })
        .collect();
    for (r, l) in vault.resolved[i].iter().zip(&note.links) {
        let fact = if let Some(note) = r.target.note() {
            let Ok(n) = u32::try_from(note) else { continue };
            LinkFact::Note(n)
        } else if r.target == Target::Unresolved {
            LinkFact::Unresolved(l.target.to_lowercase())
        } else {
            continue;
        };
        if let Some(name) = &l.property
            && let Some(prop) = props.iter_mut().find(|p| p.name == lower(name))
            && !prop.links.contains(&fact)
        {
            prop.links.push(fact.clone());
        }
        if !links.contains(&fact) {
            links.push(fact);
        }
    }
    NoteFacts {
        path: n.path.clone(),
        title: n.title.clone(),
        aliases: p.aliases.iter().map(|a| a.value.clone()).collect(),
        note_id: p.note_id.as_ref().map(|x| x.value.clone()),
        tags: p.tags.iter().map(|t| t.value.clone()).collect(),
        all_tags: note.all_tags(),
        keywords,
        kinds: p.tags.iter().chain(&p.cssclasses).map(|t| lower(&t.value)).collect(),
        created: p.created.as_ref().map(|d| d.value),
        updated: p.updated.as_ref().map(|d| d.value),
        draft: n.is_draft(),
        hidden: vault.is_hidden(i),
        has: HasFacts {
            claim: j.core_claim.is_some() || !j.claims.is_empty(),
            question: !j.questions.is_empty(),
            source: !j.sources.is_empty(),
            signals: !kept.detail.signals.is_empty(),
            take: j.my_take.is_some(),
            brain_dump: !kept.detail.brain_dump.is_empty(),
            linkage: kept.detail.linkage.is_some(),
        },
        links,
        props,
    }
}

/// The text values of a property, lowercased: see [`PropFact::values`].
fn text_values(value: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    let one = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_lowercase()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                // The unquoted `[[Note]]`: a list holding one text.
                Value::Array(inner) => match inner.as_slice() {
                    [Value::String(s)] => Some(format!("[[{}]]", s.trim().to_lowercase())),
                    _ => None,
                },
                v => one(v),
            })
            .collect(),
        v => one(v).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, FindNotes};

    fn vault(notes: &[(&str, &str)]) -> Vault {
        let paths = notes.iter().map(|(p, _)| (*p).to_owned()).collect();
        let texts = notes.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        Vault::from_texts("/v".into(), Config::default(), paths, texts)
    }

    #[test]
    fn facts_follow_the_model() {
        let v = vault(&[
            (
                "a.md",
                "---\ntitle: Alpha\ntags: [Hardware/GPU]\nkeywords: [CUDA]\naliases: [First]\nnote_id: 220511TJ01\ndraft: true\n---\nSee [[b]], [[B#x]] and [[Nowhere]]. #Inline\n",
            ),
            ("b.md", "# B\n"),
        ]);
        let f = VaultFacts::from_vault(&v, true).expect("kept");
        let a = &f.notes[0];
        assert_eq!(a.title, "Alpha");
        assert_eq!(a.all_tags, vec!["hardware/gpu", "inline"]);
        assert_eq!(a.keywords, vec!["cuda"]);
        assert!(a.draft);
        // `[[b]]` and `[[B#x]]` lead to the same note: one fact.
        assert_eq!(a.links, vec![LinkFact::Note(1), LinkFact::Unresolved("nowhere".to_owned())]);
        assert_eq!(f.find_notes("first"), vec![0]);
        assert_eq!(f.find_notes("220511tj01"), vec![0]);
        assert_eq!(f.find_notes("b.md"), vec![1]);
        assert_eq!(f.find_notes("nothing"), Vec::<usize>::new());
        let bodies = f.bodies.as_ref().map(Bodies::len);
        assert_eq!(bodies, Some(2));
        assert!(f.bodies.as_ref().and_then(|b| b.get(0)).is_some_and(|b| b.contains("see [[b]]")));
        assert_eq!(f.bodies.as_ref().and_then(|b| b.get(1)), Some("# b\n"));
        assert_eq!(f.bodies.as_ref().and_then(|b| b.get(2)), None);
    }

    #[test]
    fn find_notes_agrees_with_the_vault() {
        let v = vault(&[
            ("x/Same.md", "---\naliases: [other]\n---\n"),
            ("y/Same.md", "---\ntitle: Other\n---\n"),
            ("z.md", "---\nnote_id: 220101TJ02\n---\n"),
        ]);
        let f = VaultFacts::from_vault(&v, false).expect("kept");
        for q in ["Same", "same", "other", "x/Same", "x/Same.md", "220101tj02", "z", "./z.md", "none"] {
            assert_eq!(f.find_notes(q), v.find_notes(q), "query {q}");
        }
    }

    #[test]
    fn a_path_in_another_case_finds_the_note_in_both() {
        let v = vault(&[("x/Same.md", "# S\n"), ("y/Same.md", "# T\n"), ("z.md", "[[x/Same]]\n")]);
        let f = VaultFacts::from_vault(&v, false).expect("kept");
        for q in ["X/SAME.md", "x/same", "X/same.MD", "./x/SAME.md"] {
            assert_eq!(v.find_notes(q), vec![0], "vault, query {q}");
            assert_eq!(f.find_notes(q), vec![0], "facts, query {q}");
        }
    }

    #[test]
    fn a_path_spelled_as_on_disk_wins_over_one_in_another_case() {
        let v = vault(&[("a/NOTE.md", ""), ("a/Note.md", ""), ("b.md", "---\naliases: [ΟΔΟΣ]\n---\n")]);
        let f = VaultFacts::from_vault(&v, false).expect("kept");
        for (q, want) in [("a/Note.md", 1), ("a/NOTE", 0), ("A/note.md", 0), ("οδοσ", 2), ("B", 2)] {
            assert_eq!(v.find_notes(q), vec![want], "vault, query {q}");
            assert_eq!(f.find_notes(q), vec![want], "facts, query {q}");
        }
        assert_eq!(v.find_notes("note"), vec![0, 1], "a name matches every note it names");
    }
}
