#!/usr/bin/env bash
# Runs every test plimsoll has, on a fresh machine too: installs what is missing first (the wasm32
# target, clippy, python3 for the schema generator, Go for the k8syaml oracle (Debian's golang-go
# when no Go is installed), helm and kustomize for the rendering tests, pre-commit and junitparser
# from PyPI for the CI-integration tests, pytest-lsp from PyPI for the language server's),
# then runs the workspace tests and prints every conformance suite's score, lints core and the
# wasm crate for panics, builds the wasm package and runs its Node and browser tests (Chromium from
# Debian's packages), and builds the profile-guided release binary (checking its reports).
#
# With CI=true (as CI services set it) nothing may be skipped: a test whose data or tool is
# missing fails, and so does this script when a suite below recorded no score. Elsewhere such a
# test is skipped with its reason, unless every tool was installed (then PLIMSOLL_REQUIRE_TOOLS=1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

# The conformance suites, by the label their score line starts with: the one list of them. Each
# test records its line in target/tmp/scores/<label, spaces as dashes>.txt (common::record_score).
SUITES=(
  "psa fixtures"
  "gatekeeper-library"
  "k8syaml goldens"
  "k8syaml differential"
  "peer cross-check"
  "kubeconform acceptance"
  "kube-linter schema and API checks"
  "schema bundle vs kubeconform ReplicationController"
  "schema validation of corpora"
  "schema bundle generator"
  "bundled schemas"
  "rego tests"
  "psa differential"
  "quantity differential"
  "image differential"
  "yaml differential"
  "names differential"
  "render placement (kustomize)"
  "helm template mapping"
  "lsp end-to-end"
)

in_ci() { [[ "${CI:-}" =~ ^([Tt][Rr][Uu][Ee]|1)$ ]]; }
# Whether every tool a test can skip without is here; cleared below by whatever is missing.
all_tools=1

step "toolchain"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

step "formatting: cargo fmt --check (rustfmt.toml)"
cargo fmt --all --check

# The schema bundle's freshness test runs its generator (schemas/generate.py, standard library only).
if ! command -v python3 >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-minimal
  else
    echo "python3 unavailable: the schema bundle will not be compared with its generator"
  fi
fi
command -v python3 >/dev/null || all_tools=0

step "k8syaml oracle (how kubectl reads YAML): Go, with the module proxy"
# build-oracle.sh --install takes Debian's golang-go only when no `go` is found.
install_flag=()
[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null && install_flag=(--install)
if ! testdata/loader/oracle/build-oracle.sh "${install_flag[@]}" >/dev/null; then
  echo "oracle unavailable: the k8syaml differential test cannot run"
  all_tools=0
fi

step "differential-test oracles (Go programs on Kubernetes' own modules, via the Go module proxy)"
# core/tests/differential_*.rs compare plimsoll with k8s.io/pod-security-admission, apimachinery's
# quantities and names, and distribution/reference; without Go they skip, except under CI=true.
oracle_status=0
scripts/build-oracles.sh >/dev/null || oracle_status=$?
if [ "$oracle_status" -eq 2 ] && ! in_ci; then
  echo "Go unavailable: the differential tests will be skipped"
  all_tools=0
elif [ "$oracle_status" -ne 0 ]; then
  echo "the differential-test oracles could not be built" >&2
  exit 1
fi

step "renderers: helm 4 and 3 (Go module proxy), kustomize (kubectl's, or the Go module proxy)"
# cli/tests/render.rs renders charts and overlays with the real tools. Pinned versions are built
# once into target/tools/ when the machine has none; helm 3 (PLIMSOLL_HELM3) checks that helm 3
# output maps as helm 4's does.
tools="${CARGO_TARGET_DIR:-target}/tools"
go_install() { # <dir> <module@version>
  mkdir -p "$1" && GOBIN="$(cd "$1" && pwd)" GOFLAGS=-mod=mod go install "$2" >/dev/null 2>&1
}
if ! command -v helm >/dev/null; then
  [ -x "$tools/helm4/helm" ] || go_install "$tools/helm4" helm.sh/helm/v4/cmd/helm@v4.3.2 \
    || echo "helm could not be installed"
  [ -x "$tools/helm4/helm" ] && export PATH="$(cd "$tools/helm4" && pwd):$PATH"
fi
[ -x "$tools/helm3/helm" ] || go_install "$tools/helm3" helm.sh/helm/v3/cmd/helm@v3.21.4 \
  || echo "helm 3 could not be installed"
[ -x "$tools/helm3/helm" ] && export PLIMSOLL_HELM3="$(cd "$tools/helm3" && pwd)/helm"
if ! command -v kustomize >/dev/null && ! command -v kubectl >/dev/null; then
  [ -x "$tools/kustomize/kustomize" ] || go_install "$tools/kustomize" sigs.k8s.io/kustomize/kustomize/v5@v5.5.0 \
    || echo "kustomize could not be installed"
  [ -x "$tools/kustomize/kustomize" ] && export PATH="$(cd "$tools/kustomize" && pwd):$PATH"
fi
if ! command -v helm >/dev/null || [ -z "${PLIMSOLL_HELM3:-}" ] \
  || ! { command -v kustomize >/dev/null || command -v kubectl >/dev/null; }; then
  echo "a renderer is missing: the render tests that need it cannot run"
  all_tools=0
fi

step "CI-integration tools: pre-commit and junitparser (PyPI)"
# cli/tests/integrations.rs commits through real pre-commit hooks and reads JUnit output back with
# junitparser; it skips a missing tool unless PLIMSOLL_REQUIRE_TOOLS=1, set here once both import.
for module in pre_commit:pre-commit junitparser:junitparser; do
  python3 -c "import ${module%%:*}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check "${module##*:}" \
    || echo "could not install ${module##*:}"
done
if ! python3 -c "import pre_commit, junitparser" 2>/dev/null || ! command -v git >/dev/null; then
  echo "pre-commit, junitparser or git unavailable: the integration tests that need them cannot run"
  all_tools=0
fi

step "LSP client: pytest-lsp (PyPI), for the language server's end-to-end tests"
# cli/tests/lsp.rs drives `plimsoll lsp` with pytest-lsp; without one importable by python3, a
# pinned one goes into a virtual environment under target/ (PLIMSOLL_LSP_PYTHON names it).
PYTEST_LSP_VERSION=1.0.1
if ! python3 -c "import pytest_lsp" 2>/dev/null; then
  lsp_venv="${CARGO_TARGET_DIR:-target}/lsp-venv"
  if [ ! -x "$lsp_venv/bin/python" ] || ! "$lsp_venv/bin/python" -c "import pytest_lsp" 2>/dev/null; then
    python3 -m venv "$lsp_venv" \
      && "$lsp_venv/bin/python" -m pip install --quiet --disable-pip-version-check "pytest-lsp==$PYTEST_LSP_VERSION" \
      || echo "could not install pytest-lsp $PYTEST_LSP_VERSION"
  fi
  if "$lsp_venv/bin/python" -c "import pytest_lsp" 2>/dev/null; then
    PLIMSOLL_LSP_PYTHON="$(cd "$lsp_venv" && pwd)/bin/python"
    export PLIMSOLL_LSP_PYTHON
  else
    echo "pytest-lsp unavailable: the language server's end-to-end tests cannot run"
    all_tools=0
  fi
fi

# Tests read CI themselves; locally, having every tool means no test has a reason to skip.
if in_ci; then
  export CI=true
elif [ "$all_tools" -eq 1 ]; then
  export PLIMSOLL_REQUIRE_TOOLS=1
fi

step "tests"
# Conformance suites leave their score lines here (cargo hides passing tests' output).
scores="${CARGO_TARGET_DIR:-target}/tmp/scores"
rm -rf "$scores"
# Backtraces on every internal engine error slow evaluation down; tests don't need them.
tests_status=0
env -u RUST_BACKTRACE cargo test --workspace --locked || tests_status=$?

step "conformance scores"
missing=()
for suite in "${SUITES[@]}"; do
  score="$scores/${suite// /-}.txt"
  if [ -s "$score" ]; then
    cat "$score"
  else
    echo "$suite: no score (skipped, or its test did not finish)"
    missing+=("$suite")
  fi
done
# A score from a suite the list does not know: show it, and say where to add it.
for score in "$scores"/*.txt; do
  [ -e "$score" ] || continue
  label="$(basename "$score" .txt)"
  listed=0
  for suite in "${SUITES[@]}"; do [ "${suite// /-}" = "$label" ] && listed=1; done
  [ "$listed" -eq 1 ] || echo "$(cat "$score")   (not in SUITES of scripts/test.sh)"
done
if [ "$tests_status" -ne 0 ]; then
  echo "the tests failed (cargo test exited with $tests_status)"
  exit "$tests_status"
fi
if in_ci && [ "${#missing[@]}" -gt 0 ]; then
  echo "CI: no score from ${missing[*]}"
  exit 1
fi

step "clippy: core and the wasm crate deny unwrap/expect/panic; the CLI"
cargo clippy --locked -p plimsoll-core -p plimsoll-wasm --lib -- -D warnings
# Core as the wasm package builds it: without schema validation (the schema-validation feature).
cargo clippy --locked -p plimsoll-core --no-default-features --lib -- -D warnings
# The CLI binary and its tests: clippy's default lints.
cargo clippy --locked -p plimsoll --bins --tests -- -D warnings

step "cargo doc: the crates' documentation builds without warnings (broken links included)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p plimsoll-core -p plimsoll -p plimsoll-wasm

step "wasm package: core and the wasm crate built for wasm32 (web; nodejs with schema validation; wasm-opt), Node tests"
# The browser test drives Debian's Chromium (playwright-core comes with the package's npm
# devDependencies, installed by build.sh); openssl makes the webhook test's certificate; wrk loads
# the webhook on loopback.
for tool in chromium:chromium openssl:openssl wrk:wrk; do
  if ! command -v "${tool%%:*}" >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}" >/dev/null
  fi
done
wasm/build.sh
# The parity test compares the package with the CLI binary that `cargo test` built.
(cd wasm && PLIMSOLL_BIN="$PWD/../target/debug/plimsoll" node --test tests/*.test.mjs)

step "release build with profile-guided optimisation (scripts/build-release.sh): same reports as the tested build"
# The script fails unless the optimised binary's reports on its training inputs match the
# instrumented build's; here the bundled examples' report must also match the debug binary's
# that the tests above ran.
scripts/build-release.sh
for format in json sarif; do
  diff <(target/debug/plimsoll lint --quiet --format "$format" testdata/examples || true) \
    <(target/pgo/bin/plimsoll lint --quiet --format "$format" testdata/examples || true)
done
echo "the optimised release binary reports testdata/examples as the tested build does"

step "fuzz smoke: every libFuzzer target of fuzz/ builds and runs for a few seconds (nightly, cargo-fuzz)"
# An unoptimised build (half the build time of an optimised one); scripts/fuzz.sh installs the
# nightly toolchain and cargo-fuzz when missing. Long runs: scripts/fuzz.sh --time SECONDS.
# A fresh corpus of the committed seeds only: the seeds from testdata would take minutes to run
# once through unoptimised targets.
rm -rf fuzz/target/smoke-corpus
scripts/fuzz.sh --dev --time "${PLIMSOLL_FUZZ_SECONDS:-5}" --corpus fuzz/target/smoke-corpus

echo
echo "all checks passed"
