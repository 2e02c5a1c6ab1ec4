#!/usr/bin/env bash
# Builds the release binary with profile-guided optimisation (docs/performance.md, "Release builds").
#
#   scripts/build-release.sh [--out DIR]
#
# 1. builds `plimsoll` (and the benchmark's `raw_parse` baseline) instrumented to count where
#    their branches go and which functions run;
# 2. runs the instrumented binaries on a training corpus: a generated one (scripts/gen_corpus.py,
#    another seed than the benchmark's, so that the benchmark does not measure its own training
#    input) as files, one stream on standard input, a `kind: List`, in every report format, the
#    bundled examples (charts and overlays rendered when helm and kustomize are installed), and
#    users' conftest and Gatekeeper policies (what it never runs is laid out as rarely run);
# 3. merges the counts (llvm-profdata, from the toolchain's llvm-tools component, added with rustup
#    when missing) and builds again with them;
# 4. lints the same inputs with the optimised binary and fails unless every report is
#    byte-identical to the instrumented build's: the optimisation changes speed, never verdicts.
#
# The binaries land in DIR (default target/pgo/bin). `cargo build --release` and `cargo install`
# make the same program without the profile, slower (figures in docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/pgo/bin
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-release.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

work=target/pgo
say() { printf '  %s\n' "$*"; }

# llvm-profdata must read the profile format of the LLVM that rustc embeds: the toolchain's own.
sysroot=$(rustc --print sysroot)
host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$sysroot/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
  if ! command -v rustup >/dev/null; then
    echo "build-release.sh: $profdata not found and rustup is not installed to add the llvm-tools component" >&2
    exit 1
  fi
  say "adding the llvm-tools component (llvm-profdata) with rustup"
  rustup component add llvm-tools >&2
fi

build() { # build TARGET_DIR RUSTFLAGS
  RUSTFLAGS="${RUSTFLAGS:-} $2" cargo build --release --locked -q -p plimsoll --bin plimsoll \
    --example raw_parse --target-dir "$1"
}

counts="$PWD/$work/counts"
say "1/4 instrumented build ($work/instrumented)"
build "$work/instrumented" "-Cprofile-generate=$counts"
# Build scripts run instrumented too: their counts are not the program's.
rm -rf "$counts"

training="$work/training"
rm -rf "$training"
python3 scripts/gen_corpus.py --docs 2000 --seed 7 --out "$training/corpus" >/dev/null
# The same documents as one stream and as one `kind: List`, written by the benchmark's own code.
PYTHONDONTWRITEBYTECODE=1 python3 -c 'import sys; sys.path.insert(0, "scripts"); import bench
docs = bench.documents_of(sys.argv[1] + "/corpus")
bench.write_stream(docs, sys.argv[1] + "/stream.yaml")
bench.write_list(docs, sys.argv[1] + "/list.yaml")' "$training"

# Each training run, with the report it wrote kept under $2 for step 4.
reports="$work/reports"
train() { # train BINARY REPORT_DIR
  local bin="$1" dir="$2"
  rm -rf "$dir" && mkdir -p "$dir"
  run() { # run NAME STDIN ARGS...: lint exits 0, 1 (findings) or 2 (unreadable input); more is a crash
    local name="$1" input="$2"; shift 2
    local status=0
    "$bin" "$@" <"$input" >"$dir/$name" 2>/dev/null || status=$?
    if [ "$status" -gt 2 ]; then
      echo "build-release.sh: $bin $* exited with status $status" >&2
      exit 1
    fi
  }
  for format in json human sarif github junit compact; do
    run "files.$format" /dev/null lint --no-config --quiet --format "$format" "$training/corpus"
  done
  run stdin.json "$training/stream.yaml" lint --no-config --quiet --format json -
  run stream.json /dev/null lint --no-config --quiet --format json "$training/stream.yaml"
  run list.json /dev/null lint --no-config --quiet --format json "$training/list.yaml"
  run complete.json /dev/null lint --no-config --quiet --complete-input --format json "$training/corpus"
  run examples.json /dev/null lint --no-config --quiet --format json testdata/examples
  run examples.human /dev/null lint --quiet --format human testdata/examples
  # Users' policies: conftest Rego and Gatekeeper templates (code the profile would otherwise
  # mark as never run, and lay out as cold).
  run conftest.json /dev/null lint --no-config --quiet --format json --policy testdata/policies/conftest/v1 \
    testdata/policies/conftest/manifests
  run gatekeeper.json /dev/null lint --no-config --quiet --format json --policy testdata/policies/gatekeeper/policies \
    testdata/policies/gatekeeper/manifests
}

say "2/4 training on $training (2,000 generated documents) and testdata/examples"
mkdir -p "$counts"
LLVM_PROFILE_FILE="$counts/%p-%m.profraw" train "$work/instrumented/release/plimsoll" "$reports/instrumented"
LLVM_PROFILE_FILE="$counts/%p-%m.profraw" "$work/instrumented/release/examples/raw_parse" --threads 2 \
  "$training/corpus" >/dev/null

say "3/4 optimised build ($work/optimised)"
merged="$work/merged.profdata"
"$profdata" merge -o "$merged" "$counts"
# The profile's digest names it: cargo rebuilds what RUSTFLAGS change, so a new profile rebuilds
# every crate rather than only those whose sources changed.
digest=$(sha256sum "$merged" | cut -c1-16)
profile="$PWD/$work/profile-$digest.profdata"
rm -f "$work"/profile-*.profdata
mv "$merged" "$profile"
build "$work/optimised" "-Cprofile-use=$profile"

say "4/4 the optimised binary's reports against the instrumented build's"
train "$work/optimised/release/plimsoll" "$reports/optimised"
if ! diff -r -q "$reports/instrumented" "$reports/optimised" >&2; then
  echo "build-release.sh: the optimised binary reported differently from the instrumented one" >&2
  exit 1
fi
say "$(ls "$reports/optimised" | wc -l) reports identical"

mkdir -p "$out"
cp "$work/optimised/release/plimsoll" "$out/plimsoll"
cp "$work/optimised/release/examples/raw_parse" "$out/raw_parse"
say "built $out/plimsoll (and the benchmark's $out/raw_parse)"
