// What the live-test drivers (run-live.js, calibrate-live.js) share: the check that the test
// servers' npm packages are installed (else the test is skipped: exit 77), and starting a test
// server of this directory on a free loopback port (it prints `PORT <n>` first).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const here = __dirname;

// Exits 77 (CTest's skip) when tests/live/node_modules lacks socket.io or ws.
function requireNodeModules() {
  if (!fs.existsSync(path.join(here, 'node_modules', 'socket.io')) || !fs.existsSync(path.join(here, 'node_modules', 'ws'))) {
    console.log('SKIP: tests/live/node_modules is missing (run scripts/setup-live.sh: npm ci --prefix tests/live)');
    process.exit(77);
  }
}

// Starts `script` (a file of this directory) with `args`; resolves to {child, port} once it has
// printed its port, rejects if it does not within 10 s or exits first.
function startServer(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('server did not print its port within 10 s')); }, 10000);
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const m = buf.match(/^PORT (\d+)\n/);
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]) }); }
    });
    child.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`server exited early (${code ?? sig})`)); });
  });
}

module.exports = { requireNodeModules, startServer };
