#!/usr/bin/env bash
# Checks any backend against the sync report API contract (docs/api.md, docs/openapi.yaml):
# which endpoints it offers (and what the page does without the optional ones), the core's
# behaviour, and Schemathesis (--checks all) over everything it offers. Prints a readable
# report; exits 1 on any failure.
#
#   scripts/check-backend.sh https://their.host/api [--token TOKEN] [--no-resync]
#
# It sends resync requests (for ids no backend should hold, and Schemathesis' generated ones):
# point it at a test backend, or pass --no-resync. The token can also come from
# SYNC_REPORT_TOKEN. Schemathesis is installed into target/schemathesis on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || [[ "$1" == -* ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
SCHEMATHESIS_VERSION=4.32.5
st_have=$(target/schemathesis/bin/st --version 2>/dev/null || true)
if [[ "$st_have" != *"$SCHEMATHESIS_VERSION"* ]]; then
  echo "installing Schemathesis $SCHEMATHESIS_VERSION into target/schemathesis" >&2
  rm -rf target/schemathesis
  python3 -m venv target/schemathesis
  target/schemathesis/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
exec target/schemathesis/bin/python scripts/conformance/check.py \
  --schema docs/openapi.yaml --st target/schemathesis/bin/st "$@"
