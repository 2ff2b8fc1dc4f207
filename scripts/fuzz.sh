#!/usr/bin/env bash
# Coverage-guided fuzzing of the Rust core with cargo-afl (stable Rust): fuzz/ (README.md,
# "Fuzzing"). Installs cargo-afl when missing, builds the targets, replays the committed
# regression inputs (fuzz/regressions/<target>/), then runs each target for FUZZ_SECONDS from
# its seed corpus (fuzz/corpus/<target>/), one at a time and niced. Prints execs, crashes and
# hangs per target; exit 1 if any regression input or fuzz run crashed (the crash files are
# listed; reproduce one with `fuzz/target/release/<target> < <file>`).
#
#   FUZZ_SECONDS=60            seconds per target
#   FUZZ_TARGETS="token jwks"  a subset (default: every target)
#   FUZZ_NICE=10               niceness of the build and the fuzzers
#
# Output goes to fuzz/out/<target>/ (git-ignored; emptied before each run).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[fuzz] %s\n' "$*"; }

seconds=${FUZZ_SECONDS:-60}
nice_level=${FUZZ_NICE:-10}
all_targets=(strict_json token jwks options token_request access_token token_response)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "error: FUZZ_SECONDS must be a positive integer" >&2; exit 2; }

# cargo-afl (and the AFL++ it drives), once per machine.
if ! cargo afl --version >/dev/null 2>&1; then
  say "installing cargo-afl (cargo install cargo-afl, about a minute)"
  nice -n "$nice_level" cargo install --locked cargo-afl
fi
if ! config=$(cargo afl config --build 2>&1) && ! grep -q "already built" <<<"$config"; then
  printf '%s\n' "$config" >&2
  exit 1
fi
say "$(cargo afl --version)"

say "building the targets (cargo afl build --release in fuzz/)"
(cd fuzz && nice -n "$nice_level" cargo afl build --release --quiet)
bin=fuzz/target/release

status=0
failures=()

# Regression inputs: each must run to completion (a panic aborts the process).
for t in "${targets[@]}"; do
  [[ -x $bin/$t ]] || { echo "error: no fuzz target $t" >&2; exit 2; }
  for f in fuzz/regressions/"$t"/*; do
    [[ -f $f && $(basename "$f") != .gitkeep ]] || continue
    if "$bin/$t" <"$f" >/dev/null 2>&1; then
      say "regression $f: ok"
    else
      say "regression $f: CRASH (reproduce: $bin/$t < $f)"
      failures+=("$f")
      status=1
    fi
  done
done

# AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: a core_pattern piped to a crash reporter only delays
# crash detection; no root setup needed. AFL_NO_AFFINITY: the cores are shared.
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
field() { sed -n "s/^$1 *: *//p" "$2" | head -1; }
rows=()
for t in "${targets[@]}"; do
  out=fuzz/out/$t
  rm -rf "$out"
  mkdir -p fuzz/out
  log=fuzz/out/$t.log
  say "fuzzing $t for ${seconds}s (log: $log)"
  rc=0
  nice -n "$nice_level" cargo afl fuzz -V "$seconds" -i "fuzz/corpus/$t" -o "$out" "$bin/$t" \
    >"$log" 2>&1 </dev/null || rc=$?
  stats=$out/default/fuzzer_stats
  if [[ $rc -ne 0 || ! -f $stats ]]; then
    say "$t: afl-fuzz failed (exit $rc); the end of its log:"
    tail -n 25 "$log" | sed 's/\x1b\[[0-9;]*m//g; s/^/  | /'
    failures+=("$t: afl-fuzz exit $rc")
    status=1
    continue
  fi
  execs=$(field execs_done "$stats")
  crashes=$(field saved_crashes "$stats")
  hangs=$(field saved_hangs "$stats")
  run_time=$(field run_time "$stats")
  paths=$(field corpus_count "$stats")
  say "$t: ${run_time:-$seconds}s, execs_done=$execs, corpus=$paths, saved_crashes=$crashes, saved_hangs=$hangs"
  rows+=("$(printf '%-14s %6s %12s %8s %7s' "$t" "${run_time:-$seconds}" "$execs" "$crashes" "$hangs")")
  if [[ ${crashes:-0} != 0 ]]; then
    status=1
    for f in "$out"/default/crashes/id:*; do
      say "  crash: $f (reproduce: $bin/$t < '$f')"
      failures+=("$f")
    done
  fi
  if [[ ${hangs:-0} != 0 ]]; then
    for f in "$out"/default/hangs/id:*; do say "  hang: $f"; done
  fi
done

if [[ ${#rows[@]} -gt 0 ]]; then
  say "summary:"
  printf '  %-14s %6s %12s %8s %7s\n' target secs execs crashes hangs
  printf '  %s\n' "${rows[@]}"
fi
if [[ $status -ne 0 ]]; then
  say "FAILED: ${#failures[@]} crash(es) or failed run(s):"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
say "no crashes"
