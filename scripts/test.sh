#!/usr/bin/env bash
# Runs every check: formatting, clippy (native and wasm, warnings denied), the native model
# tests (and the one-mode builds: clippy and their configuration tests), the reference server's
# tests, the API contract check and the backend conformance kit (scripts/check-backend.sh,
# with Schemathesis), the release build, the
# end-to-end tests in Chromium, Firefox ESR and WebKit (demo and HTTP mode; the HTTP feature
# tests once more against a core-only backend), the component tests in headless
# Chromium, the model's wasm memory per entry against its budget (tests/memory.rs, in Node),
# and one small run of the benchmark harness. Installs what is missing first. Prints one summary; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed" >&2; exit 1; }
source scripts/env.sh
# A full run needs a few GB in target/ and the temp directory; say so before a build fails on it.
free_kb=$(df -Pk . | awk 'NR==2 {print $4}')
if [ "${free_kb:-0}" -lt $((6 * 1024 * 1024)) ]; then
  echo "warning: only $((free_kb / 1024)) MB free here; a cold run needs about 6 GB" >&2
fi

# A throwaway PostgreSQL for the server's tests and the conformance kit (scripts/postgres.sh:
# under /tmp, a Unix socket, fsync off), stopped when the run ends.
if pg_env=$(bash scripts/postgres.sh reset); then
  eval "$pg_env"
  export SYNC_REPORT_REQUIRE_POSTGRES=1
else
  echo "PostgreSQL could not be started: its tests will fail" >&2
  export SYNC_REPORT_REQUIRE_POSTGRES=1
fi
trap 'bash scripts/postgres.sh stop' EXIT

results=()
failed=0
step() {
  local name="$1"; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local start=$SECONDS
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    failed=$((failed + 1))
  fi
}

step "cargo fmt --check" cargo fmt --all -- --check
step "clippy (native: app, reference server, all targets)" cargo clippy --workspace --all-targets --locked -- -D warnings
step "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --lib --bins --tests --locked -- -D warnings
one_mode_builds() {
  # A deployment that uses one data source can build without the other (README: Build
  # variants): each such build must compile without warnings and refuse the mode it lacks.
  local f
  for f in demo http; do
    cargo clippy --target wasm32-unknown-unknown --lib --bins --locked --no-default-features \
      --features "$f" -- -D warnings || return 1
    cargo test --locked --lib --no-default-features --features "$f" config || return 1
  done
}
step "one-mode builds (demo only, HTTP only): clippy and their configuration tests" one_mode_builds
step "native tests (model, parsers, components rendered to HTML)" cargo test --locked --lib --test model --test parsers --test render
server_tests() {
  rm -rf target/api-samples # answers saved for the contract check: only this run's
  cargo test --locked -p sync-report-server
}
step "reference server tests (API over the model, faults)" server_tests
step "API contract (OpenAPI valid; the server's answers match it)" node scripts/check-api.mjs docs/openapi.yaml target/api-samples
conformance() {
  # The conformance kit (scripts/check-backend.sh) against the reference server on generated
  # data, the same with the optional endpoints off, and on SQLite and PostgreSQL databases
  # seeded with the same 5,000 demo entries: 0 failures each, Schemathesis included.
  cargo build --locked --quiet -p sync-report-server --bin sync-report-server || return 1
  local sqlite pg port pid rc=0 setup
  sqlite="$PWD/target/conformance.sqlite"
  rm -f "$sqlite" "$sqlite-wal" "$sqlite-shm"
  pg="${SYNC_REPORT_TEST_POSTGRES/\/\/\/postgres\?/\/\/\/conformance?}"
  psql -q "$SYNC_REPORT_TEST_POSTGRES" -c 'DROP DATABASE IF EXISTS conformance' -c 'CREATE DATABASE conformance' || return 1
  for setup in "memory|" "core-only|--core-only" "SQLite|--db sqlite:$sqlite --seed-demo 5000" "PostgreSQL|--db $pg --seed-demo 5000"; do
    echo "--- conformance: ${setup%%|*}"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # shellcheck disable=SC2086 # the flags are words
    target/debug/sync-report-server --listen "127.0.0.1:$port" --size 5000 ${setup#*|} >/dev/null &
    pid=$!
    for _ in $(seq 150); do
      python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1])' \
        "http://127.0.0.1:$port/api/sync-reports?per_page=1" 2>/dev/null && break
      sleep 0.2
    done
    # A fixed seed: the same cases every run, so a red run means a change, not a new draw
    # (a user's run draws afresh each time, and found the page-number case that way).
    scripts/check-backend.sh "http://127.0.0.1:$port/api" --seed 20261129 || rc=1
    kill "$pid"; wait "$pid" 2>/dev/null
  done
  return $rc
}
step "backend conformance kit (memory, core-only, SQLite, PostgreSQL; Schemathesis --checks all)" conformance
step "release build (trunk, wasm-opt)" trunk build --release
# The end-to-end suite once per browser engine, every test in each (tests/e2e/harness.rs: Engine).
# WebKit's MiniBrowser needs a display: a virtual one, big enough for the tests' windows.
# A browser that dies mid-test can leave its driver waiting forever (seen once with WebKit's
# MiniBrowser): a suite that has not finished in 20 minutes (they take 2 to 4) is stopped, and
# only then run once more. A failing test is never retried.
e2e() {
  local engine="$1" attempt rc=0
  for attempt in 1 2; do
    if [ "$engine" = webkit ]; then
      timeout -k 30 1200 xvfb-run -a -s "-screen 0 1920x1200x24" \
        env E2E_DIST="$PWD/dist" E2E_ENGINE="$engine" cargo test --locked --test e2e
    else
      timeout -k 30 1200 env E2E_DIST="$PWD/dist" E2E_ENGINE="$engine" cargo test --locked --test e2e
    fi
    rc=$?
    [ "$rc" -eq 124 ] || return "$rc"
    echo "the $engine suite hung (attempt $attempt): a browser or its driver stopped answering" >&2
  done
  return "$rc"
}
step "end-to-end tests in Chromium (release app over WebDriver; demo and HTTP)" e2e chromium
step "end-to-end tests in Firefox ESR (geckodriver; demo and HTTP)" e2e firefox
step "end-to-end tests in WebKit (WebKitGTK MiniBrowser under Xvfb; demo and HTTP)" e2e webkit
# The feature tests' HTTP halves against a backend with the core endpoints only: everything but
# the summary strip and the failure groups, which say in one line that they are not provided.
# (`name::http` is a feature test's HTTP half; `module::http_…` are HTTP-only tests, skipped.)
step "end-to-end feature tests against a core-only backend (Chromium)" \
  env E2E_DIST="$PWD/dist" E2E_BACKEND=core cargo test --locked --test e2e -- ::http --skip ::http_
# The same feature tests against the reference server on SQLite: the demo's entries stored in a
# file (tests/e2e/harness.rs: Backend::Sqlite), as a deployment keeps them.
step "end-to-end feature tests against the server on SQLite (Chromium)" \
  env E2E_DIST="$PWD/dist" E2E_BACKEND=sqlite cargo test --locked --test e2e -- ::http --skip ::http_
component_tests() {
  # The runner's Chromium writes a profile into TMPDIR and leaves it: give it one to remove.
  local scratch rc
  scratch=$(mktemp -d)
  TMPDIR="$scratch" cargo test --locked --target wasm32-unknown-unknown --test web --test memory
  rc=$?
  rm -rf "$scratch"
  return $rc
}
step "component tests (headless Chromium) and the wasm memory budget (Node)" component_tests
bench_smoke() {
  # The benchmark harness is a measurement, not a test (scripts/bench.sh), but it must keep
  # working: one small run of every figure, ours and AG Grid's, on the release build above.
  # Its numbers mean nothing here; that each figure was measured does.
  local out=target/bench-smoke
  rm -rf "$out" && mkdir -p "$out" || return 1
  cargo run --locked --quiet --example bench_data -- 2000 7 2026-11-27T12:00:00Z "$out/data-2000.json" || return 1
  if ! node scripts/bench/run.mjs dist "$out" 2000 1 >"$out/log" 2>&1; then
    cat "$out/log"
    return 1
  fi
  node -e '
    const { results } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const missing = results.filter((r) => r.ours == null || !Number.isFinite(r.ours));
    if (results.length < 13 || missing.length) {
      console.error("figures not measured:", missing.map((r) => r.op).join("; ") || results.length);
      process.exit(1);
    }
    console.log(`${results.length} figures measured`);' "$out/results.json"
}
step "benchmark harness smoke run (2,000 entries, ours and AG Grid)" bench_smoke
step "sizes (wasm + js)" bash scripts/size.sh dist

printf '\n\033[1mSummary\033[0m\n'
printf '  %s\n' "${results[@]}"
total=${#results[@]}
echo "checks: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
