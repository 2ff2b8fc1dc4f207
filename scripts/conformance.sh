#!/usr/bin/env bash
# Runs the MCP conformance suite's Enterprise-Managed Authorization scenario against
# examples/conformance-client.mjs, in both of its wirings (idjag helpers end to end, and idjag's
# requestIdJag inside the SDK's CrossAppAccessProvider), on two releases of the suite side by
# side (both devDependencies, so offline):
#   @modelcontextprotocol/conformance 0.1.16          auth/cross-app-access-complete-flow
#   conformance-next (npm alias of 0.2.0-alpha.12)     auth/enterprise-managed-authorization
#                                                     (the same scenario, renamed in 0.2.0)
# Fails unless every run passes; prints each run's summary line. Needs `make build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[conformance] %s\n' "$*"; }

suites=(
  "node_modules/@modelcontextprotocol/conformance/dist/index.js auth/cross-app-access-complete-flow"
  "node_modules/conformance-next/dist/index.js auth/enterprise-managed-authorization"
)
for entry in "${suites[@]}"; do
  cli=${entry%% *}
  [[ -f $cli ]] || { echo "error: $cli missing; run make setup" >&2; exit 1; }
done

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
for entry in "${suites[@]}"; do
  cli=${entry%% *}
  scenario=${entry#* }
  version=$(node -p "require('./${cli%/dist/index.js}/package.json').version")
  for mode in "" "--sdk-provider"; do
    cmd="node examples/conformance-client.mjs${mode:+ $mode}"
    log="$out/run-${version}${mode}.log"
    rc=0
    "${runner[@]}" "$cli" client --command "$cmd" --scenario "$scenario" -o "$out/results-${version}" >"$log" 2>&1 || rc=$?
    clean=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
    summary=$(grep -E '^Passed: ' <<<"$clean" | tail -1 || true)
    overall=$(grep -E 'OVERALL: ' <<<"$clean" | tail -1 || true)
    say "$version $scenario [$cmd]: ${summary:-no summary} — ${overall:-no verdict}"
    if [[ $rc -ne 0 || $overall != *"OVERALL: PASSED"* ]]; then
      say "FAILED (exit $rc); the suite's output:"
      printf '%s\n' "$clean" | sed 's/^/  | /'
      status=1
    fi
  done
done
exit $status
