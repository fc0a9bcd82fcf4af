#!/usr/bin/env node
// A small plain-WebSocket (ws-json) notification server for `surge replay`'s live tests, on the npm
// `ws` package. Loopback only. The same features as socketio-server.js over JSON messages:
//
//   connect     ws://127.0.0.1:<port>/ws?user=<id>     -> {"type":"welcome","user":"<id>"}, then the
//                                                         user's offline queue, in order
//   notification (server -> client)  {"type":"notification","id":..,"user":..,"payload":..,"sent_at":..}
//   publish      (client -> server)  {"type":"publish","ref":R,"notifications":[...]} or one notification
//                                    {"type":"publish","ref":R,"target":"user","user":..,...}
//                                    -> {"type":"ack","ref":R,"count":n}
//   message      (client -> server)  {"type":"message","ref":R,...} -> {"type":"ack","ref":R}
//   HTTP POST /publish               as for the Socket.IO server
//
// Options: the same as socketio-server.js (--port, --queue-max, --malformed, --exit-after,
// --require-header, --stray, --duplicate, --misroute); --malformed sends a non-JSON text frame, a
// JSON array and a binary frame.
'use strict';

const { WebSocketServer } = require('ws');
const common = require('./server-common');

const opt = common.parseOptions(process.argv.slice(2));
const queues = new common.OfflineQueues(opt.queueMax);
const stats = common.newStats();
const store = new common.Store(opt.storeMs, opt.storePool);
const byUser = new Map();  // user -> Set of sockets

const httpServer = common.createServer(opt, (req, res) => {
  common.handleHttp(req, res, stats, (n) => publish(n), () => queues.size(), store);
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

httpServer.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://localhost');
  const user = url.searchParams.get('user');
  if (url.pathname !== '/ws' || !user || !common.headerAllowed(req, opt)) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, user));
});

// A complete unmasked server -> client text frame (RFC 6455 5.2) around `payload`, built once for
// a broadcast and written to every socket as is: no per-socket framing, serialisation or
// string -> UTF-8 conversion, and one write(2) per socket instead of ws's writev of header + body.
function textFrame(payload) {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x81;  // FIN, opcode 1 (text)
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(frame, head);
  return frame;
}

function send(ws, n, frame) {
  // ws writes its frames synchronously to the socket (no permessage-deflate here), so a raw write
  // of a whole frame keeps the order of everything sent on this socket.
  if (frame) ws._socket.write(frame);
  else ws.send(JSON.stringify({ type: 'notification', ...n }));
  stats.emitted++;
  if (common.misbehaving(opt)) {
    common.misbehave(opt, stats, ws, ++ws.wrong, n, (s, m) => s.send(JSON.stringify({ type: 'notification', ...m })), (user) => {
      for (const s of wss.clients) if (s.readyState === 1 && s.user !== user) return s;
      return null;
    });
  }
  if (opt.malformed > 0 && ++ws.sent % opt.malformed === 0) {
    ws.send('{"type": "notification", "id": ');  // truncated JSON
    ws.send('[1, 2, 3]');                          // JSON, but not an object
    ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));  // a binary frame
    stats.malformed += 3;
  }
}

function publish(n) {
  stats.published++;
  if (n.target === 'broadcast') {
    const frame = textFrame(Buffer.from(JSON.stringify({ type: 'notification', ...n })));  // framed once for every socket
    for (const ws of wss.clients) if (ws.readyState === 1) send(ws, n, frame);
    stats.broadcasts++;
    return;
  }
  const user = String(n.user);
  const sockets = byUser.get(user);
  if (sockets && sockets.size > 0) {
    for (const ws of sockets) send(ws, n);
  } else {
    queues.push(user, n);
    stats.queued++;
  }
}

wss.on('connection', (ws, user) => {
  ws.sent = 0;
  ws.wrong = 0;
  ws.user = user;
  stats.connections++;
  let set = byUser.get(user);
  if (!set) { set = new Set(); byUser.set(user, set); }
  set.add(ws);
  ws.send(JSON.stringify({ type: 'welcome', user }));
  for (const n of queues.take(user)) {
    send(ws, n);
    stats.dequeued++;
  }
  ws.on('message', (data, isBinary) => {
    let m;
    try {
      m = isBinary ? null : JSON.parse(data.toString('utf8'));
    } catch (e) {
      m = null;
    }
    if (m && typeof m === 'object' && m.type === 'message') {  // a client message: counted, acknowledged
      stats.messages++;
      ws.send(JSON.stringify({ type: 'ack', ref: m.ref }));
      return;
    }
    if (!m || typeof m !== 'object' || m.type !== 'publish') {
      stats.bad_requests++;
      return;
    }
    const batch = Array.isArray(m.notifications) ? m.notifications : [m];
    for (const one of batch) {
      const { type, ref, ...n } = one;
      publish(n);
    }
    ws.send(JSON.stringify({ type: 'ack', ref: m.ref, count: batch.length }));
  });
  ws.on('close', () => {
    stats.disconnections++;
    set.delete(ws);
    if (set.size === 0) byUser.delete(user);
  });
});

// Heartbeat: WebSocket pings, as a production server would send them.
const pinger = setInterval(() => {
  for (const ws of wss.clients) if (ws.readyState === 1) ws.ping();
}, opt.pingInterval);
pinger.unref();

common.listen(httpServer, opt);
