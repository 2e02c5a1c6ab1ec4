#!/usr/bin/env bash
# Runs every test plimsoll has, on a fresh machine too: installs what is missing first (the wasm32
# target, clippy, python3 for the schema generator, Go from Debian's packages for the differential
# YAML tests, pre-commit and junitparser from PyPI for the CI-integration tests), then runs the
# workspace tests, lints core and the wasm crate for panics, builds the wasm package and runs its
# Node and browser tests (Chromium from Debian's packages).
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

step "differential-test oracles (Go programs on Kubernetes' own modules, via the Go module proxy)"
# core/tests/differential_*.rs compare plimsoll with k8s.io/pod-security-admission, apimachinery's
# quantities and distribution/reference; without Go they skip, except under CI=true.
oracle_status=0
scripts/build-oracles.sh >/dev/null || oracle_status=$?
if [ "$oracle_status" -eq 2 ] && [ "${CI:-}" != true ]; then
  echo "Go unavailable: the differential tests will be skipped"
elif [ "$oracle_status" -ne 0 ]; then
  echo "the differential-test oracles could not be built" >&2
  exit 1
fi

step "CI-integration tools: pre-commit and junitparser (PyPI)"
# cli/tests/integrations.rs commits through real pre-commit hooks and reads JUnit output back with
# junitparser; it skips a missing tool unless PLIMSOLL_REQUIRE_TOOLS=1, set here once both import.
for module in pre_commit:pre-commit junitparser:junitparser; do
  python3 -c "import ${module%%:*}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check "${module##*:}" \
    || echo "could not install ${module##*:}"
done
if python3 -c "import pre_commit, junitparser" 2>/dev/null && command -v git >/dev/null; then
  export PLIMSOLL_REQUIRE_TOOLS=1
else
  echo "pre-commit, junitparser or git unavailable: the integration tests that need them will be skipped"
fi

step "tests"
# Conformance suites leave their score lines here (cargo hides passing tests' output).
rm -rf target/tmp/scores
# Backtraces on every internal engine error slow evaluation down; tests don't need them.
env -u RUST_BACKTRACE cargo test --workspace --locked

step "conformance scores"
cat target/tmp/scores/*.txt 2>/dev/null || echo "no conformance scores recorded"

step "clippy: core and the wasm crate deny unwrap/expect/panic; the CLI"
cargo clippy --locked -p plimsoll-core -p plimsoll-wasm --lib -- -D warnings
# Core as the wasm package builds it: without schema validation (the schema-validation feature).
cargo clippy --locked -p plimsoll-core --no-default-features --lib -- -D warnings
# The CLI binary: clippy's default lints.
cargo clippy --locked -p plimsoll --bins -- -D warnings

step "wasm package: core and the wasm crate built for wasm32 (web and nodejs, wasm-opt), Node tests"
# The browser test drives Debian's Chromium (playwright-core comes with the package's npm
# devDependencies, installed by build.sh); openssl makes the webhook test's certificate.
for tool in chromium:chromium openssl:openssl; do
  if ! command -v "${tool%%:*}" >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}" >/dev/null
  fi
done
wasm/build.sh
# The parity test compares the package with the CLI binary that `cargo test` built.
(cd wasm && PLIMSOLL_BIN="$PWD/../target/debug/plimsoll" node --test tests/*.test.mjs)

echo
echo "all checks passed"
