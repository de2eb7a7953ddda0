#!/usr/bin/env bash
# Prints the size of the built app's wasm and js: raw, gzip -9 and brotli -q 11.
# Usage: scripts/size.sh [dist-dir]   (build first: trunk build --release)
set -euo pipefail
dist="${1:-$(dirname "$0")/../dist}"
shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js "$dist"/*.css)
if [ ${#files[@]} -eq 0 ]; then
  echo "no built files in $dist: run 'trunk build --release' first" >&2
  exit 1
fi
printf '%-48s %10s %10s %10s\n' file raw gzip brotli
tr=0; tg=0; tb=0
for f in "${files[@]}"; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  printf '%-48s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
  case "$f" in *.wasm|*.js) tr=$((tr + raw)); tg=$((tg + gz)); tb=$((tb + br));; esac
done
printf '%-48s %10d %10d %10d\n' "wasm + js" "$tr" "$tg" "$tb"
awk -v b="$tb" 'BEGIN { printf "wasm + js brotli: %.1f KiB\n", b / 1024 }'
