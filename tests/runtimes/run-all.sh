#!/usr/bin/env bash
# Runs tests/vectors/grants.json through the BUILT package (pkg/, after `make build`) in every
# runtime: Node (the reference), headless Chromium (playwright-core), Deno, Bun and workerd.
#
#   bash tests/runtimes/run-all.sh                 # all of them
#   bash tests/runtimes/run-all.sh chromium deno   # some of them (node always runs: the reference)
#
# Fails when a runtime fails a task, checks zero steps, checks a different number of steps
# than Node, or records any verdict (code / oauthError / claim, or the whole verified grant)
# that differs from Node's. Each runtime gets ${IDJAG_RUNTIME_TIMEOUT:-60} s at most; its full
# output (including the verdict lines) is kept in tests/runtimes/artifacts/<runtime>.log.
# Env: CHROMIUM_PATH, DENO_BIN, BUN_BIN, WORKERD_BIN override the binaries.
set -uo pipefail
cd "$(dirname "$0")/../.."
here=tests/runtimes
art=$here/artifacts
limit=${IDJAG_RUNTIME_TIMEOUT:-60}
all=(chromium deno bun workerd)

say() { printf '[runtimes] %s\n' "$*"; }
die() { printf '[runtimes] error: %s\n' "$*" >&2; exit 2; }

runtimes=("$@")
(( ${#runtimes[@]} )) || runtimes=("${all[@]}")
for rt in "${runtimes[@]}"; do
  [[ " ${all[*]} node " == *" $rt "* ]] || die "unknown runtime '$rt' (known: ${all[*]})"
done

[[ -f pkg/wasm/idjag_bg.wasm ]] || die "pkg/wasm/idjag_bg.wasm is missing: run \`make build\` first"
[[ -e node_modules/idjag ]] || die "node_modules/idjag is missing: run \`make setup\` (npm ci links the pkg/ workspace)"
command -v node >/dev/null || die "node is not on PATH"
command -v timeout >/dev/null || die "timeout (coreutils) is not on PATH"

# First existing executable among the candidates.
pick() {
  local c
  for c in "$@"; do
    [[ -n $c && -x $c && ! -d $c ]] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}
deno_bin() { pick "${DENO_BIN:-}" node_modules/.bin/deno node_modules/@deno/linux-x64-glibc/deno node_modules/@deno/linux-arm64-glibc/deno "$(command -v deno)"; }
# node_modules/.bin/bun may be the npm placeholder script: prefer the binary bun's postinstall puts in place.
bun_bin() { pick "${BUN_BIN:-}" node_modules/bun/bin/bun.exe node_modules/.bin/bun "$(command -v bun)"; }
workerd_bin() { pick "${WORKERD_BIN:-}" node_modules/.bin/workerd node_modules/workerd/bin/workerd "$(command -v workerd)"; }

# The command line of one runtime (printed to stdout, one word per line).
command_of() {
  local b
  case $1 in
    node) printf '%s\n' node "$here/node/run.mjs" ;;
    chromium)
      [[ -d node_modules/playwright-core ]] || { echo "npm devDependency playwright-core is not installed" >&2; return 1; }
      [[ -x ${CHROMIUM_PATH:-/usr/bin/chromium} ]] || { echo "no chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install chromium, or set CHROMIUM_PATH)" >&2; return 1; }
      printf '%s\n' node "$here/chromium/run.mjs" ;;
    deno)
      b=$(deno_bin) || { echo "no deno binary (npm devDependency deno, or DENO_BIN)" >&2; return 1; }
      # No --allow-* flag on purpose: the deno entry must need no permission; --no-prompt turns
      # a permission request into an error instead of a hang. --node-modules-dir=manual: use
      # node_modules as npm installed it, never modify it; --no-lock: write no deno.lock.
      printf '%s\n' "$b" run --no-lock --no-prompt --no-remote --node-modules-dir=manual "$here/deno/run.js" ;;
    bun)
      b=$(bun_bin) || { echo "no bun binary (npm devDependency bun, or BUN_BIN)" >&2; return 1; }
      printf '%s\n' "$b" "$here/bun/run.js" ;;
    workerd)
      b=$(workerd_bin) || { echo "no workerd binary (npm devDependency workerd, or WORKERD_BIN)" >&2; return 1; }
      printf '%s\n' env "WORKERD_BIN=$b" node "$here/workerd/run.mjs" ;;
  esac
}

mkdir -p "$art"
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 DO_NOT_TRACK=1 NO_COLOR=1
# The drivers' own deadline, a little under the outer `timeout`, so they can clean up and say why.
export IDJAG_RUNTIME_TIMEOUT_MS=$(( (limit - 5) * 1000 ))

cur=""
cleanup() {
  # `timeout` runs each runtime in its own process group and forwards TERM to it.
  [[ -n $cur ]] && kill -TERM "$cur" 2>/dev/null && wait "$cur" 2>/dev/null
  cur=""
}
trap cleanup EXIT
trap 'say "interrupted"; cleanup; exit 130' INT TERM HUP

now_ms() { date +%s%3N; }
t_all=$(now_ms)
declare -A status=() detail=() took=()
ref_steps="" ref_tasks="" ref_digest=""
failed=0

run_one() {
  local rt=$1 log="$art/$1.log" cmd rc t0 last steps digest tasks passed nfailed problems=()
  rm -f "$log" "$art/$rt.verdicts"
  if ! mapfile -t cmd < <(command_of "$rt" 2>"$log.err"); then :; fi
  if [[ -s $log.err ]] || (( ${#cmd[@]} == 0 )); then
    status[$rt]=FAIL; detail[$rt]="cannot run: $(cat "$log.err")"; took[$rt]=0
    rm -f "$log.err"; return 1
  fi
  rm -f "$log.err"
  say "$rt: ${cmd[*]}"
  t0=$(now_ms)
  timeout -k 5 "$limit" "${cmd[@]}" --verdicts >"$log" 2>&1 </dev/null &
  cur=$!
  wait "$cur"; rc=$?
  cur=""
  took[$rt]=$(( $(now_ms) - t0 ))
  # Everything but the verdict lines goes to the console.
  grep -v '^= ' "$log" | sed "s/^/  /"
  grep '^= ' "$log" | cut -c3- >"$art/$rt.verdicts"

  (( rc == 124 || rc == 137 )) && problems+=("timed out after ${limit} s")
  (( rc != 0 && rc != 124 && rc != 137 )) && problems+=("exit status $rc")
  last=$(grep -v '^= ' "$log" | grep -v '^[[:space:]]*$' | tail -n 1)
  if [[ $last =~ ^([A-Za-z0-9_-]+:\ )?([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=${BASH_REMATCH[2]}; nfailed=${BASH_REMATCH[3]}; tasks=$(( passed + nfailed ))
    (( nfailed > 0 )) && problems+=("$nfailed failed")
    steps=$(sed -nE 's/^[A-Za-z0-9_-]+: checked ([0-9]+) steps.*/\1/p' "$log" | tail -n 1)
    digest=$(sed -nE 's/^[A-Za-z0-9_-]+: verdicts sha256 ([0-9a-f]{64}).*/\1/p' "$log" | tail -n 1)
    [[ -n $steps ]] || steps=0
    (( steps > 0 )) || problems+=("checked zero steps")
  else
    problems+=("no closing 'N passed, M failed' line")
    passed=0; tasks=0; steps=0; digest=""
  fi

  if [[ $rt == node ]]; then
    ref_steps=$steps; ref_tasks=$tasks; ref_digest=$digest
  elif [[ -n $ref_digest && $ref_steps != 0 && -n $digest ]]; then
    [[ $steps == "$ref_steps" ]] || problems+=("checked $steps steps, node checked $ref_steps")
    [[ $tasks == "$ref_tasks" ]] || problems+=("ran $tasks tasks, node ran $ref_tasks")
    if [[ $digest != "$ref_digest" ]]; then
      problems+=("verdicts differ from node's")
      echo "  verdicts that differ from node's (full lists: $art/node.verdicts, $art/$rt.verdicts):"
      node "$here/lib/diff-verdicts.mjs" "$art/node.verdicts" "$art/$rt.verdicts" 10 | sed 's/^/    /'
    fi
  elif [[ -z $digest ]] && (( steps > 0 )); then
    problems+=("reported no verdicts")
  fi

  if (( ${#problems[@]} )); then
    status[$rt]=FAIL; detail[$rt]=$(printf '%s; ' "${problems[@]}"); detail[$rt]=${detail[$rt]%; }
    return 1
  fi
  status[$rt]=ok; detail[$rt]="$passed passed, 0 failed, $steps steps, verdicts = node"
  [[ $rt == node ]] && detail[$rt]="$passed passed, 0 failed, $steps steps (reference)"
  return 0
}

order=(node)
for rt in "${runtimes[@]}"; do [[ $rt == node ]] || order+=("$rt"); done
for rt in "${order[@]}"; do
  if ! run_one "$rt"; then
    failed=1
    [[ $rt == node ]] && say "node (the reference) failed: ${detail[node]}"
    [[ $rt == node && -z $ref_digest ]] && say "no reference verdicts: the other runtimes run without the comparison"
  fi
done

total=$(( $(now_ms) - t_all ))
echo
say "summary (full logs in $art/)"
for rt in "${order[@]}"; do
  printf '[runtimes]   %-8s %-4s %6.1f s  %s\n' "$rt" "${status[$rt]}" "$(awk "BEGIN{print ${took[$rt]:-0}/1000}")" "${detail[$rt]}"
done
say "total wall time $(awk "BEGIN{printf \"%.1f\", $total/1000}") s"
if (( failed )); then
  say "FAILED"
  exit 1
fi
say "all runtimes agree with node"
