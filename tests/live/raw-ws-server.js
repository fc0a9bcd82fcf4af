#!/usr/bin/env node
// A hostile WebSocket server on node's `net` alone, for the replay's frame-size limit (issue 12,
// item 11): it completes the RFC 6455 upgrade of every WebSocket request, then sends the header
// of a text frame announcing --frame-length bytes (default 2^63-1) and nothing more, keeping the
// socket open. A client must reject the frame on its header and close at once, not wait for a
// payload that never comes. HTTP POST /publish is answered 200 (so that HTTP publishing works),
// GET /stats with the counters. Loopback only; prints `PORT <n>` first.
//
// Options: --port N, --frame-length N (a decimal integer below 2^64).
'use strict';

const crypto = require('crypto');
const net = require('net');

const opt = { port: Number(process.env.PORT ?? 0), frameLength: (1n << 63n) - 1n };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const value = () => {
    if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
    return argv[++i];
  };
  switch (argv[i]) {
    case '--port': opt.port = Number(value()); break;
    case '--frame-length': opt.frameLength = BigInt(value()); break;
    default: throw new Error(`unknown option ${argv[i]}`);
  }
}

const stats = { connections: 0, upgrades: 0, oversized_headers: 0, published: 0, closed_by_client: 0 };

// The header of an unmasked, final text frame with a 64-bit length (RFC 6455 5.2).
function oversizedHeader() {
  const h = Buffer.alloc(10);
  h[0] = 0x81;
  h[1] = 127;
  h.writeBigUInt64BE(opt.frameLength, 2);
  return h;
}

function reply(socket, status, body, close) {
  socket.write(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
               `connection: ${close ? 'close' : 'keep-alive'}\r\n\r\n${body}`);
  if (close) socket.end();
}

// allowHalfOpen: the client's FIN does not close our side; a hostile server keeps it open.
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  stats.connections++;
  let buf = Buffer.alloc(0);
  let upgraded = false;
  socket.on('error', () => {});
  socket.on('end', () => { if (upgraded) stats.closed_by_client++; });
  socket.on('data', (d) => {
    if (upgraded) return;  // whatever the client says now (a close frame) is ignored
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const lines = head.split('\r\n');
      const [method, url] = lines[0].split(' ');
      const headers = {};
      for (const l of lines.slice(1)) {
        const c = l.indexOf(':');
        if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + length) return;
      buf = buf.subarray(end + 4 + length);
      if ((headers.upgrade ?? '').toLowerCase() === 'websocket' && headers['sec-websocket-key']) {
        const accept = crypto.createHash('sha1').update(headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
          .digest('base64');
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
                     `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
        upgraded = true;
        stats.upgrades++;
        // A moment later, so that the client's read loop is running (as with a real notification).
        setTimeout(() => {
          if (socket.destroyed) return;
          socket.write(oversizedHeader());
          stats.oversized_headers++;
        }, 50);
        return;
      }
      if (method === 'GET' && url === '/stats') reply(socket, '200 OK', JSON.stringify(stats), false);
      else if (method === 'POST' && url === '/publish') { stats.published++; reply(socket, '200 OK', '{"ok":true}', false); }
      else reply(socket, '404 Not Found', '{}', true);
    }
  });
});

server.listen({ port: opt.port, host: '127.0.0.1' }, () => process.stdout.write(`PORT ${server.address().port}\n`));
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
