#!/usr/bin/env bash
# Build the k8syaml oracle (how kubectl reads YAML: sigs.k8s.io/yaml on top of go-yaml v2) into
# <repo>/target/k8syaml and print the binary's absolute path on stdout. Everything else goes to stderr,
# so callers can do:  ORACLE=$(testdata/loader/oracle/build-oracle.sh)
#
# The binary is only rebuilt when it is missing or older than the oracle's main.go (or with --force).
#
# Options:
#   --install  if `go` or the Go YAML packages are missing and we run as root, apt-get install
#              golang-go and golang-k8s-sigs-yaml-dev first (record.sh passes this; tests must not).
#   --force    rebuild even if the binary is up to date.
#
# Environment:
#   K8SYAML_SRC  directory holding the oracle's main.go
#                (default: <repo>/../shared/oracle/k8syaml)
#
# Exit status: 0 and the path on success; 2 when Go or the YAML package is unavailable (tests treat
# this as "skip the differential tests"); anything else is a real build failure.
set -euo pipefail

# Resolve paths from this script's location so it works from any working directory.
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../../.." && pwd)"
src_dir="${K8SYAML_SRC:-$repo_root/../shared/oracle/k8syaml}"
src_dir="$(cd "$src_dir" 2>/dev/null && pwd || echo "$src_dir")"  # canonical form for messages
out="$repo_root/target/k8syaml"

# Debian installs Go library sources under this GOPATH; the oracle is built in GOPATH mode against them.
gopath=/usr/share/gocode
yaml_pkg="$gopath/src/sigs.k8s.io/yaml"

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

if [[ ! -f "$src_dir/main.go" ]]; then
  log "oracle source not found: $src_dir/main.go (set K8SYAML_SRC)"
  exit 2
fi

# Up to date? Then just report the path.
if [[ $force -eq 0 && -x "$out" && ! "$src_dir/main.go" -nt "$out" ]]; then
  echo "$out"
  exit 0
fi

# Make sure the toolchain and the Debian-packaged YAML library are present.
if ! command -v go >/dev/null 2>&1 || [[ ! -d "$yaml_pkg" ]]; then
  if [[ $install -eq 1 && "$(id -u)" -eq 0 ]]; then
    log "installing golang-go and golang-k8s-sigs-yaml-dev with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq golang-go golang-k8s-sigs-yaml-dev >&2
  else
    log "need \`go\` and $yaml_pkg (Debian: golang-go golang-k8s-sigs-yaml-dev);"
    log "run as root with --install (record.sh does) or install them yourself"
    exit 2
  fi
fi

# The build cache must be writable; fall back to one under target/ when the default is not.
if [[ -z "${GOCACHE:-}" ]]; then
  default_cache="$(go env GOCACHE 2>/dev/null || true)"
  if [[ -z "$default_cache" ]] || ! mkdir -p "$default_cache" 2>/dev/null || [[ ! -w "$default_cache" ]]; then
    export GOCACHE="$repo_root/target/go-cache"
  fi
fi

mkdir -p "$repo_root/target"
log "building $out from $src_dir"
# GOPATH mode (no go.mod, no network): resolve sigs.k8s.io/yaml and gopkg.in/yaml.v2 from Debian's gocode.
(cd "$src_dir" && GO111MODULE=off GOPATH="$gopath" GOFLAGS= go build -o "$out" .) >&2
echo "$out"
