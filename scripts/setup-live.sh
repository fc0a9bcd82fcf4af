#!/usr/bin/env bash
# Installs the npm packages of the live-replay test servers (tests/live: socket.io, ws), exactly
# as pinned by tests/live/package-lock.json. Without Node.js it does nothing: the live CTest tests
# then skip themselves (exit 77).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup-live: node/npm not found; the live replay tests will be skipped"
  exit 0
fi
npm ci --prefix tests/live --no-audit --no-fund
