//! The default theme's words in the site's language: one catalogue per
//! language (`theme/i18n/<lang>.toml`, embedded), chosen by `[site]
//! language`, with a theme's overrides from `_theme/i18n/<lang>.toml` on top.
//!
//! A build resolves its [`Catalogue`] once (in [`crate::config::Site`]):
//! templates get its strings as the global `t` and the script as one JSON
//! value; the Rust side reads the typed [`Strings`] fields directly, so no
//! string is looked up by name per page. Dates become words in one place,
//! [`vellum_render::Locale::format_date`], whose month names and pattern
//! come from here.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The embedded catalogues, by language code. English is the fallback and
/// the reference: every other catalogue has exactly its keys.
pub(crate) const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("../theme/i18n/en.toml")),
    ("de", include_str!("../theme/i18n/de.toml")),
    ("fr", include_str!("../theme/i18n/fr.toml")),
    ("es", include_str!("../theme/i18n/es.toml")),
    ("pt", include_str!("../theme/i18n/pt.toml")),
    ("zh", include_str!("../theme/i18n/zh.toml")),
    ("ja", include_str!("../theme/i18n/ja.toml")),
    ("ko", include_str!("../theme/i18n/ko.toml")),
];

/// Languages written right to left: their pages get `dir="rtl"`.
const RTL: &[&str] = &["ar", "he", "fa", "ur"];

/// Every string of a catalogue (the keys of `theme/i18n/en.toml`, documented
/// there). Strings with `{placeholders}` are filled by the templates' `fill`
/// filter or by [`fill`]; a key ending in `_one` is the form for a count of 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Strings {
    pub(crate) months: [String; 12],
    pub(crate) date: String,
    pub(crate) undated: String,
    pub(crate) skip_to_content: String,
    pub(crate) sections: String,
    pub(crate) tags: String,
    pub(crate) keywords: String,
    pub(crate) claims: String,
    pub(crate) questions: String,
    pub(crate) sources: String,
    pub(crate) graph: String,
    pub(crate) search: String,
    pub(crate) search_placeholder: String,
    pub(crate) search_label: String,
    pub(crate) drafts_banner: String,
    pub(crate) atom_feed: String,
    pub(crate) built_with: String,
    pub(crate) draft: String,
    pub(crate) not_published: String,
    pub(crate) draft_preview: String,
    pub(crate) min_read: String,
    pub(crate) updated: String,
    pub(crate) core_claim: String,
    pub(crate) contents: String,
    pub(crate) backlinks: String,
    pub(crate) no_backlinks: String,
    pub(crate) neighbourhood: String,
    pub(crate) local_graph_label: String,
    pub(crate) no_notes: String,
    pub(crate) notes_count: String,
    pub(crate) notes_count_one: String,
    pub(crate) nothing_published: String,
    pub(crate) pages: String,
    pub(crate) first_page: String,
    pub(crate) previous_page: String,
    pub(crate) next_page: String,
    pub(crate) last_page: String,
    pub(crate) page_of: String,
    pub(crate) title_page_of: String,
    pub(crate) tags_count: String,
    pub(crate) tags_count_one: String,
    pub(crate) no_tags: String,
    pub(crate) tags_description: String,
    pub(crate) tag_description: String,
    pub(crate) tag_direct: String,
    pub(crate) keywords_count: String,
    pub(crate) keywords_count_one: String,
    pub(crate) no_keywords: String,
    pub(crate) keywords_description: String,
    pub(crate) keyword_description: String,
    pub(crate) claims_lead: String,
    pub(crate) claims_description: String,
    pub(crate) no_claims: String,
    pub(crate) questions_lead: String,
    pub(crate) questions_description: String,
    pub(crate) no_questions: String,
    pub(crate) sources_lead: String,
    pub(crate) sources_lead_one: String,
    pub(crate) sources_description: String,
    pub(crate) why_it_matters: String,
    pub(crate) source_why: String,
    pub(crate) cited_by: String,
    pub(crate) no_sources: String,
    pub(crate) not_written: String,
    pub(crate) unwritten_links: String,
    pub(crate) unwritten_links_one: String,
    pub(crate) unwritten_description: String,
    pub(crate) graph_lead: String,
    pub(crate) graph_label: String,
    pub(crate) graph_description: String,
    pub(crate) graph_needs_js: String,
    pub(crate) graph_shows: String,
    pub(crate) search_description: String,
    pub(crate) search_page_placeholder: String,
    pub(crate) search_needs_js: String,
    pub(crate) search_found: String,
    pub(crate) search_found_one: String,
    pub(crate) search_none: String,
    pub(crate) search_failed: String,
    pub(crate) preview_not_written: String,
    pub(crate) not_found: String,
    pub(crate) not_found_lead: String,
    pub(crate) back_to_timeline: String,
    pub(crate) search_the_notes: String,
    pub(crate) browse_tags: String,
    pub(crate) timeline: String,
    pub(crate) folders: String,
    pub(crate) folders_description: String,
    pub(crate) folder_description: String,
    pub(crate) home: String,
    pub(crate) breadcrumbs: String,
    pub(crate) explorer: String,
    pub(crate) browse_folders: String,
    pub(crate) in_this_folder: String,
    pub(crate) more_in_folder: String,
    pub(crate) moved: String,
}

/// The words of one build: the strings, the renderer's share of them, the
/// text direction and what the script reads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Catalogue {
    /// The primary language subtag (`pt` for `pt-BR`), lowercase.
    pub(crate) code: String,
    pub(crate) strings: Strings,
    /// Month names, date pattern and source label, for the renderer and for
    /// the dates on cards.
    pub(crate) locale: vellum_render::Locale,
    /// `rtl` for languages written right to left, else `ltr`.
    pub(crate) dir: &'static str,
    /// The strings `vellum.js` shows, as JSON safe inside a `<script>` element.
    pub(crate) script_json: String,
}

/// The keys `vellum.js` reads (from `<script id="vellum-strings">`).
const SCRIPT_KEYS: &[&str] = &[
    "draft",
    "search_found",
    "search_found_one",
    "search_none",
    "search_failed",
    "preview_not_written",
    "graph_shows",
];

impl Catalogue {
    /// The catalogue for `language` (a BCP 47 tag such as `de`, `pt-BR`,
    /// `zh-Hans`), with the overrides of the theme in `vault_root`, and the
    /// warnings a build reports: a language without a catalogue (its pages
    /// are in English) and an override file that cannot be read.
    pub(crate) fn resolve(language: &str, vault_root: &Path) -> (Self, Vec<String>) {
        let code = primary_subtag(language);
        let mut warnings = Vec::new();
        let theme = crate::theme::strings_override(vault_root, &code);
        let builtin = CATALOGUES.iter().find(|(c, _)| *c == code).map(|(_, text)| *text);
        if builtin.is_none() && !matches!(theme, Ok(Some(_))) {
            warnings.push(format!(
                "`[site] language = \"{language}\"` has no catalogue of the theme's words: the site's words are in English"
            ));
        }
        let mut table = parse_table(builtin.unwrap_or(CATALOGUES[0].1)).unwrap_or_default();
        match theme {
            Ok(Some((path, text))) => match parse_table(&text) {
                Ok(over) => {
                    for (key, value) in over {
                        let known = table.get(&key).is_some_and(|v| v.same_type(&value));
                        if known {
                            table.insert(key, value);
                        } else {
                            warnings.push(format!(
                                "`{}`: `{key}` is not a string of the theme (or not of the same type); ignored",
                                path.display()
                            ));
                        }
                    }
                }
                Err(e) => {
                    warnings.push(format!("`{}` is not valid TOML and was ignored: {e}", path.display()))
                }
            },
            Ok(None) => {}
            Err(e) => warnings.push(e),
        }
        let strings = match Strings::deserialize(toml::Value::Table(table)) {
            Ok(s) => s,
            Err(e) => {
                warnings
                    .push(format!("the theme's strings for `{code}` are incomplete ({e}); using English"));
                english()
            }
        };
        (Self::from_strings(code, strings), warnings)
    }

    fn from_strings(code: String, strings: Strings) -> Self {
        let locale = vellum_render::Locale {
            months: strings.months.clone(),
            date: strings.date.clone(),
            source_why: strings.source_why.clone(),
        };
        let dir = if RTL.contains(&code.as_str()) { "rtl" } else { "ltr" };
        let script_json = script_json(&strings);
        Self { code, strings, locale, dir, script_json }
    }
}

/// English, straight from the embedded catalogue.
fn english() -> Strings {
    parse_table(CATALOGUES[0].1)
        .ok()
        .and_then(|t| Strings::deserialize(toml::Value::Table(t)).ok())
        .unwrap_or_else(|| unreachable!("the embedded English catalogue is complete (tested)"))
}

fn parse_table(text: &str) -> Result<toml::Table, toml::de::Error> {
    text.parse::<toml::Table>()
}

/// `pt-BR` → `pt`, `zh_Hant_TW` → `zh`, ` DE ` → `de`.
pub(crate) fn primary_subtag(language: &str) -> String {
    language.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase()
}

/// The strings of [`SCRIPT_KEYS`] as a JSON object, with `<` escaped so that
/// no string can close the `<script>` element holding it.
fn script_json(strings: &Strings) -> String {
    let all = serde_json::to_value(strings).unwrap_or_default();
    let picked: serde_json::Map<String, serde_json::Value> =
        SCRIPT_KEYS.iter().filter_map(|&k| Some((k.to_owned(), all.get(k)?.clone()))).collect();
    serde_json::to_string(&picked).unwrap_or_else(|_| "{}".to_owned()).replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The `{placeholders}` of every string of a catalogue, by key.
    fn placeholders(table: &toml::Table) -> Vec<(String, BTreeSet<String>)> {
        table
            .iter()
            .map(|(key, value)| {
                let text = value.as_str().unwrap_or("");
                let names = text
                    .split('{')
                    .skip(1)
                    .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                    .collect();
                (key.clone(), names)
            })
            .collect()
    }

    #[test]
    fn every_catalogue_has_exactly_the_english_keys_and_placeholders() {
        let english = parse_table(CATALOGUES[0].1).expect("en.toml parses");
        let expected = placeholders(&english);
        for (code, text) in CATALOGUES {
            let table = parse_table(text).unwrap_or_else(|e| panic!("{code}.toml: {e}"));
            assert_eq!(placeholders(&table), expected, "{code}.toml");
            let months = table.get("months").and_then(toml::Value::as_array).map(Vec::len);
            assert_eq!(months, Some(12), "{code}.toml: months");
            let strings = Strings::deserialize(toml::Value::Table(table))
                .unwrap_or_else(|e| panic!("{code}.toml does not fill every string: {e}"));
            assert!(strings.months.iter().all(|m| !m.is_empty()), "{code}.toml: months");
        }
    }

    #[test]
    fn english_months_are_the_renderers_default() {
        assert_eq!(english().months, vellum_render::MONTHS.map(str::to_owned));
        assert_eq!(english().date, vellum_render::Locale::default().date);
        assert_eq!(english().source_why, vellum_render::Locale::default().source_why);
    }

    #[test]
    fn languages_match_their_catalogue_by_primary_subtag() {
        let nowhere = Path::new("/nonexistent-vault");
        for (language, code, title) in [
            ("en", "en", "Tags"),
            ("de", "de", "Tags"),
            ("DE-at", "de", "Tags"),
            ("fr-CA", "fr", "Tags"),
            ("es-419", "es", "Etiquetas"),
            ("pt-BR", "pt", "Etiquetas"),
            ("zh-Hans", "zh", "标签"),
            ("zh-TW", "zh", "标签"),
            ("zh_Hant_HK", "zh", "标签"),
            ("ja", "ja", "タグ"),
            ("ko-KR", "ko", "태그"),
        ] {
            let (c, warnings) = Catalogue::resolve(language, nowhere);
            assert_eq!((c.code.as_str(), c.strings.tags.as_str(), c.dir), (code, title, "ltr"), "{language}");
            assert!(warnings.is_empty(), "{language}: {warnings:?}");
        }
    }

    #[test]
    fn an_unknown_language_is_english_with_a_warning_naming_it() {
        let (c, warnings) = Catalogue::resolve("tlh", Path::new("/nonexistent-vault"));
        assert_eq!(c.strings, english());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("\"tlh\""), "{warnings:?}");
    }

    #[test]
    fn right_to_left_languages_get_rtl() {
        for language in ["ar", "ar-EG", "he", "fa-IR", "ur"] {
            let (c, _) = Catalogue::resolve(language, Path::new("/nonexistent-vault"));
            assert_eq!(c.dir, "rtl", "{language}");
            assert_eq!(c.strings, english(), "{language}: no catalogue, English words");
        }
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let d = jiff::civil::date(2024, 3, 1);
        for (language, expected) in [
            ("en", "1 March 2024"),
            ("de", "1. März 2024"),
            ("fr", "1 mars 2024"),
            ("es", "1 de marzo de 2024"),
            ("pt", "1 de março de 2024"),
            ("zh", "2024年3月1日"),
            ("ja", "2024年3月1日"),
            ("ko", "2024년 3월 1일"),
        ] {
            let (c, _) = Catalogue::resolve(language, Path::new("/nonexistent-vault"));
            assert_eq!(c.locale.format_date(d), expected, "{language}");
        }
    }

    #[test]
    fn a_theme_overrides_some_strings_of_its_language() {
        let vault = tempfile::tempdir().expect("tempdir");
        let dir = vault.path().join("_theme/i18n");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("de.toml"), "backlinks = \"Erwähnt in\"\nbogus = \"x\"\n").expect("write");
        let (c, warnings) = Catalogue::resolve("de-CH", vault.path());
        assert_eq!(c.strings.backlinks, "Erwähnt in");
        assert_eq!(c.strings.contents, "Inhalt", "the keys the theme does not set stay");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("`bogus`"), "{warnings:?}");
        // A theme that speaks a language vellum has no catalogue for.
        std::fs::write(dir.join("nl.toml"), "backlinks = \"Terugverwijzingen\"\n").expect("write");
        let (c, warnings) = Catalogue::resolve("nl", vault.path());
        assert_eq!(
            (c.strings.backlinks.as_str(), c.strings.contents.as_str()),
            ("Terugverwijzingen", "Contents")
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        std::fs::write(dir.join("ja.toml"), "backlinks = [").expect("write");
        let (c, warnings) = Catalogue::resolve("ja", vault.path());
        assert_eq!(c.strings.backlinks, "バックリンク");
        assert!(warnings[0].contains("not valid TOML"), "{warnings:?}");
    }

    #[test]
    fn the_script_strings_cannot_close_their_script_element() {
        let mut strings = english();
        strings.search_none = "</script><b>".to_owned();
        let json = script_json(&strings);
        assert!(!json.contains('<'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(back["search_none"], "</script><b>");
        assert_eq!(back.as_object().map(serde_json::Map::len), Some(SCRIPT_KEYS.len()));
    }
}
