#!/usr/bin/env bash
# `surge replay`'s soak benchmark (issue 12): 10 000 WebSocket connections held for 10 minutes
# against a local test server while notifications go to random users at a steady 100/s
# (tests/bench/soak.json). Passes when the replay's resident set is flat after warm-up (growth
# under 1 %) and nothing went wrong: no failed or dropped connection, no failed publish, no lost
# delivery, no live.* error. Prints the figures docs/performance.md records.
#
#   tests/bench/soak.sh [BUILD_DIR] [ws-json|socketio] [surge replay options...]
#
# Environment (all optional; the defaults are the benchmark):
#   SOAK_USERS=N        users (connections), --set /users/count=N        (default: the scenario's, 10 000)
#   SOAK_DURATION=D     scenario duration, --set /duration=D; the load runs from the end of the 10 s
#                       connect ramp to D                                 (default: the scenario's, 610s)
#   SOAK_SAMPLE=S       seconds between RSS samples                       (default 10)
#   SOAK_WINDOW=S       seconds averaged at each end of the comparison    (default min(60, duration / 6))
#   SOAK_SERVER_ARGS="..." options for the test server, to check the checks (e.g. "--stray 3": after every
#                       3rd notification to a socket one with an unknown id: the soak must fail)
#   SOAK_OUT=DIR        where rss.csv, report.json, summary.txt and server.out go (default: a new
#                       directory under /tmp, kept and printed at the end)
#
# RSS: VmRSS of the replay process from /proc/PID/status every SOAK_SAMPLE s into rss.csv
# (time_s since the replay started, rss_kib, and the server's server_rss_kib for context).
# Warm-up RSS = the mean of the samples in [ramp + W, ramp + 2W) (W = SOAK_WINDOW: minute 1–2 after
# the ramp in the full run); end RSS = the mean of the samples in [duration − W, duration).
# growth = (end − warm-up) / warm-up. Exit status: 0 pass, 1 a check failed, 2 the script or the
# replay could not run (no server, replay exit code other than 0/1, no report).
#
# Needs Node and tests/live/node_modules (scripts/setup-live.sh), and `ulimit -n` above 20 000
# (one descriptor per connection in each process). Build surge optimised (Release:
# scripts/quickstart.sh). The full run takes about 10 min 15 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
proto=${2:-ws-json}
shift $(( $# < 2 ? $# : 2 ))
surge=$build/tools/surge
scenario=$root/tests/bench/soak.json
server=ws-server.js
[ "$proto" = socketio ] && server=socketio-server.js
sample=${SOAK_SAMPLE:-10}
out=${SOAK_OUT:-$(mktemp -d /tmp/surge-soak.XXXXXX)}
mkdir -p "$out"
[ -x "$surge" ] || { echo "soak.sh: no surge binary at $surge" >&2; exit 2; }

sets=()
[ -n "${SOAK_USERS:-}" ] && sets+=(--set "/users/count=$SOAK_USERS")
[ -n "${SOAK_DURATION:-}" ] && sets+=(--set "/duration=$SOAK_DURATION")

srv=
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  [ -n "$srv" ] && kill "$srv" 2>/dev/null
  true
}
trap cleanup EXIT
ulimit -n 20000 2>/dev/null || true
echo "soak.sh: output in $out (load average $(cut -d' ' -f1-3 /proc/loadavg))"
# shellcheck disable=SC2086  # SOAK_SERVER_ARGS is a list of words
node "$root/tests/live/$server" ${SOAK_SERVER_ARGS:-} > "$out/server.out" 2>&1 &
srv=$!
for _ in $(seq 1 100); do grep -q '^PORT' "$out/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^PORT/{print $2}' "$out/server.out")
[ -n "$port" ] || { echo "soak.sh: the test server did not start:" >&2; cat "$out/server.out" >&2; exit 2; }

rss_of() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || true; }

start=$EPOCHREALTIME
"$surge" replay "$scenario" --protocol "$proto" "${sets[@]}" "$@" \
  --target "http://127.0.0.1:$port" -o "$out/report.json" -q > "$out/summary.txt" 2>&1 &
rp=$!
# Sampler: on a fixed grid (start + k * sample), so that sleeping does not drift.
(
  echo "time_s,rss_kib,server_rss_kib"
  k=0
  while kill -0 "$rp" 2>/dev/null; do
    r=$(rss_of "$rp"); s=$(rss_of "$srv")
    [ -n "$r" ] && awk -v now="$EPOCHREALTIME" -v t0="$start" -v r="$r" -v s="${s:-0}" \
      'BEGIN { printf "%.1f,%d,%d\n", now - t0, r, s }'
    k=$((k + 1))
    pause=$(awk -v t0="$start" -v k="$k" -v dt="$sample" -v now="$EPOCHREALTIME" \
      'BEGIN { p = t0 + k * dt - now; print (p > 0 ? p : 0) }')
    sleep "$pause"
  done
) > "$out/rss.csv" &
sampler=$!
rc=0
wait "$rp" || rc=$?
wait "$sampler" 2>/dev/null || true
sampler=
server_rss=$(rss_of "$srv")
kill "$srv" 2>/dev/null || true
srv=
echo "replay: exit code $rc; $(tail -n 1 "$out/summary.txt")"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  echo "soak.sh: FAIL — the replay exited with $rc:" >&2
  cat "$out/summary.txt" >&2
  exit 2
fi
[ -s "$out/report.json" ] || { echo "soak.sh: FAIL — no report" >&2; exit 2; }

set +e
node - "$out/report.json" "$out/rss.csv" "$scenario" "${SOAK_USERS:-}" "${SOAK_DURATION:-}" "${SOAK_WINDOW:-}" "$proto" "${server_rss:-0}" <<'EOF'
const fs = require('fs');
const [reportPath, csvPath, scenarioPath, usersSet, durationSet, windowSet, proto, serverRss] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
const scenario = JSON.parse(fs.readFileSync(scenarioPath, 'utf8'));
const m = r.metrics, get = (p) => p.split('.').reduce((o, k) => (o ?? {})[k], m);
// "610s", "10m", "500ms", "1h" -> seconds.
const seconds = (d) => {
  const x = /^\s*([0-9.]+)\s*(ms|s|m|min|h)\s*$/.exec(String(d));
  if (!x) throw new Error(`cannot read the duration ${d}`);
  return Number(x[1]) * { ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 }[x[2]];
};
const duration = seconds(durationSet || scenario.duration);
const ramp = seconds(scenario.users.connect.ramp);
const w = windowSet ? Number(windowSet) : Math.min(60, duration / 6);
const rows = fs.readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
const mean = (a, b) => {
  const v = rows.filter(([t]) => t >= a && t < b).map(([, kib]) => kib);
  return { n: v.length, kib: v.length ? v.reduce((x, y) => x + y, 0) / v.length : NaN };
};
const warm = mean(ramp + w, ramp + 2 * w), end = mean(duration - w, duration);
const growth = 100 * (end.kib - warm.kib) / warm.kib;
const inRun = rows.filter(([t]) => t < duration);
const peak = Math.max(...inRun.map(([, kib]) => kib)), low = Math.min(...inRun.filter(([t]) => t >= ramp + w).map(([, kib]) => kib));
const mib = (kib) => (kib / 1024).toFixed(1);

const failures = [];
// Every count of something that went wrong; a missing one is a failure too (the report changed).
const errorNames = ['connections.failed', 'connections.drops', 'notifications.rejected', 'notifications.failed',
  'notifications.timed_out', 'delivery.lost', 'live.protocol_errors', 'live.transport_errors',
  'live.received_without_sent_at', 'live.received_unknown_id', 'live.received_duplicate', 'live.received_wrong_recipient'];
const errors = errorNames.map((n) => [n, get(n)]);
for (const [n, v] of errors) if (v !== 0) failures.push(`${n} = ${v === undefined ? 'missing' : v}`);
if (r.completed !== true) failures.push(`the run did not complete (${r.error ?? 'no reason given'})`);
const users = Number(usersSet || scenario.users.count);
const peakOpen = get('connections.peak');
if (peakOpen !== users) failures.push(`connections.peak ${peakOpen} of ${users} users`);
if (warm.n === 0 || end.n === 0) failures.push(`no RSS samples in a window (warm-up ${warm.n}, end ${end.n}): run longer or sample more often`);
else if (!(growth < 1)) failures.push(`RSS growth ${growth.toFixed(2)} % >= 1 %`);
const liveErrors = r.live?.errors ?? [];
if (liveErrors.length) failures.push(`${liveErrors.length} error message(s) in the report: ${liveErrors.slice(0, 3).join('; ')}`);

const fmt = (x, d = 1) => (x === undefined ? 'n/a' : (x * 1e3).toFixed(d));
console.log(`protocol ${proto}; scenario ${duration} s (ramp ${ramp} s), RSS sampled ${rows.length} times, windows of ${w} s`);
console.log(`connections open (peak)   ${peakOpen} of ${users} (attempts ${get('connections.attempts')}, failed ${get('connections.failed')}, drops ${get('connections.drops')})`);
console.log(`publishes                 ${get('notifications.published')} (accepted ${get('notifications.accepted')}, ${(get('notifications.published') / Math.max(duration - ramp, 1)).toFixed(1)}/s over the load phase)`);
console.log(`deliveries                ${get('delivery.delivered')} of ${get('delivery.attempted')} attempted (lost ${get('delivery.lost')}, pending ${get('delivery.pending')}); latency p50/p99/max ${fmt(get('delivery.latency.p50'))} / ${fmt(get('delivery.latency.p99'))} / ${fmt(get('delivery.latency.max'))} ms`);
console.log(`scheduling lag p99/max    ${fmt(get('live.scheduling_lag.p99'), 3)} / ${fmt(get('live.scheduling_lag.max'), 3)} ms`);
console.log(`errors                    ${errors.filter(([n]) => n.startsWith('live.')).map(([n, v]) => `${n.slice(5)} ${v ?? 'missing'}`).join(', ')}`);
console.log(`replay RSS warm-up        ${mib(warm.kib)} MiB (mean of ${warm.n} samples in [${ramp + w}, ${ramp + 2 * w}) s)`);
console.log(`replay RSS end            ${mib(end.kib)} MiB (mean of ${end.n} samples in [${duration - w}, ${duration}) s); after warm-up min ${mib(low)}, peak ${mib(peak)} MiB`);
console.log(`replay RSS growth         ${Number.isFinite(growth) ? growth.toFixed(2) : 'n/a'} % (limit < 1 %); client memory per connection ${(get('live.client.bytes_per_connection') / 1024).toFixed(1)} KiB`);
console.log(`server RSS at the end     ${mib(Number(serverRss))} MiB (context only)`);
if (failures.length) {
  console.log(`FAIL: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('PASS: RSS flat after warm-up, no errors');
EOF
verdict=$?
set -e
echo "soak.sh: rss.csv, report.json, summary.txt in $out"
[ "$verdict" -eq 0 ] || exit 1
