#!/usr/bin/env bash
# Builds the k8syaml oracle (main.go in this folder: how kubectl reads YAML, through the
# sigs.k8s.io/yaml version go.mod pins) into <repo>/target/k8syaml and prints the binary's absolute
# path on stdout. Everything else goes to stderr, so callers can write:
#   ORACLE=$(testdata/loader/oracle/build-oracle.sh)
#
# The module's dependencies come from the Go module proxy (checked against go.sum). The binary is
# rebuilt only when it is missing or older than main.go, go.mod or go.sum (or with --force).
#
# Options:
#   --install  when `go` is missing and we run as root, install Debian's golang-go first
#              (scripts/test.sh and record.sh pass this; the tests do not).
#   --force    rebuild even if the binary is up to date.
#
# Exit status: 0 and the path on success; 2 when no Go toolchain is available; 1 when the build
# fails (for example, the module proxy cannot be reached and the module cache lacks the sources).
set -euo pipefail

# Paths come from this script's location, so any working directory will do.
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../../.." && pwd)"
out="$repo_root/target/k8syaml"
sources=("$script_dir/main.go" "$script_dir/go.mod" "$script_dir/go.sum")

install=0
force=0
for arg in "$@"; do
  case "$arg" in
    --install) install=1 ;;
    --force) force=1 ;;
    *) echo "build-oracle.sh: unknown argument: $arg" >&2; exit 64 ;;
  esac
done

log() { echo "build-oracle.sh: $*" >&2; }

up_to_date() {
  [[ -x "$out" ]] || return 1
  local source
  for source in "${sources[@]}"; do
    [[ "$source" -nt "$out" ]] && return 1
  done
  return 0
}

if [[ $force -eq 0 ]] && up_to_date; then
  echo "$out"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  if [[ $install -eq 1 && "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "no \`go\` on PATH: installing Debian's golang-go"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq golang-go >&2
  else
    log "no \`go\` on PATH (install Go, or run as root with --install to get Debian's golang-go)"
    exit 2
  fi
fi

# Go's caches must be writable; use folders under target/ when the defaults are not.
writable_or() {
  local dir="$1" fallback="$2"
  if [[ -n "$dir" ]] && mkdir -p "$dir" 2>/dev/null && [[ -w "$dir" ]]; then
    echo "$dir"
  else
    echo "$fallback"
  fi
}
export GOCACHE="${GOCACHE:-$(writable_or "$(go env GOCACHE 2>/dev/null || true)" "$repo_root/target/go/cache")}"
export GOMODCACHE="${GOMODCACHE:-$(writable_or "$(go env GOMODCACHE 2>/dev/null || true)" "$repo_root/target/go/mod")}"

mkdir -p "$repo_root/target"
log "building $out ($(go version))"
# Module mode, go.sum verified; no VCS stamping (the binary does not depend on the repository's state).
if ! (cd "$script_dir" && GO111MODULE=on GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -o "$out" .) >&2; then
  log "the build failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY 2>/dev/null || true))"
  exit 1
fi
echo "$out"
