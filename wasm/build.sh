#!/usr/bin/env bash
# Builds the npm package plimsoll-wasm: the linter compiled to wasm32 twice, with its JS glue for
# browsers (pkg/web, ES module, shrunk with `wasm-opt -Oz`) and Node (pkg/node, CommonJS), and the
# web build copied next to the static page (www/pkg) so that www/ can be served as it is.
# The Node module carries schema validation (the crate's `schema-validation` feature), so that a
# webhook gives the CLI's verdicts on every rule; the web module leaves it out, since it would
# double the browser's download (target: 1 MB gzipped). The web module is also compiled for size
# (profile `wasm-web`, opt-level "z"), the Node module for speed (`wasm-release`, opt-level 3).
#
# Installs what is missing first: the wasm32 target, wasm-bindgen-cli at exactly the version
# wasm/Cargo.toml pins (the glue and the crate must agree), and the npm devDependencies
# (binaryen's wasm-opt, and the browser test's playwright-core) from package-lock.json.
# Prints each module's size raw, after wasm-opt and gzipped, and how long each step took.
#
# Usage: wasm/build.sh [--no-opt]   (--no-opt skips wasm-opt, which takes minutes: for development)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

step() { printf '\n==> %s\n' "$*"; }

crate=plimsoll_wasm
target=wasm32-unknown-unknown
run_opt=1
[ "${1:-}" = "--no-opt" ] && run_opt=0
bindgen_version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)

step "tools"
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$bindgen_version" ]; then
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi

# One cargo build and output directory per flavour: the features differ, so the modules do. Each
# flavour has its own target directory: cargo names a cdylib without a hash of its features, so in
# one directory the second build would overwrite the first one's module and a later build could take
# the stale file for up to date. Only the web module is shrunk with `wasm-opt -Oz` (minutes): for the
# Node module it took four times as long for a module of the same gzipped size and speed, so it is
# only stripped of debug sections (seconds).
timed() { local t0=$SECONDS; "$@"; printf '(%s: %d s)\n' "$1" $((SECONDS - t0)); }
optimise() { node_modules/.bin/wasm-opt "$@" --strip-debug --strip-producers "$module" -o "$module.opt" && mv "$module.opt" "$module"; }
declare -A raw_size
for flavour in web nodejs; do
  out=pkg/${flavour%js}
  target_dir=../target
  profile=wasm-web
  features=()
  opt_flags=(-Oz)
  if [ "$flavour" = nodejs ]; then
    target_dir=../target/wasm-node
    profile=wasm-release
    features=(--features schema-validation)
    opt_flags=()
  fi
  raw="$target_dir/$target/$profile/$crate.wasm"
  module="$out/${crate}_bg.wasm"
  step "cargo build ($profile, $target${features[*]:+, ${features[*]}}) → $out"
  timed cargo build --locked -p plimsoll-wasm --profile "$profile" --target "$target" --target-dir "$target_dir" "${features[@]}"
  raw_size[$flavour]=$(wc -c <"$raw" | tr -d ' ')
  rm -rf "$out"
  timed wasm-bindgen --target "$flavour" --out-dir "$out" "$raw"
  if [ "$run_opt" -eq 1 ]; then
    step "wasm-opt ${opt_flags[*]:-(strip only)} $module"
    timed optimise "${opt_flags[@]}"
  fi
done

# The web glue is an ES module; in a package without "type": "module" Node would read it as
# CommonJS, so its folder says so (browsers and bundlers do not care).
echo '{"type": "module"}' > pkg/web/package.json

step "the static page's copy of the web build (www/pkg)"
rm -rf www/pkg
cp -r pkg/web www/pkg

step "sizes"
size() { wc -c <"$1" | tr -d ' '; }
not_optimised=""
[ "$run_opt" -eq 0 ] && not_optimised=" (not optimised: --no-opt)"
for flavour in web nodejs; do
  module=pkg/${flavour%js}/${crate}_bg.wasm
  echo "${flavour%js}:"
  printf '  wasm raw (cargo):     %9d bytes\n' "${raw_size[$flavour]}"
  printf "  wasm after wasm-opt:  %9d bytes%s\n" "$(size "$module")" "$not_optimised"
  printf '  wasm gzip -9:         %9d bytes%s\n' "$(gzip -9 -c "$module" | wc -c | tr -d ' ')" \
    "$([ "$flavour" = web ] && echo " (target for the browser: 1,000,000)")"
done
printf 'total: %d s\n' "$SECONDS"
