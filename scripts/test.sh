#!/usr/bin/env bash
# Runs every test plimsoll has, on a fresh machine too: installs what is missing first (the wasm32
# target, clippy, and Go from Debian's packages for the differential YAML tests; for the wasm
# package wasm-bindgen-cli, the npm devDependencies and Debian's Chromium), then runs the workspace
# tests, builds the wasm package and runs its Node tests, and lints core for panics.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

step "k8syaml oracle (how kubectl reads YAML)"
install_flag=()
[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null && install_flag=(--install)
testdata/loader/oracle/build-oracle.sh "${install_flag[@]}" \
  || echo "oracle unavailable: the differential loader test will be skipped"

step "tests"
# Backtraces on every internal engine error slow evaluation down; tests don't need them.
env -u RUST_BACKTRACE cargo test --workspace --locked

step "wasm package: build for the web and Node (wasm/build.sh; core builds for wasm32 on the way)"
wasm/build.sh

step "wasm package: Chromium for the browser test"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }
  else
    echo "Chromium is missing and cannot be installed here (needs root and apt-get): the browser test will fail"
  fi
fi

step "wasm package: Node tests (parity with the CLI, API and types, webhook over HTTPS, browser)"
cargo build --locked -p plimsoll
(cd wasm && env -u RUST_BACKTRACE PLIMSOLL_BIN="$PWD/../target/debug/plimsoll" node --test tests/*.test.mjs)

step "clippy: core and the wasm crate deny unwrap/expect/panic"
cargo clippy --locked -p plimsoll-core -p plimsoll-wasm --lib -- -D warnings

echo
echo "all checks passed"
