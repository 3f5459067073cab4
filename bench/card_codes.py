#!/usr/bin/env python3
"""The Huffman code lengths that suit social cards, measured from cards.

Usage (from the repository root), with sites built with `[site] social_cards = true`:

    python3 bench/card_codes.py SITE_DIR [SITE_DIR ...]

Every `og.png` under each site is inflated (one dynamic deflate block, as
`vellum_og` writes it) and its literal/length and distance symbols counted.
Each site weighs the same whatever its number of cards; the optimal code
lengths of at most 15 bits for the pooled counts (package-merge, every symbol
given a code, as the encoder needs) are printed as the `PALETTE_LENGTHS`,
`CODE_LENGTHS` and `DIST_LENGTHS` tables of `crates/vellum_og/src/zlib.rs`
(the literals no palette has take 15 bits), with the bits they
would save on each site's cards against the lengths the cards were written
with. Extra bits of lengths and distances are the same under any code and
left out of the counts.
"""

import struct
import sys
from collections import Counter
from pathlib import Path

LITLEN = 286
DIST = 30
MAX_BITS = 15

# Deflate's extra bits of each length symbol (257..=285) and distance code.
LENGTH_EXTRA = [0 if s < 265 or s == 285 else (s - 261) // 4 for s in range(257, 286)]
DIST_EXTRA = [0 if c < 4 else c // 2 - 1 for c in range(DIST)]


def idat(path):
    """The concatenated IDAT chunks of a PNG: its zlib stream."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    at, out = 8, bytearray()
    while at + 8 <= len(data):
        (n,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            out += data[at + 8 : at + 8 + n]
        at += 12 + n
    return bytes(out)


def lookup(lengths):
    """A table from the next 15 bits (least significant first) of a stream to
    the symbol its canonical code starts with and the code's length."""
    count = Counter(n for n in lengths if n)
    code, first = 0, {}
    for bits in range(1, MAX_BITS + 1):
        code = (code + count.get(bits - 1, 0)) << 1
        first[bits] = code
    table = [None] * (1 << MAX_BITS)
    for sym, n in enumerate(lengths):
        if not n:
            continue
        c = first[n]
        first[n] += 1
        rev = int(format(c, f"0{n}b")[::-1], 2)
        for high in range(1 << (MAX_BITS - n)):
            table[rev | high << n] = (sym, n)
    return table


class Reader:
    def __init__(self, data):
        self.data, self.pos = data + b"\0\0\0\0", 0

    def peek(self):
        at = self.pos >> 3
        return (int.from_bytes(self.data[at : at + 4], "little") >> (self.pos & 7)) & 0x7FFF

    def bits(self, n):
        v = self.peek() & ((1 << n) - 1)
        self.pos += n
        return v

    def symbol(self, table):
        entry = table[self.peek()]
        if entry is None:
            raise ValueError("not a code")
        self.pos += entry[1]
        return entry[0]


def count(stream, lit, dist, tables):
    """Add the symbols of a one-block zlib stream to `lit` and `dist`; return
    the code lengths its header gives."""
    r = Reader(stream)
    r.bits(16)  # the zlib header
    r.bits(1)
    if r.bits(2) != 2:
        raise ValueError("not a block with its own codes")
    hlit, hdist, hclen = r.bits(5) + 257, r.bits(5) + 1, r.bits(4) + 4
    order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    code_lengths = [0] * 19
    for k in range(hclen):
        code_lengths[order[k]] = r.bits(3)
    cl = lookup(code_lengths)
    lengths = []
    while len(lengths) < hlit + hdist:
        s = r.symbol(cl)
        if s < 16:
            lengths.append(s)
        elif s == 16:
            lengths += [lengths[-1]] * (3 + r.bits(2))
        elif s == 17:
            lengths += [0] * (3 + r.bits(3))
        else:
            lengths += [0] * (11 + r.bits(7))
    key = tuple(lengths)
    if key not in tables:
        tables[key] = (lookup(lengths[:hlit]), lookup(lengths[hlit:]))
    lt, dt = tables[key]
    while True:
        s = r.symbol(lt)
        lit[s] += 1
        if s == 256:
            return lengths[:hlit], lengths[hlit:]
        if s > 256:
            r.bits(LENGTH_EXTRA[s - 257])
            d = r.symbol(dt)
            dist[d] += 1
            r.bits(DIST_EXTRA[d])


def package_merge(weights):
    """Optimal lengths of at most MAX_BITS bits for `weights` (all positive)."""
    leaves = sorted((w, (s,)) for s, w in enumerate(weights))
    items = list(leaves)
    for _ in range(MAX_BITS - 1):
        pairs = [(items[i][0] + items[i + 1][0], items[i][1] + items[i + 1][1]) for i in range(0, len(items) - 1, 2)]
        items = sorted(leaves + pairs, key=lambda x: x[0])
    lengths = [0] * len(weights)
    for _, syms in items[: 2 * len(weights) - 2]:
        for s in syms:
            lengths[s] += 1
    return lengths


def cost(lit, dist, lit_lengths, dist_lengths):
    return sum(f * n for f, n in zip(lit, lit_lengths)) + sum(f * n for f, n in zip(dist, dist_lengths))


# The palette indices a card uses: the background, then five ramps of 15
# (as `vellum_og` lays them out); the literals after them, up to 255, are
# never written and take the longest codes.
PALETTE = 76
PALETTE_ROWS = [(1, "background")] + [(15, ramp) for ramp in ("Fill", "Band", "Ink", "Soft", "PillInk")]
# End of block and the match lengths (symbols 256 to 285).
CODE_ROWS = [(15, "end of block, match lengths 3 to 26"), (15, "match lengths 27 to 258")]


def rust_table(name, size, lengths, rows):
    out, at = [], 0
    for n, label in rows:
        row = ", ".join(str(x) for x in lengths[at : at + n]) + ","
        out.append(f"    {row}" + (f" // {label}" if label else ""))
        at += n
    body = "\n".join(out)
    return f"#[rustfmt::skip]\nconst {name}: [u8; {size}] = [\n{body}\n];"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sites = []
    for site in sys.argv[1:]:
        lit, dist, tables, used = [0] * LITLEN, [0] * DIST, {}, None
        cards = sorted(Path(site).rglob("og.png"))
        for card in cards:
            used = count(idat(card), lit, dist, tables)
        if not cards:
            sys.exit(f"{site}: no og.png")
        sites.append((site, len(cards), lit, dist, used))
    # Each site's counts as shares of its symbols, so that each weighs the
    # same; a symbol never seen still gets a code, the longest it can.
    pooled_lit, pooled_dist = [0.0] * LITLEN, [0.0] * DIST
    for _, _, lit, dist, _ in sites:
        total = sum(lit) + sum(dist)
        pooled_lit = [p + f / total for p, f in zip(pooled_lit, lit)]
        pooled_dist = [p + f / total for p, f in zip(pooled_dist, dist)]
    floor = 1e-9
    lit_lengths = package_merge([p + floor for p in pooled_lit])
    dist_lengths = package_merge([p + floor for p in pooled_dist])
    for site, n, lit, dist, (old_lit, old_dist) in sites:
        before = cost(lit, dist, old_lit, old_dist)
        after = cost(lit, dist, lit_lengths, dist_lengths)
        print(f"// {site}: {n} cards, {before} bits of codes as written, {after} with these ({after / before - 1:+.1%})")
    if any(n != MAX_BITS for n in lit_lengths[PALETTE:256]):
        sys.exit(f"a literal past the palette got a code shorter than {MAX_BITS} bits")
    print(rust_table("PALETTE_LENGTHS", PALETTE, lit_lengths[:PALETTE], PALETTE_ROWS))
    print(rust_table("CODE_LENGTHS", LITLEN - 256, lit_lengths[256:], CODE_ROWS))
    print(rust_table("DIST_LENGTHS", DIST, dist_lengths, [(15, ""), (15, "")]))


if __name__ == "__main__":
    main()
