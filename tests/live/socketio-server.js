#!/usr/bin/env node
// A small Socket.IO v4 notification server for `surge replay`'s live tests. Loopback only.
//
// Each client connects with its user id in the handshake (auth `{user}` or query `?user=`), joins
// the room `user:<id>`, and first receives what waited in its offline queue. Notifications are
// published by HTTP POST /publish (one object, or an array of them for a batch) or by a
// `publish` event with an acknowledgement; each notification is emitted as a "notification" event
// carrying {id, user, payload, sent_at} — the fields the replay measures latency from. A client's
// `message` event (users.messages) is counted and acknowledged.
//
// Options (arguments or environment):
//   --port N | PORT=N           listen port (default 0: any free one); prints `PORT <n>` first
//   --queue-max N               per-user offline queue cap (default 1000; the oldest is dropped)
//   --malformed N               every N-th notification to a socket is followed by malformed
//                               frames (bad Socket.IO packet, non-array event, unknown Engine.IO type)
//   --exit-after MS             kill this process (SIGKILL) after MS milliseconds (fault tests)
//   --ping-interval MS          Engine.IO pingInterval (default 25000)
//   --ping-timeout MS           Engine.IO pingTimeout (default 20000)
//   --require-header NAME:VALUE refuse handshakes without this header (token tests)
//   --stray N / --duplicate N / --misroute N   a broken server: after every N-th notification to a
//                               socket, one with an unpublished id, the same one again, or the same
//                               one to another user's socket (stats: stray, duplicates, misrouted)
//   --tls-cert FILE --tls-key FILE   serve https:// and wss:// with this certificate (PEM)
//   --store-ms MS --store-pool N     an HTTP publish holds one of N store connections for MS ms
//                               before it is emitted and answered (a database write; server-common.js)
'use strict';

const { Server } = require('socket.io');
const common = require('./server-common');

const opt = common.parseOptions(process.argv.slice(2));
const queues = new common.OfflineQueues(opt.queueMax);
const stats = common.newStats();
const store = new common.Store(opt.storeMs, opt.storePool);

const httpServer = common.createServer(opt, (req, res) => {
  common.handleHttp(req, res, stats, (n) => publish(n), () => queues.size(), store);
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  pingInterval: opt.pingInterval,
  pingTimeout: opt.pingTimeout,
  serveClient: false,
  allowRequest: (req, cb) => cb(null, common.headerAllowed(req, opt)),
});

const room = (user) => `user:${user}`;
const online = (user) => (io.sockets.adapter.rooms.get(room(user))?.size ?? 0) > 0;

// Sends one notification to one socket, with malformed frames after it when asked to.
function emitTo(socket, n) {
  socket.emit('notification', n);
  stats.emitted++;
  if (common.misbehaving(opt)) {
    common.misbehave(opt, stats, socket, ++socket.data.wrong, n, (s, m) => s.emit('notification', m), (user) => {
      for (const s of io.sockets.sockets.values()) if (s.data.user !== undefined && s.data.user !== user) return s;
      return null;
    });
  }
  if (opt.malformed > 0 && ++socket.data.sent % opt.malformed === 0) {
    const ws = socket.conn.transport && socket.conn.transport.socket;
    if (ws && ws.readyState === 1) {
      ws.send('4abc');          // a Socket.IO packet of an unknown type
      ws.send('42{"not":"an array"}');  // an event whose payload is not an array
      ws.send('9garbage');      // an unknown Engine.IO packet type
      stats.malformed += 3;
    }
  }
}

function publish(n) {
  stats.published++;
  if (n.target === 'broadcast') {
    if (opt.malformed > 0 || common.misbehaving(opt)) {
      for (const socket of io.sockets.sockets.values()) emitTo(socket, n);
    } else {
      io.emit('notification', n);  // encoded once for every socket
      stats.emitted += io.sockets.sockets.size;
    }
    stats.broadcasts++;
    return;
  }
  const user = String(n.user);
  if (online(user)) {
    for (const id of io.sockets.adapter.rooms.get(room(user))) {
      const socket = io.sockets.sockets.get(id);
      if (socket) emitTo(socket, n);
    }
  } else {
    queues.push(user, n);
    stats.queued++;
  }
}

io.on('connection', (socket) => {
  const user = String(socket.handshake.auth?.user ?? socket.handshake.query.user ?? '');
  if (user === '') {
    socket.disconnect(true);
    return;
  }
  socket.data.sent = 0;
  socket.data.wrong = 0;
  socket.data.user = user;
  stats.connections++;
  socket.join(room(user));
  for (const n of queues.take(user)) {
    emitTo(socket, n);
    stats.dequeued++;
  }
  socket.on('publish', (n, ack) => {
    const batch = Array.isArray(n) ? n : [n];
    for (const one of batch) publish(one);
    if (typeof ack === 'function') ack({ ok: true, count: batch.length });
  });
  // A client message ("mark read", chat): counted and acknowledged, as the replay's
  // users.messages expect.
  socket.on('message', (m, ack) => {
    stats.messages++;
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('disconnect', () => { stats.disconnections++; });
});

common.listen(httpServer, opt);
