#!/usr/bin/env bash
# tests/fuzz/run.sh — runs the libFuzzer targets (built with -DSURGE_BUILD_FUZZ=ON) for a bounded
# time each, on a COPY of the seed corpora (the tree stays clean; what the run adds stays in the
# copy), with the target's dictionary. Exits 1 if any target finds something (a crash, a sanitizer
# report, a leak, an input slower than -timeout, more memory than -rss_limit_mb); the reproducer
# is written to WORK/findings/. docs/ci.md: running for hours, keeping a finding as a regression.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]      (default: every target)
#   FUZZ_WORK=dir   where the corpus copies and findings go (default: BUILD_DIR/fuzz-work)
#   FUZZ_ARGS="..." extra libFuzzer flags, e.g. FUZZ_ARGS="-jobs=4 -workers=4"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]" >&2; exit 2; }
build=$1 seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_scenario fuzz_protocol fuzz_frames fuzz_websocket fuzz_report)
work=${FUZZ_WORK:-$build/fuzz-work}
mkdir -p "$work/findings"
# Leaks are findings; a sanitizer report stops the run with its stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
dict_of() {
  case $1 in
    fuzz_scenario|fuzz_protocol) echo scenario ;;
    fuzz_frames) echo frames ;;
    fuzz_websocket) echo websocket ;;
    fuzz_report) echo report ;;
  esac
}
failed=()
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/$t
  [ -x "$exe" ] || { echo "run.sh: no $exe (configure with -DSURGE_BUILD_FUZZ=ON and build it)" >&2; exit 2; }
  corpus=$work/corpus/$t
  mkdir -p "$corpus"
  cp -n "$here/corpus/$t/"* "$corpus/" 2>/dev/null || true
  echo "fuzz: $t for ${seconds}s (corpus copy $corpus)"
  rc=0
  # -max_len 64 KiB from the start (-len_control=0, no slow ramp from small inputs): inputs reach
  # the tens of KB where deep nesting and long values start to matter (issue 12).
  # shellcheck disable=SC2086
  "$exe" "$corpus" -dict="$here/$(dict_of "$t").dict" -max_len=65536 -len_control=0 -timeout=10 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/findings/$t-" ${FUZZ_ARGS:-} \
    >"$work/$t.log" 2>&1 || rc=$?
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+ +DONE" "$work/$t.log" | tr '\n' ' ' || true
  echo
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $rc); the end of $work/$t.log:" >&2
    grep -E "ERROR|SUMMARY|runtime error|Test unit written|^    #[0-9] " "$work/$t.log" | head -30 >&2 || tail -30 "$work/$t.log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (reproducers in $work/findings)" >&2
  exit 1
fi
echo "fuzz: no findings (${#targets[@]} targets, ${seconds}s each)"
