#!/usr/bin/env bash
# Builds the npm package's generated parts and prints the wasm size raw and gzipped:
#   cargo build (wasm32, release) -> wasm-bindgen --target web -> wasm-opt -O3 (npm binaryen)
#   -> pkg/wasm/{idjag.js,idjag_bg.wasm}, then pkg/dist/idjag.cjs (CommonJS entry).
# Needs scripts/setup.sh first (`make build` runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '[build] %s\n' "$*"; }

wbg="$root/.tools/bin/wasm-bindgen"
wasm_opt="$root/node_modules/.bin/wasm-opt" # binaryen >= 132 from npm; Debian's 108 corrupts the output
[[ -x $wbg ]] || { echo "error: $wbg missing; run make setup" >&2; exit 1; }
[[ -x $wasm_opt ]] || { echo "error: $wasm_opt missing; run make setup" >&2; exit 1; }

# Two builds of the same crate: the verifier (+ inspect) for every entry, kept small,
# and the full build with signing (test issuer, access-token issuer) for `idjag/testing`.
build_variant() {
  local out=$1; shift
  cargo build --release --target wasm32-unknown-unknown --lib "$@"
  local input="${CARGO_TARGET_DIR:-$root/target}/wasm32-unknown-unknown/release/idjag.wasm"
  # wasm-bindgen + wasm-opt take a while; skip them when neither the cargo output nor the tools changed.
  local fingerprint
  fingerprint=$({ sha256sum "$input" scripts/build.sh; "$wbg" --version; "$wasm_opt" --version; } | sha256sum | cut -d' ' -f1)
  if [[ -f $out/idjag_bg.wasm && -f $out/idjag.js && "$(cat "$out/.fingerprint" 2>/dev/null)" == "$fingerprint" ]]; then
    say "$out is up to date"
    return
  fi
  rm -rf "$out.tmp"
  "$wbg" --target web --out-dir "$out.tmp" --out-name idjag "$input"
  # Trap recovery (pkg/src/core.js): a fresh instance of the same compiled module. The caller
  # has released every object of the old instance first (__destroy_into_raw), so no finalizer
  # frees an old pointer into the new one.
  cat >> "$out.tmp/idjag.js" <<'JS'

export function __idjag_reinstantiate() {
    const module = wasmModule;
    if (module === undefined) throw new Error('idjag: the wasm module was never initialised');
    wasm = undefined;
    return initSync({ module });
}
JS
  # The features rustc enables by default for wasm32-unknown-unknown. wasm-opt refuses, loudly,
  # a module that uses a feature not enabled here.
  "$wasm_opt" -O3 \
    --enable-bulk-memory --enable-bulk-memory-opt --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out.tmp/idjag_bg.wasm" -o "$out.tmp/idjag_bg.opt.wasm"
  mv "$out.tmp/idjag_bg.opt.wasm" "$out.tmp/idjag_bg.wasm"
  printf '%s\n' "$fingerprint" > "$out.tmp/.fingerprint"
  rm -rf "$out" && mv "$out.tmp" "$out"
}

build_variant pkg/wasm --no-default-features
build_variant pkg/wasm-full --features signing
out=pkg/wasm

node scripts/build-cjs.mjs

raw=$(wc -c < "$out/idjag_bg.wasm")
gz=$(gzip -9 -c "$out/idjag_bg.wasm" | wc -c)
say "pkg/wasm/idjag_bg.wasm: $raw bytes raw, $gz bytes gzipped (gzip -9)"
if [[ -f pkg/wasm-full/idjag_bg.wasm ]]; then
  say "pkg/wasm-full/idjag_bg.wasm (with signing, for idjag/testing): $(wc -c < pkg/wasm-full/idjag_bg.wasm) bytes raw, $(gzip -9 -c pkg/wasm-full/idjag_bg.wasm | wc -c) bytes gzipped"
fi
