#!/usr/bin/env bash
# The `plimsoll` pre-commit hook (.pre-commit-hooks.yaml): lints the files pre-commit names with
# plimsoll built from this checkout. pre-commit keeps one clone of the repository per revision, so
# the release build is made once, in that clone, the first time the hook runs, and reused after.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="$repo/target/release/plimsoll"

if [ ! -x "$binary" ]; then
  if ! command -v cargo >/dev/null; then
    echo "plimsoll hook: cargo is not on PATH: install Rust (https://rustup.rs)," \
      "or use the plimsoll-system hook with an installed plimsoll" >&2
    exit 2
  fi
  echo "plimsoll hook: building plimsoll (once per revision; this takes a few minutes)" >&2
  cargo build --quiet --release --locked -p plimsoll --manifest-path "$repo/Cargo.toml" >&2
fi
exec "$binary" lint "$@"
