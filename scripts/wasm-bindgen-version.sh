#!/usr/bin/env bash
# Prints the exact wasm-bindgen version pinned in Cargo.toml (`wasm-bindgen = "=X"` or
# `wasm-bindgen = { version = "=X", ... }`). The CLI must match the library byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
line=$(grep -E '^[[:space:]]*wasm-bindgen[[:space:]]*=' Cargo.toml | head -n 1 || true)
ver=$(printf '%s\n' "$line" | sed -nE 's/.*"=([0-9]+\.[0-9]+\.[0-9]+[^"]*)".*/\1/p')
if [[ -z "$ver" ]]; then
  echo "error: Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = \"=X.Y.Z\"); found: ${line:-nothing}" >&2
  exit 1
fi
printf '%s\n' "$ver"
