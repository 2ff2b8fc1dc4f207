#!/usr/bin/env bash
# Iteration helper: only the verifier wasm (pkg/wasm), as scripts/build.sh builds it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --target wasm32-unknown-unknown --lib --no-default-features
rm -rf pkg/wasm.tmp
.tools/bin/wasm-bindgen --target web --out-dir pkg/wasm.tmp --out-name idjag target/wasm32-unknown-unknown/release/idjag.wasm
node_modules/.bin/wasm-opt ${WASM_OPT_FLAGS:--O3} --enable-bulk-memory --enable-bulk-memory-opt --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-mutable-globals --enable-reference-types --enable-multivalue pkg/wasm.tmp/idjag_bg.wasm -o pkg/wasm.tmp/idjag_bg.opt.wasm
mv pkg/wasm.tmp/idjag_bg.opt.wasm pkg/wasm.tmp/idjag_bg.wasm
rm -f pkg/wasm.tmp/.fingerprint
rm -rf pkg/wasm && mv pkg/wasm.tmp pkg/wasm
echo "pkg/wasm/idjag_bg.wasm: $(wc -c < pkg/wasm/idjag_bg.wasm) raw, $(gzip -9 -c pkg/wasm/idjag_bg.wasm | wc -c) gzipped"
