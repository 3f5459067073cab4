#!/usr/bin/env bash
# Run one fuzz target for a bounded time, with a seed corpus.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer options…]
#   fuzz/run.sh render_note 600
#
# TARGET is `parse_note` or `render_note` (see fuzz/README.md). The corpus in
# fuzz/corpus/TARGET/ is seeded (once it is empty) from every Markdown file of
# the example vault and of the test fixtures; libFuzzer adds what it finds
# there. cargo-fuzz needs nightly; RUSTC_BOOTSTRAP=1 lets stable act as one.
set -euo pipefail
cd "$(dirname "$0")"

target=${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options…]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer options…]}
shift 2

corpus="corpus/$target"
mkdir -p "$corpus"
if [ -z "$(ls -A "$corpus")" ]; then
  # Seeds named by content hash, so the same file in two places is one seed.
  find ../examples ../crates -path '*/target' -prune -o -name '*.md' -type f -print0 |
    while IFS= read -r -d '' f; do
      cp "$f" "$corpus/seed-$(sha1sum < "$f" | cut -c1-16)"
    done
  echo "seeded $corpus with $(ls "$corpus" | wc -l) files" >&2
fi

RUSTC_BOOTSTRAP=1 exec cargo fuzz run "$target" "$corpus" -- \
  -dict=parse_note.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 "$@"
