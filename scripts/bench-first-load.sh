#!/usr/bin/env bash
# First loads over HTTP (scripts/bench/first-load-http.mjs): the release app and the reference
# server at each size, every load in a fresh Chromium profile, medians of `repeats` (default 3).
#   scripts/bench-first-load.sh [sizes, default 100000,1000000] [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trunk build --release --dist target/bench/dist-first-load >/dev/null
cargo build --quiet --locked --profile server -p sync-report-server
node scripts/bench/first-load-http.mjs target/bench/dist-first-load target/server/sync-report-server \
  "${1:-100000,1000000}" "${2:-3}"
