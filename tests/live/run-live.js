#!/usr/bin/env node
// Runs one live-replay test: starts a test server on a free loopback port, runs `surge replay`
// against it, stops the server, and checks the exit code, the output and the report.
//
//   node run-live.js [launcher options] -- SURGE replay ARGS...
//
// In ARGS, {PORT} becomes the server's port and {OUT} the report path (in --workdir).
// Launcher options:
//   --server socketio|ws|raw-ws|foreign|none  which server to start (none: {PORT} is a closed port;
//                                  raw-ws: raw-ws-server.js, a hostile WebSocket server;
//                                  foreign: foreign-server.js, a service with its own API)
//   --server-arg ARG               passed to the server (repeatable)
//   --workdir DIR                  where the report goes (default: a temporary directory)
//   --expect-exit N                the replay's exit code (default 0)
//   --timeout S                    the replay must end within S seconds (default 60)
//   --check "PATH OP VALUE"        on the report (or server stats with PATH server.KEY; a+b sums):
//                                  OP in == != < <= > >= ; VALUE a number, true/false or a string;
//                                  PATH and VALUE may be sums a+b or a quotient a/b of such paths;
//                                  "PATH exists" checks presence, "PATH absent" absence; len(P), nonnull(P), sum(P) and
//                                  max(P) aggregate an array (a series: series.values.delivery.rate)
//   --schema FILE                  the report's top-level keys must be those FILE allows
//   --stdout-contains S / --stderr-contains S / --output-lacks S (stdout, stderr and report)
//   --file-starts FILE=TEXT        FILE ({OUT} allowed) exists and begins with TEXT
//   --stdout-matches REGEX         the whole of stdout matches (e.g. -q's one verdict line)
//   --signal SIG@MS                send the replay SIG (SIGINT, SIGTERM) MS milliseconds after its start
//   --check-percentiles HIST=PREFIX  HIST, a histogram in the report as the replay writes it across
//                                  processes (count, min, max, sum, buckets [low, high, count]),
//                                  gives exactly the metrics PREFIX.{mean,p50,p90,p99,p999,max}
//                                  present (surge::histogram's rules, recomputed here)
// Exit: 0 all checks pass, 1 a check failed, 77 skipped (no node_modules).
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const http = require('http');

const here = __dirname;
const testServer = require('./test-server');
testServer.requireNodeModules();

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 0 || sep === argv.length - 1) {
  console.error('usage: run-live.js [options] -- SURGE replay ARGS...');
  process.exit(1);
}
const opts = { server: 'socketio', serverArgs: [], expectExit: 0, timeout: 60, checks: [], stdoutContains: [], fileStarts: [],
               stderrContains: [], stdoutMatches: [], lacks: [], workdir: null, schema: null, signal: null, percentiles: [] };
for (let i = 0; i < sep; i++) {
  const a = argv[i];
  const v = () => argv[++i];
  switch (a) {
    case '--server': opts.server = v(); break;
    case '--server-arg': opts.serverArgs.push(v()); break;
    case '--workdir': opts.workdir = v(); break;
    case '--expect-exit': opts.expectExit = Number(v()); break;
    case '--timeout': opts.timeout = Number(v()); break;
    case '--check': opts.checks.push(v()); break;
    case '--schema': opts.schema = v(); break;
    case '--stdout-contains': opts.stdoutContains.push(v()); break;
    case '--stderr-contains': opts.stderrContains.push(v()); break;
    case '--stdout-matches': opts.stdoutMatches.push(new RegExp(v())); break;
    case '--output-lacks': opts.lacks.push(v()); break;
    case '--file-starts': opts.fileStarts.push(v()); break;
    case '--check-percentiles': opts.percentiles.push(v()); break;
    case '--signal': {
      const m = v().match(/^(SIG[A-Z]+)@(\d+)$/);
      if (!m) { console.error('--signal: expected SIG@MS, e.g. SIGINT@2500'); process.exit(1); }
      opts.signal = { name: m[1], ms: Number(m[2]) };
      break;
    }
    default: console.error(`unknown option ${a}`); process.exit(1);
  }
}
const replayCmd = argv.slice(sep + 1);

let failures = 0;
const fail = (msg) => { failures++; console.log(`FAIL: ${msg}`); };
const pass = (msg) => console.log(`ok: ${msg}`);

function startServer() {
  const scripts = { ws: 'ws-server.js', 'raw-ws': 'raw-ws-server.js', socketio: 'socketio-server.js', foreign: 'foreign-server.js' };
  return testServer.startServer(scripts[opts.server] ?? 'socketio-server.js', opts.serverArgs);
}

function closedPort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function serverStats(port) {
  // A server started with --tls-cert serves https: its stats too (the test's own CA; not verified here).
  const tls = opts.serverArgs.includes('--tls-cert');
  return new Promise((resolve) => {
    const get = tls ? require('https').get : http.get;
    const req = get({ host: '127.0.0.1', port, path: '/stats', timeout: 2000, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { resolve(null); } });
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => { req.destroy(); resolve(null); });
  });
}

// A dotted path; a key may itself hold dots (a series' name: series.values.delivery.rate), so
// at each level the longest run of parts that is a key is taken.
function lookup(obj, dotted) {
  let node = obj;
  const parts = dotted.split('.');
  for (let i = 0; i < parts.length;) {
    if (node === null || typeof node !== 'object') return undefined;
    let k = parts.length;
    while (k > i && !(parts.slice(i, k).join('.') in node)) --k;
    if (k === i) return undefined;
    node = node[parts.slice(i, k).join('.')];
    i = k;
  }
  return node;
}

// Of an array (a series' values; null where a window had nothing to measure).
const aggregates = {
  len: (a) => a.length,
  nonnull: (a) => a.filter((x) => x !== null).length,
  sum: (a) => a.reduce((s, x) => s + (x ?? 0), 0),
  max: (a) => Math.max(...a.filter((x) => x !== null)),
};

// A value: a dotted path into the report, server.KEY from the server's /stats, or a sum of those
// ("metrics.delivery.delivered+metrics.offline_queue.delivered"), or a quotient of two of those
// ("metrics.delivery.delivered/metrics.delivery.attempted", computed in doubles as the replay does).
function valueOf(p, report, stats) {
  if (p.includes('/')) {
    const [num, den] = p.split('/');
    const a = valueOf(num, report, stats);
    const b = valueOf(den, report, stats);
    return typeof a === 'number' && typeof b === 'number' ? a / b : undefined;
  }
  if (p.includes('+')) {
    let sum = 0;
    for (const part of p.split('+')) {
      const v = valueOf(part, report, stats);
      if (typeof v !== 'number') return undefined;
      sum += v;
    }
    return sum;
  }
  const f = p.match(/^(len|nonnull|sum|max)\((.+)\)$/);
  if (f) {
    const a = valueOf(f[2], report, stats);
    return Array.isArray(a) ? aggregates[f[1]](a) : undefined;
  }
  return p.startsWith('server.') ? lookup(stats ?? {}, p.slice(7)) : lookup(report ?? {}, p);
}

function check(expr, report, stats) {
  const m = expr.match(/^(\S+)\s+(==|!=|<=|>=|<|>|exists|absent)\s*(.*)$/);
  if (!m) return fail(`bad check "${expr}"`);
  const [, p, op, raw] = m;
  // server.X reads the server's /stats; metrics.a.b.c reads the nested metrics; else top level.
  const value = valueOf(p, report, stats);
  if (op === 'absent') return value === undefined ? pass(`${p} is absent`) : fail(`${p} is present (${JSON.stringify(value)})`);
  if (op === 'exists') return value === undefined || value === null ? fail(`${p} is missing`) : pass(`${p} exists (${value})`);
  let want;
  if (raw === 'true' || raw === 'false') want = raw === 'true';
  else if (raw !== '' && !Number.isNaN(Number(raw))) want = Number(raw);
  // A dotted right-hand side (server.emitted, metrics.a.b) is a value of the run; a bare word is a string.
  else if (raw.includes('.') && valueOf(raw, report, stats) !== undefined) want = valueOf(raw, report, stats);
  else want = raw;
  const ok = { '==': value === want, '!=': value !== want, '<': value < want, '<=': value <= want, '>': value > want,
               '>=': value >= want }[op];
  if (value === undefined) return fail(`${p} is missing (wanted ${op} ${raw})`);
  return ok ? pass(`${p} = ${JSON.stringify(value)} ${op} ${JSON.stringify(want)}`)
            : fail(`${p} = ${JSON.stringify(value)}, wanted ${op} ${JSON.stringify(want)}`);
}

// surge::histogram's statistics of a histogram written as JSON (tools/replay/rank_merge.hpp,
// histogram_json), in nanoseconds: percentile q is the value of rank max(1, ceil(q/100 n)) (the
// product discounted by 1e-12 as there), reported as its bucket's midpoint clamped to [min, max];
// the mean is quotient + remainder / count of the exact sum.
function histogramStatistic(h, stat) {
  const n = h.count;
  if (stat === 'max') return h.max;
  if (stat === 'mean') {
    const sum = BigInt(h.sum), count = BigInt(n);
    return Number(sum / count) + Number(sum % count) / n;
  }
  const q = { p50: 50, p90: 90, p99: 99, p999: 99.9 }[stat];
  const x = q * n / 100;
  const r = Math.ceil(x * (1 - 1e-12));
  const rank = !(r >= 1) ? 1 : r >= n ? n : r;
  if (rank <= 1) return h.min;
  if (rank >= n) return h.max;
  let seen = 0;
  for (const [low, high, c] of h.buckets) {
    seen += c;
    if (seen >= rank) return Math.min(Math.max(low + Math.floor((high - low + 1) / 2), h.min), h.max);
  }
  return h.max;
}

function checkPercentiles(spec, report) {
  const at = spec.indexOf('=');
  const hist = lookup(report ?? {}, spec.slice(0, at)), prefix = spec.slice(at + 1);
  if (!hist || !Array.isArray(hist.buckets)) return fail(`${spec.slice(0, at)} is not a histogram in the report`);
  const total = hist.buckets.reduce((a, b) => a + b[2], 0);
  if (total !== hist.count) fail(`${spec.slice(0, at)}: buckets hold ${total}, count ${hist.count}`);
  let compared = 0;
  for (const stat of ['mean', 'p50', 'p90', 'p99', 'p999', 'max']) {
    const got = lookup(report, `${prefix}.${stat}`);
    if (got === undefined) continue;
    const want = histogramStatistic(hist, stat) * 1e-9;
    compared++;
    if (got === want) pass(`${prefix}.${stat} = ${got} s, the histogram's`);
    else fail(`${prefix}.${stat} = ${got} s, the histogram gives ${want} s`);
  }
  if (compared < 3) fail(`${prefix}: only ${compared} statistics to compare`);
}

async function main() {
  const workdir = opts.workdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'surge-live-'));
  fs.mkdirSync(workdir, { recursive: true });
  const out = path.join(workdir, 'report.json');
  fs.rmSync(out, { force: true });
  let server = null;
  let port;
  if (opts.server === 'none') {
    port = await closedPort();
  } else {
    server = await startServer();
    port = server.port;
    server.child.on('exit', () => { server.exited = true; });
  }
  const args = replayCmd.map((a) => a.replaceAll('{PORT}', String(port)).replaceAll('{OUT}', out));
  console.log(`$ ${args.join(' ')}`);
  const started = Date.now();
  const replay = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  replay.stdout.on('data', (d) => { stdout += d; process.stdout.write(d); });
  replay.stderr.on('data', (d) => { stderr += d; process.stderr.write(d); });
  let hung = false;
  const killer = setTimeout(() => { hung = true; replay.kill('SIGKILL'); }, opts.timeout * 1000);
  const signaller = opts.signal ? setTimeout(() => replay.kill(opts.signal.name), opts.signal.ms) : null;
  const code = await new Promise((resolve) => replay.on('exit', (c, s) => resolve(c ?? (s ? 128 : -1))));
  clearTimeout(killer);
  if (signaller) clearTimeout(signaller);
  const seconds = (Date.now() - started) / 1000;
  const stats = server && !server.exited ? await serverStats(port) : null;
  if (server && !server.exited) server.child.kill('SIGTERM');

  if (hung) fail(`the replay did not end within ${opts.timeout} s (killed)`);
  else pass(`the replay ended in ${seconds.toFixed(1)} s`);
  if (code === opts.expectExit) pass(`exit code ${code}`);
  else fail(`exit code ${code}, expected ${opts.expectExit}`);

  let report = null;
  let reportText = '';
  if (fs.existsSync(out)) {
    reportText = fs.readFileSync(out, 'utf8');
    try { report = JSON.parse(reportText); } catch (e) { fail(`the report is not JSON: ${e.message}`); }
  }
  if (opts.schema && report) {
    const schema = JSON.parse(fs.readFileSync(opts.schema, 'utf8'));
    const allowed = new Set(Object.keys(schema.properties ?? {}));
    for (const k of schema.required ?? []) if (!(k in report)) fail(`report lacks required key "${k}"`);
    for (const k of Object.keys(report)) if (!allowed.has(k)) fail(`report has key "${k}" the schema does not allow`);
    const modes = schema.properties?.mode?.enum ?? [];
    if (!modes.includes(report.mode)) fail(`report mode "${report.mode}" not in ${JSON.stringify(modes)}`);
    const pattern = schema.properties?.trace_hash?.pattern;
    // A live report has no deterministic trace: trace_hash is null there.
    if (report.mode === 'live' && report.trace_hash !== null) fail(`a live report's trace_hash is ${JSON.stringify(report.trace_hash)}, not null`);
    if (report.mode !== 'live' && pattern && !new RegExp(pattern).test(report.trace_hash)) fail(`trace_hash "${report.trace_hash}" does not match ${pattern}`);
    if (report.mode === 'live') {
      const live = report.live;
      const liveSchema = schema.properties?.live ?? {};
      if (typeof live !== 'object' || live === null) fail('a live report lacks the "live" object');
      else {
        for (const k of liveSchema.required ?? []) if (!(k in live)) fail(`report.live lacks "${k}"`);
        for (const k of Object.keys(live)) if (!(k in (liveSchema.properties ?? {}))) fail(`report.live has key "${k}" the schema does not allow`);
      }
    }
    for (const [name, unit] of Object.entries(report.units ?? {})) {
      if (!['s', '1/s', 'B', 'B/s', 'ratio', 'count'].includes(unit)) fail(`metric ${name} has unit "${unit}"`);
      if (lookup(report.metrics, name) === undefined && !(name in report.metrics)) fail(`metric ${name} is in units but not in metrics`);
    }
    if (failures === 0) pass('report keys, mode, trace_hash and units fit the schema');
  }
  for (const c of opts.checks) check(c, report, stats);
  for (const spec of opts.percentiles) checkPercentiles(spec, report);
  for (const spec of opts.fileStarts) {
    const at = spec.indexOf('=');
    const file = spec.slice(0, at).replaceAll('{OUT}', out), text = spec.slice(at + 1);
    const head = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(0, text.length) : null;
    if (head === text) pass(`${file} starts with "${text}"`);
    else fail(`${file} ${head === null ? 'is missing' : `starts with "${head}"`}, wanted "${text}"`);
  }
  for (const s of opts.stdoutContains) (stdout.includes(s) ? pass : fail)(`stdout ${stdout.includes(s) ? 'contains' : 'lacks'} "${s}"`);
  for (const re of opts.stdoutMatches) (re.test(stdout) ? pass : fail)(`stdout ${re.test(stdout) ? 'matches' : 'does not match'} ${re}: ${JSON.stringify(stdout)}`);
  for (const s of opts.stderrContains) (stderr.includes(s) ? pass : fail)(`stderr ${stderr.includes(s) ? 'contains' : 'lacks'} "${s}"`);
  for (const s of opts.lacks) {
    const where = [['stdout', stdout], ['stderr', stderr], ['report', reportText]].filter(([, t]) => t.includes(s)).map(([w]) => w);
    if (where.length) fail(`"${s}" appears in ${where.join(', ')}`);
    else pass(`"${s}" appears in no output and not in the report`);
  }
  if (stats) console.log(`server stats: ${JSON.stringify(stats)}`);
  console.log(failures === 0 ? 'PASS' : `FAIL (${failures})`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => { console.log(`FAIL: ${e.message}`); process.exit(1); });
