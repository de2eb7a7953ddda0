#!/usr/bin/env bash
# The reference server's speed over HTTP on each store, measured with wrk (Debian's): p50 and
# p95 of every request the viewer makes, with 1 and with 20 concurrent clients, on SQLite
# (BENCH_SQLITE_SIZE entries, 1,000,000 by default), on PostgreSQL (BENCH_PG_SIZE, 10,000,000 by
# default) and, beside them, the in-memory server (1,000,000), plus the import rate. A
# benchmark, not a test: nothing is asserted. Results go to target/bench-server/results.md,
# and into BENCHMARKS.md between its "bench-server" markers.
#
#   scripts/bench-server.sh                     # everything (the 10M PostgreSQL load takes a while)
#   BENCH_PG_SIZE=1000000 scripts/bench-server.sh
#   BENCH_STORES="sqlite memory" BENCH_SECONDS=3 scripts/bench-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh 2>/dev/null || true
SQLITE_SIZE=${BENCH_SQLITE_SIZE:-1000000}
PG_SIZE=${BENCH_PG_SIZE:-10000000}
SECONDS_EACH=${BENCH_SECONDS:-5}
STORES=${BENCH_STORES:-"sqlite postgres memory"}
out=target/bench-server
mkdir -p "$out"
say() { printf '\033[1m[bench-server]\033[0m %s\n' "$*" >&2; }

if ! command -v wrk >/dev/null; then
  say "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
cargo build --locked --quiet --profile server -p sync-report-server
bin=target/server/sync-report-server

cat >"$out/percentiles.lua" <<'EOF'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.1f %.1f %d %d\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
EOF

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The requests: name|path (relative to /api).
requests() {
  local since
  since=$(date -u -d '-60 seconds' +%Y-%m-%dT%H:%M:%SZ)
  cat <<EOF
first page (default view)|/sync-reports
page 5,000 (15 days)|/sync-reports?filter[days]=15&page=5000
sort: status|/sync-reports?filter[sort_field]=status
sort: company group|/sync-reports?filter[sort_field]=integration
sort: service entity|/sync-reports?filter[sort_field]=type
sort: systems|/sync-reports?filter[sort_field]=system_chain
sort: sync id|/sync-reports?filter[sort_field]=last_run_id
sort: reference, ascending|/sync-reports?filter[sort_field]=common_ref&filter[sort_direction]=asc
search "hoodie"|/sync-reports?filter[search_term]=hoodie
filter: status Failed|/sync-reports?filter[status]=Failed
filter: company group|/sync-reports?filter[integrations]=Acme%20Outdoor
filter: service entity|/sync-reports?filter[type]=Order
filter: source system|/sync-reports?filter[source_system]=Shopify
filter: destination system|/sync-reports?filter[destination_system]=NetSuite
facets with counts|/sync-reports/facets
summary|/sync-reports/summary
ids (Failed, last day)|/sync-reports/ids?filter[days]=1&filter[status]=Failed
changes|/sync-reports/changes?since=$since
EOF
}

# measure LABEL BASE_URL: one table row per request and concurrency.
measure() {
  local label="$1" base="$2" name path c threads r
  while IFS='|' read -r name path; do
    for c in 1 20; do
      threads=$(( c < 2 ? 1 : 2 ))
      r=$(wrk -t"$threads" -c"$c" -d"${SECONDS_EACH}s" --timeout 30s -s "$out/percentiles.lua" "$base/api$path" 2>&1 | awk '/^RESULT/ {print $2, $3, $4, $5, $6}')
      read -r n p50 p95 bad_status bad_io <<<"${r:-0 - - 0 0}"
      printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$name" "$c" "$p50" "$p95" "$n$([ "$bad_status$bad_io" != 00 ] && echo " ($bad_status non-2xx, $bad_io failed)")" >>"$out/table.md"
      say "$label · $name · $c client(s): p50 $p50 ms, p95 $p95 ms ($n requests)"
    done
  done < <(requests)
}

start_server() {
  local port
  port=$(free_port)
  "$bin" --listen "127.0.0.1:$port" "$@" >"$out/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/api/sync-reports?per_page=1" >/dev/null 2>&1 && break
    sleep 0.5
  done
  base="http://127.0.0.1:$port"
}

stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }

: >"$out/table.md"
: >"$out/notes.md"
for store in $STORES; do
  case "$store" in
    sqlite)
      db="$PWD/$out/bench-$SQLITE_SIZE.sqlite"
      if [ ! -f "$db" ]; then
        say "seeding SQLite with $SQLITE_SIZE demo entries"
        start=$(date +%s.%N)
        "$bin" import --db "sqlite:$db" --demo "$SQLITE_SIZE" 2>"$out/import-sqlite.log"
        end=$(date +%s.%N)
        echo "- SQLite: $SQLITE_SIZE demo entries stored in $(printf '%.0f' "$(echo "$end - $start" | bc)") s ($(printf "%.0f" "$(echo "$SQLITE_SIZE / ($end - $start)" | bc -l)") a second, 20,000 a transaction)." >"$out/import-sqlite-$SQLITE_SIZE.md"
      fi
      cat "$out/import-sqlite-$SQLITE_SIZE.md" >>"$out/notes.md" 2>/dev/null || true
      echo "- SQLite file at $SQLITE_SIZE entries: $(( $(stat -c %s "$db") / 1048576 )) MiB ($(( $(stat -c %s "$db") / SQLITE_SIZE )) bytes an entry)." >>"$out/notes.md"
      start_server --db "sqlite:$db" --retention-days 0
      measure "SQLite $SQLITE_SIZE" "$base"
      stop_server
      ;;
    postgres)
      eval "$(PG_DIR="$PWD/$out/postgres" bash scripts/postgres.sh start)"
      pg="${SYNC_REPORT_TEST_POSTGRES/\/\/\/postgres\?/\/\/\/bench$PG_SIZE?}"
      if ! psql -q "$SYNC_REPORT_TEST_POSTGRES" -tc "SELECT 1 FROM pg_database WHERE datname = 'bench$PG_SIZE'" | grep -q 1; then
        psql -q "$SYNC_REPORT_TEST_POSTGRES" -c "CREATE DATABASE bench$PG_SIZE"
        say "seeding PostgreSQL with $PG_SIZE demo entries"
        start=$(date +%s.%N)
        "$bin" import --db "$pg" --demo "$PG_SIZE" 2>"$out/import-postgres.log"
        psql -q "$pg" -c "VACUUM ANALYZE entries"
        end=$(date +%s.%N)
        echo "- PostgreSQL: $PG_SIZE demo entries stored in $(printf '%.0f' "$(echo "$end - $start" | bc)") s ($(printf '%.0f' "$(echo "$PG_SIZE / ($end - $start)" | bc -l)") a second), VACUUM ANALYZE included." >"$out/import-postgres-$PG_SIZE.md"
      fi
      cat "$out/import-postgres-$PG_SIZE.md" >>"$out/notes.md" 2>/dev/null || true
      bytes=$(psql -qAt "$pg" -c "SELECT pg_total_relation_size('entries') + pg_total_relation_size('counts_hourly')")
      echo "- PostgreSQL at $PG_SIZE entries: $(( bytes / 1048576 )) MiB with indexes and hourly counts ($(( bytes / PG_SIZE )) bytes an entry)." >>"$out/notes.md"
      start_server --db "$pg" --retention-days 0
      measure "PostgreSQL $PG_SIZE" "$base"
      stop_server
      ;;
    memory)
      start_server --size 1000000
      measure "memory 1000000" "$base"
      stop_server
      ;;
  esac
done

{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, commit $(git rev-parse --short HEAD), wrk for ${SECONDS_EACH} s per figure; times in ms."
  echo
  cat "$out/notes.md"
  echo
  echo "| store | request | clients | p50 | p95 | requests |"
  echo "|---|---|---|---|---|---|"
  cat "$out/table.md"
} >"$out/results.md"
say "results in $out/results.md"
if grep -q '<!-- bench-server -->' BENCHMARKS.md; then
  python3 - "$out/results.md" <<'EOF'
import re, sys
body = open(sys.argv[1]).read()
s = open("BENCHMARKS.md").read()
s = re.sub(r"<!-- bench-server -->.*<!-- /bench-server -->",
           "<!-- bench-server -->\n" + body.replace("\\", "\\\\") + "\n<!-- /bench-server -->", s, flags=re.S)
open("BENCHMARKS.md", "w").write(s)
EOF
  say "BENCHMARKS.md updated"
fi
