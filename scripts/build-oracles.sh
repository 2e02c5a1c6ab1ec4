#!/usr/bin/env bash
# Builds the differential-test oracles: small Go programs under testdata/oracles/<name>/ (main.go,
# go.mod, go.sum), each using an upstream Kubernetes or distribution module at the version its
# go.mod pins, fetched through the Go module proxy. Each is built into target/oracles/<name> when
# the binary is missing or older than one of its sources, and its path is printed on stdout (one
# line per oracle, in the order asked); everything else goes to stderr.
#
#   scripts/build-oracles.sh            every oracle
#   scripts/build-oracles.sh psa image  the ones named
#
# Exit status: 0 when all were built (or were up to date); 2 when Go is not installed (tests skip,
# except under CI=true); anything else is a real failure (a download or a compile error).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
oracles="$repo/testdata/oracles"
out_dir="$repo/target/oracles"

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for dir in "$oracles"/*/; do names+=("$(basename "$dir")"); done
fi

# The modules need a recent Go: $GO if set, else the official install (which a distribution's older
# `go` on the PATH must not shadow), else whatever `go` the PATH has. Only looked for when a binary
# is missing or stale.
find_go() {
  go_bin="${GO:-}"
  [[ -z "$go_bin" && -x /usr/local/go/bin/go ]] && go_bin=/usr/local/go/bin/go
  [[ -z "$go_bin" ]] && go_bin="$(command -v go || true)"
  if [[ -z "$go_bin" || ! -x "$go_bin" ]]; then
    echo "build-oracles.sh: Go is not installed (https://go.dev/dl/); the differential tests need it" >&2
    exit 2
  fi
  # From 1.21 Go fetches the toolchain a go.mod asks for by itself; older ones cannot build these.
  local minor
  minor="$("$go_bin" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  if [[ -z "$minor" || "$minor" -lt 21 ]]; then
    echo "build-oracles.sh: $go_bin is $("$go_bin" env GOVERSION); the oracles need Go 1.21 or newer" >&2
    exit 2
  fi
}

mkdir -p "$out_dir"
go_bin=
for name in "${names[@]}"; do
  src="$oracles/$name"
  bin="$out_dir/$name"
  [[ -f "$src/main.go" ]] || { echo "build-oracles.sh: no oracle named $name" >&2; exit 64; }
  stale=0
  [[ -x "$bin" ]] || stale=1
  for file in "$src"/main.go "$src"/go.mod "$src"/go.sum; do
    [[ "$file" -nt "$bin" ]] && stale=1
  done
  if [[ $stale -eq 1 ]]; then
    [[ -n "$go_bin" ]] || find_go
    echo "build-oracles.sh: building $name ($("$go_bin" version))" >&2
    # Build beside the binary and rename: tests running at once never see half a file.
    # go.mod and go.sum are committed and must not change during a build; no VCS stamp is needed.
    (cd "$src" && GOFLAGS="-mod=readonly -buildvcs=false" "$go_bin" build -trimpath -o "$bin.tmp.$$" .) >&2
    mv -f "$bin.tmp.$$" "$bin"
  fi
  echo "$bin"
done
