#!/usr/bin/env bash
# Benchmark `vellum query` and `vellum search` on a generated vault: the first
# (cold) run that loads the vault and writes the caches in .vellum/, warm runs
# answered from the caches, a one-note edit re-indexed by `search`, and a
# baseline that only walks the vault (`find -name '*.md'`).
#
#     bench/query.sh                 # 10,000 notes, seed 1
#     NOTES=1000 RUNS=20 bench/query.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NOTES=${NOTES:-10000}
SEED=${SEED:-1}
RUNS=${RUNS:-30}
TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target}
VELLUM="$TARGET_DIR/release/vellum"
GEN="$TARGET_DIR/release/vellum-gen"
VAULT="target/bench-vaults/notes-$NOTES-seed-$SEED"

cargo build --release -p vellum -p vellum_gen >&2
if [ ! -f "$VAULT/.vellum-gen.json" ]; then
    mkdir -p "$(dirname "$VAULT")"
    rm -rf "$VAULT.partial" "$VAULT"
    "$GEN" --notes "$NOTES" --seed "$SEED" "$VAULT.partial" >&2
    mv "$VAULT.partial" "$VAULT"
fi
command -v hyperfine > /dev/null || apt-get install -y hyperfine > /dev/null 2>&1

echo "== cold: no caches (loads and parses every note, writes .vellum/)"
rm -rf "$VAULT/.vellum"
sleep 2 # notes younger than 2 s are not trusted by the caches
/usr/bin/time -f "query  cold: %e s wall, %U s user, %S s sys, %M KB peak" \
    "$VELLUM" query tag:hardware --vault "$VAULT" --quiet > /dev/null
/usr/bin/time -f "search cold: %e s wall, %U s user, %S s sys, %M KB peak (index build)" \
    "$VELLUM" search kernel --vault "$VAULT" > /dev/null

echo "== warm: answered from the caches"
hyperfine -N --warmup 3 --runs "$RUNS" \
    "$VELLUM query tag:hardware --vault $VAULT --limit 3 --quiet" \
    "$VELLUM query 'kernel tag:hardware' --vault $VAULT --limit 3 --quiet" \
    "$VELLUM search kernel --vault $VAULT --limit 3 --quiet" \
    "find $VAULT -name '*.md'"

echo "== one edit, then search (re-indexes that note only)"
note=$(find "$VAULT" -name '*.md' | sort | head -1)
cp "$note" "$note.bak"
for i in 1 2 3 4 5; do
    echo "wombat$i" >> "$note"
    /usr/bin/time -f "  %e s wall" "$VELLUM" search "wombat$i" --vault "$VAULT" --limit 1 2>&1 > /dev/null | tail -2
done
mv "$note.bak" "$note"
"$VELLUM" search kernel --vault "$VAULT" --quiet > /dev/null
