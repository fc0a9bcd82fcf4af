#!/usr/bin/env bash
# The main job from a fresh Debian 12 machine: install what is missing, build in Release, and run
# the example (an M/M/c queue in virtual time next to its Erlang C value). Extra arguments go to
# the example: servers arrivals_per_s service_per_s customers seed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSURGE_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target surge-mmc
exec build/release/tools/surge-mmc "$@"
