#!/usr/bin/env node
// A Socket.IO notification service "written elsewhere", for `surge replay`'s live tests: it knows
// nothing of surge's notification objects, and the replay reaches it through its protocol section
// alone (tests/live/scenarios/foreign.protocol.json). Loopback only.
//
// - A client connects with its user id as auth `user_id` (or query `?user_id=`), a number or a
//   string; the service keys users by String(user_id).
// - HTTP POST /api/notifications with the header `X-Api-Key: surge-test-key` and a JSON body
//   `{"user_id": N, "broadcast": false, "title": "...", "body": "..."}` (user_id an integer), or
//   for a broadcast `{"broadcast": true, "title": ..., "body": ...}` without user_id; answered
//   202 `{"queued": true}`. Anything else is 400 (401 without the key); unknown fields are dropped.
// - Each notification goes out as the event `notification` with the service's own fields:
//   `{"notification_id": <its own counter>, "title": ..., "body": ..., "created_at": <its own
//   clock, ISO 8601>}`: no id of the publisher's, no echoed send time.
// - Users offline when a notification is published get it when they connect (a per-user queue).
// - GET /stats: counters (published, emitted, user_notifications, broadcasts, bad_requests, ...).
//
// Options as the other test servers (server-common.js): --port N | PORT=N (default 0; prints
// `PORT <n>` first), --queue-max N, --exit-after MS, --ping-interval MS, --ping-timeout MS,
// --keep-alive-timeout MS, --tls-cert FILE --tls-key FILE. Its own: --sent-at-skew MS, each
// notification also carries `sent_at`: the service's clock (Unix ms) plus MS, a timestamp of its
// own where the replay's would be (the replay must not time deliveries by it).
'use strict';

const { Server } = require('socket.io');
const common = require('./server-common');

const API_KEY = 'surge-test-key';

const argv = process.argv.slice(2);
let sentAtSkew = null;
const skewAt = argv.indexOf('--sent-at-skew');
if (skewAt >= 0) {
  sentAtSkew = Number(argv[skewAt + 1]);
  if (!Number.isFinite(sentAtSkew)) throw new Error('--sent-at-skew wants a number of milliseconds');
  argv.splice(skewAt, 2);
}
const opt = common.parseOptions(argv);
const queues = new common.OfflineQueues(opt.queueMax);
const stats = { ...common.newStats(), user_notifications: 0, unauthorized: 0 };
let nextId = 1000;  // the service's own ids: never the publisher's

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const httpServer = common.createServer(opt, (req, res) => {
  if (req.method === 'GET' && req.url === '/stats') return reply(res, 200, stats);
  if (req.url && req.url.startsWith('/socket.io/')) return;  // left to Socket.IO
  if (req.method !== 'POST' || req.url !== '/api/notifications') return reply(res, 404, { error: 'not found' });
  if (req.headers['x-api-key'] !== API_KEY) {
    stats.unauthorized++;
    req.resume();
    return reply(res, 401, { error: 'missing or wrong X-Api-Key' });
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let b;
    try {
      b = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      stats.bad_requests++;
      return reply(res, 400, { error: 'body is not JSON' });
    }
    const bad = (why) => { stats.bad_requests++; reply(res, 400, { error: why }); };
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return bad('expected one JSON object');
    if (typeof b.broadcast !== 'boolean') return bad('"broadcast" must be true or false');
    if (typeof b.title !== 'string' || typeof b.body !== 'string') return bad('"title" and "body" must be strings');
    if (b.broadcast && b.user_id !== undefined) return bad('a broadcast has no "user_id"');
    if (!b.broadcast && !Number.isInteger(b.user_id)) return bad('"user_id" must be an integer');
    // What the service keeps: its own id and clock; everything else the publisher sent is dropped.
    const n = { notification_id: ++nextId, title: b.title, body: b.body, created_at: new Date().toISOString() };
    if (sentAtSkew !== null) n.sent_at = Date.now() + sentAtSkew;
    stats.published++;
    if (b.broadcast) {
      stats.broadcasts++;
      for (const s of io.sockets.sockets.values()) emitTo(s, n);
    } else {
      stats.user_notifications++;
      const user = String(b.user_id);
      if (online(user)) for (const id of io.sockets.adapter.rooms.get(room(user))) emitTo(io.sockets.sockets.get(id), n);
      else { queues.push(user, n); stats.queued++; }
    }
    reply(res, 202, { queued: true });
  });
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  pingInterval: opt.pingInterval,
  pingTimeout: opt.pingTimeout,
  serveClient: false,
});

const room = (user) => `user:${user}`;
const online = (user) => (io.sockets.adapter.rooms.get(room(user))?.size ?? 0) > 0;

function emitTo(socket, n) {
  if (!socket) return;
  socket.emit('notification', n);
  stats.emitted++;
}

io.on('connection', (socket) => {
  const raw = socket.handshake.auth?.user_id ?? socket.handshake.query?.user_id;
  if (raw === undefined || raw === null || raw === '') {
    socket.disconnect(true);
    return;
  }
  const user = String(raw);
  stats.connections++;
  socket.join(room(user));
  for (const n of queues.take(user)) {
    stats.dequeued++;
    emitTo(socket, n);
  }
  socket.on('disconnect', () => { stats.disconnections++; });
});

common.listen(httpServer, opt);
