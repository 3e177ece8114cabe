#!/usr/bin/env bash
# Authbar's one entry point: ./build.sh setup | build | run | test | bench
# Every step is idempotent; `test` is exactly what CI runs (.ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages the tests need, installed only when missing.
APT_PACKAGES=(oathtool)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "build.sh: need root (or sudo) to run: $*" >&2; return 1
  fi
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
}

build() {
  log "building the authbar command (release)"
  cargo build --release --locked -p authbar-cli
}

run() {
  setup
  build
  log "authbar is built: $ROOT/target/release/authbar"
  "$ROOT/target/release/authbar" --help
  cat <<EOT

Try it:
  $ROOT/target/release/authbar code JBSWY3DPEHPK3PXP
  $ROOT/target/release/authbar decode path/to/qr.png
  $ROOT/target/release/authbar import 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME'
EOT
}

test_all() {
  setup
  log "format and lints"
  cargo fmt --all -- --check
  cargo clippy --locked --workspace --all-targets -- -D warnings
  log "the core builds for WebAssembly"
  cargo build --locked -p authbar-core --target wasm32-unknown-unknown
  log "Rust tests (unit, vectors, properties, QR, oathtool differential, CLI)"
  cargo test --locked --workspace
}

bench() {
  setup
  local qr_dir="${AUTHBAR_QR_DIR:-$ROOT/../shared/qr/dev}"
  log "benchmarks (numbers only; nothing here is a pass/fail test)"
  AUTHBAR_QR_DIR="$qr_dir" cargo bench --locked -p authbar-cli
}

case "${1:-}" in
  setup) setup ;;
  build) setup; build ;;
  run) run ;;
  test) test_all ;;
  bench) bench ;;
  *) echo "usage: ./build.sh setup | build | run | test | bench" >&2; exit 2 ;;
esac
