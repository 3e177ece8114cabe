#!/usr/bin/env bash
# Authbar's one entry point: ./build.sh setup | build | run | test | bench
# Every step is idempotent; `test` is exactly what CI runs (.ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages the tests need, installed only when missing. postgresql: the server's tests and
# benchmark start throwaway clusters with its initdb/pg_ctl (/usr/lib/postgresql/*/bin); no system
# service is used.
APT_PACKAGES=(oathtool chromium chromium-driver sqlite3 firefox-esr postgresql)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "build.sh: need root (or sudo) to run: $*" >&2; return 1
  fi
}

# A test tool from crates.io (wasm-bindgen's runner, geckodriver): they only process a few files per
# test run, so they are built for build speed, not run speed (no LTO, opt-level 1, no debug info, 16
# codegen units), in one target directory so the crates they share build once.
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_STRIP=true \
    CARGO_TARGET_DIR="${CARGO_HOME:-$HOME/.cargo}/authbar-tools-target" cargo install "$@"
}

setup() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  # wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3}' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (a few minutes, once)"
    tool_install wasm-bindgen-cli --version "=$want"
  fi
  # geckodriver (WebDriver for Firefox, tests/firefox): not in Debian; built from crates.io once (~8 min cold).
  if ! geckodriver --version >/dev/null 2>&1; then
    log "installing geckodriver 0.37.1 (several minutes, once)"
    tool_install --locked geckodriver --version =0.37.1
  fi
  # Node tools (playwright-core, binaryen's wasm-opt, web-ext, esbuild), pinned by package-lock.json.
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.authbar-lock; then
    log "installing Node tools (npm ci)"
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.authbar-lock
  fi
}

VERSION=$(awk -F'"' '/^version = / {print $2; exit}' Cargo.toml)

# The popup's WebAssembly is two modules built from crates/wasm by feature: `paint` (the first screen:
# the stored vault read, its rows, their codes: all the first paint loads) and `app` (the vault and
# every change to it, unlocking, sync, and the tools: QR, other apps' files, logos; loaded right after
# the first paint, and by the tools worker). Each is wasm-bindgen'd to dist/extension/wasm/authbar_<name>.js.
WASM_MODULES=(paint app)
# The crate features each module is built with.
wasm_features() { case "$1" in app) echo codes,tools ;; *) echo "$1" ;; esac; }
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)

# One module through the pipeline: cargo (the wasm-release profile, the module's feature, or none for a
# tree from before the split), wasm-bindgen --target web, wasm-opt -Oz. `$1` the tree, `$2` its target
# directory, `$3` the output directory, `$4` the module (`codes`, `tools`, or `wasm`: the single
# module of older trees). Prints the shipped bytes.
wasm_module() {
  local src="$1" target="$2" out="$3" module="$4" features=()
  [ "$module" = wasm ] || features=(--no-default-features --features "$(wasm_features "$module")")
  (cd "$src" && CARGO_TARGET_DIR="$target" cargo build --locked -p authbar-wasm --target wasm32-unknown-unknown \
    --profile wasm-release "${features[@]}")
  wasm-bindgen --target web --no-typescript --out-dir "$out/wasm" --out-name "authbar_$module" \
    "$target/wasm32-unknown-unknown/wasm-release/authbar_wasm.wasm"
  # Kept with its function names for the bench's size breakdown.
  cp "$out/wasm/authbar_${module}_bg.wasm" "$target/authbar_${module}_named.wasm"
  "$ROOT/node_modules/.bin/wasm-opt" -Oz "${WASM_OPT_FEATURES[@]}" "$out/wasm/authbar_${module}_bg.wasm" \
    -o "$out/wasm/authbar_${module}_bg.wasm"
  stat -c %s "$out/wasm/authbar_${module}_bg.wasm"
}

# The extension of tree `$1` (its wasm modules and its pages) into `$3/extension`, its Rust built in `$2`.
assemble_extension() {
  local src="$1" target="$2" out="$3/extension"
  rm -rf "$out" && mkdir -p "$out/wasm"
  # Trees from before the split have one module; those of the codes/tools split two.
  local modules=(wasm) module sizes=()
  grep -q '^codes = ' "$src/crates/wasm/Cargo.toml" && modules=(codes tools)
  grep -q '^paint = ' "$src/crates/wasm/Cargo.toml" && modules=("${WASM_MODULES[@]}")
  for module in "${modules[@]}"; do
    sizes+=("$module $(wasm_module "$src" "$target" "$out" "$module")")
  done
  cp "$src/manifest.json" "$out/"
  cp -r "$src/extension/." "$out/"
  # The popup's modules joined (trees from before this step ship them as they are).
  if [ -f "$src/scripts/bundle-popup.mjs" ]; then
    node "$src/scripts/bundle-popup.mjs" "$src/extension" "$out"
  fi
  log "extension: $out; wasm bytes: $(IFS=,; echo "${sizes[*]}")"
}

build_extension() {
  log "building the extension's WebAssembly modules: ${WASM_MODULES[*]} (size profile, wasm-bindgen, wasm-opt -Oz)"
  assemble_extension "$ROOT" "${CARGO_TARGET_DIR:-$ROOT/target}" "$ROOT/dist"
  rm -f "$ROOT/dist/authbar-$VERSION.zip"
  (cd "$ROOT/dist/extension" && python3 -m zipfile -c "$ROOT/dist/authbar-$VERSION.zip" .)
  log "package: dist/authbar-$VERSION.zip"
}

build() {
  log "building the authbar command and the companion server (release)"
  cargo build --release --locked -p authbar-cli -p authbar-server
  build_extension
}

# The demo server's data lives in .authbar/ (git-ignored): an SQLite file and its key.
DEMO_DIR="$ROOT/.authbar"
DEMO_LISTEN="${AUTHBAR_LISTEN:-127.0.0.1:8080}"
DEMO_ADMIN_PASSWORD="admin-password"
DEMO_USER=novak
DEMO_PASSWORD="novak-password"

# What `run` puts in the demo database: the administrator and the demo user, each only when missing.
# crates/server/tests/demo_setup.rs runs exactly this (`./build.sh demo-setup DB`).
SERVER_BIN="${AUTHBAR_SERVER_BIN:-$ROOT/target/release/authbar-server}"
demo_setup() {
  local db="$1"
  "$SERVER_BIN" user add admin --admin --password "$DEMO_ADMIN_PASSWORD" --if-missing --db "$db" >/dev/null
  "$SERVER_BIN" user add "$DEMO_USER" --password "$DEMO_PASSWORD" --if-missing --db "$db" >/dev/null
}

run() {
  setup
  build
  local db="$DEMO_DIR/flexi.sqlite"
  mkdir -p "$DEMO_DIR"
  demo_setup "$db"
  cat <<EOT

Authbar companion server (models ABRA Flexi's two-factor login)
  URL:            http://$DEMO_LISTEN/
  demo user:      $DEMO_USER / $DEMO_PASSWORD
  administrator:  admin / $DEMO_ADMIN_PASSWORD
  database:       $db

The extension: load $ROOT/dist/extension unpacked (chrome://extensions > Developer mode >
Load unpacked; Firefox: about:debugging > Load Temporary Add-on > its manifest.json) and pin Authbar.

Try the journey: log in as $DEMO_USER and open Settings > User Profile > Set Up Authentication. Then
  1. click the Authbar toolbar button, then "Add" > "Scan the QR code on this page" and "Add selected";
  2. click the account to copy its code, paste it into the page and press Activate.
Log out and in again: the password, then a fresh code from the popup.

The authbar command: $ROOT/target/release/authbar --help
Press Ctrl-C to stop the server.
EOT
  exec "$SERVER_BIN" serve --db "$db" --listen "$DEMO_LISTEN"
}

# Each stage of `test`, timed: printed at the end (also when a stage fails), so a slow one shows.
STAGES=()
# The stage running now (name and start), so a stage that stops the run is timed too.
CURRENT_STAGE=""
CURRENT_START=0
stage() {
  CURRENT_STAGE="$1" CURRENT_START=$SECONDS
  shift
  log "$CURRENT_STAGE"
  "$@"
  STAGES+=("$(printf '%6d s  %s' $((SECONDS - CURRENT_START)) "$CURRENT_STAGE")")
  CURRENT_STAGE=""
}
print_stages() {
  [ -n "$CURRENT_STAGE" ] && STAGES+=("$(printf '%6d s  %s (failed)' $((SECONDS - CURRENT_START)) "$CURRENT_STAGE")")
  [ ${#STAGES[@]} -gt 0 ] || return 0
  printf '\n\033[1m==> stage times (%d s in all)\033[0m\n' "$SECONDS" >&2
  printf '%s\n' "${STAGES[@]}" >&2
}

lints() {
  cargo fmt --all -- --check
  cargo clippy --locked --workspace --all-targets -- -D warnings
}

# The server's behavioural tests run on SQLite and on PostgreSQL (a throwaway cluster per test binary,
# crates/server/tests/common/pg.rs), plus two instances on one database (tests/instances.rs). The
# test profile is the dev profile, so the server binary the browser tests start is this build's.
rust_tests() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ||
    { echo "build.sh: PostgreSQL (initdb) is missing for the server's tests: run ./build.sh setup" >&2; return 1; }
  cargo test --locked --workspace
}

# The core compiles for WebAssembly on its own (no wasm-bindgen, no feature of the adapter's: checked,
# not built, since nothing runs it), then the adapter's tests run in headless Chromium.
wasm_tests() {
  cargo check --locked -p authbar-core --target wasm32-unknown-unknown
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
    WASM_BINDGEN_USE_BROWSER=1 cargo test --locked -p authbar-wasm --target wasm32-unknown-unknown
}

web_ext_lint() {
  node_modules/.bin/web-ext lint --source-dir dist/extension --self-hosted --output text 2>&1 | tee target/web-ext-lint.txt
  grep -q '^errors *0' target/web-ext-lint.txt || { echo "web-ext lint reported errors" >&2; return 1; }
}

# The server binary the browser tests start is target/debug/authbar-server, which `cargo test` builds for
# the server's own integration tests. `cargo build -p authbar-server` would build it again (its features
# resolved for that one package, not the workspace: core and server recompiled, 130-200 s); the same
# command as rust_tests' with --no-run is instant after it, and builds it when run on its own.
browser_tests() {
  cargo test --locked --workspace --no-run
  node --test --test-concurrency=1 tests/e2e/
}

test_all() {
  trap print_stages EXIT
  stage "setup: the tools the tests need (installed only when missing)" setup
  stage "format and lints" lints
  stage "Rust tests (core vectors and properties, QR, oathtool differential, CLI, server over real HTTP on SQLite and PostgreSQL)" rust_tests
  stage "the extension (wasm modules and pages)" build_extension
  stage "the wasm adapter in headless Chromium (wasm-bindgen-test)" wasm_tests
  stage "web-ext lint (Firefox rules)" web_ext_lint
  stage "checks of the sources (import circles, locales)" node --test tests/lint/
  stage "the extension in headless Chromium, and the whole journey against authbar-server (Playwright)" browser_tests
  stage "the extension in headless Firefox ESR (geckodriver): codes against oathtool, bad input, a restart" \
    node --test --test-concurrency=1 tests/firefox/
}

# The previous build for the popup benchmark, built from git ref $1 into $2/extension: its wasm
# modules (the two of crates/wasm's features when it has them, else its single module) and its pages.
build_baseline_extension() {
  local ref="$1" dir="$2"
  # A plain export of the tree (git archive), so no worktree is registered in the repository.
  rm -rf "$dir/src" && mkdir -p "$dir/src" && git archive "$ref" | tar -x -C "$dir/src"
  assemble_extension "$dir/src" "$dir/target" "$dir"
}

bench() {
  setup
  local qr_dir="${AUTHBAR_QR_DIR:-$ROOT/../shared/qr/dev}"
  log "benchmarks (numbers only; nothing here is a pass/fail test)"
  AUTHBAR_QR_DIR="$qr_dir" cargo bench --locked -p authbar-cli
  # API requests/s and p99 on SQLite, PostgreSQL with one instance and with two, in one run.
  cargo bench --locked -p authbar-server
  build_extension
  # What each module's bytes are: sections, and code by the crate it comes from (tests/wasm-size.mjs).
  local module target="${CARGO_TARGET_DIR:-$ROOT/target}"
  for module in "${WASM_MODULES[@]}"; do
    log "wasm module $module: $(stat -c %s "dist/extension/wasm/authbar_${module}_bg.wasm") bytes shipped; breakdown (the same -Oz, names kept)"
    node_modules/.bin/wasm-opt -Oz -g "${WASM_OPT_FEATURES[@]}" "$target/authbar_${module}_named.wasm" \
      -o "$target/authbar_${module}_named_opt.wasm"
    node tests/wasm-size.mjs "$target/authbar_${module}_named_opt.wasm" --crates 20 --top 10
  done
  node tests/e2e/bench.mjs
  node tests/e2e/sync-bench.mjs
  # Opening the popup: this build, beside the previous one (AUTHBAR_BENCH_BASELINE, a git ref) in the
  # same run when it is given.
  local builds=("this build=$ROOT/dist/extension")
  if [ -n "${AUTHBAR_BENCH_BASELINE:-}" ]; then
    local baseline="$ROOT/target/bench-baseline"
    log "building the previous extension ($AUTHBAR_BENCH_BASELINE) into $baseline/extension"
    build_baseline_extension "$AUTHBAR_BENCH_BASELINE" "$baseline"
    builds=("$AUTHBAR_BENCH_BASELINE=$baseline/extension" "${builds[@]}")
  fi
  node tests/e2e/popup-bench.mjs "${builds[@]}"
  node tests/e2e/search-bench.mjs
  AUTHBAR_QR_DIR="$qr_dir" node tests/e2e/qr-bench.mjs
}

case "${1:-}" in
  setup) setup ;;
  build) setup; build ;;
  extension) build_extension ;;
  run) run ;;
  demo-setup) demo_setup "${2:?usage: ./build.sh demo-setup DATABASE}" ;;
  test) test_all ;;
  bench) bench ;;
  *) echo "usage: ./build.sh setup | build | extension | run | test | bench | demo-setup DATABASE" >&2; exit 2 ;;
esac
