#!/usr/bin/env bash
# Re-record the golden files: run every cases/*.yaml through the k8syaml oracle (main.go: kubectl's YAML
# reading, sigs.k8s.io/yaml YAMLToJSON at the version go.mod pins) and write
#   expected/<name>.json         plain mode  (YAMLToJSON: duplicate keys, last one wins)
#   expected/<name>.strict.json  strict mode (YAMLToJSONStrict: duplicate keys are an error)
# Each output has one JSON value per non-empty input document; a rejected document is {"error":"..."}.
#
# Usage (from anywhere):  testdata/loader/oracle/record.sh
# The oracle is built into <repo>/target/k8syaml if needed (build-oracle.sh --install: when `go` is
# missing and we run as root, Debian's golang-go is installed first).
set -euo pipefail

# All paths are relative to this script, so the working directory does not matter.
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cases_dir="$script_dir/cases"
expected_dir="$script_dir/expected"

# Build (or reuse) the oracle; build-oracle.sh prints the binary's path on stdout.
oracle="$("$script_dir/build-oracle.sh" --install)"

# Count the documents the oracle will report for a file, mirroring its splitter: a line that is exactly
# "---" or starts with "--- " (after dropping a trailing CR) separates documents, and a document
# counts if it has a line that is neither blank nor a comment line.
count_documents() {
  awk '
    { sub(/\r$/, "") }
    $0 == "---" || substr($0, 1, 4) == "--- " { if (content) n++; content = 0; next }
    { line = $0; gsub(/^[ \t]+|[ \t]+$/, "", line); if (line != "" && substr(line, 1, 1) != "#") content = 1 }
    END { if (content) n++; print n + 0 }
  ' "$1"
}

mkdir -p "$expected_dir"
shopt -s nullglob
cases=("$cases_dir"/*.yaml)
if [[ ${#cases[@]} -eq 0 ]]; then
  echo "record.sh: no cases in $cases_dir" >&2
  exit 1
fi

# Drop goldens whose case file is gone, so expected/ always mirrors cases/.
for golden in "$expected_dir"/*.json; do
  name="$(basename "$golden")"
  name="${name%.json}"
  name="${name%.strict}"
  [[ -f "$cases_dir/$name.yaml" ]] || { echo "record.sh: removing stale $golden" >&2; rm -f "$golden"; }
done

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

status=0
for case_file in "${cases[@]}"; do
  name="$(basename "$case_file" .yaml)"
  for mode in plain strict; do
    if [[ $mode == strict ]]; then
      args=(--strict)
      golden="$expected_dir/$name.strict.json"
    else
      args=()
      golden="$expected_dir/$name.json"
    fi
    "$oracle" "${args[@]}" <"$case_file" >"$golden"

    # Guard against non-determinism (e.g. two different YAML keys that become the same JSON key are
    # merged in Go map order): a second run must produce identical bytes.
    "$oracle" "${args[@]}" <"$case_file" >"$tmp"
    if ! cmp -s "$golden" "$tmp"; then
      echo "record.sh: $name ($mode): oracle output is not deterministic" >&2
      status=1
    fi
  done

  # Sanity check: one JSON line per non-empty document, in both modes.
  want="$(count_documents "$case_file")"
  for golden in "$expected_dir/$name.json" "$expected_dir/$name.strict.json"; do
    got="$(wc -l <"$golden" | tr -d ' ')"
    if [[ "$got" != "$want" ]]; then
      echo "record.sh: $(basename "$golden"): $got JSON lines, but $want non-empty documents" >&2
      status=1
    fi
  done
  printf 'record.sh: %-32s %3s documents\n' "$name" "$want" >&2
done

# Record which oracle produced the goldens: the Go toolchain and the module versions it built with.
{
  echo "# Versions of the oracle's ingredients when expected/ was last recorded by record.sh."
  # The toolchain and the modules linked into the binary, with their go.sum hashes.
  go version -m "$oracle" | grep -E '^\S|^\s+(dep|mod)\s' | sed -e "s|^$oracle:|k8syaml:|" -e "s/[[:space:]]*$//"
} >"$expected_dir/VERSIONS.txt"

exit $status
