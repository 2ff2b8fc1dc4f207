#!/usr/bin/env bash
# The end-to-end flow (flow.js: demo IdP → ID-JAG → authorization server → access token → MCP
# call, then examples/flow.mjs with the MCP SDK) under Deno and Bun, each serving every server
# itself (Deno.serve / Bun.serve on loopback). Node has the same flow in tests/js; add `node`
# to run it here too.
#
#   bash tests/runtimes/e2e/run.sh            # deno and bun
#   bash tests/runtimes/e2e/run.sh bun node   # some
#
# Each runtime gets ${IDJAG_RUNTIME_TIMEOUT:-60} s. Env: DENO_BIN, BUN_BIN override the binaries.
set -uo pipefail
cd "$(dirname "$0")/../../.."
here=tests/runtimes/e2e
limit=${IDJAG_RUNTIME_TIMEOUT:-60}

say() { printf '[e2e] %s\n' "$*"; }
[[ -f pkg/wasm/idjag_bg.wasm && -f pkg/wasm-full/idjag_bg.wasm ]] || { say "error: pkg/wasm or pkg/wasm-full is missing: run \`make build\` first" >&2; exit 2; }

# As tests/runtimes/run-all.sh: the npm devDependencies' binaries first.
pick() {
  local c
  for c in "$@"; do
    [[ -n $c && -x $c && ! -d $c ]] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}
deno_bin() { pick "${DENO_BIN:-}" node_modules/.bin/deno node_modules/@deno/linux-x64-glibc/deno node_modules/@deno/linux-arm64-glibc/deno "$(command -v deno)"; }
bun_bin() { pick "${BUN_BIN:-}" node_modules/bun/bin/bun.exe node_modules/.bin/bun "$(command -v bun)"; }

export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 DO_NOT_TRACK=1 NO_COLOR=1
runtimes=("$@")
(( ${#runtimes[@]} )) || runtimes=(deno bun)
failed=0
for rt in "${runtimes[@]}"; do
  case $rt in
    # Loopback networking is the only permission; --no-prompt makes any other request an error.
    deno) b=$(deno_bin) || { say "deno: FAIL no deno binary (npm devDependency deno, or DENO_BIN)"; failed=1; continue; }
          cmd=("$b" run --no-lock --no-prompt --no-remote --node-modules-dir=manual --allow-net=127.0.0.1 "$here/deno.js") ;;
    bun)  b=$(bun_bin) || { say "bun: FAIL no bun binary (npm devDependency bun, or BUN_BIN)"; failed=1; continue; }
          cmd=("$b" "$here/bun.js") ;;
    node) cmd=(node "$here/node.mjs") ;;
    *) say "error: unknown runtime '$rt' (known: deno bun node)" >&2; exit 2 ;;
  esac
  t0=$(date +%s%3N)
  timeout -k 5 "$limit" "${cmd[@]}" </dev/null 2>&1 | sed 's/^/  /'
  rc=${PIPESTATUS[0]}
  took=$(awk "BEGIN{printf \"%.1f\", ($(date +%s%3N) - $t0)/1000}")
  if (( rc == 0 )); then say "$rt: ok (${took} s)"; else say "$rt: FAILED (exit $rc, ${took} s)"; failed=1; fi
done
(( failed )) && { say "FAILED"; exit 1; }
say "all green"
