#!/usr/bin/env bash
# Installs the Debian 12 packages surge builds with, if any is missing. Needs root (or sudo).
set -euo pipefail
# (Microsoft GSL and range-v3 are not listed: no code uses them yet, and nothing is installed that
# nothing uses.)
# libsimdjson-dev: the replay reads received frames with it (tools/replay/frame_json.cpp).
# libclang-rt-14-dev: clang's libFuzzer and sanitizer runtimes (the fuzz targets, tests/fuzz); clang
# only recommends it, and recommendations are not installed below.
# openmpi-bin, libopenmpi-dev, libboost-mpi1.81-dev: surge across processes (SURGE_WITH_MPI, on in CI:
# mpirun -np N surge sweep|replay; docs/scaling.md).
# chromium: the browser test of the HTML report (tests/browser, headless; skipped without it).
packages=(cmake ninja-build g++ clang libclang-rt-14-dev libboost1.81-dev libboost-test1.81-dev
          openmpi-bin libopenmpi-dev libboost-mpi1.81-dev
          nlohmann-json3-dev libsimdjson-dev libbenchmark-dev libcli11-dev libfmt-dev libssl-dev chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js for the live-replay test servers (tests/live): Debian's nodejs + npm, unless a node is
# already installed (e.g. a newer one from another source, which Debian's package would conflict with).
if ! command -v node >/dev/null 2>&1; then
  for p in nodejs npm; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
