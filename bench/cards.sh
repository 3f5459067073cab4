#!/usr/bin/env bash
# What social cards cost `vellum build`: the same vault built with and
# without them, in the same run.
#
# Usage (from the repository root):
#
#     bench/cards.sh                  # 10,000 notes, seed 1
#     NOTES=1000 RUNS=3 bench/cards.sh
#
# Two copies of the generated vault differ only in `[site] social_cards`.
# Timed with hyperfine: a cold build (`--no-cache`: every card drawn) of each,
# then a warm build of each (the build cache kept from the run before, one
# note edited before every run, so the build is not skipped as up to date).
# Every run starts after a `sync`, so that no run pays for writing back the
# pages of the run before it; each pair is timed in both orders.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
NOTES=${NOTES:-10000}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VELLUM="$TARGET_DIR/release/vellum"
GEN="$TARGET_DIR/release/vellum-gen"
WORK="$ROOT/target/bench-cards/notes-$NOTES-seed-$SEED"

say() { printf '\n== %s\n' "$*" >&2; }

say "building vellum and vellum-gen (release)"
cargo build --release -p vellum -p vellum_gen >&2

if [ ! -f "$WORK/on/.vellum-gen.json" ]; then
    say "generating $NOTES notes (seed $SEED), twice"
    rm -rf "$WORK"
    mkdir -p "$WORK"
    "$GEN" --notes "$NOTES" --seed "$SEED" "$WORK/on" >&2
    cp -r "$WORK/on" "$WORK/off"
    # The generator writes no vellum.toml: each copy gets one that differs
    # only in `[site] social_cards` (off by default).
    printf '[site]\nsocial_cards = true\n' > "$WORK/on/vellum.toml"
    printf '[site]\nsocial_cards = false\n' > "$WORK/off/vellum.toml"
fi

NOTE_ON=$(find "$WORK/on" -name '*.md' -not -path '*/.vellum/*' | sort | sed -n 100p)
NOTE_OFF=${NOTE_ON/"$WORK/on"/"$WORK/off"}
cold() { echo "$VELLUM build $WORK/$1 --output $WORK/site-$1 --force --quiet --no-cache"; }
warm() { echo "$VELLUM build $WORK/$1 --output $WORK/cached-$1 --force --quiet"; }
touch_note() { echo "sh -c 'printf \"\\nx\\n\" >> \"$1\" && sync'"; }

# On this kind of machine the second command of a hyperfine run is slower
# than the first (by up to a fifth): each pair is timed in both orders and
# the runs pooled.
say "cold builds (every card drawn), 2 x $RUNS runs each"
for order in "without with" "with without"; do
    args=()
    for side in $order; do
        if [ "$side" = with ]; then args+=(-n with "$(cold on)"); else args+=(-n without "$(cold off)"); fi
    done
    hyperfine --warmup 1 --runs "$RUNS" --export-json "$WORK/cold-${order%% *}-first.json" \
        --prepare sync "${args[@]}" >&2
done

say "warm builds (cache kept, one note edited before each run), 2 x $RUNS runs each"
for order in "without with" "with without"; do
    args=()
    for side in $order; do
        if [ "$side" = with ]; then
            args+=(--prepare "$(touch_note "$NOTE_ON")" -n with "$(warm on)")
        else
            args+=(--prepare "$(touch_note "$NOTE_OFF")" -n without "$(warm off)")
        fi
    done
    hyperfine --warmup 1 --runs "$RUNS" --export-json "$WORK/warm-${order%% *}-first.json" "${args[@]}" >&2
done

# The median of each side's runs, pooled over both orders.
median() {
    python3 - "$@" <<'PY'
import json, statistics, sys
times = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
print(statistics.median(times["without"]), statistics.median(times["with"]))
PY
}
read -r c0 c1 < <(median "$WORK/cold-without-first.json" "$WORK/cold-with-first.json")
read -r w0 w1 < <(median "$WORK/warm-without-first.json" "$WORK/warm-with-first.json")
printf '\nnotes %s (seed %s), load %s\n' "$NOTES" "$SEED" "$(cut -d' ' -f1 /proc/loadavg)"
python3 -c "print('cold  without %.2f s, with %.2f s: +%.0f%%' % ($c0, $c1, 100 * ($c1 - $c0) / $c0))"
python3 -c "print('warm  without %.2f s, with %.2f s: +%.0f%%' % ($w0, $w1, 100 * ($w1 - $w0) / $w0))"
