#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests and prints its URL: Debian's postgresql
# (15), initdb and pg_ctl under /tmp (or $PG_DIR), as the postgres user when run as
# root, on a Unix socket only (no TCP), fsync off (test data is thrown away). Run it as
# `eval "$(scripts/postgres.sh start)"` to get SYNC_REPORT_TEST_POSTGRES; `stop` stops it (its
# data stays, and `start` starts it again on the same data); `reset` starts afresh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql)" >&2
  exit 1
fi
# Under /tmp by default, one folder per checkout: the postgres user must be able to reach it
# (a checkout under /root is not), and a Unix socket's path must stay under 108 bytes.
dir="${PG_DIR:-/tmp/sync-report-postgres-$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)}"
data="$dir/data"
sock="$dir/sock"
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start|reset)
    if [ "$1" = reset ] || [ ! -f "$data/PG_VERSION" ]; then
      [ -f "$data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
      rm -rf "$dir"
      mkdir -p "$data" "$sock"
      if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; fi
      as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_pg "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses='' -k $sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "export SYNC_REPORT_TEST_POSTGRES='postgres:///postgres?host=$sock&user=postgres'"
    ;;
  stop)
    [ -d "$data" ] && as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|reset" >&2
    exit 2
    ;;
esac
