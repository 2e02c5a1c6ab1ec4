#!/usr/bin/env bash
# Fuzzes plimsoll's parsers with libFuzzer (cargo-fuzz, nightly toolchain): builds the targets of
# fuzz/, seeds their corpora from the repository's test data (fuzz/build-corpus.py), runs each
# target for a time or a number of executions with memory and time limits, and prints executions
# and crashes per target. Exits non-zero when any target crashed, hung or ran out of memory; the
# input that did is kept in fuzz/artifacts/<target>/ (replay it: `scripts/fuzz.sh --replay FILE`).
#
#   scripts/fuzz.sh [--time SECONDS | --runs N] [--rss-mb MB] [--timeout SECONDS] [--max-len BYTES]
#                   [TARGET...]
#   scripts/fuzz.sh --dev …           (unoptimised build: builds in half the time, runs slower;
#                                      the test command's smoke run uses it)
#   scripts/fuzz.sh --corpus DIR …    (a corpus other than fuzz/corpus: a new one starts from the
#                                      committed seeds of fuzz/seeds/ only; the smoke run uses one)
#   scripts/fuzz.sh --bin-dir DIR …   (runs targets built before, without building)
#   scripts/fuzz.sh --list
#   scripts/fuzz.sh --replay fuzz/artifacts/load/crash-…   (runs the input once through its target)
#
# Defaults: 60 seconds per target, 2048 MB, 10 s per input. Installs cargo-fuzz when missing.
# docs/fuzzing.md describes the targets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGETS=(load lint admit config user_rego gatekeeper signature quantity image)
budget=(-max_total_time=60)
rss_mb=2048
timeout_s=10
replay=""
bin_dir=""
profile=release
max_len=""
corpus=fuzz/corpus
selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) budget=(-max_total_time="$2"); shift 2 ;;
    --runs) budget=(-runs="$2"); shift 2 ;;
    --rss-mb) rss_mb="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --replay) replay="$2"; shift 2 ;;
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --dev) profile=dev; shift ;;
    --max-len) max_len="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) selected+=("$1"); shift ;;
  esac
done
[ "${#selected[@]}" -gt 0 ] || selected=("${TARGETS[@]}")

if [ -z "$bin_dir" ]; then
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
  # No sanitizer: core has no unsafe code and forbids panics, so what libFuzzer finds is panics,
  # hangs and unbounded memory, which need none; the build is about twice as fast without one.
  profile_flag=(); [ "$profile" = dev ] && profile_flag=(--dev)
  cargo +nightly fuzz build "${profile_flag[@]}" --sanitizer none 2>&1 | grep -v '^\s*Compiling' >&2 \
    || { echo "fuzz targets do not build" >&2; exit 1; }
  profile_dir=release; [ "$profile" = dev ] && profile_dir=debug
  bin_dir="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/$profile_dir"
fi

# Inputs that once crashed, hung or exhausted memory; each fixed one has a regression test too.
if [ -n "$replay" ]; then
  target="$(basename "$(dirname "$replay")")"
  exec "$bin_dir/$target" -rss_limit_mb="$rss_mb" -timeout="$timeout_s" "$replay"
fi

if [ ! -d "$corpus" ]; then
  if [ "$corpus" = fuzz/corpus ]; then
    python3 fuzz/build-corpus.py "$corpus" >/dev/null
  else
    for target in "${selected[@]}"; do
      mkdir -p "$corpus/$target"
      [ -d "fuzz/seeds/$target" ] && cp fuzz/seeds/"$target"/* "$corpus/$target/"
    done
  fi
fi

# Per target: the dictionary (YAML, Kubernetes keys, Rego) and the largest input libFuzzer makes.
dict_for() {
  local out="fuzz/target/$1.dict"
  case "$1" in
    load|lint|admit|config|gatekeeper) cat fuzz/dict/yaml.dict fuzz/dict/kubernetes.dict > "$out" ;;
    user_rego) cat fuzz/dict/rego.dict > "$out" ;;
    *) : > "$out" ;;
  esac
  [ "$1" = gatekeeper ] && cat fuzz/dict/rego.dict >> "$out"
  echo "$out"
}
max_len_for() {
  [ -n "$max_len" ] && { echo "$max_len"; return; }
  case "$1" in
    signature) echo 65536 ;;
    quantity|image) echo 256 ;;
    *) echo 4096 ;;
  esac
}

failed=0
total=0
printf '%-12s %14s %8s %8s  %s\n' target executions crashes seconds result
for target in "${selected[@]}"; do
  mkdir -p "$corpus/$target" "fuzz/artifacts/$target"
  log="fuzz/target/$target.log"
  before="$(ls "fuzz/artifacts/$target" | wc -l)"
  start=$SECONDS
  status=0
  dict="$(dict_for "$target")"
  dict_flag=()
  [ -s "$dict" ] && dict_flag=(-dict="$dict")
  "$bin_dir/$target" "$corpus/$target" "${dict_flag[@]}" -max_len="$(max_len_for "$target")" \
    -rss_limit_mb="$rss_mb" -timeout="$timeout_s" "${budget[@]}" -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$target/" >"$log" 2>&1 || status=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  found=$(( $(ls "fuzz/artifacts/$target" | wc -l) - before ))
  result=ok
  if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
    result="FAILED (exit $status; $log, fuzz/artifacts/$target/)"
    [ "$found" -gt 0 ] || found=1
    failed=1
  fi
  total=$(( total + ${execs:-0} ))
  printf '%-12s %14s %8s %8s  %s\n' "$target" "${execs:-?}" "$found" "$(( SECONDS - start ))" "$result"
done
printf '%-12s %14s\n' total "$total"
exit "$failed"
