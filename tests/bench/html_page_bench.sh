#!/usr/bin/env bash
# The HTML report's speed in a browser (issue 13: "the page stays responsive with 20 series of
# 2 000 points"): two runs of baseline.json stretched to 1 990 s with 1 s windows (28 series of
# ~2 000 points on one page, the most a report holds), drawn by `surge report`, opened N times in
# Debian's headless Chromium; prints the page's size and the medians of its load time, of a full
# relayout (what a window resize costs) and of the next frame. Figures in docs/performance.md.
#
#   tests/bench/html_page_bench.sh [BUILD_DIR] [N]
#
# Needs node and chromium (scripts/install-deps.sh installs both).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
n=${2:-9}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$root/tests/browser/check-page.js" big "$build/tools/surge" "$root/sim/scenarios/baseline.json" "$work" "$n"
