#!/usr/bin/env bash
# The whole test suite: configure, build (optimised, with debug info) and run every CTest test.
#   scripts/run-tests.sh              the normal build, in build/test
#   scripts/run-tests.sh --sanitize   the same tests under AddressSanitizer + UBSan (with
#                                     float-cast-overflow), in build/asan
#   scripts/run-tests.sh --clang-O0   the same tests built by clang++ without optimisation, in
#                                     build/clang-O0 (golden trace hashes must not move)
#   scripts/run-tests.sh --without-replay
#                                     the build without the live replay (SURGE_WITH_REPLAY=OFF), in
#                                     build/no-replay: configures without Boost.Beast and OpenSSL,
#                                     builds surge only, checks that it runs a scenario and that
#                                     `surge replay` exits 2 and says why
#   scripts/run-tests.sh --fuzz [SECONDS]
#                                     the libFuzzer targets (tests/fuzz; clang++, ASan + UBSan) in
#                                     build/fuzz, each run SECONDS (default 45) on a copy of its seed
#                                     corpus; any finding fails (docs/ci.md: running them for hours)
#   scripts/run-tests.sh --compare-builds DIR DIR...
#                                     cross-build determinism, directly: the seed suite run by
#                                     each build's surge gives the same report (trace hashes and
#                                     every metric, exactly) as the first build's; run after the
#                                     builds above (the golden.* tests in each build check the
#                                     same for every built-in scenario against tests/golden)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--compare-builds" ]; then
  shift
  [ $# -ge 2 ] || { echo "usage: scripts/run-tests.sh --compare-builds DIR DIR..." >&2; exit 2; }
  first=$1
  for b in "$@"; do
    [ -x "$b/tools/surge" ] || { echo "run-tests.sh: no $b/tools/surge (build it first)" >&2; exit 2; }
    # Exit 1 (a failed threshold) still gives a report to compare; 2 or a crash does not.
    rc=0; "$b/tools/surge" suite --output "$b/cross-build-suite.json" >/dev/null || rc=$?
    [ "$rc" -le 1 ] || { echo "run-tests.sh: $b/tools/surge suite exited $rc" >&2; exit 1; }
  done
  for b in "${@:2}"; do
    rc=0; out=$("$first/tools/surge" diff --exact --changed-only "$first/cross-build-suite.json" "$b/cross-build-suite.json") || rc=$?
    if [ "$rc" -ne 0 ]; then
      printf '%s\n' "$out"
      echo "run-tests.sh: $first and $b differ (surge diff --exact exited $rc)" >&2
      exit 1
    fi
    echo "cross-build: $first and $b agree: ${out##*$'\n'}"
  done
  exit 0
fi
if [ "${1:-}" = "--fuzz" ]; then
  seconds=${2:-45}
  dir=build/fuzz
  # Only the fuzz targets: no tests, tools, benchmarks or examples in this configuration.
  cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DSURGE_BUILD_FUZZ=ON -DSURGE_BUILD_TESTS=OFF \
    -DSURGE_BUILD_TOOLS=OFF -DSURGE_BUILD_BENCH=OFF -DSURGE_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$dir"
  # A fresh copy of the corpora each time: what one CI run found does not carry over silently.
  rm -rf "$dir/fuzz-work"
  FUZZ_WORK="$dir/fuzz-work" tests/fuzz/run.sh "$dir" "$seconds"
  exit 0
fi
if [ "${1:-}" = "--without-replay" ]; then
  dir=build/no-replay
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
    -DSURGE_WITH_REPLAY=OFF -DSURGE_BUILD_TESTS=OFF -DSURGE_BUILD_BENCH=OFF >/dev/null
  # Neither was looked for: the replay's find_package calls are the only ones for them.
  if grep -Eq '^(OPENSSL_[A-Z_]*|Boost_DIR):' "$dir/CMakeCache.txt"; then
    echo "run-tests.sh: SURGE_WITH_REPLAY=OFF still looked for OpenSSL or Boost:" >&2
    grep -E '^(OPENSSL_[A-Z_]*|Boost_DIR):' "$dir/CMakeCache.txt" >&2
    exit 1
  fi
  cmake --build "$dir" --target surge_cli
  # A run (exit 0 or 1: its thresholds decide; 2 or a crash fails).
  rc=0; "$dir/tools/surge" run sim/scenarios/suite/notification/high-volume-delivery.json -q || rc=$?
  [ "$rc" -le 1 ] || { echo "run-tests.sh: surge run in the build without the replay exited $rc" >&2; exit 1; }
  rc=0; err=$("$dir/tools/surge" replay sim/scenarios/baseline.json --target http://127.0.0.1:9 2>&1) || rc=$?
  if [ "$rc" -ne 2 ] || ! grep -q "built without the live replay" <<<"$err"; then
    echo "run-tests.sh: surge replay in the build without it: exit $rc, \"$err\" (expected 2 and the reason)" >&2
    exit 1
  fi
  echo "without-replay: surge built without Beast and OpenSSL; surge replay exits 2: $err"
  exit 0
fi
dir=build/test
build_type=RelWithDebInfo
# Debug info as line tables only (-g1): enough for backtraces and sanitizer reports, and it cuts
# the compile time of the Beast-heavy replay TU by 30 % (182 s -> 126 s) and its memory by 1 GB.
# MPI (sweeps and replays across processes, docs/scaling.md) in this build only: Open MPI's own
# allocations would be leaks to LeakSanitizer, and one build of the MPI layer is enough.
flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DSURGE_WITH_MPI=ON)
if [ "${1:-}" = "--clang-O0" ]; then
  dir=build/clang-O0
  build_type=Debug
  flags=(-DCMAKE_CXX_COMPILER=clang++ -DSURGE_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_DEBUG="-g1")
elif [ "${1:-}" = "--sanitize" ]; then
  dir=build/asan
  # GCC documents that -fsanitize=address can produce false -Wmaybe-uninitialized warnings; GCC 12
  # reports one inside libstdc++'s <regex> (std::function in _State) in every TU that builds a
  # regex. The warning stays on in the normal and clang builds.
  sanitize_warn=""
  if "${CXX:-c++}" --version 2>/dev/null | grep -q "Free Software Foundation"; then
    sanitize_warn=" -Wno-maybe-uninitialized"
  fi
  # -O1, as the sanitizers' documentation suggests: reasonable speed, a shorter compile than -O2.
  # float-cast-overflow is named because GCC's -fsanitize=undefined does not include it (clang's does):
  # a double converted to an integer it does not fit (issue 12, item 7) is undefined behaviour too.
  sanitizers=address,undefined,float-cast-overflow
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=${sanitizers} -fno-sanitize-recover=all -fno-omit-frame-pointer${sanitize_warn}"
         -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
         -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=${sanitizers}" -DSURGE_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=$build_type "${flags[@]}" >/dev/null
cmake --build "$dir"
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
