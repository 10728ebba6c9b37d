#!/usr/bin/env bash
# Sets up and builds NetDisk, then starts the server in the foreground with working defaults:
# data in ./netdisk-data (relative to where you run it), TCP on 127.0.0.1:7070.
# Extra arguments go to netdiskd (see build/bin/netdiskd --help). Stop it with Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
exec "$root/build/bin/netdiskd" --data "${NETDISK_DATA:-./netdisk-data}" "$@"
