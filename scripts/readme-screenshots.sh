#!/usr/bin/env bash
# Remakes the README's screenshots (docs/img/*.png) from the README's own examples: the suite's
# page (the CI gate), db-slowdown at 8 and 20 workers on the same axes (a what-if), and a live
# replay of baseline.json against the project's Socket.IO test server beside its simulation.
# Each page is written by surge and photographed by Debian's headless Chromium; a run's own
# sections are hidden in the what-if and live pictures so that they show the charts.
#
#   scripts/readme-screenshots.sh [BUILD_DIR]      (default build/release, from scripts/quickstart.sh)
#
# Needs chromium and node with tests/live/node_modules (scripts/install-deps.sh, scripts/setup-live.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
surge=$(cd "${1:-$root/build/release}" && pwd)/tools/surge
out=$root/docs/img
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$root"

# shot PAGE PNG WIDTHxHEIGHT [CSS]: a screenshot of the top of PAGE, with CSS added to it.
shot() {
  local page=$1 png=$2 size=$3 css=${4:-}
  if [ -n "$css" ]; then
    sed "s|</style>|$css</style>|" "$page" > "$work/shot.html"
    page=$work/shot.html
  fi
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size="$size" --screenshot="$png" "file://$page" >/dev/null 2>&1
  echo "wrote $png"
}
charts_only='section.run{display:none}h1{display:none}'

# 1. The CI gate: the seed's suite.
"$surge" suite -o "$work/suite.json" --html "$work/suite.html" >/dev/null
shot "$work/suite.html" "$out/ci-gate.png" 900,760

# 2. A what-if: db-slowdown with 8 workers (fails) and with 20 (passes), on the same axes.
"$surge" run sim/scenarios/db-slowdown.json -q -o "$work/workers-8.json" || true
"$surge" run sim/scenarios/db-slowdown.json -q -o "$work/workers-20.json" --set /server/workers=20
"$surge" report "$work/workers-8.json" "$work/workers-20.json" -o "$work/what-if.html"
shot "$work/what-if.html" "$out/what-if.png" 900,1180 "$charts_only"

# 3. A live replay beside its simulation.
node tests/live/socketio-server.js --port 0 > "$work/server.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q '^PORT' "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^PORT/{print $2}' "$work/server.out")
"$surge" run sim/scenarios/baseline.json -q -o "$work/sim.json"
"$surge" replay sim/scenarios/baseline.json --target "http://127.0.0.1:$port" --time-scale 10 -q \
  --compare "$work/sim.json" -o "$work/live.json" --html "$work/live.html" >/dev/null || true
shot "$work/live.html" "$out/live-replay.png" 900,1180 "$charts_only"
