#!/usr/bin/env bash
# surge-replay's speed benchmark (issue 5): 10 000 concurrent connections from one replay process
# against a local test server, broadcasts giving 50 000 received messages per second, on the same
# cores as the server. Prints the figures docs/replay.md records.
#
#   tests/bench/replay_bench.sh [BUILD_DIR] [socketio|ws-json] [THREADS]
#
# Needs Node and tests/live/node_modules (scripts/setup-live.sh), and `ulimit -n` above 20 000
# (one descriptor per connection in each process). Build surge-replay optimised (Release).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
proto=${2:-ws-json}
threads=${3:-1}
replay=$build/tools/replay/surge-replay
server=ws-server.js
[ "$proto" = socketio ] && server=socketio-server.js
work=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n 20000 2>/dev/null || true
node "$root/tests/live/$server" > "$work/server.out" 2>&1 &
srv=$!
for _ in $(seq 1 100); do grep -q '^PORT' "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^PORT/{print $2}' "$work/server.out")
/usr/bin/time -f '%e %U %S %M' -o "$work/time" \
  "$replay" "$root/tests/bench/replay_bench.json" --protocol "$proto" --threads "$threads" \
  --target "http://127.0.0.1:$port" -o "$work/report.json" -q > "$work/summary.txt" || true
server_cpu=$(ps -o times= -p "$srv" | tr -d ' ')
read -r wall user sys maxrss < "$work/time"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const m = r.metrics, get = (p) => p.split(".").reduce((o, k) => (o ?? {})[k], m);
const [wall, user, sys, maxrss, serverCpu, proto, threads] = process.argv.slice(2);
const recv = get("delivery.delivered") + (get("offline_queue.delivered") ?? 0);
const loadSeconds = 10;  // the broadcast phase, wall seconds at time scale 1
console.log(`protocol ${proto}, ${threads} I/O thread(s) + control thread`);
console.log(`connections open (peak)        ${get("connections.peak")} of 10000 (failed attempts ${get("connections.failed")})`);
console.log(`received messages              ${recv} (${(recv / loadSeconds).toFixed(0)}/s over the ${loadSeconds} s load phase)`);
console.log(`delivery latency p50/p99       ${(get("delivery.latency.p50")*1e3).toFixed(1)} / ${(get("delivery.latency.p99")*1e3).toFixed(1)} ms`);
console.log(`scheduling lag p50/p99/max     ${(get("live.scheduling_lag.p50")*1e3).toFixed(3)} / ${(get("live.scheduling_lag.p99")*1e3).toFixed(3)} / ${(get("live.scheduling_lag.max")*1e3).toFixed(3)} ms`);
console.log(`client memory per connection   ${(get("live.client.bytes_per_connection")/1024).toFixed(1)} KiB (RSS growth / open connections); peak RSS ${(maxrss/1024).toFixed(0)} MiB`);
console.log(`replay CPU                     ${(+user + +sys).toFixed(1)} s (user ${user}, sys ${sys}) in ${wall} s wall; server CPU ${serverCpu} (ps times)`);
' "$work/report.json" "$wall" "$user" "$sys" "$maxrss" "$server_cpu" "$proto" "$threads"
