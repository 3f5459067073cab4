#!/usr/bin/env bash
# Benchmark `vellum lsp` on a generated tech-journal vault, as an editor sees it.
#
# Usage (from the repository root):
#
#     bench/lsp.sh                   # 10,000 notes, seed 42
#     NOTES=1000 bench/lsp.sh
#
# Steps: build vellum, vellum-gen and the benchmark client
# (crates/vellum_lsp/examples/lsp_bench.rs) in release, generate the vault once
# into target/bench-vaults/ (cached), run the client RUNS times (it starts
# `vellum lsp`, opens a note, edits it, asks for completions and a rename, and
# reads the server's memory), time `vellum check` on the same vault as the
# run's baseline and measure its peak RSS with /usr/bin/time -v, and print the
# medians against the goals.
#
# Environment:
#   NOTES=10000   notes in the generated vault
#   SEED=42       generator seed
#   RUNS=3        client runs (each figure is the median over runs)
#   EDITS=50      didChange edits per run
#   CARGO_TARGET_DIR  honoured when locating the release binaries
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

NOTES=${NOTES:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
EDITS=${EDITS:-50}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VELLUM="$TARGET_DIR/release/vellum"
GEN="$TARGET_DIR/release/vellum-gen"
CLIENT="$TARGET_DIR/release/examples/lsp_bench"
CACHE="$ROOT/target/bench-vaults"
VAULT="$CACHE/notes-$NOTES-seed-$SEED"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

say() { printf '\n== %s\n' "$*" >&2; }

say "building vellum, vellum-gen and the benchmark client (release)"
cargo build --release -p vellum -p vellum_gen >&2
cargo build --release -p vellum_lsp --example lsp_bench >&2

if [ -f "$VAULT/.vellum-gen.json" ]; then
    say "using cached vault $VAULT"
else
    say "generating $NOTES notes (seed $SEED) into $VAULT"
    mkdir -p "$CACHE"
    tmp="$VAULT.partial.$$"
    rm -rf "$tmp" "$VAULT"
    "$GEN" --notes "$NOTES" --seed "$SEED" "$tmp" >&2
    mv "$tmp" "$VAULT"
fi

for ((i = 1; i <= RUNS; i++)); do
    say "client run $i of $RUNS"
    "$CLIENT" "$VELLUM" "$VAULT" "$EDITS" | tee "$WORK/run-$i.txt" >&2
done

# The same run's baseline: `vellum check` loads and checks the same vault, which
# is what the server does before its first diagnostics (wall time swings
# with the machine's load; the ratio does much less).
say "baseline: vellum check wall time (3 runs)"
check_ms=()
for ((i = 0; i < 3; i++)); do
    start=$(date +%s%N)
    "$VELLUM" check "$VAULT" --quiet --format json > /dev/null || true
    check_ms+=($(( ($(date +%s%N) - start) / 1000000 )))
done

rss_kb=0
if [ -x /usr/bin/time ]; then
    say "peak memory of vellum check"
    for ((i = 0; i < 3; i++)); do
        /usr/bin/time -v -o "$WORK/time.txt" "$VELLUM" check "$VAULT" --quiet --format json > /dev/null || true
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
        if [ "$kb" -gt "$rss_kb" ]; then rss_kb=$kb; fi
    done
else
    echo "/usr/bin/time unavailable: check's peak memory not measured" >&2
fi

python3 - "$WORK" "$RUNS" "$rss_kb" "$NOTES" "$SEED" "$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')" "${check_ms[*]}" << 'PY'
import statistics, sys
work, runs, rss_kb, notes, seed, load, check_ms = sys.argv[1:]
check_ms = statistics.median(float(x) for x in check_ms.split())
figures = {}
for i in range(1, int(runs) + 1):
    for line in open(f"{work}/run-{i}.txt"):
        key, _, value = line.strip().partition(" ")
        try:
            number = float(value)
        except ValueError:
            continue
        figures.setdefault(key, []).append(number)
med = {k: statistics.median(v) for k, v in figures.items()}
check_mb = int(rss_kb) / 1024
print(f"\nvault {notes} notes (seed {seed}), load {load}, medians of {runs} runs")
rows = [
    ("ready (start → first diagnostics)", med["ready_ms"], 1500, "ms"),
    ("didChange → diagnostics, median", med["did_change_median_ms"], 50, "ms"),
    ("completion after [[ + 2 letters", med["completion_typed_median_ms"], 30, "ms"),
    ("completion after [[ (every note)", med["completion_empty_median_ms"], 30, "ms"),
    (f"rename, {int(med['rename_linking_notes'])} linking notes", med["rename_median_ms"], 200, "ms"),
]
for name, value, goal, unit in rows:
    print(f"{name:40} {value:9.1f} {unit}   goal {goal} {unit}: {value / goal:.2f}× of goal {'ok' if value <= goal else 'MISSED'}")
print(f"{'vellum check wall (same run)':40} {check_ms:9.1f} ms   ready / check: {med['ready_ms'] / check_ms:.2f}×")
peak = med.get("server_vmhwm_mb", 0)
if check_mb:
    ratio = peak / check_mb
    print(f"{'server peak RSS vs vellum check':40} {peak:9.0f} MB   check {check_mb:.0f} MB: {ratio:.2f}×, goal ≤ 1.5×: {'ok' if ratio <= 1.5 else 'MISSED'}")
else:
    print(f"{'server peak RSS':40} {peak:9.0f} MB")
PY
