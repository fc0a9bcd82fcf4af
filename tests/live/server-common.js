// What the two live test servers share: options, the offline queues, the HTTP endpoints.
'use strict';

function parseOptions(argv) {
  const env = process.env;
  const opt = {
    port: Number(env.PORT ?? 0),
    queueMax: 1000,
    malformed: 0,
    stray: 0,
    duplicate: 0,
    misroute: 0,
    exitAfter: 0,
    pingInterval: 25000,
    pingTimeout: 20000,
    keepAliveTimeout: 60000,
    requireHeader: null,
    tlsCert: null,
    tlsKey: null,
    storeMs: 0,
    storePool: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--port': opt.port = Number(value()); break;
      case '--queue-max': opt.queueMax = Number(value()); break;
      case '--malformed': opt.malformed = Number(value()); break;
      case '--stray': opt.stray = Number(value()); break;
      case '--duplicate': opt.duplicate = Number(value()); break;
      case '--misroute': opt.misroute = Number(value()); break;
      case '--exit-after': opt.exitAfter = Number(value()); break;
      case '--ping-interval': opt.pingInterval = Number(value()); break;
      case '--ping-timeout': opt.pingTimeout = Number(value()); break;
      // How long an idle keep-alive HTTP connection stays open (ms; Node's default is 5000).
      case '--keep-alive-timeout': opt.keepAliveTimeout = Number(value()); break;
      case '--tls-cert': opt.tlsCert = value(); break;
      case '--tls-key': opt.tlsKey = value(); break;
      case '--store-ms': opt.storeMs = Number(value()); break;
      case '--store-pool': opt.storePool = Number(value()); break;
      case '--require-header': {
        const v = value();
        const colon = v.indexOf(':');
        if (colon <= 0) throw new Error('--require-header wants NAME:VALUE');
        opt.requireHeader = { name: v.slice(0, colon).trim().toLowerCase(), value: v.slice(colon + 1).trim() };
        break;
      }
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return opt;
}

function headerAllowed(req, opt) {
  if (!opt.requireHeader) return true;
  return req.headers[opt.requireHeader.name] === opt.requireHeader.value;
}

/// Per-user FIFO queues with a cap; the oldest notification is dropped when one is full.
class OfflineQueues {
  constructor(max) { this.max = max; this.queues = new Map(); this.dropped = 0; }
  push(user, n) {
    let q = this.queues.get(user);
    if (!q) { q = []; this.queues.set(user, q); }
    q.push(n);
    if (this.max > 0 && q.length > this.max) { q.shift(); this.dropped++; }
  }
  take(user) {
    const q = this.queues.get(user);
    if (!q) return [];
    this.queues.delete(user);
    return q;
  }
  size() { let s = 0; for (const q of this.queues.values()) s += q.length; return s; }
}

function newStats() {
  return { published: 0, emitted: 0, queued: 0, dequeued: 0, broadcasts: 0, connections: 0,
           disconnections: 0, malformed: 0, bad_requests: 0, messages: 0, stray: 0, duplicates: 0, misrouted: 0,
           metrics_scrapes: 0 };
}

// A broken server (--stray, --duplicate, --misroute N): after every N-th notification a socket
// gets, it also sends a notification with an id nobody published, the same notification again, or
// the notification to a socket of another user. `sendRaw(socket, n)` sends without counting;
// `otherSocket(user)` finds a socket of another user (or null). Counted apart from "emitted" (which
// are the genuine deliveries), so a test can compare the replay's counters with these.
let strayId = 1e12;
function misbehave(opt, stats, socket, sent, n, sendRaw, otherSocket) {
  if (opt.stray > 0 && sent % opt.stray === 0) {
    sendRaw(socket, { ...n, id: ++strayId });
    stats.stray++;
  }
  if (opt.duplicate > 0 && sent % opt.duplicate === 0) {
    sendRaw(socket, n);
    stats.duplicates++;
  }
  if (opt.misroute > 0 && sent % opt.misroute === 0 && n.target !== 'broadcast') {
    const other = otherSocket(String(n.user));
    if (other) {
      sendRaw(other, n);
      stats.misrouted++;
    }
  }
}
const misbehaving = (opt) => opt.stray > 0 || opt.duplicate > 0 || opt.misroute > 0;

// A store in front of publishing (--store-ms MS --store-pool N): each accepted publish request
// holds one of N connections for MS milliseconds (a timer, as a database write waits on the
// network) before its notifications are emitted and it is answered; requests beyond N wait in
// FIFO order. What the model calls database.pool_size and database.query: the calibration test
// (tests/live/calibration/) gives the server this cost so that its latencies depend on load.
class Store {
  constructor(ms, pool) {
    this.ms = ms;
    this.free = Math.max(1, pool);
    this.waiting = [];
  }
  run(work) {
    if (this.ms <= 0) return work();
    const start = () => setTimeout(() => {
      work();
      if (this.waiting.length > 0) this.waiting.shift()();
      else this.free++;
    }, this.ms);
    if (this.free > 0) {
      this.free--;
      start();
    } else {
      this.waiting.push(start);
    }
  }
}

// GET /metrics: the Prometheus text exposition format (version 0.0.4), hand-written with the
// names prom-client's default metrics use, for `surge replay --server-metrics`:
// process_cpu_seconds_total (process.cpuUsage(), user + system), the event loop's delay from
// perf_hooks.monitorEventLoopDelay (nodejs_eventloop_lag_{min,max,mean,p50,p90,p99}_seconds since
// the previous scrape: the histogram is reset after each, as prom-client does) and the lag of a
// setImmediate at the scrape (nodejs_eventloop_lag_seconds), the resident set, and the offline
// queues' total (surge_offline_queue_messages, a gauge).
const { monitorEventLoopDelay } = require('perf_hooks');
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function serveMetrics(res, queueTotal) {
  const start = process.hrtime.bigint();
  setImmediate(() => {
    const lag = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage();
    const s = (ns) => (Number.isFinite(ns) ? ns / 1e9 : NaN);
    const seen = loopDelay.count > 0;
    const lines = [];
    const metric = (name, type, help, value) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${Number.isNaN(value) ? 'NaN' : value}`);
    };
    metric('process_cpu_user_seconds_total', 'counter', 'Total user CPU time spent in seconds.', cpu.user / 1e6);
    metric('process_cpu_system_seconds_total', 'counter', 'Total system CPU time spent in seconds.', cpu.system / 1e6);
    metric('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6);
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', process.memoryUsage().rss);
    metric('nodejs_eventloop_lag_seconds', 'gauge', 'Lag of event loop in seconds.', lag);
    metric('nodejs_eventloop_lag_min_seconds', 'gauge', 'The minimum recorded event loop delay.', seen ? s(loopDelay.min) : NaN);
    metric('nodejs_eventloop_lag_max_seconds', 'gauge', 'The maximum recorded event loop delay.', seen ? s(loopDelay.max) : NaN);
    metric('nodejs_eventloop_lag_mean_seconds', 'gauge', 'The mean of the recorded event loop delays.', seen ? s(loopDelay.mean) : NaN);
    for (const p of [50, 90, 99])
      metric(`nodejs_eventloop_lag_p${p}_seconds`, 'gauge', `The ${p}th percentile of the recorded event loop delays.`,
             seen ? s(loopDelay.percentile(p)) : NaN);
    metric('surge_offline_queue_messages', 'gauge', 'Notifications waiting in the offline queues.', queueTotal ? queueTotal() : 0);
    loopDelay.reset();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(lines.join('\n') + '\n');
  });
}

// POST /publish: one notification object or an array of them. GET /stats: counters. GET /metrics:
// Prometheus text (serveMetrics; queueTotal() is the offline queues' length).
function handleHttp(req, res, stats, publish, queueTotal, store = null) {
  if (req.method === 'GET' && req.url === '/metrics') {
    stats.metrics_scrapes++;
    serveMetrics(res, queueTotal);
    return;
  }
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  if (req.method === 'POST' && req.url === '/publish') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        stats.bad_requests++;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'body is not JSON' }));
        return;
      }
      const batch = Array.isArray(body) ? body : [body];
      for (const n of batch) {
        if (typeof n !== 'object' || n === null || (n.target !== 'broadcast' && n.user === undefined)) {
          stats.bad_requests++;
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'a notification needs a user or target "broadcast"' }));
          return;
        }
      }
      const work = () => {
        for (const n of batch) publish(n);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, count: batch.length }));
      };
      if (store) store.run(work);
      else work();
    });
    return;
  }
  if (req.url && req.url.startsWith('/socket.io/')) return;  // left to Socket.IO
  res.writeHead(404);
  res.end();
}

// An HTTP server, or HTTPS (and so wss://) with --tls-cert/--tls-key (PEM files).
function createServer(opt, handler) {
  if (opt.tlsCert || opt.tlsKey) {
    const fs = require('fs');
    return require('https').createServer({ cert: fs.readFileSync(opt.tlsCert), key: fs.readFileSync(opt.tlsKey) }, handler);
  }
  return require('http').createServer(handler);
}

function listen(server, opt) {
  server.keepAliveTimeout = opt.keepAliveTimeout;
  // A deep accept backlog: thousands of clients connect within a second in the benchmarks.
  server.listen({ port: opt.port, host: '127.0.0.1', backlog: 8192 }, () => {
    process.stdout.write(`PORT ${server.address().port}\n`);
  });
  if (opt.exitAfter > 0) setTimeout(() => process.kill(process.pid, 'SIGKILL'), opt.exitAfter);
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

module.exports = { Store, createServer, parseOptions, headerAllowed, OfflineQueues, newStats, handleHttp, listen, misbehave, misbehaving };
