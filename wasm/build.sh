#!/usr/bin/env bash
# Builds the npm package plimsoll-wasm: the linter compiled to wasm32, its JS glue for browsers
# (pkg/web, ES module) and Node (pkg/node, CommonJS), each shrunk with `wasm-opt -Oz`, and the web
# build copied next to the static page (www/pkg) so that www/ can be served as it is.
#
# Installs what is missing first: the wasm32 target, wasm-bindgen-cli at exactly the version
# wasm/Cargo.toml pins (the glue and the crate must agree), and the npm devDependencies
# (binaryen's wasm-opt, and the browser test's playwright-core) from package-lock.json.
# Prints the module's size raw, after wasm-opt and gzipped.
#
# Usage: wasm/build.sh [--no-opt]   (--no-opt skips wasm-opt, which takes minutes: for development)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

step() { printf '\n==> %s\n' "$*"; }

crate=plimsoll_wasm
profile=wasm-release
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

step "cargo build ($profile, $target)"
cargo build --locked -p plimsoll-wasm --profile "$profile" --target "$target"
raw="../target/$target/$profile/$crate.wasm"

# One output directory per wasm-bindgen target. The two modules have come out identical so far;
# optimising takes minutes, so the second is only optimised again if it differs.
optimise() { node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers "$1" -o "$1.opt" && mv "$1.opt" "$1"; }
for flavour in web nodejs; do
  out=pkg/${flavour%js}
  step "wasm-bindgen --target $flavour → $out"
  rm -rf "$out"
  wasm-bindgen --target "$flavour" --out-dir "$out" "$raw"
done
web=pkg/web/${crate}_bg.wasm
node=pkg/node/${crate}_bg.wasm
step "wasm-opt -Oz"
if [ "$run_opt" -eq 0 ]; then
  echo "skipped (--no-opt)"
elif cmp -s "$web" "$node"; then
  optimise "$web"
  cp "$web" "$node"
else
  optimise "$web"
  optimise "$node"
fi

# The web glue is an ES module; in a package without "type": "module" Node would read it as
# CommonJS, so its folder says so (browsers and bundlers do not care).
echo '{"type": "module"}' > pkg/web/package.json

step "the static page's copy of the web build (www/pkg)"
rm -rf www/pkg
cp -r pkg/web www/pkg

step "sizes"
size() { wc -c <"$1" | tr -d ' '; }
gz=$(gzip -9 -c "$web" | wc -c | tr -d ' ')
printf 'wasm raw (cargo):     %9d bytes\n' "$(size "$raw")"
printf "wasm after wasm-opt:  %9d bytes%s\n" "$(size "$web")" "$([ "$run_opt" -eq 0 ] && echo " (not optimised: --no-opt)")"
printf 'wasm gzip -9:         %9d bytes\n' "$gz"
