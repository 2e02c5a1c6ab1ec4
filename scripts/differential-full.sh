#!/usr/bin/env bash
# The differential tests at full size (the test command runs them smaller): 100,000 generated pods
# against Pod Security admission at both levels and every version, 1,000,000 quantities and image
# references, 200,000 YAML documents, 200,000 port and label names. Optimised test binaries, built in their own target folder
# without link-time optimisation (fast to build; what is measured is agreement, not speed).
#
#   scripts/differential-full.sh            all five, seed 1
#   SEED=7 scripts/differential-full.sh     another seed
#   PODS=20000 scripts/differential-full.sh fewer pods
#
# Prints each suite's score line; fails on any disagreement.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seed="${SEED:-1}"
scripts/build-oracles.sh >/dev/null
testdata/loader/oracle/build-oracle.sh >/dev/null

export CARGO_TARGET_DIR="$PWD/target/differential" CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export PLIMSOLL_PSA_PODS="${PODS:-100000}" PLIMSOLL_PSA_SEED="$seed"
export PLIMSOLL_QUANTITY_CASES="${CASES:-1000000}" PLIMSOLL_QUANTITY_SEED="$seed"
export PLIMSOLL_IMAGE_CASES="${CASES:-1000000}" PLIMSOLL_IMAGE_SEED="$seed"
export PLIMSOLL_YAML_DOCS="${DOCS:-200000}" PLIMSOLL_YAML_SEED="$seed"
export PLIMSOLL_NAMES_CASES="${NAMES:-200000}" PLIMSOLL_NAMES_SEED="$seed"

env -u RUST_BACKTRACE cargo test --release --locked -p plimsoll-core \
  --test differential_psa --test differential_quantity --test differential_image --test differential_yaml \
  --test differential_names
echo
cat "$CARGO_TARGET_DIR"/tmp/scores/*differential*.txt
