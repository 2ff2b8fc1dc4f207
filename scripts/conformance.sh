#!/usr/bin/env bash
# Runs the MCP conformance suite's Enterprise-Managed Authorization scenario against
# examples/conformance-client.mjs, in both of its wirings (idjag helpers end to end, and idjag's
# requestIdJag inside the SDK's CrossAppAccessProvider). Fails unless every run passes; prints
# each run's summary line. Offline: the suite comes from node_modules (devDependency
# @modelcontextprotocol/conformance). Needs `make build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[conformance] %s\n' "$*"; }

scenario=auth/cross-app-access-complete-flow
cli=node_modules/@modelcontextprotocol/conformance/dist/index.js
[[ -f $cli ]] || { echo "error: $cli missing; run make setup" >&2; exit 1; }

# The suite's CLI imports fs.globSync (Node >= 22). On an older Node, run the suite itself with
# the Bun devDependency; the client under test always runs on this machine's `node`.
if node -e 'process.exit(typeof require("node:fs").globSync === "function" ? 0 : 1)'; then
  runner=(node)
else
  runner=(node_modules/.bin/bun)
  say "node $(node --version) lacks fs.globSync: running the suite's CLI with bun $(node_modules/.bin/bun --version)"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for mode in "" "--sdk-provider"; do
  cmd="node examples/conformance-client.mjs${mode:+ $mode}"
  log="$out/run${mode}.log"
  rc=0
  "${runner[@]}" "$cli" client --command "$cmd" --scenario "$scenario" -o "$out/results" >"$log" 2>&1 || rc=$?
  clean=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
  summary=$(grep -E '^Passed: ' <<<"$clean" | tail -1 || true)
  overall=$(grep -E 'OVERALL: ' <<<"$clean" | tail -1 || true)
  say "$scenario [$cmd]: ${summary:-no summary} — ${overall:-no verdict}"
  if [[ $rc -ne 0 || $overall != *"OVERALL: PASSED"* ]]; then
    say "FAILED (exit $rc); the suite's output:"
    printf '%s\n' "$clean" | sed 's/^/  | /'
    status=1
  fi
done
exit $status
