#!/usr/bin/env bash
# The main job from a fresh Debian 12 machine: install what is missing, build the `surge` program
# in Release (with its live replay, `surge replay`, and MPI: `mpirun -np N surge sweep|replay`), and run a built-in scenario in virtual time
# (default: sim/scenarios/baseline.json). Arguments go to `surge run` in place of the default
# scenario, e.g.
#   scripts/quickstart.sh sim/scenarios/db-slowdown.json --set /server/workers=16
# Afterwards: build/release/tools/surge replay --help, and
#   cmake --install build/release --prefix PREFIX   (bin/surge, the headers, the CMake package, share/surge)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSURGE_BUILD_TESTS=OFF -DSURGE_BUILD_BENCH=OFF \
  -DSURGE_BUILD_EXAMPLES=OFF -DSURGE_WITH_MPI=ON --no-warn-unused-cli >/dev/null
cmake --build build/release --target surge_cli
if [ $# -eq 0 ]; then
  set -- sim/scenarios/baseline.json --output build/release/baseline-report.json
fi
exec build/release/tools/surge run "$@"
