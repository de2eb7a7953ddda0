#!/usr/bin/env bash
# Installs what building, serving and testing need, from the package registries only, and is
# quick when everything is already there: the wasm32 target, trunk, wasm-bindgen-cli (the exact
# version of Cargo.lock), wasm-opt from npm's binaryen, geckodriver, Schemathesis (a venv under
# target/), and Debian's chromium, chromedriver, firefox-esr, webkit2gtk-driver, xvfb, brotli,
# python3-venv and postgresql (the server's tests start their own PostgreSQL). Source it or run it; scripts/demo.sh and scripts/test.sh call it first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages: the three browser engines the end-to-end tests run in, with their drivers
# (Chromium and chromedriver; Firefox ESR, whose geckodriver comes from crates.io below; WebKit's
# MiniBrowser and WebKitWebDriver, which need a display: Xvfb), brotli for size reports.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v brotli >/dev/null 2>&1 || missing+=(brotli)
# The reference server's PostgreSQL tests (scripts/postgres.sh starts a throwaway server).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# The backend conformance kit (scripts/check-backend.sh) runs Schemathesis from a venv.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Rust: the wasm target and the lint tools.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$comp" || rustup component add "$comp"
done

# trunk: 0.22 needs a newer rustc than this toolchain, so the version is pinned.
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 8 minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# geckodriver (Firefox's WebDriver server) is not packaged by Debian; crates.io has it.
GECKODRIVER_VERSION=0.37.1
# (Read whole first: under pipefail, grep -q closing the pipe early fails the pipeline.)
gecko_have=$(geckodriver --version 2>/dev/null || true)
if [[ "$gecko_have" != *"geckodriver $GECKODRIVER_VERSION"* ]]; then
  say "installing geckodriver $GECKODRIVER_VERSION (about 2 minutes)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION"
fi

# wasm-bindgen-cli must equal the wasm-bindgen of Cargo.lock. Its own lockfile pins a crate
# release the registry lacks, so it is installed without --locked.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -z "$WBG_VERSION" ]; then
  echo "Cargo.lock names no wasm-bindgen version" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WBG_VERSION"; then
  say "installing wasm-bindgen-cli $WBG_VERSION (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi
if ! grep -q "wasm_bindgen = \"$WBG_VERSION\"" Trunk.toml; then
  echo "Trunk.toml pins a wasm-bindgen other than Cargo.lock's $WBG_VERSION: update [tools]" >&2
  exit 1
fi

# npm tools: wasm-opt (binaryen 132; Debian's 108 breaks the module at start-up), terser (the
# release build's JS glue) and the OpenAPI validator for the API contract check.
if [ ! -x node_modules/.bin/wasm-opt ] || ! node_modules/.bin/wasm-opt --version | grep -q "version 132" \
   || [ ! -f node_modules/@apidevtools/swagger-parser/package.json ] \
   || [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -x node_modules/.bin/lighthouse ] \
   || [ ! -f node_modules/ag-grid-community/dist/ag-grid-community.min.js ] \
   || [ ! -f node_modules/terser/package.json ]; then
  say "installing npm packages (binaryen, swagger-parser, axe-core, lighthouse, ag-grid-community, terser)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Schemathesis for the backend conformance kit (scripts/check-backend.sh), from PyPI into a
# virtual environment under target/ (nothing installed system-wide).
SCHEMATHESIS_VERSION=4.32.5
st_have=$(target/schemathesis/bin/st --version 2>/dev/null || true)
if [[ "$st_have" != *"$SCHEMATHESIS_VERSION"* ]]; then
  say "installing Schemathesis $SCHEMATHESIS_VERSION into target/schemathesis (about 1 minute)"
  rm -rf target/schemathesis
  python3 -m venv target/schemathesis
  target/schemathesis/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
