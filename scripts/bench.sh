#!/usr/bin/env bash
# Runs the lint-vs-parse benchmark (see scripts/bench.py for what it measures).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 scripts/bench.py "$@"
