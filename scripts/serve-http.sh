#!/usr/bin/env bash
# Serves the app in HTTP mode: the reference API server (server/) with the built app beside it,
# at http://127.0.0.1:8090/. By default its entries live in a SQLite file,
# target/serve-http.sqlite, seeded with the demo's 100,000 entries on its first start (a
# resync's outcome survives a restart; delete the file to start afresh). Arguments go to the
# server, e.g.
#   scripts/serve-http.sh --db sqlite:/path/to/reports.sqlite     # your own file
#   scripts/serve-http.sh --db postgres://reports@db.internal/reports
#   scripts/serve-http.sh --size 1000000 --latency-ms 300 --error-rate 0.05   # generated, in memory
# (scripts/serve-http.sh --help lists them all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
store=(--db "sqlite:$PWD/target/serve-http.sqlite" --seed-demo 100000)
for a in "$@"; do
  case "$a" in
    --help | -h) exec cargo run --quiet --locked --profile server -p sync-report-server -- --help ;;
    # The caller chose the store: a database of their own, or generated entries in memory.
    --db | --db=* | --size | --size=*) store=() ;;
  esac
done
trunk build --release
mkdir -p target
exec cargo run --locked --profile server -p sync-report-server -- --dist dist "${store[@]}" "$@"
