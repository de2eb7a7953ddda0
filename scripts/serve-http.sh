#!/usr/bin/env bash
# Serves the app in HTTP mode: the reference API server (server/) with the built app beside it,
# at http://127.0.0.1:8090/. Arguments go to the server, e.g.
#   scripts/serve-http.sh --size 1000000 --latency-ms 300 --error-rate 0.05 --token secret --publish-token
# (scripts/serve-http.sh --help lists them all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
for a in "$@"; do
  if [ "$a" = "--help" ] || [ "$a" = "-h" ]; then
    exec cargo run --quiet --locked --profile server -p sync-report-server -- --help
  fi
done
trunk build --release
exec cargo run --locked --profile server -p sync-report-server -- --dist dist "$@"
