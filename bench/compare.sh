#!/usr/bin/env bash
# vellum, Hugo and mdBook on the same generated vaults: a table of wall time,
# notes/s and peak memory, with vellum's ratio to each.
#
# Usage (from the repository root):
#
#     bench/compare.sh                         # 1k, 10k and 100k notes, seed 1
#     SIZES="1000 10000" bench/compare.sh
#     MDBOOK_MAX=1000 bench/compare.sh         # skip mdBook above 1k notes
#     MDBOOK_MAX=0 bench/compare.sh            # no mdBook (not even installed)
#
# Steps: build vellum in release; generate (or reuse) each vault in
# target/bench-vaults/ with vellum-gen; turn it into a Hugo site and an mdBook
# book with `vellum-gen hugo` and `vellum-gen mdbook` (not timed); install
# Debian's `hugo` and `cargo install mdbook --locked` when missing; then time
# each tool under /usr/bin/time (wall, user+sys CPU, peak RSS), all writing to
# disk under target/bench-sites/, output folders replaced in place.
#
# vellum runs its full build (`--no-cache`: every page of the journal, search
# index, graph, feed) and then, from the build cache, a build with nothing
# changed and a build after one edited note. Hugo renders title + content
# only; mdBook a flat book with its search index. Sizes up to 10k get one
# warm-up run first; RUNS counted runs each (median). mdBook's cost grows with
# the square of the chapter count (~310 s at 10k on this machine), so it is
# skipped above MDBOOK_MAX notes (default 10000) and the table says so.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SIZES=${SIZES:-"1000 10000 100000"}
SEED=${SEED:-1}
RUNS=${RUNS:-1}
MDBOOK_MAX=${MDBOOK_MAX:-10000}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VELLUM="$TARGET_DIR/release/vellum"
GEN="$TARGET_DIR/release/vellum-gen"
MDBOOK=${MDBOOK:-mdbook}

say() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" > /dev/null 2>&1; }
install() { have apt-get && { apt-get install -y "$@" > /dev/null 2>&1 || { apt-get update > /dev/null 2>&1 && apt-get install -y "$@" > /dev/null 2>&1; }; }; }

say "building vellum and vellum-gen (release)"
cargo build --release -p vellum -p vellum_gen >&2
have hugo || { say "installing hugo"; install hugo || { echo "hugo is not available" >&2; exit 2; }; }
[ -x /usr/bin/time ] || install time || true
need_mdbook=false
for n in $SIZES; do [ "$n" -le "$MDBOOK_MAX" ] && need_mdbook=true; done
if $need_mdbook && ! have "$MDBOOK"; then
    say "installing mdbook (cargo install mdbook --locked)"
    cargo install mdbook --locked >&2
    MDBOOK="$HOME/.cargo/bin/mdbook"
fi

# time_cmd LOG CMD… → "wall cpu rss_kb" (median wall of RUNS; cpu and rss of that run)
time_cmd() {
    local log=$1 warm=$2
    shift 2
    [ "$warm" = 1 ] && "$@" > "$log" 2>&1
    local results=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -o "$log.time" -f '%e %U %S %M' "$@" > "$log" 2>&1 || {
            echo "failed: $* (see $log)" >&2
            exit 1
        }
        read -r e u s m < "$log.time"
        results+=("$e $(echo "$u + $s" | bc) $m")
    done
    printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

TABLE=$(mktemp)
printf '| notes | tool | wall | notes/s | CPU | peak memory | vellum is |\n' > "$TABLE"
printf '|---:|---|---:|---:|---:|---:|---|\n' >> "$TABLE"
row() { # notes tool wall cpu rss_kb ratio
    # notes/s means nothing for a build that renders nothing.
    local rate=""
    case "$2" in *"nothing changed"*) ;; *) rate=$(python3 -c "print(f'{$1 / max($3, 0.001):,.0f}')") ;; esac
    printf '| %s | %s | %.2f s | %s | %.1f s | %d MB | %s |\n' "$1" "$2" "$3" "$rate" "$4" "$(($5 / 1024))" "$6" >> "$TABLE"
}
ratio() { python3 -c "print('%.2f× faster' % ($1 / $2) if $1 >= $2 else '%.2f× slower' % ($2 / $1))"; }

for n in $SIZES; do
    vault="$ROOT/target/bench-vaults/notes-$n-seed-$SEED"
    sites="$ROOT/target/bench-sites/notes-$n-seed-$SEED"
    if [ ! -f "$vault/.vellum-gen.json" ]; then
        say "generating $n notes (seed $SEED)"
        mkdir -p "$(dirname "$vault")"
        rm -rf "$vault.partial" "$vault" "$sites"
        "$GEN" --notes "$n" --seed "$SEED" "$vault.partial" >&2
        mv "$vault.partial" "$vault"
    fi
    mkdir -p "$sites"
    [ -d "$sites/hugo" ] || { say "preparing the Hugo site ($n)"; "$GEN" hugo "$vault" "$sites/hugo" >&2; }
    warm=$([ "$n" -le 10000 ] && echo 1 || echo 0)

    say "vellum, $n notes"
    read -r vw vc vm < <(time_cmd "$sites/vellum.log" "$warm" "$VELLUM" build "$vault" --output "$sites/vellum" --force --quiet --no-cache)
    row "$n" "vellum build (full)" "$vw" "$vc" "$vm" "—"
    # The build cache: an empty cache, then nothing changed, then one edit.
    rm -rf "$vault/.vellum/build"
    "$VELLUM" build "$vault" --output "$sites/vellum-cached" --force --quiet
    read -r nw nc nm < <(RUNS=1 time_cmd "$sites/cached.log" 0 "$VELLUM" build "$vault" --output "$sites/vellum-cached" --force --quiet)
    row "$n" "vellum build (cached, nothing changed)" "$nw" "$nc" "$nm" "$(python3 -c "print('%.1f%% of its full build' % (100 * $nw / $vw))")"
    note=$(find "$vault" -name '*.md' -not -path '*/.vellum/*' | sort | sed -n 100p)
    cp -p "$note" "$sites/edited-note.bak"
    printf '\nOne more line, written by bench/compare.sh.\n' >> "$note"
    read -r ew ec em < <(RUNS=1 time_cmd "$sites/edit.log" 0 "$VELLUM" build "$vault" --output "$sites/vellum-cached" --force --verbose)
    cp -p "$sites/edited-note.bak" "$note"
    row "$n" "vellum build (cached, one note edited)" "$ew" "$ec" "$em" "$(python3 -c "print('%.0f%% of its full build' % (100 * $ew / $vw))")"
    grep 'cache:' "$sites/edit.log" >&2 || true

    say "hugo, $n notes"
    read -r hw hc hm < <(time_cmd "$sites/hugo.log" "$warm" hugo --quiet -s "$sites/hugo" -d "$sites/hugo/public")
    row "$n" "hugo (title + content only)" "$hw" "$hc" "$hm" "$(ratio "$hw" "$vw")"

    if [ "$n" -le "$MDBOOK_MAX" ]; then
        [ -d "$sites/mdbook" ] || { say "preparing the mdBook book ($n)"; "$GEN" mdbook "$vault" "$sites/mdbook" >&2; }
        say "mdbook, $n notes"
        mwarm=$([ "$n" -le 1000 ] && echo 1 || echo 0)
        read -r mw mc mm < <(time_cmd "$sites/mdbook.log" "$mwarm" "$MDBOOK" build "$sites/mdbook" -d "$sites/mdbook/book")
        row "$n" "mdbook (flat book + search)" "$mw" "$mc" "$mm" "$(ratio "$mw" "$vw")"
    else
        printf '| %s | mdbook | not run | | | | quadratic in chapters: ~310 s at 10k, hours at 100k |\n' "$n" >> "$TABLE"
    fi
done

printf '\n%s, %s cores, load %s at the end; vellum %s.\n\n' "$(date +%F)" "$(nproc)" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$("$VELLUM" --version)"
cat "$TABLE"
rm -f "$TABLE"
