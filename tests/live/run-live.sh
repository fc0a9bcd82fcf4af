#!/bin/sh
# CTest entry for the live-replay tests: skipped (exit 77) when Node or the test servers' npm
# packages are missing; scripts/setup-live.sh installs them (npm ci --prefix tests/live).
here=$(dirname "$0")
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node not found (the live tests need Node.js >= 18)"
  exit 77
fi
exec node "$here/run-live.js" "$@"
