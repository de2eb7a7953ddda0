#!/usr/bin/env bash
# Serves the app on the offline demo data at http://127.0.0.1:8080/ (PORT=... to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
PORT="${PORT:-8080}"
echo "Building, then serving the demo at http://127.0.0.1:${PORT}/ (Ctrl-C stops it)"
exec trunk serve --release --address 127.0.0.1 --port "$PORT" --no-autoreload
