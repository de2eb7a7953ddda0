#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12.2.3) on the release build of the demo, in headless Chromium,
# served with the strict CSP and gzip: prints the performance, accessibility, best-practices and
# SEO scores and the timings, medians of RUNS runs (default 3); JSON reports in target/lighthouse/.
#   scripts/lighthouse.sh                 # desktop preset, simulated throttling (Lighthouse's default)
#   RUNS=5 PRESET=perf scripts/lighthouse.sh   # PRESET=perf: mobile (slow 4G, 4x CPU slowdown)
#   DIST=target/bench/dist scripts/lighthouse.sh  # another build, as it is (to compare two)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
RUNS="${RUNS:-3}"
dist="${DIST:-dist}"
[ -n "${DIST:-}" ] || trunk build --release >/dev/null
out=target/lighthouse
mkdir -p "$out"
rm -f "$out"/run-*.json
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A static server for dist/ that sends the strict CSP the README documents, with compression
# as a real host would (brotli/gzip precompressed on the fly by the test server is not needed:
# Lighthouse measures transfer, so serve gzip like a typical web server).
node scripts/static-server.mjs "$dist" "$port" &
server=$!
# Chromium's profiles and temp files go to a directory of their own, removed at the end.
scratch=$(mktemp -d)
export TMPDIR="$scratch"
trap 'kill $server 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
for i in $(seq "$RUNS"); do
  node_modules/.bin/lighthouse "http://127.0.0.1:$port/" --quiet --output=json \
    --output-path="$out/run-$i.json" --chrome-path=/usr/bin/chromium \
    --chrome-flags="--headless=new --no-sandbox --disable-dev-shm-usage --disable-gpu" \
    --only-categories=performance,accessibility,best-practices,seo \
    --preset="${PRESET:-desktop}" --throttling-method="${THROTTLING:-simulate}" >/dev/null
done
node -e '
const fs = require("fs");
const runs = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const cats = ["performance", "accessibility", "best-practices", "seo"];
console.log(`Lighthouse ${runs[0].lighthouseVersion}, ${runs[0].environment.hostUserAgent.match(/Chrome\/[\d.]+/)[0]}, ${runs.length} runs (median):`);
for (const c of cats) console.log(`  ${c.padEnd(15)} ${median(runs.map((r) => Math.round(r.categories[c].score * 100)))}`);
const a = runs[runs.length - 1].audits;
for (const k of ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"])
  console.log(`  ${k.padEnd(26)} ${median(runs.map((r) => r.audits[k].numericValue)).toFixed(k === "cumulative-layout-shift" ? 3 : 0)}`);
const failing = Object.values(a).filter((x) => x.score !== null && x.score < 1 && x.scoreDisplayMode !== "informative" && x.scoreDisplayMode !== "notApplicable" && x.scoreDisplayMode !== "manual");
if (failing.length) console.log("  not perfect:", failing.map((x) => `${x.id} (${x.score})`).join(", "));
' "$out"/run-*.json
