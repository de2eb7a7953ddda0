#!/usr/bin/env bash
# The browser benchmark (a measurement, not a test): builds the release app, writes the demo
# entries it will generate for AG Grid too, and drives both in one headless Chromium session
# over WebDriver (scripts/bench/run.mjs). Prints every figure, ours and AG Grid Community's,
# with the ratio and our slowest step; saves target/bench/results.md and results.json.
# Installs what is missing first (the same set-up as the test command).
# Usage: scripts/bench.sh [sizes, default 100000,1000000] [repeats, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
sizes="${1:-100000,1000000}"
repeats="${2:-5}"
mkdir -p target/bench
echo "==> release build (target/bench/dist)"
trunk build --release --dist target/bench/dist >target/bench/build.log 2>&1 || { tail -30 target/bench/build.log; exit 1; }
bash scripts/size.sh target/bench/dist | tail -1
for f in http demo; do
  trunk build --release --no-default-features --features "$f" --dist "target/bench/dist-$f" \
    >"target/bench/build-$f.log" 2>&1 || { tail -30 "target/bench/build-$f.log"; exit 1; }
  echo "  the $f-only build: $(bash scripts/size.sh "target/bench/dist-$f" | tail -1)"
done
echo "==> the same entries for AG Grid (seed 7, clock 2026-11-27T12:00:00Z)"
cargo build --release --example bench_data --quiet
for n in ${sizes//,/ }; do
  target/release/examples/bench_data "$n" 7 2026-11-27T12:00:00Z "target/bench/data-$n.json"
done
echo "==> Chromium over WebDriver"
node scripts/bench/run.mjs target/bench/dist target/bench "$sizes" "$repeats"
