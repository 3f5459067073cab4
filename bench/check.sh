#!/usr/bin/env bash
# Benchmark `vellum check` on a generated tech-journal vault.
#
# Usage (from the repository root):
#
#     bench/check.sh                 # 10,000 notes, seed 1
#     NOTES=1000 SEED=7 bench/check.sh
#
# Steps: build vellum and vellum-gen in release, generate the vault once into
# target/bench-vaults/ (cached; crates/vellum_gen), time in one run, with
# hyperfine (or a bash loop when hyperfine cannot be installed):
#   - `vellum check --no-cache` (every note read, parsed and checked),
#   - `vellum check` with its cache warm and nothing changed,
#   - `vellum check` after a one-note body edit (a line appended to one note
#     before each run, its mtime set 10 s back so that the stamp is trusted),
#   - the raw-read baseline (`cat` of every note),
# measure peak RSS of the full check with /usr/bin/time -v, and print the
# figures and the ratios to the baseline. The edited note is restored at the
# end. See bench/README.md for what the numbers mean.
#
# Environment:
#   NOTES=10000       notes in the generated vault
#   SEED=1            generator seed
#   RUNS=10           timed runs per command
#   WARMUP=3          untimed warm-up runs per command (fills the page cache)
#   RSS_RUNS=3        runs under /usr/bin/time -v (the largest peak is reported)
#   GOAL_WALL=0.5     goal for the mean wall time, seconds
#   GOAL_RSS_MB=300   goal for peak RSS, MB
#   GOAL_CACHED=1.0   goal for the cached check, unchanged vault, / baseline
#   GOAL_EDITED=2.0   goal for the cached check after a one-note edit, / baseline
#   TIMER=hyperfine   or `loop` to force the bash-loop fallback
#   CARGO_TARGET_DIR  honoured when locating the release binary
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

NOTES=${NOTES:-10000}
SEED=${SEED:-1}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-3}
RSS_RUNS=${RSS_RUNS:-3}
GOAL_WALL=${GOAL_WALL:-0.5}
GOAL_RSS_MB=${GOAL_RSS_MB:-300}
GOAL_CACHED=${GOAL_CACHED:-1.0}
GOAL_EDITED=${GOAL_EDITED:-2.0}
TIMER=${TIMER:-hyperfine}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VELLUM="$TARGET_DIR/release/vellum"
GEN="$TARGET_DIR/release/vellum-gen"
CACHE="$ROOT/target/bench-vaults"
VAULT="$CACHE/notes-$NOTES-seed-$SEED"
WORK=$(mktemp -d)
EDITED=""
restore() {
    if [ -n "$EDITED" ] && [ -f "$WORK/edited.md" ]; then
        cp -p "$WORK/edited.md" "$EDITED"
    fi
    rm -rf "$WORK"
}
trap restore EXIT

say() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" > /dev/null 2>&1; }

# Install a Debian package if we can (root, or sudo without a password).
apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        have sudo && sudo -n true 2> /dev/null || return 1
        sudo=(sudo -n)
    fi
    have apt-get || return 1
    "${sudo[@]}" apt-get install -y "$@" > /dev/null 2>&1 ||
        { "${sudo[@]}" apt-get update > /dev/null 2>&1 && "${sudo[@]}" apt-get install -y "$@" > /dev/null 2>&1; }
}

# --- (a) build -------------------------------------------------------------
say "building vellum and vellum-gen (release)"
cargo build --release -p vellum -p vellum_gen >&2
[ -x "$VELLUM" ] || { echo "no binary at $VELLUM" >&2; exit 2; }

# --- (b) vault ---------------------------------------------------------------
if [ -f "$VAULT/.vellum-gen.json" ]; then
    say "using cached vault $VAULT"
else
    say "generating $NOTES notes (seed $SEED) into $VAULT"
    mkdir -p "$CACHE"
    # Generate beside the cache and rename, so an interrupted run leaves no half vault.
    tmp="$VAULT.partial.$$"
    rm -rf "$tmp" "$VAULT"
    "$GEN" --notes "$NOTES" --seed "$SEED" "$tmp" >&2
    mv "$tmp" "$VAULT"
fi
md_files=$(find "$VAULT" -name '*.md' | wc -l)
md_bytes=$(find "$VAULT" -name '*.md' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)

# One plain run first: exit code 2 means vellum could not run at all, which
# would make every timing below meaningless (0 and 1 are normal results).
set +e
"$VELLUM" check "$VAULT" --quiet --no-cache --format json > "$WORK/diagnostics.jsonl"
code=$?
set -e
if [ "$code" -ge 2 ]; then
    echo "vellum check failed with exit code $code" >&2
    exit 2
fi
diagnostics=$(wc -l < "$WORK/diagnostics.jsonl")

# --- (c) wall time -------------------------------------------------------------
# `vellum check` exits 1 when it finds errors; that is a result, not a failure.
CMD_VELLUM="'$VELLUM' check '$VAULT' --quiet --no-cache --format json > /dev/null || [ \$? -eq 1 ]"
# The same check through the check cache (`.vellum/check/` in the vault; the
# warm-up runs fill it).
CMD_CACHED="'$VELLUM' check '$VAULT' --quiet --format json > /dev/null || [ \$? -eq 1 ]"
# The baseline: reading every note once (-print0/-0 because titles have spaces).
CMD_BASE="find '$VAULT' -name '*.md' -print0 | xargs -0 cat > /dev/null"
# The one-note edit, made before each run of the edited scenario: a line
# appended to the body, the mtime set 10 s back (a stamp younger than 2 s is
# never trusted, which would make the cache read that note on every run).
EDITED=$(find "$VAULT" -name '*.md' -print | LC_ALL=C sort | sed -n '100p')
cp -p "$EDITED" "$WORK/edited.md"
CMD_EDIT="printf 'An edit.\\n' >> '$EDITED' && touch -d '10 seconds ago' '$EDITED'"

if [ "$TIMER" = hyperfine ] && ! have hyperfine; then
    say "hyperfine missing: trying apt-get install hyperfine"
    apt_install hyperfine || echo "could not install hyperfine; falling back to a bash loop" >&2
fi

if [ "$TIMER" = hyperfine ] && have hyperfine; then
    say "timing with hyperfine ($WARMUP warm-up, $RUNS runs each)"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$WORK/times.json" \
        --prepare true --prepare true --prepare "$CMD_EDIT" --prepare true \
        -n vellum "$CMD_VELLUM" -n cached "$CMD_CACHED" -n edited "$CMD_CACHED" -n baseline "$CMD_BASE" >&2
    read -r v_mean v_sd v_min v_median b_mean b_median v_cpu c_median e_median < <(python3 - "$WORK/times.json" << 'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
v, b = r["vellum"], r["baseline"]
print(v["mean"], v["stddev"] or 0, v["min"], v["median"], b["mean"], b["median"], v["user"] + v["system"],
      r["cached"]["median"], r["edited"]["median"])
EOF
)
else
    say "timing with a bash loop ($WARMUP warm-up, $RUNS runs each)"
    time_loop() { # name, command[, prepare]: writes the run times, one a line, to $WORK/name.times
        local i t0 t1
        for ((i = 0; i < WARMUP; i++)); do bash -c "${3:-true}"; bash -c "$2"; done
        : > "$WORK/$1.times"
        for ((i = 0; i < RUNS; i++)); do
            bash -c "${3:-true}"
            t0=$(date +%s.%N)
            bash -c "$2"
            t1=$(date +%s.%N)
            awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >> "$WORK/$1.times"
        done
    }
    time_loop vellum "$CMD_VELLUM"
    time_loop cached "$CMD_CACHED"
    time_loop edited "$CMD_CACHED" "$CMD_EDIT"
    time_loop baseline "$CMD_BASE"
    read -r v_mean v_sd v_min v_median b_mean b_median v_cpu c_median e_median < <(python3 - "$WORK" << 'EOF'
import statistics as st, sys
def load(n):
    return [float(x) for x in open(f"{sys.argv[1]}/{n}.times") if x.strip()]
v, b = load("vellum"), load("baseline")
print(st.mean(v), st.stdev(v) if len(v) > 1 else 0, min(v), st.median(v), st.mean(b), st.median(b), 0,
      st.median(load("cached")), st.median(load("edited")))
EOF
)
fi

# What the cache did after one edit (it must say: 1 notes changed).
bash -c "$CMD_EDIT"
"$VELLUM" check "$VAULT" --verbose --format json 2>&1 > /dev/null | grep '^cache:' >&2 || true

# --- (d) peak memory -------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    say "/usr/bin/time missing: trying apt-get install time"
    apt_install time || true
fi
rss_kb=""
if [ -x /usr/bin/time ]; then
    say "peak memory with /usr/bin/time -v ($RSS_RUNS runs)"
    for ((i = 0; i < RSS_RUNS; i++)); do
        /usr/bin/time -v -o "$WORK/time.txt" "$VELLUM" check "$VAULT" --quiet --no-cache --format json > /dev/null || true
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
        if [ -z "$rss_kb" ] || [ "$kb" -gt "$rss_kb" ]; then rss_kb=$kb; fi
    done
else
    echo "/usr/bin/time unavailable: peak memory not measured" >&2
fi

# --- report ------------------------------------------------------------------
python3 - "$NOTES" "$SEED" "$md_files" "$md_bytes" "$diagnostics" "$(nproc)" \
    "$v_mean" "$v_sd" "$v_min" "$v_median" "$b_mean" "$b_median" "$v_cpu" \
    "${rss_kb:-0}" "$GOAL_WALL" "$GOAL_RSS_MB" "$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')" \
    "$c_median" "$e_median" "$GOAL_CACHED" "$GOAL_EDITED" << 'EOF'
import sys
(notes, seed, files, size, diags, cores, v_mean, v_sd, v_min, v_median, b_mean, b_median, v_cpu,
 rss_kb, goal_wall, goal_rss, load, c_median, e_median, goal_cached, goal_edited) = sys.argv[1:]
c_median, e_median, goal_cached, goal_edited = map(float, (c_median, e_median, goal_cached, goal_edited))
v_mean, v_sd, v_min, v_median = map(float, (v_mean, v_sd, v_min, v_median))
b_mean, b_median = float(b_mean), float(b_median)
rss_mb = int(rss_kb) / 1024
goal_wall, goal_rss = float(goal_wall), float(goal_rss)
ok = lambda good: "ok" if good else "MISSED"
print()
print(f"vault        {files} notes, {int(size) / 1e6:.1f} MB (NOTES={notes} SEED={seed}), {cores} cores, load {load}")
print(f"diagnostics  {diags} (JSON lines)")
print(f"vellum       --no-cache: mean {v_mean:.3f} s ± {v_sd:.3f}, median {v_median:.3f} s, min {v_min:.3f} s"
      f"   goal < {goal_wall} s: {ok(v_mean < goal_wall)}")
if float(v_cpu) > 0:
    print(f"vellum CPU   {float(v_cpu):.3f} s user+sys per run (steadier than wall on a busy machine)")
print(f"baseline     mean {b_mean:.3f} s, median {b_median:.3f} s  (find | xargs cat: raw read cost)")
if b_median > 0:
    print(f"ratio        vellum --no-cache / baseline = {v_median / b_median:.1f}x (medians)")
    print(f"cached       unchanged vault: median {c_median:.3f} s = {c_median / b_median:.2f}x baseline"
          f"   goal <= {goal_cached}x: {ok(c_median / b_median <= goal_cached)}")
    print(f"edited       one-note edit:   median {e_median:.3f} s = {e_median / b_median:.2f}x baseline"
          f"   goal <= {goal_edited}x: {ok(e_median / b_median <= goal_edited)}")
if rss_mb > 0:
    print(f"peak RSS     {rss_mb:.0f} MB   goal < {goal_rss:.0f} MB: {ok(rss_mb < goal_rss)}")
EOF
