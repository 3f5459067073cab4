#!/usr/bin/env bash
# Benchmark `vellum build` against Hugo's bare build of the same notes.
#
# Usage (from the repository root):
#
#     bench/build.sh                  # 10,000 notes, seed 1
#     NOTES=1000 RUNS=3 bench/build.sh
#
# Steps: build vellum and vellum-gen in release; generate (or reuse) the vault
# in target/bench-vaults/ with vellum-gen; turn it into a Hugo site with
# `vellum-gen hugo` (installing Debian's `hugo` if missing); time both builds in the same run with hyperfine (both write to disk
# under target/bench-sites/, output overwritten in place); measure peak RSS with
# /usr/bin/time -v; print vellum's per-phase split and the ratio; then the
# build cache: an empty cache, nothing changed, one note's prose edited (the
# median of RUNS edits, against the full `--no-cache` build), a tag added.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
NOTES=${NOTES:-10000}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VELLUM="$TARGET_DIR/release/vellum"
GEN="$TARGET_DIR/release/vellum-gen"
VAULT="$ROOT/target/bench-vaults/notes-$NOTES-seed-$SEED"
SITES="$ROOT/target/bench-sites/notes-$NOTES-seed-$SEED"

say() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" > /dev/null 2>&1; }
install() { have apt-get && { apt-get install -y "$@" > /dev/null 2>&1 || { apt-get update > /dev/null 2>&1 && apt-get install -y "$@" > /dev/null 2>&1; }; }; }

say "building vellum and vellum-gen (release)"
cargo build --release -p vellum -p vellum_gen >&2

if [ ! -f "$VAULT/.vellum-gen.json" ]; then
    say "generating $NOTES notes (seed $SEED)"
    mkdir -p "$(dirname "$VAULT")"
    rm -rf "$VAULT.partial" "$VAULT" "$SITES"
    "$GEN" --notes "$NOTES" --seed "$SEED" "$VAULT.partial" >&2
    mv "$VAULT.partial" "$VAULT"
fi

have hugo || { say "installing hugo"; install hugo || { echo "hugo is not available" >&2; exit 2; }; }
have hyperfine || install hyperfine || true
[ -x /usr/bin/time ] || install time || true

mkdir -p "$SITES"
if [ ! -d "$SITES/hugo" ]; then
    say "preparing the Hugo site"
    "$GEN" hugo "$VAULT" "$SITES/hugo" >&2
fi

# --no-cache: every run is a full build (the build cache is measured below).
VELLUM_CMD="$VELLUM build $VAULT --output $SITES/vellum --force --quiet --no-cache"
HUGO_CMD="hugo --quiet -s $SITES/hugo -d $SITES/hugo/public"

say "timing ($WARMUP warm-up, $RUNS runs each)"
if have hyperfine; then
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$SITES/times.json" \
        -n vellum "$VELLUM_CMD" -n hugo "$HUGO_CMD" >&2
    read -r v h < <(python3 -c "import json,sys; r={x['command']:x['median'] for x in json.load(open('$SITES/times.json'))['results']}; print(r['vellum'], r['hugo'])")
else
    t() { local s e; s=$(date +%s.%N); eval "$1" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
    v=$(t "$VELLUM_CMD"); h=$(t "$HUGO_CMD")
fi

rss() { /usr/bin/time -f '%M' "$@" 2>&1 > /dev/null | tail -1; }
v_rss=$(rss $VELLUM_CMD)
h_rss=$(rss $HUGO_CMD)

say "vellum's phases (one more run)"
{ $VELLUM build "$VAULT" --output "$SITES/vellum" --force --no-cache --verbose 2>&1 || true; } | tail -4 >&2

say "the build cache: empty cache, then no change, then one edited note"
CACHED="$VELLUM build $VAULT --output $SITES/vellum-cached --force --verbose"
timed() { /usr/bin/time -o "$SITES/time.txt" -f '%e %M' "$@" > /dev/null 2> "$SITES/log.txt"; cat "$SITES/time.txt"; }
rm -rf "$VAULT/.vellum/build" "$VAULT/.vellum/parse" "$SITES/vellum-cached"
read -r c1 c1_rss < <(timed $CACHED)
sleep 2.1 # stamps younger than 2 s are never trusted
read -r c2 c2_rss < <(timed $CACHED) # records the vault's stamps
read -r c3 c3_rss < <(timed $CACHED) # nothing changed: not even loaded
NOTE=$(find "$VAULT" -name '*.md' -not -path '*/.vellum/*' | sort | sed -n 100p)
cp -p "$NOTE" "$SITES/edited-note.bak"
# One edit, $RUNS times: each appends a line to the same note (its prose
# only: the build patches the note's page in place) and builds; the median.
edits=()
for k in $(seq 1 "$RUNS"); do
    printf '\nOne more line, written by bench/build.sh (%s).\n' "$k" >> "$NOTE"
    read -r c4 c4_rss < <(timed $CACHED)
    edits+=("$c4")
done
grep 'cache:' "$SITES/log.txt" >&2 || true
cp -p "$SITES/edited-note.bak" "$NOTE"
c4=$(printf '%s\n' "${edits[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
# A new tag in the same note reaches other pages: a full build with every cache.
printf '\nOne more line with #bench-tag.\n' >> "$NOTE"
read -r c5 c5_rss < <(timed $CACHED)
cp -p "$SITES/edited-note.bak" "$NOTE"

printf '\nnotes        %s (seed %s), load %s\n' "$NOTES" "$SEED" "$(cut -d' ' -f1 /proc/loadavg)"
printf 'vellum       %.2f s median, peak %d MB\n' "$v" "$((v_rss / 1024))"
printf 'hugo         %.2f s median, peak %d MB (bare: title + content only)\n' "$h" "$((h_rss / 1024))"
python3 -c "print('ratio        hugo / vellum = %.2fx (goal: 3x)' % ($h / $v))"
printf 'cache        empty %.2f s (%d MB); all pages kept %.2f s; nothing changed %.3f s; one edit (prose) %.3f s (%d MB, median of %s); one edit (a tag) %.2f s\n' \
    "$c1" "$((c1_rss / 1024))" "$c2" "$c3" "$c4" "$((c4_rss / 1024))" "$RUNS" "$c5"
python3 -c "print('cache ratios nothing changed / empty = %.1f%% (goal: < 10%%); one edit / full --no-cache build = %.1f%% (goal: <= 5%%); a tag / full = %.0f%%' % (100 * $c3 / $c1, 100 * $c4 / $v, 100 * $c5 / $v))"
