#!/usr/bin/env bash
# The whole test suite: configure, build (optimised, with debug info) and run every CTest test.
#   scripts/run-tests.sh              the normal build, in build/test
#   scripts/run-tests.sh --sanitize   the same tests under AddressSanitizer + UBSan, in build/asan
#   scripts/run-tests.sh --clang-O0   the same tests built by clang++ without optimisation, in
#                                     build/clang-O0 (golden trace hashes must not move)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/test
build_type=RelWithDebInfo
flags=()
if [ "${1:-}" = "--clang-O0" ]; then
  dir=build/clang-O0
  build_type=Debug
  flags=(-DCMAKE_CXX_COMPILER=clang++ -DSURGE_BUILD_BENCH=OFF)
elif [ "${1:-}" = "--sanitize" ]; then
  dir=build/asan
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
         -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DSURGE_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=$build_type "${flags[@]}" >/dev/null
cmake --build "$dir"
ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
