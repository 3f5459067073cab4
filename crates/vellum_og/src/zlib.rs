//! The zlib stream of a card's pixels, made for what a card looks like.
//!
//! A PNG's pixels are one zlib (deflate) stream of its rows, each row led by
//! a filter byte. A general encoder searches that stream for repeats; a card
//! has only two kinds worth finding, and both are found by comparing words:
//!
//! * a **run**: the byte before, repeated (blank background, the band, the
//!   inside of a pill): a match at distance 1;
//! * the **row above**: a vertical stroke, the rest of a pill, a line of text
//!   the same as the one above it: a match at distance one row.
//!
//! Everything else (the anti-aliased edges of glyphs) is a literal. Rows are
//! left unfiltered (filter byte 0), so that both kinds of repeat stay exact
//! repeats of bytes. Every symbol is written with this encoder's own
//! Huffman codes, the same for every card (written in each stream's block
//! header, some 170 bytes): measured on cards ([`LIT_LENGTHS`]), they spend
//! about 40 % fewer bits on a card's symbols than deflate's fixed codes, at
//! no cost in time.
//!
//! The greedy choice (the longer repeat, else a literal) gives a card about
//! the size a general fast encoder gives, in a fraction of its time: the
//! stream is read a word at a time and most of it is long repeats.

/// The zlib stream of `rows`: `height` rows of `stride` bytes, each led by
/// its filter byte, every byte of it parsed.
#[cfg(test)]
pub(crate) fn compress(rows: &[u8], stride: usize) -> Vec<u8> {
    let mut z = Stream::new(stride, Vec::new());
    for (at, row) in (0..rows.len()).step_by(stride).map(|at| (at, &rows[at..rows.len().min(at + stride)])) {
        let above = at.checked_sub(stride).map(|a| &rows[a..a + row.len()]);
        z.span(row, above);
    }
    z.finish()
}

/// A zlib stream being written, a stretch at a time: zeros (counted, and
/// written as one run however many rows they span), spans parsed for
/// repeats, and rows encoded before ([`Rows`]). It keeps the Adler-32 of
/// what it was given as it goes, so that no one reads the image twice.
pub(crate) struct Stream {
    bits: Bits,
    /// Zeros counted and not yet written.
    zeros: usize,
    /// The last byte written (before the zeros counted), if any.
    last: Option<u8>,
    adler: Adler,
    up: Distance,
    run: Distance,
    /// A row's stream ([`Stream::bare`]) that has written nothing yet: the
    /// zeros it is given are not its own, they lead up to its code.
    lead: bool,
    /// Zeros a row's stream dropped before its first byte.
    dropped: usize,
    /// Bytes written since then.
    covered: usize,
}

impl Stream {
    /// A stream whose rows are `stride` bytes apart (at most deflate's
    /// window, 32 KiB, so that the row above is always in reach), written
    /// after what `out` holds.
    pub(crate) fn new(stride: usize, out: Vec<u8>) -> Self {
        debug_assert!(stride > 0 && stride <= WINDOW);
        let mut bits = Bits { out, acc: 0, filled: 0 };
        // CMF: deflate with a 32 KiB window; FLG: the fastest level, no
        // dictionary, and the check bits that make CMF·256 + FLG a multiple
        // of 31. Then the only block's header: final (1), dynamic codes (10).
        bits.put(0x78 | 0x01 << 8 | 0b101 << 16, 19);
        write_code_lengths(&mut bits);
        Self {
            bits,
            zeros: 0,
            last: None,
            adler: Adler::new(),
            up: Distance::new(stride),
            run: Distance::new(1),
            lead: false,
            dropped: 0,
            covered: 0,
        }
    }

    /// A stream of one row at a time, for [`Rows::push`]: no header, each
    /// row written as if after a zero, the zeros before its first byte left
    /// out (they are written with the blank around it).
    pub(crate) fn bare(stride: usize) -> Self {
        debug_assert!(stride > 0 && stride <= WINDOW);
        Self {
            bits: Bits::default(),
            zeros: 0,
            last: Some(0),
            adler: Adler::zero(),
            up: Distance::new(stride),
            run: Distance::new(1),
            lead: true,
            dropped: 0,
            covered: 0,
        }
    }

    /// `n` zero bytes next.
    #[inline]
    pub(crate) fn zeros(&mut self, n: usize) {
        self.zeros += n;
    }

    #[inline]
    fn write_zeros(&mut self) {
        let mut n = std::mem::take(&mut self.zeros);
        if n == 0 {
            return;
        }
        if self.lead {
            self.dropped += n;
            return;
        }
        self.covered += n;
        self.adler.zeros(n);
        if self.last != Some(0) {
            self.bits.literal(0);
            n -= 1;
        }
        match n {
            0 => {}
            1 | 2 => (0..n).for_each(|_| self.bits.literal(0)),
            _ => self.bits.matches(n, &self.run),
        }
        self.last = Some(0);
    }

    /// `cur` next, parsed for runs and for repeats of `above` (the bytes one
    /// row before it in the stream, when it is not in the first row).
    pub(crate) fn span(&mut self, cur: &[u8], above: Option<&[u8]>) {
        self.write_zeros();
        let Some(&last) = cur.last() else { return };
        parse(&mut self.bits, cur, self.last, above, &self.run, &self.up);
        self.adler.bytes(cur);
        self.wrote(cur.len(), last);
    }

    /// `n` bytes were written, the last of them `last`.
    #[inline]
    fn wrote(&mut self, n: usize, last: u8) {
        self.lead = false;
        self.covered += n;
        self.last = Some(last);
    }

    /// Row `i` of `rows` next, from its code, when the stream is where the
    /// code holds (after a zero, under the row before it in `rows`: the
    /// caller vouches for the row above). `false`, writing nothing, when the
    /// byte before is not a zero and the row's ink starts at once.
    pub(crate) fn row(&mut self, rows: &Rows, i: usize) -> bool {
        let Some(r) = rows.rows.get(i) else { return false };
        let (start, end) = (usize::from(r.ink.0), usize::from(r.ink.1));
        if start == 0 && self.zeros == 0 && self.last != Some(0) {
            return false;
        }
        self.zeros(start);
        if end > start {
            self.write_zeros();
            self.put_code(rows, r);
        }
        self.zeros(rows.width - end);
        true
    }

    /// A row's code next (the zeros before it written).
    #[inline]
    fn put_code(&mut self, rows: &Rows, r: &RowCode) {
        let words = (r.bits as usize).div_ceil(64);
        self.bits.put_words(&rows.code[r.at as usize..][..words], r.bits);
        let n = usize::from(r.ink.1 - r.ink.0);
        self.adler.block(n, r.sum, r.weighted);
        self.wrote(n, r.last);
    }

    /// Row `i` of `rows` next, as a repeat of the same row written `dist`
    /// bytes before (the same mask further left on the same line), or from
    /// its code when its ink is shorter than a match; `false` as for
    /// [`Stream::row`].
    pub(crate) fn copy(&mut self, rows: &Rows, i: usize, dist: &Distance) -> bool {
        let Some(r) = rows.rows.get(i) else { return false };
        let (start, end) = (usize::from(r.ink.0), usize::from(r.ink.1));
        if end - start < MIN_MATCH {
            return self.row(rows, i);
        }
        self.zeros(start);
        self.write_zeros();
        self.bits.matches(end - start, dist);
        self.adler.block(end - start, r.sum, r.weighted);
        self.wrote(end - start, r.last);
        self.zeros(rows.width - end);
        true
    }

    /// The stream, ended, with the Adler-32 of every byte after it, after
    /// the bytes it was started on.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.write_zeros();
        // End of block.
        let (code, bits) = LITERALS[256];
        self.bits.put(u64::from(code), bits);
        let mut bytes = self.bits.into_bytes();
        bytes.extend_from_slice(&self.adler.value().to_be_bytes());
        bytes
    }
}

/// The rows of an image encoded one by one, each on its own, to be written
/// into a stream any number of times ([`Stream::row`]): each as if after a
/// zero and (but the first) under the row before it.
#[derive(Debug)]
pub(crate) struct Rows {
    width: usize,
    /// Every row's code, each in words of its own.
    code: Vec<u64>,
    rows: Vec<RowCode>,
}

/// A row's code: the bytes from its first inked one to its last (those
/// around them are zeros, written with the blank around the row).
#[derive(Debug)]
struct RowCode {
    /// Its first word in [`Rows::code`].
    at: u32,
    /// Bits of code.
    bits: u32,
    /// The inked bytes: `[ink.0, ink.1)`.
    ink: (u16, u16),
    /// The Adler-32 sums of the inked bytes on their own ([`Adler::block`]).
    sum: u32,
    weighted: u32,
    /// The last inked byte.
    last: u8,
}

impl Rows {
    /// No rows yet, each to be `width` bytes (below 65,536) wide.
    pub(crate) fn with_width(width: usize) -> Self {
        Self { width, code: Vec::new(), rows: Vec::new() }
    }

    /// The row `z` (a [`Stream::bare`]) was given since it was last taken,
    /// as the next row; `z` is left ready for the row after. The caller
    /// vouches that `z` was given the row from its first byte and no more
    /// than `width` bytes, and, but for the first row, wrote repeats of the
    /// row above only where that row is this one's.
    pub(crate) fn push(&mut self, z: &mut Stream) {
        debug_assert!(z.lead || z.dropped + z.covered <= self.width);
        let start = z.dropped.min(self.width);
        let end = (start + z.covered).min(self.width);
        self.rows.push(RowCode {
            at: u32::try_from(self.code.len()).unwrap_or(u32::MAX),
            bits: u32::try_from(z.bits.out.len() * 8).unwrap_or(u32::MAX) + z.bits.filled,
            ink: (u16::try_from(start).unwrap_or(0), u16::try_from(end).unwrap_or(0)),
            sum: z.adler.sum(),
            weighted: z.adler.weighted(),
            last: if end > start { z.last.unwrap_or(0) } else { 0 },
        });
        z.bits.drain_words(&mut self.code);
        z.zeros = 0;
        z.last = Some(0);
        z.adler = Adler::zero();
        z.lead = true;
        (z.dropped, z.covered) = (0, 0);
    }

    /// `pixels` (rows of `width` bytes, `width` below 65,536) encoded, in
    /// a stream whose rows are `stride` bytes apart.
    pub(crate) fn new(pixels: &[u8], width: usize, stride: usize) -> Self {
        let mut out = Self::with_width(width);
        out.code.reserve(pixels.len() / 16);
        let mut z = Stream::bare(stride);
        let mut above: Option<&[u8]> = None;
        for row in pixels.chunks(width.max(1)) {
            let start = row.iter().position(|&b| b != 0).unwrap_or(row.len());
            let end = row.iter().rposition(|&b| b != 0).map_or(start, |e| e + 1);
            z.zeros(start);
            z.span(&row[start..end], above.map(|a| &a[start..end]));
            out.push(&mut z);
            above = Some(row);
        }
        out
    }
}

/// Adler-32 (RFC 1950), kept as its two sums: `a` reduced at every step,
/// `b` only when it grows large (a card adds to it some ten thousand
/// times), so that no step waits on a division; zeros are counted and
/// added to `b` when `a` next changes.
#[derive(Debug, Clone, Copy)]
struct Adler {
    a: u64,
    b: u64,
    /// Zeros since `a` last changed (below [`BASE`]).
    zeros: u64,
}

/// Adler-32's modulus.
const BASE: u64 = 65_521;

/// `b` is reduced once it passes this: an addition to it is below 2^48.
const B_LIMIT: u64 = 1 << 62;

impl Adler {
    fn new() -> Self {
        Self { a: 1, b: 0, zeros: 0 }
    }

    /// The sums of a block on its own (see [`Adler::block`]).
    fn zero() -> Self {
        Self { a: 0, b: 0, zeros: 0 }
    }

    /// A block's own plain sum, reduced.
    fn sum(&mut self) -> u32 {
        self.settle();
        (self.a % BASE) as u32
    }

    /// A block's own weighted sum, reduced.
    fn weighted(&mut self) -> u32 {
        self.settle();
        (self.b % BASE) as u32
    }

    /// `n` zeros: `a` stays, `b` gains `a` for each.
    fn zeros(&mut self, n: usize) {
        self.zeros += n as u64;
        if self.zeros >= BASE {
            self.settle();
        }
    }

    /// Add the zeros counted to `b`.
    fn settle(&mut self) {
        self.b += (self.zeros % BASE) * self.a;
        self.zeros = 0;
        self.reduce_b();
    }

    fn bytes(&mut self, s: &[u8]) {
        self.settle();
        // 5552 bytes is the most that cannot overflow 32-bit sums between
        // reductions; the sums here are wider, the bound keeps them exact.
        for chunk in s.chunks(5552) {
            for &x in chunk {
                self.a += u64::from(x);
                self.b += self.a;
            }
            self.a %= BASE;
            self.b %= BASE;
        }
    }

    /// A block of `len` bytes whose own sums (from `a = 0, b = 0`, reduced)
    /// are `sum` and `weighted`.
    fn block(&mut self, len: usize, sum: u32, weighted: u32) {
        // Both counts are below 2^17 and `a` below 2^16: no overflow.
        self.b += (self.zeros + len as u64) * self.a + u64::from(weighted);
        self.zeros = 0;
        self.reduce_b();
        self.a += u64::from(sum);
        if self.a >= BASE {
            self.a -= BASE;
        }
    }

    fn reduce_b(&mut self) {
        if self.b >= B_LIMIT {
            self.b %= BASE;
        }
    }

    fn value(mut self) -> u32 {
        self.settle();
        (((self.b % BASE) << 16) | (self.a % BASE)) as u32
    }
}

/// Code `cur` greedily: at each byte the longer of its run (a repeat of the
/// byte before, `prev` for the first) and its repeat of `above`, when one is
/// at least [`MIN_MATCH`] long, else the byte itself.
fn parse(out: &mut Bits, cur: &[u8], prev: Option<u8>, above: Option<&[u8]>, run: &Distance, up: &Distance) {
    let above = above.filter(|a| a.len() >= cur.len());
    let mut i = 0;
    while i < cur.len() {
        let b = cur[i];
        // A byte unlike the one before (or above) starts no repeat of it:
        // most literals are told so by one comparison.
        let r = match i.checked_sub(1) {
            Some(p) if cur[p] == b => repeat(cur, cur, i, p),
            None if prev == Some(b) => cur.iter().take_while(|&&c| c == b).count(),
            _ => 0,
        };
        let u = match above {
            Some(a) if r < LONG_RUN && a[i] == b => repeat(cur, a, i, i),
            _ => 0,
        };
        let (len, dist) = if r >= u { (r, run) } else { (u, up) };
        if len >= MIN_MATCH {
            out.matches(len, dist);
            i += len;
        } else {
            out.literal(b);
            i += 1;
        }
    }
}

/// The farthest a match reaches back.
const WINDOW: usize = 32 << 10;
/// A run this long is taken without looking for a longer repeat of the row
/// above: in a blank stretch both are long, and finding both would read it
/// twice.
const LONG_RUN: usize = 32;
/// The shortest match deflate has.
const MIN_MATCH: usize = 3;
/// The longest match deflate has.
const MAX_MATCH: usize = 258;

/// How many bytes of `s` from `i` on are the same as those of `t` from `j` on.
#[inline]
fn repeat(s: &[u8], t: &[u8], i: usize, j: usize) -> usize {
    let (a, b) = (&s[i..], &t[j..]);
    let n = a.len().min(b.len());
    let mut k = 0;
    // Long repeats (blank background) a block of four words at a time.
    while k + 32 <= n {
        let (x, y) = (&a[k..k + 32], &b[k..k + 32]);
        let d = (word(x) ^ word(y))
            | (word(&x[8..]) ^ word(&y[8..]))
            | (word(&x[16..]) ^ word(&y[16..]))
            | (word(&x[24..]) ^ word(&y[24..]));
        if d != 0 {
            break;
        }
        k += 32;
    }
    while k + 8 <= n {
        let d = word(&a[k..]) ^ word(&b[k..]);
        if d != 0 {
            return k + (d.trailing_zeros() / 8) as usize;
        }
        k += 8;
    }
    while k < n && a[k] == b[k] {
        k += 1;
    }
    k
}

/// The eight bytes at the start of `s` (which has at least eight).
fn word(s: &[u8]) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&s[..8]);
    u64::from_le_bytes(w)
}

/// A match distance, as its fixed code and extra bits.
pub(crate) struct Distance {
    bits: u64,
    len: u32,
    /// A longest match (258 bytes) at this distance, its code and length.
    longest: u64,
    longest_len: u32,
    /// Longest matches a 64-bit word holds.
    per_word: u32,
}

impl Distance {
    /// `d` (1..=32768) as deflate writes it: a five-bit code, then the
    /// distance less the code's base in the code's extra bits.
    pub(crate) fn new(d: usize) -> Self {
        debug_assert!((1..=WINDOW).contains(&d));
        let (code, base, extra) =
            DISTANCES.iter().rev().copied().find(|&(_, base, _)| base <= d).unwrap_or((0, 1, 0));
        let (code, code_len) = DIST_CODES[usize::from(code)];
        let (bits, len) = (u64::from(code) | ((d - base) as u64) << code_len, code_len + extra);
        let (length, length_len) = LENGTHS[MAX_MATCH];
        let longest_len = length_len + len;
        Self {
            bits,
            len,
            longest: u64::from(length) | bits << length_len,
            longest_len,
            per_word: 64 / longest_len,
        }
    }
}

/// The lengths of this encoder's own Huffman codes, the same for every
/// stream (written in each block's header): measured, so that what cards
/// hold most costs least. They are the optimal lengths (of at most 15 bits,
/// every symbol given one) for the symbols of the cards of two sites, each
/// weighing the same: a generated journal of 10,000 notes (199 of its cards)
/// and the Obsidian help vault (173); `bench/card_codes.py` counts them and
/// prints the tables this one is made of. The literals are palette indices
/// ([`PALETTE_LENGTHS`]): the background (0, written once before each run of
/// it) takes 3 bits, each ramp's full ink 4 to 9, its blends 6 to 12; the
/// indices no palette has take 15. Of the match lengths ([`CODE_LENGTHS`]),
/// the longest (258, blank stretches) takes 2 bits, shorter ones 5 to 10.
/// Both codes are complete (a unit test holds it).
const LIT_LENGTHS: [u8; LITLEN_SYMBOLS] = {
    let mut t = [15u8; LITLEN_SYMBOLS];
    let mut s = 0;
    while s < PALETTE_LENGTHS.len() {
        t[s] = PALETTE_LENGTHS[s];
        s += 1;
    }
    let mut s = 0;
    while s < CODE_LENGTHS.len() {
        t[256 + s] = CODE_LENGTHS[s];
        s += 1;
    }
    t
};

/// The code lengths of the palette indices a card writes (see [`LIT_LENGTHS`]).
#[rustfmt::skip]
const PALETTE_LENGTHS: [u8; 76] = [
    3, // background
    10, 10, 10, 12, 10, 11, 10, 10, 10, 10, 11, 10, 10, 10, 7, // Fill
    10, 11, 11, 10, 12, 11, 12, 11, 11, 12, 10, 10, 12, 11, 9, // Band
    7, 7, 7, 6, 8, 7, 7, 6, 7, 8, 7, 7, 7, 7, 6, // Ink
    7, 7, 7, 6, 8, 7, 7, 6, 7, 8, 7, 7, 7, 7, 4, // Soft
    9, 9, 9, 9, 10, 9, 9, 8, 9, 9, 8, 9, 9, 8, 7, // PillInk
];

/// The code lengths of end of block and the match lengths, symbols 256 to
/// 285 (see [`LIT_LENGTHS`]).
#[rustfmt::skip]
const CODE_LENGTHS: [u8; 30] = [
    13, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 6, 7, // end of block, match lengths 3 to 26
    8, 8, 9, 9, 10, 10, 9, 9, 9, 10, 9, 9, 10, 10, 2, // match lengths 27 to 258
];

/// The distance codes' lengths: 1 (runs) takes 1 bit, the code holding
/// one row (1,201, repeats of the row above) 2 (see [`LIT_LENGTHS`]).
#[rustfmt::skip]
const DIST_LENGTHS: [u8; 30] = [
    1, 14, 14, 14, 14, 7, 7, 9, 6, 5, 5, 5, 5, 5, 5,
    6, 7, 8, 10, 14, 2, 14, 14, 14, 14, 14, 14, 14, 13, 13,
];

/// Literal/length symbols: 256 literals, end of block, 29 lengths.
const LITLEN_SYMBOLS: usize = 286;

/// The canonical Huffman code of `lengths` (RFC 1951, 3.2.2), each code
/// bit reversed as the stream wants it, with its length.
const fn canonical<const N: usize>(lengths: &[u8; N]) -> [(u16, u32); N] {
    let mut count = [0u16; 16];
    let mut i = 0;
    while i < N {
        count[lengths[i] as usize] += 1;
        i += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    let mut bits = 1;
    while bits < 16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
        bits += 1;
    }
    let mut out = [(0u16, 0u32); N];
    let mut s = 0;
    while s < N {
        let len = lengths[s] as usize;
        if len > 0 {
            out[s] = (reverse(next[len], len as u32), len as u32);
            next[len] += 1;
        }
        s += 1;
    }
    out
}

/// The distance codes, bit reversed, with their lengths.
const DIST_CODES: [(u16, u32); 30] = canonical(&DIST_LENGTHS);

/// Write the block header's code lengths: how many of each code (all 286
/// literal/length and 30 distance symbols), the code-length code (each of
/// the lengths 0 to 15 four bits long, its run symbols 16 to 18 unused),
/// then every length in it.
fn write_code_lengths(bits: &mut Bits) {
    // HLIT, HDIST, HCLEN.
    bits.put((LITLEN_SYMBOLS as u64 - 257) | (30 - 1) << 5 | (19 - 4) << 10, 14);
    // The code-length code's lengths, in deflate's order: 16, 17, 18 first.
    for sym in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15] {
        bits.put(if sym < 16 { 4 } else { 0 }, 3);
    }
    // With sixteen four-bit codes, length `n`'s code is `n` itself.
    for &len in LIT_LENGTHS.iter().chain(&DIST_LENGTHS) {
        bits.put(u64::from(reverse(u16::from(len), 4)), 4);
    }
}

/// Deflate's distance codes: `(code, base distance, extra bits)`.
const DISTANCES: [(u16, usize, u32); 30] = {
    let mut t = [(0, 1, 0); 30];
    let mut code = 0;
    let mut base = 1;
    while code < 30 {
        let extra = if code < 4 { 0 } else { code / 2 - 1 };
        t[code as usize] = (code as u16, base, extra);
        base += 1 << extra;
        code += 1;
    }
    t
};

/// The code of every literal/length symbol, bit reversed as the stream
/// wants it, with its length.
const LITERALS: [(u16, u32); LITLEN_SYMBOLS] = canonical(&LIT_LENGTHS);

/// Every match length (3..=258) as its symbol's code and its extra bits,
/// ready to write: `(bits, how many)`.
const LENGTHS: [(u32, u32); MAX_MATCH + 1] = {
    let mut t = [(0, 0); MAX_MATCH + 1];
    // Symbols 257..=284 cover 3..=257 in groups of four with 0..=5 extra
    // bits; 285 is 258 alone.
    let mut sym = 257;
    let mut base = 3;
    while sym < 285 {
        let extra = if sym < 265 { 0 } else { (sym - 261) / 4 };
        let (code, len) = LITERALS[sym];
        let mut k = 0;
        while k < 1 << extra {
            t[base + k] = (code as u32 | (k as u32) << len, len + extra as u32);
            k += 1;
        }
        base += 1 << extra;
        sym += 1;
    }
    let (code, len) = LITERALS[285];
    t[MAX_MATCH] = (code as u32, len);
    t
};

/// The low `len` bits of `code`, in reverse order.
const fn reverse(code: u16, len: u32) -> u16 {
    let mut out = 0;
    let mut i = 0;
    while i < len {
        out |= ((code >> i) & 1) << (len - 1 - i);
        i += 1;
    }
    out
}

/// A deflate bit stream: bits are packed from the low end of each byte,
/// written out eight bytes (a little-endian word) at a time.
#[derive(Debug, Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    /// Bits of `acc` in use (below 64).
    filled: u32,
}

impl Bits {
    /// Append the low `len` (at most 64) bits of `bits`; the bits above
    /// them are zero.
    #[inline]
    fn put(&mut self, bits: u64, len: u32) {
        self.acc |= bits << self.filled;
        let total = self.filled + len;
        if total >= 64 {
            self.out.extend_from_slice(&self.acc.to_le_bytes());
            // The bits that did not fit (none when the word was empty:
            // a shift by 64 is no shift, so that case is masked off).
            let spill = bits.wrapping_shr(64 - self.filled);
            self.acc = spill & u64::from(self.filled != 0).wrapping_neg();
            self.filled = total - 64;
        } else {
            self.filled = total;
        }
    }

    /// Append the first `len` bits of `words` (all but the last word's bits
    /// are whole; the last is padded with zero bits).
    #[inline]
    fn put_words(&mut self, words: &[u64], len: u32) {
        let Some((&last, whole)) = words.split_last() else { return };
        self.out.reserve(whole.len() * 8 + 8);
        let f = self.filled;
        for &w in whole {
            // A whole word fills the accumulator: out it goes, and the bits
            // that did not fit stay (none when it was empty).
            let acc = self.acc | w << f;
            self.out.extend_from_slice(&acc.to_le_bytes());
            self.acc = w.wrapping_shr(64 - f) & u64::from(f != 0).wrapping_neg();
        }
        self.put(last, len - 64 * whole.len() as u32);
    }

    #[inline]
    fn literal(&mut self, b: u8) {
        let (code, bits) = LITERALS[usize::from(b)];
        self.put(u64::from(code), bits);
    }

    /// A repeat of `len` bytes (at least [`MIN_MATCH`]) at `dist`, as as
    /// many matches as it takes.
    #[inline]
    fn matches(&mut self, len: usize, dist: &Distance) {
        if len <= MAX_MATCH {
            self.one_match(len, dist);
        } else {
            self.long_matches(len, dist);
        }
    }

    /// A repeat longer than a match: the longest matches while what is left
    /// allows, never leaving a tail shorter than a match. A long run (blank
    /// rows) is a train of them, written several to a word.
    #[inline(never)]
    fn long_matches(&mut self, mut len: usize, dist: &Distance) {
        let (mut train, mut cars) = (0u64, 0);
        while len >= MAX_MATCH + MIN_MATCH {
            train |= dist.longest << (cars * dist.longest_len);
            cars += 1;
            if cars == dist.per_word {
                self.put(train, cars * dist.longest_len);
                (train, cars) = (0, 0);
            }
            len -= MAX_MATCH;
        }
        if cars > 0 {
            self.put(train, cars * dist.longest_len);
        }
        if len > MAX_MATCH {
            self.one_match(len - MIN_MATCH, dist);
            len = MIN_MATCH;
        }
        if len > 0 {
            self.one_match(len, dist);
        }
    }

    /// A match of `len` bytes (3..=258) at `dist`.
    #[inline]
    fn one_match(&mut self, len: usize, dist: &Distance) {
        let (bits, n) = LENGTHS[len];
        self.put(u64::from(bits) | dist.bits << n, n + dist.len);
    }

    /// Move every bit written to the end of `words`, the last word padded
    /// with zero bits, and start afresh.
    fn drain_words(&mut self, words: &mut Vec<u64>) {
        let (whole, _) = self.out.as_chunks::<8>();
        words.extend(whole.iter().map(|w| u64::from_le_bytes(*w)));
        if self.filled > 0 {
            words.push(self.acc);
        }
        self.out.clear();
        (self.acc, self.filled) = (0, 0);
    }

    /// Every bit written, its last byte padded with zero bits, after the
    /// bytes the stream was started on.
    fn into_bytes(mut self) -> Vec<u8> {
        let tail = self.filled.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.acc.to_le_bytes()[..tail]);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inflated by an independent decoder, which checks the checksum too.
    fn inflate(z: &[u8]) -> Vec<u8> {
        fdeflate::decompress_to_vec(z).expect("a valid zlib stream")
    }

    #[test]
    fn tables_are_deflates() {
        assert_eq!(DISTANCES[20], (20, 1025, 9));
        assert_eq!(DISTANCES[29], (29, 24577, 13));
        // 258 is symbol 285, alone; 257 is 284 with 5 extra bits.
        assert_eq!(LENGTHS[258], (u32::from(LITERALS[285].0), LITERALS[285].1));
        assert_eq!(LENGTHS[257].1, LITERALS[284].1 + 5);
        assert_eq!(LENGTHS[3].1, LITERALS[257].1);
        // The canonical code of RFC 1951's own example (3.2.2).
        let example = canonical(&[3, 3, 3, 3, 3, 2, 4, 4]);
        let codes: Vec<u16> = example.iter().map(|&(c, n)| reverse(c, n)).collect();
        assert_eq!(codes, [0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111]);
    }

    #[test]
    fn the_codes_are_complete_and_within_fifteen_bits() {
        // A decoder refuses a code that leaves codes unused or has too
        // many: the lengths must sum, as powers of one half, to exactly 1.
        for lengths in [&LIT_LENGTHS[..], &DIST_LENGTHS[..]] {
            let kraft: u32 = lengths.iter().filter(|&&l| l > 0).map(|&l| 1 << (15 - l)).sum();
            assert_eq!(kraft, 1 << 15);
            assert!(lengths.iter().all(|&l| (1..=15).contains(&l)), "every symbol has a code");
        }
    }

    #[test]
    fn round_trips() {
        let stride = 13;
        let mut rows = vec![0u8; stride * 40];
        for (n, b) in rows.iter_mut().enumerate() {
            if n % stride != 0 && (n / stride) % 3 == 1 {
                *b = (n * 7 % 11) as u8;
            }
        }
        rows[stride * 39 + 5] = 200;
        for len in [0, 1, 2, 3, 9, 260, rows.len()] {
            let part = &rows[..len];
            assert_eq!(inflate(&compress(part, stride)), part, "the first {len} bytes");
        }
    }

    #[test]
    fn runs_of_every_length_round_trip() {
        // Runs around the longest match (258) and its multiples, which are
        // written as trains of longest matches with a tail of at least 3.
        for n in (3..600).chain([773, 774, 775, 776, 1031, 1032, 1033, 5000]) {
            let mut rows = vec![7u8];
            rows.extend(std::iter::repeat_n(0, n));
            rows.push(9);
            let mut z = Stream::new(1201, Vec::new());
            z.span(&rows[..1], None);
            z.zeros(n);
            z.span(&rows[n + 1..], None);
            assert_eq!(inflate(&z.finish()), rows, "a run of {n}");
        }
    }

    #[test]
    fn long_repeats_are_cheap() {
        let rows = vec![0u8; 1201 * 630];
        assert!(compress(&rows, 1201).len() < 6000, "a blank card is a run: 15 bits each 258 bytes");
    }
}
