#!/usr/bin/env bash
# Benchmark how long `vellum serve` takes to start serving a generated vault:
# the first start (nothing kept: the preview is built and kept in
# .vellum/serve/), starts with nothing changed since (the kept preview taken
# up), and starts after a one-note edit (a cached build of what changed, then
# taken up). Each start is timed from launch to the "Serving" line, then the
# server is stopped. See bench/README.md.
#
#   bench/serve_start.sh                 # 10,000 notes, seed 1, 5 runs of each
#   NOTES=1000 RUNS=3 bench/serve_start.sh
set -euo pipefail
cd "$(dirname "$0")/.."
NOTES=${NOTES:-10000}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -p vellum -p vellum_gen >&2
BIN="$TARGET/release/vellum"
GEN="$TARGET/release/vellum-gen"
src="target/bench-vaults/notes-$NOTES-seed-$SEED"
if [ ! -f "$src/.vellum-gen.json" ]; then
  mkdir -p "$(dirname "$src")"
  rm -rf "$src.partial" "$src"
  "$GEN" --notes "$NOTES" --seed "$SEED" "$src.partial" >&2
  mv "$src.partial" "$src"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
rm -rf "$work/public" "$work/.vellum"
# Every file dated back, so that the caches trust the stamps.
find "$work" -type f -exec touch -d '-1 hour' {} +
sync
python3 - "$BIN" "$work" "$RUNS" <<'PY'
import glob, os, statistics, subprocess, sys, time
bin, vault, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def start():
    t0 = time.perf_counter()
    p = subprocess.Popen([bin, "serve", vault, "--port", "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if line.startswith("Serving "):
            break
    took = time.perf_counter() - t0
    p.terminate()
    p.wait()
    return took

notes = sorted(p for p in glob.glob(os.path.join(vault, "**", "*.md"), recursive=True))
note = notes[len(notes) // 3]
first = start()
same = [start() for _ in range(runs)]
edited = []
for k in range(runs):
    with open(note, "a", encoding="utf-8") as f:
        f.write(f"\nA line added before start {k}.\n")
    past = time.time() - 10
    os.utime(note, (past, past))
    edited.append(start())
med = lambda xs: statistics.median(xs)
print(f"notes {len(notes)}, load {os.getloadavg()[0]:.2f}")
print(f"first start (nothing kept)       {first:.3f} s")
print(f"start, nothing changed (median)  {med(same):.3f} s  (min {min(same):.3f}, max {max(same):.3f}) = {med(same) / first:.2f}x the first")
print(f"start after a one-note edit      {med(edited):.3f} s  (min {min(edited):.3f}, max {max(edited):.3f}) = {med(edited) / first:.2f}x the first")
PY
