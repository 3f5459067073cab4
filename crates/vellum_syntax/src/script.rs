//! Writing systems that matter to how text is cut into words.
//!
//! Chinese and Japanese put no spaces between words, and Korean joins
//! particles to its words, so a word is found inside a run of these
//! scripts only by looking inside the run: `vellum search` indexes such a
//! run as its overlapping pairs of characters, the site's script searches
//! it the same way, and the search index's text is cut inside such a run
//! rather than at a space. [`is_cjk`] is the one definition of the run;
//! `vellum_site/theme/vellum.js` (`CJK_RUN`) mirrors its ranges.

/// Whether `c` is written in Han (with its iteration marks), Hiragana,
/// Katakana (with the prolonged sound mark and the halfwidth forms, without
/// the middle dot `・`, which separates words) or Hangul.
#[must_use]
pub fn is_cjk(c: char) -> bool {
    matches!(
        c as u32,
        0x1100..=0x11FF     // Hangul Jamo
            | 0x2E80..=0x2FDF // CJK and Kangxi radicals
            | 0x3005          // 々
            | 0x3007          // 〇
            | 0x3021..=0x3029 // Hangzhou numerals
            | 0x3038..=0x303B
            | 0x3041..=0x309F // Hiragana
            | 0x30A0..=0x30FA // Katakana
            | 0x30FC..=0x30FF // ー and the Katakana iteration marks
            | 0x3130..=0x318F // Hangul compatibility Jamo
            | 0x31F0..=0x31FF // Katakana phonetic extensions
            | 0x3400..=0x4DBF // CJK extension A
            | 0x4E00..=0x9FFF // CJK unified ideographs
            | 0xA960..=0xA97F // Hangul Jamo extended A
            | 0xAC00..=0xD7FF // Hangul syllables, Jamo extended B
            | 0xF900..=0xFAFF // CJK compatibility ideographs
            | 0xFF66..=0xFF9F // halfwidth Katakana
            | 0x2_0000..=0x3_23AF // CJK extensions B to H
    )
}

#[cfg(test)]
mod tests {
    use super::is_cjk;

    #[test]
    fn cjk_scripts_and_nothing_else() {
        for c in ['数', '々', 'の', 'デ', 'ー', 'ｶ', '한', 'ㄱ', '𠀋'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', 'é', 'Я', 'א', '1', ' ', '。', '、', '・', '「'] {
            assert!(!is_cjk(c), "{c}");
        }
    }
}
