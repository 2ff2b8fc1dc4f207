#!/usr/bin/env bash
# Installs everything `make build` / `make test` need. Idempotent: a second run does nothing.
#   - the wasm32-unknown-unknown Rust target
#   - wasm-bindgen-cli at exactly the version Cargo.toml pins, in .tools/bin
#     (cached in ${XDG_CACHE_HOME:-~/.cache}/idjag so fresh clones skip the 2-minute build)
#   - the npm devDependencies (jose, binaryen, esbuild, typescript, workerd, deno, bun, playwright-core,
#     @modelcontextprotocol/client and /conformance, redis and ioredis for the replay-store tests,
#     publint and @arethetypeswrong/cli for make test-package, typedoc for make docs, @types/node for
#     the Node-only type tests and the README snippets), all pinned in package-lock.json
#   - chromium and redis-server from apt, only when missing (the Redis tests start their own
#     redis-server on a free loopback port: tests/redis/server.mjs; no service is needed)
#   - a Python venv in .tools/venv with the MCP Python SDK (mcp, pinned in
#     tests/python/requirements.txt + constraints.txt) from PyPI, for make test-python
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '[setup] %s\n' "$*"; }

# 1. Rust target.
if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# rustfmt and clippy for make test-clippy (cargo fmt --check, clippy -D warnings).
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding the $component component"
    rustup component add "$component"
  fi
done

# 2. wasm-bindgen-cli, pinned to the library version.
wbg_ver=$(scripts/wasm-bindgen-version.sh)
wbg_bin="$root/.tools/bin/wasm-bindgen"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/idjag"
cache_bin="$cache_dir/wasm-bindgen-$wbg_ver"
have_ver() { [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null)" == "wasm-bindgen $wbg_ver" ]]; }
if ! have_ver "$wbg_bin"; then
  mkdir -p "$root/.tools/bin"
  if have_ver "$cache_bin"; then
    say "wasm-bindgen $wbg_ver from the cache ($cache_bin)"
    cp "$cache_bin" "$wbg_bin.tmp" && mv "$wbg_bin.tmp" "$wbg_bin"
  else
    say "building wasm-bindgen-cli $wbg_ver (takes a couple of minutes, once per machine)"
    # --locked fails for wasm-bindgen-cli here; the exact --version pin is what matters.
    # A private target dir keeps this build off the project's target/ lock.
    CARGO_TARGET_DIR="$root/.tools/build" \
      cargo install wasm-bindgen-cli --version "$wbg_ver" --no-default-features --root "$root/.tools" --force
    rm -rf "$root/.tools/build"
    have_ver "$wbg_bin" || { echo "error: .tools/bin/wasm-bindgen does not report version $wbg_ver" >&2; exit 1; }
    if mkdir -p "$cache_dir" 2>/dev/null && cp "$wbg_bin" "$cache_bin.tmp.$$" 2>/dev/null; then
      mv "$cache_bin.tmp.$$" "$cache_bin"
    fi
  fi
fi

# 3. npm devDependencies (workspace: pkg/ is linked as node_modules/idjag).
stamp=node_modules/.idjag-setup-stamp
want=$(cat package.json pkg/package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp ]] || [[ "$(cat "$stamp")" != "$want" ]] || [[ ! -e node_modules/idjag ]]; then
  if [[ -f package-lock.json ]]; then
    say "npm ci"
    npm ci --no-audit --no-fund
  else
    say "npm install (no package-lock.json yet)"
    npm install --no-audit --no-fund
  fi
  want=$(cat package.json pkg/package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
  printf '%s\n' "$want" > "$stamp"
fi

# 4. System packages for the browser and replay-store tests, only when missing.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if (( ${#missing[@]} )); then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  say "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
# 5. The MCP Python SDK in a venv (tests/python/, make test-python). Python >= 3.10 (mcp 2.x);
#    re-installed only when the pins change (the stamp holds their hash).
venv="$root/.tools/venv"
py_stamp="$venv/.idjag-setup-stamp"
py_want=$(cat tests/python/requirements.txt tests/python/constraints.txt | sha256sum | cut -d' ' -f1)
if [[ ! -f $py_stamp ]] || [[ "$(cat "$py_stamp")" != "$py_want" ]] || [[ ! -x $venv/bin/python ]]; then
  py=""
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      py=$cand
      break
    fi
  done
  [[ -n $py ]] || { echo "error: make test-python needs Python >= 3.10 (python3.11)" >&2; exit 1; }
  say "python venv .tools/venv ($($py --version)): mcp from PyPI"
  [[ -x $venv/bin/python ]] || "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r tests/python/requirements.txt -c tests/python/constraints.txt
  printf '%s\n' "$py_want" > "$py_stamp"
fi
say "ok (wasm-bindgen $wbg_ver, node $(node --version), mcp $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))'))"
