#!/usr/bin/env bash
# Benchmark `vellum serve`: save-to-reload latency of a one-note edit and
# static-page throughput under wrk, on generated vaults (see bench/README.md).
#
#   bench/serve.sh                      # 1,000, 10,000 and 50,000 notes, seed 1
#   SIZES="1000" EDITS=10 bench/serve.sh
#   EDIT=start bench/serve.sh           # edit the start of the note instead of its end
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 50000"}
SEED=${SEED:-1}
EDITS=${EDITS:-20}
# Where each edit writes: `end` (a line appended), `start` (a line after the
# H1, which changes the note's search-index entry too) or `title` (a new title,
# which re-plans the site: backlinks, lists and the index show it).
EDIT=${EDIT:-end}
WRK_SECONDS=${WRK_SECONDS:-10}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -p vellum -p vellum_gen >&2
BIN="$TARGET/release/vellum"
GEN="$TARGET/release/vellum-gen"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
for n in $SIZES; do
  src="target/bench-vaults/notes-$n-seed-$SEED"
  if [ ! -f "$src/.vellum-gen.json" ]; then
    mkdir -p "$(dirname "$src")"
    rm -rf "$src.partial" "$src"
    "$GEN" --notes "$n" --seed "$SEED" "$src.partial" >&2
    mv "$src.partial" "$src"
  fi
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  rm -rf "$work/public"
  log=$(mktemp)
  "$BIN" serve "$work" --port 0 >"$log.out" 2>"$log" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 6000); do grep -q '^Serving ' "$log.out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^Serving //p' "$log.out")
  echo "== $n notes: $(grep -m1 '^built' "$log")"
  python3 - "$url" "$work" "$EDITS" "$EDIT" <<'PY'
import os, socket, statistics, sys, time, urllib.request, glob, json
url, vault, edits, where = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
host, port = url.split("//")[1].strip("/").split(":")
# A note with backlinks, not a draft: the first page linked from the index.
notes = sorted(glob.glob(os.path.join(vault, "**", "*.md"), recursive=True))
index = json.load(urllib.request.urlopen(url + "previews.json"))
target = None
for p in notes:
    text = open(p, encoding="utf-8").read()
    if "draft: true" not in text:
        target = p
        break
slug_page = None
# Find the page of the target note through the search index (title → URL).
title = next((l.split(":", 1)[1].strip().strip('"\'') for l in text.splitlines() if l.startswith("title:")), None)
for u, pv in index.items():
    if pv.get("title") == title:
        slug_page = u
        break
s = socket.create_connection((host, int(port)))
s.sendall(f"GET /__vellum/events HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
s.settimeout(10)
buf = b""
def next_event(name):
    global buf
    while True:
        while b"\n\n" not in buf and b"\r\n\r\n" not in buf:
            buf += s.recv(65536)
        # Split off one SSE block (chunk-size lines are ignored).
        i = buf.find(b"\n\n")
        block, buf = buf[:i], buf[i+2:]
        if f"event: {name}".encode() in block or f"event:{name}".encode() in block:
            return
next_event("errors")
reload_ms, served_ms = [], []
for k in range(edits):
    marker = f"BENCHMARK-MARKER-{k}-{time.time_ns()}"
    if where == "title":
        # A new title: the plan is made again (the slow path of an edit).
        new = text.replace(f"title: {title}\n", f"title: {title} {marker}\n", 1)
    elif where == "start":
        # Right after the H1: the start of the text, which the search index holds.
        h1 = text.index("\n# ") + 1
        eol = text.index("\n", h1) + 1
        new = text[:eol] + f"\n{marker}\n" + text[eol:]
    else:
        new = text + f"\n{marker}\n"
    assert new != text, f"the {where} edit changes the note"
    tmp = target + ".tmp.bench"
    t0 = time.perf_counter()
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, target)
    next_event("reload")
    t1 = time.perf_counter()
    body = urllib.request.urlopen(url + slug_page.lstrip("/")).read().decode()
    t2 = time.perf_counter()
    assert marker in body, "the new text is served"
    reload_ms.append((t1 - t0) * 1000)
    served_ms.append((t2 - t0) * 1000)
    time.sleep(0.05)
def fmt(xs):
    xs = sorted(xs)
    return f"median {statistics.median(xs):.1f} ms, p90 {xs[int(len(xs)*0.9)-1]:.1f} ms, min {xs[0]:.1f} ms"
print(f"page {slug_page}")
print(f"save -> reload event : {fmt(reload_ms)}")
print(f"save -> new page read: {fmt(served_ms)}")
with open("/tmp/vellum-bench-page", "w") as f:
    f.write(slug_page)
PY
  echo "rebuild (server side, after the 20 ms debounce): $(grep -o "rendered in [0-9.]*[mµ]*s" "$log" | tail -n "$EDITS" | sed 's/rendered in //' | sort -n | awk '{a[NR]=$1} END {print "median " a[int((NR+1)/2)] ", max " a[NR]}')"
  echo "fallbacks to a full rebuild: $(grep -cE "shape changed|files added" "$log" || true)"
  page=$(cat /tmp/vellum-bench-page)
  wrk -t2 -c64 -d"${WRK_SECONDS}s" "${url%/}$page" | grep -E 'Requests/sec|Socket errors|Non-2xx|requests in'
  kill $pid; wait $pid 2>/dev/null || true
  trap - EXIT
  cp "$log" /tmp/vellum-bench-serve-$n.log; rm -rf "$work" "$log" "$log.out"
done
