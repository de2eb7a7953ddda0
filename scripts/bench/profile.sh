#!/usr/bin/env bash
# Where our app spends its time in headless Chromium: a CPU profile by function (wasm names
# kept) of the CSV export, a search, a first sort by Reference or a fling scroll, or the JS heap
# of a fresh page. A tool for finding what to speed up; scripts/bench.sh gives the figures.
# Usage: scripts/bench/profile.sh [csv|csv-first|search|sort|fling|heap] [entries]   (default: csv 100000)
#   REPS=7 (runs, default 5), NOPROF=1 (times without the profiler's overhead), STEPS=1 (CSV:
#   each export's time to its rows, to the file written and to the Blob)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh
mode="${1:-csv}"
size="${2:-100000}"
out=target/profile/dist
mkdir -p target/profile
trunk build --release --dist "$out" >target/profile/build.log 2>&1 || { tail -30 target/profile/build.log; exit 1; }
# wasm-opt drops the function names: bind cargo's module again, which still has them.
wasm=$(ls "$out"/*_bg.wasm)
name=$(basename "$wasm" _bg.wasm)
rm -f "$out/$name.js" "$wasm"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" \
  target/wasm32-unknown-unknown/release/sync-report.wasm
# The rebound files no longer match the build's integrity hashes.
sed -i -E 's/ integrity=[^ >]*//g' "$out/index.html"
node scripts/bench/profile.mjs "$out" "$size" "$mode"
