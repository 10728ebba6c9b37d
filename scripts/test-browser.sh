#!/usr/bin/env bash
# Runs the browser test of the web page (tests/browser/run.mjs) against build/bin/netdiskd
# (or $NETDISK_BUILD_DIR/bin/netdiskd):
# installs chromium and node if missing, the pinned playwright-core from package-lock.json,
# then drives headless chromium. Usage: scripts/test-browser.sh  (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh browser  # chromium, and node/npm only where the machine has none

netdiskd=${NETDISK_BUILD_DIR:-build}/bin/netdiskd
[[ "$netdiskd" = /* ]] || netdiskd="$PWD/$netdiskd"
if [[ ! -x "$netdiskd" ]]; then
  echo "test-browser.sh: $netdiskd is missing; run scripts/setup.sh first" >&2
  exit 2
fi
export NETDISKD=$netdiskd

cd tests/browser
if [[ ! -d node_modules/playwright-core ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# playwright-core never downloads a browser; the test uses /usr/bin/chromium.
exec node run.mjs
