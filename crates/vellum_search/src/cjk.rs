//! The tokenizer of every text field: words of the scripts that put spaces
//! between words, and overlapping pairs of characters inside a Chinese,
//! Japanese or Korean run (a lone character stays itself).
//!
//! Chinese and Japanese have no spaces between words, and Korean joins
//! particles to its words, so a word tokenizer would make a whole CJK
//! sentence one token and find none of its words. Pairs need no dictionary:
//! `分布式数据库系统` is indexed as `分布 布式 式数 数据 据库 库系 系统`,
//! and the query `数据库` becomes the phrase `数据 据库` (tantivy's query
//! parser makes a phrase of a word that gives several tokens), which
//! matches. Highlights cover each pair, and overlapping ones join, so the
//! snippet marks `数据库`. Other text is split on non-alphanumerics, as
//! tantivy's `SimpleTokenizer` does; the filters after it (lowercase, ASCII
//! folding, English stemming) leave CJK pairs as they are.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use vellum_syntax::script::is_cjk;

/// Words, and CJK runs as overlapping pairs of characters.
#[derive(Clone, Default)]
pub(crate) struct WordsAndPairs {
    token: Token,
}

/// The tokens of one text (see [`WordsAndPairs`]).
pub(crate) struct WordsAndPairsStream<'a> {
    text: &'a str,
    /// Byte offset where the next token starts (or the search for it).
    at: usize,
    /// While inside a CJK run: where the run ends.
    run_end: Option<usize>,
    token: &'a mut Token,
}

impl Tokenizer for WordsAndPairs {
    type TokenStream<'a> = WordsAndPairsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordsAndPairsStream<'a> {
        self.token.reset();
        WordsAndPairsStream { text, at: 0, run_end: None, token: &mut self.token }
    }
}

impl WordsAndPairsStream<'_> {
    fn emit(&mut self, from: usize, to: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.push_str(&self.text[from..to]);
    }

    /// The pair of characters at `at` in the run ending at `end` (the last
    /// character alone when the run has one).
    fn pair(&mut self, end: usize) {
        let mut chars = self.text[self.at..end].chars();
        let first = chars.next().map_or(0, char::len_utf8);
        let to = self.at + first + chars.next().map_or(0, char::len_utf8);
        self.emit(self.at, to);
        if to == end {
            self.run_end = None;
            self.at = end;
        } else {
            self.at += first;
        }
    }
}

impl TokenStream for WordsAndPairsStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        if let Some(end) = self.run_end {
            self.pair(end);
            return true;
        }
        let rest = &self.text[self.at..];
        let Some((skip, first)) = rest.char_indices().find(|&(_, c)| is_cjk(c) || c.is_alphanumeric()) else {
            self.at = self.text.len();
            return false;
        };
        let start = self.at + skip;
        let cjk = is_cjk(first);
        // A run of CJK characters, or a word of other letters and digits.
        let len = self.text[start..]
            .char_indices()
            .find(|&(_, c)| is_cjk(c) != cjk || !(cjk || c.is_alphanumeric()))
            .map_or(self.text.len() - start, |(i, _)| i);
        let end = start + len;
        if cjk {
            self.at = start;
            self.run_end = Some(end);
            self.pair(end);
        } else {
            self.emit(start, end);
            self.at = end;
        }
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(text, position, byte range)` of every token of `text`.
    fn tokens(text: &str) -> Vec<(String, usize, std::ops::Range<usize>)> {
        let mut tokenizer = WordsAndPairs::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from..t.offset_to));
        }
        out
    }

    fn texts(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn words_split_on_non_alphanumerics() {
        assert_eq!(texts("Hello, naïve tax-payer 42!"), ["Hello", "naïve", "tax", "payer", "42"]);
        assert_eq!(tokens("a bc"), [("a".into(), 0, 0..1), ("bc".into(), 1, 2..4)]);
        assert!(texts(" ,. ").is_empty());
    }

    #[test]
    fn cjk_runs_become_overlapping_pairs() {
        assert_eq!(texts("数据库"), ["数据", "据库"]);
        assert_eq!(
            tokens("分布式。库"),
            [("分布".into(), 0, 0..6), ("布式".into(), 1, 3..9), ("库".into(), 2, 12..15)]
        );
        assert_eq!(texts("データベース"), ["デー", "ータ", "タベ", "ベー", "ース"]);
        assert_eq!(texts("문장을 나눈다"), ["문장", "장을", "나눈", "눈다"]);
    }

    #[test]
    fn scripts_change_inside_a_word() {
        assert_eq!(texts("Rust数据库v2"), ["Rust", "数据", "据库", "v2"]);
        assert_eq!(texts("第3章"), ["第", "3", "章"]);
    }
}
