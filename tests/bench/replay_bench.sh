#!/usr/bin/env bash
# `surge replay`'s speed benchmark (issue 5): 10 000 concurrent connections from one replay process
# against a local test server, broadcasts giving 50 000 received messages per second, on the same
# cores as the server. Prints the figures docs/performance.md records.
#
#   tests/bench/replay_bench.sh [BUILD_DIR] [socketio|ws-json] [THREADS] [surge replay options...]
#
# Needs Node and tests/live/node_modules (scripts/setup-live.sh), and `ulimit -n` above 20 000
# (one descriptor per connection in each process). Build surge optimised (Release: scripts/quickstart.sh).
# Besides the report's figures it samples the CPU time of both processes at the start and the end
# of the broadcast phase (6 s and 16 s after the replay starts), so the cost per message of each
# side is visible apart from the 10 000 handshakes, and the load average before and after.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
proto=${2:-ws-json}
threads=${3:-1}
shift $(( $# < 3 ? $# : 3 ))
surge=$build/tools/surge
server=ws-server.js
[ "$proto" = socketio ] && server=socketio-server.js
work=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n 20000 2>/dev/null || true
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
node "$root/tests/live/$server" > "$work/server.out" 2>&1 &
srv=$!
for _ in $(seq 1 100); do grep -q '^PORT' "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^PORT/{print $2}' "$work/server.out")
# CPU seconds (user + system) of a process so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
/usr/bin/time -f '%e %U %S %M' -o "$work/time" \
  "$surge" replay "$root/tests/bench/replay_bench.json" --protocol "$proto" --threads "$threads" "$@" \
  --target "http://127.0.0.1:$port" -o "$work/report.json" -q > "$work/summary.txt" &
timer=$!
sleep 0.2
rp=$(pgrep -P "$timer" | head -1)
sleep 5.8
s0=$(cpu_of "$srv"); r0=$(cpu_of "$rp")
sleep 10
s1=$(cpu_of "$srv"); r1=$(cpu_of "$rp")
wait "$timer" || true
server_cpu=$(cpu_of "$srv")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
read -r wall user sys maxrss < "$work/time"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const m = r.metrics, get = (p) => p.split(".").reduce((o, k) => (o ?? {})[k], m);
const [wall, user, sys, maxrss, serverCpu, proto, threads, s0, s1, r0, r1, loadBefore, loadAfter, extra] = process.argv.slice(2);
const recv = get("delivery.delivered") + (get("offline_queue.delivered") ?? 0);
const loadSeconds = 10;  // the broadcast phase, wall seconds at time scale 1
const perMsg = (a, b) => (1e6 * (b - a) / Math.max(recv, 1)).toFixed(1);
console.log(`protocol ${proto}, ${threads} I/O thread(s) + control thread${extra ? ", " + extra : ""}; load average before ${loadBefore}, after ${loadAfter}`);
console.log(`connections open (peak)        ${get("connections.peak")} of 10000 (failed attempts ${get("connections.failed")})`);
// 49 broadcasts fall in the 10 s phase (the first one a gap after its start), so received / 10 s
// tops out at 49 000/s; the report metric delivery.throughput divides by the delivering window (first
// publish to last delivery) instead: 50 000/s offered when every broadcast reaches everyone.
console.log(`received messages              ${recv} of ${get("delivery.attempted")} offered; delivery.throughput ${get("delivery.throughput").toFixed(0)}/s (${(recv / loadSeconds).toFixed(0)}/s over the whole ${loadSeconds} s phase)`);
console.log(`delivery latency p50/p99       ${(get("delivery.latency.p50")*1e3).toFixed(1)} / ${(get("delivery.latency.p99")*1e3).toFixed(1)} ms`);
console.log(`scheduling lag p50/p99/max     ${(get("live.scheduling_lag.p50")*1e3).toFixed(3)} / ${(get("live.scheduling_lag.p99")*1e3).toFixed(3)} / ${(get("live.scheduling_lag.max")*1e3).toFixed(3)} ms`);
console.log(`client memory per connection   ${(get("live.client.bytes_per_connection")/1024).toFixed(1)} KiB (RSS growth / open connections); peak RSS ${(maxrss/1024).toFixed(0)} MiB`);
console.log(`replay CPU                     ${(+user + +sys).toFixed(1)} s (user ${user}, sys ${sys}) in ${wall} s wall; server CPU ${(+serverCpu).toFixed(1)} s`);
console.log(`CPU in the broadcast phase     replay ${(r1 - r0).toFixed(2)} s (${perMsg(r0, r1)} us/message), server ${(s1 - s0).toFixed(2)} s (${perMsg(s0, s1)} us/message)`);
' "$work/report.json" "$wall" "$user" "$sys" "$maxrss" "$server_cpu" "$proto" "$threads" "$s0" "$s1" "$r0" "$r1" \
  "$load_before" "$load_after" "$*"
