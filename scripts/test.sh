#!/usr/bin/env bash
# Runs every test plimsoll has, on a fresh machine too: installs what is missing first (the wasm32
# target, clippy, python3 for the schema generator, and Go from Debian's packages for the
# differential YAML tests), then runs the workspace tests, checks that core builds for wasm32, and
# lints core for panics.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

# The schema bundle's freshness test runs its generator (schemas/generate.py, standard library only).
if ! command -v python3 >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-minimal
  else
    echo "python3 unavailable: the schema bundle will not be compared with its generator"
  fi
fi

step "k8syaml oracle (how kubectl reads YAML)"
install_flag=()
[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null && install_flag=(--install)
testdata/loader/oracle/build-oracle.sh "${install_flag[@]}" \
  || echo "oracle unavailable: the differential loader test will be skipped"

step "tests"
# Conformance suites leave their score lines here (cargo hides passing tests' output).
rm -rf target/tmp/scores
# Backtraces on every internal engine error slow evaluation down; tests don't need them.
env -u RUST_BACKTRACE cargo test --workspace --locked

step "conformance scores"
cat target/tmp/scores/*.txt 2>/dev/null || echo "no conformance scores recorded"

step "core and the wasm package build for wasm32-unknown-unknown"
cargo build --locked -p plimsoll-core -p plimsoll-wasm --target wasm32-unknown-unknown

step "clippy: core denies unwrap/expect/panic"
cargo clippy --locked -p plimsoll-core --lib -- -D warnings

echo
echo "all checks passed"
