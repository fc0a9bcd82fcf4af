#!/usr/bin/env bash
# The whole test suite: configure, build (optimised, with debug info) and run every CTest test.
#   scripts/run-tests.sh              the normal build, in build/test
#   scripts/run-tests.sh --sanitize   the same tests under AddressSanitizer + UBSan, in build/asan
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/test
flags=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build/asan
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
         -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DSURGE_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" >/dev/null
cmake --build "$dir"
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
