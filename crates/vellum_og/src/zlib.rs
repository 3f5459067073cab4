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
//! repeats of bytes, and every symbol is written with deflate's fixed Huffman
//! codes: the palette's indices are all below 144, eight bits each.
//!
//! The greedy choice (the longer repeat, else a literal) gives a card about
//! the size a general fast encoder gives, in a fraction of its time: the
//! stream is read a word at a time and most of it is long repeats.

/// The zlib stream of `rows`: `height` rows of `stride` bytes, each led by
/// its filter byte, every byte of it parsed.
#[cfg(test)]
pub(crate) fn compress(rows: &[u8], stride: usize) -> Vec<u8> {
    let mut z = Stream::new(stride);
    for (at, row) in (0..rows.len()).step_by(stride).map(|at| (at, &rows[at..rows.len().min(at + stride)])) {
        let prev = at.checked_sub(1).map(|p| rows[p]);
        let above = at.checked_sub(stride).map(|a| &rows[a..a + row.len()]);
        z.span(row, prev, above);
    }
    z.finish(simd_adler32::adler32(&rows))
}

/// A zlib stream being written, a stretch at a time: zeros (counted, and
/// written as one run however many rows they span), spans parsed for
/// repeats, and rows encoded before ([`Encoded`]).
pub(crate) struct Stream {
    bits: Bits,
    /// Zeros counted and not yet written.
    zeros: usize,
    /// Whether the last byte written is a zero (a run of zeros can go on
    /// from it).
    after_zero: bool,
    up: Distance,
    run: Distance,
}

impl Stream {
    /// A stream whose rows are `stride` bytes apart: at most deflate's
    /// window (32 KiB), so that the row above is always in reach.
    pub(crate) fn new(stride: usize) -> Self {
        debug_assert!(stride > 0 && stride <= WINDOW);
        let mut bits = Bits::default();
        // CMF: deflate with a 32 KiB window; FLG: the fastest level, no
        // dictionary, and the check bits that make CMF·256 + FLG a multiple
        // of 31. Then the only block's header: final (1), fixed codes (01).
        bits.put(0x78 | 0x01 << 8 | 0b011 << 16, 19);
        Self { bits, zeros: 0, after_zero: false, up: Distance::new(stride), run: Distance::new(1) }
    }

    /// `n` zero bytes next.
    pub(crate) fn zeros(&mut self, n: usize) {
        self.zeros += n;
    }

    fn write_zeros(&mut self) {
        let mut n = std::mem::take(&mut self.zeros);
        if n == 0 {
            return;
        }
        if !self.after_zero {
            self.bits.literal(0);
            n -= 1;
        }
        if n >= MIN_MATCH {
            self.bits.matches(n, &self.run);
        } else {
            (0..n).for_each(|_| self.bits.literal(0));
        }
        self.after_zero = true;
    }

    /// `cur` next, parsed for runs and for repeats of `above` (the bytes one
    /// row before it in the stream, when it is not in the first row); `prev`
    /// is the byte before it, when it is not the first of the stream.
    pub(crate) fn span(&mut self, cur: &[u8], prev: Option<u8>, above: Option<&[u8]>) {
        self.write_zeros();
        let Some(&last) = cur.last() else { return };
        let prev = prev.or(self.after_zero.then_some(0));
        parse(&mut self.bits, cur, prev, above, &self.run, &self.up);
        self.after_zero = last == 0;
    }

    /// A row encoded before, next.
    pub(crate) fn encoded(&mut self, row: &Encoded) {
        if row.bits.words.is_empty() && row.bits.filled == 0 {
            return;
        }
        self.write_zeros();
        self.bits.append(&row.bits);
        self.after_zero = row.ends_zero;
    }

    /// The stream, ended, with `adler` (the Adler-32 of every byte) after it.
    pub(crate) fn finish(mut self, adler: u32) -> Vec<u8> {
        self.write_zeros();
        // End of block.
        let (code, bits) = LITERALS[256];
        self.bits.put(u64::from(code), bits);
        let mut bytes = self.bits.into_bytes();
        bytes.extend_from_slice(&adler.to_be_bytes());
        bytes
    }
}

/// A stretch of bytes encoded on its own, to be written in a stream any
/// number of times where the byte before it is a zero and the row above it
/// holds `above` as given to [`Encoded::new`].
#[derive(Debug)]
pub(crate) struct Encoded {
    bits: Bits,
    ends_zero: bool,
}

impl Encoded {
    /// `cur` encoded as if after a zero, with repeats of `above` (the bytes
    /// `stride` before `cur`) where one is given.
    pub(crate) fn new(cur: &[u8], above: Option<&[u8]>, stride: usize) -> Self {
        let mut bits = Bits::default();
        parse(&mut bits, cur, Some(0), above, &Distance::new(1), &Distance::new(stride));
        Self { bits, ends_zero: cur.last().is_none_or(|&b| b == 0) }
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
struct Distance {
    bits: u64,
    len: u32,
}

impl Distance {
    /// `d` (1..=32768) as deflate writes it: a five-bit code, then the
    /// distance less the code's base in the code's extra bits.
    fn new(d: usize) -> Self {
        let (code, base, extra) =
            DISTANCES.iter().rev().copied().find(|&(_, base, _)| base <= d).unwrap_or((0, 1, 0));
        let code = u64::from(reverse(code, 5));
        Self { bits: code | ((d - base) as u64) << 5, len: 5 + extra }
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

/// The fixed Huffman code of every literal/length symbol (0..=287), bit
/// reversed as the stream wants it, with its length.
const LITERALS: [(u16, u32); 288] = {
    let mut t = [(0, 0); 288];
    let mut s = 0;
    while s < 288 {
        let (code, len) = match s {
            0..=143 => (0x30 + s, 8),
            144..=255 => (0x190 + s - 144, 9),
            256..=279 => (s - 256, 7),
            _ => (0xc0 + s - 280, 8),
        };
        t[s as usize] = (reverse(code as u16, len), len);
        s += 1;
    }
    t
};

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
/// kept as little-endian words.
#[derive(Debug, Default)]
struct Bits {
    words: Vec<u64>,
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
            self.words.push(self.acc);
            self.acc = if self.filled == 0 { 0 } else { bits >> (64 - self.filled) };
            self.filled = total - 64;
        } else {
            self.filled = total;
        }
    }

    #[inline]
    fn literal(&mut self, b: u8) {
        let (code, bits) = LITERALS[usize::from(b)];
        self.put(u64::from(code), bits);
    }

    /// Append every bit of `other`.
    fn append(&mut self, other: &Self) {
        for &w in &other.words {
            self.put(w, 64);
        }
        if other.filled > 0 {
            self.put(other.acc, other.filled);
        }
    }

    /// A repeat of `len` bytes (at least [`MIN_MATCH`]) at `dist`, as as
    /// many matches as it takes.
    fn matches(&mut self, mut len: usize, dist: &Distance) {
        while len > 0 {
            // Never leave a tail shorter than a match.
            let take = match len {
                ..=MAX_MATCH => len,
                _ if len - MAX_MATCH < MIN_MATCH => len - MIN_MATCH,
                _ => MAX_MATCH,
            };
            let (bits, n) = LENGTHS[take];
            self.put(u64::from(bits), n);
            self.put(dist.bits, dist.len);
            len -= take;
        }
    }

    /// The stream as bytes, its last byte padded with zero bits.
    fn into_bytes(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.words.len() * 8 + 8);
        for w in &self.words {
            out.extend_from_slice(&w.to_le_bytes());
        }
        let tail = self.filled.div_ceil(8) as usize;
        out.extend_from_slice(&self.acc.to_le_bytes()[..tail]);
        out
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
        // 258 is symbol 285 (code 11000101), alone; 257 is 284 with 5 extra bits.
        assert_eq!(LENGTHS[258], (u32::from(reverse(0xc5, 8)), 8));
        assert_eq!(LENGTHS[257].1, 8 + 5);
        assert_eq!(LENGTHS[3], (0b100_0000, 7));
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
    fn long_repeats_are_cheap() {
        let rows = vec![0u8; 1201 * 630];
        assert!(compress(&rows, 1201).len() < 6000, "a blank card is a run: 15 bits each 258 bytes");
    }
}
