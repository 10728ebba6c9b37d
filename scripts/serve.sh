#!/usr/bin/env bash
# The first start: installs what the server and the client need to build (nothing the tests
# need), builds only netdiskd and netdisk into build/bin/, then starts the server in the
# foreground with working defaults: data in ./netdisk-data (relative to where you run it), the
# NetDisk protocol on 127.0.0.1:7070 and the web page on http://127.0.0.1:7080/.
# Extra arguments go to netdiskd (see build/bin/netdiskd --help). Stop it with Ctrl-C.
# Env: NETDISK_DATA (default ./netdisk-data), NETDISK_BUILD_DIR (default build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${NETDISK_BUILD_DIR:-$root/build}
data=${NETDISK_DATA:-./netdisk-data}

"$root/scripts/deps.sh" server
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/netdisk-ccache}
if [[ ! -f "$build_dir/build.ninja" ]]; then
  # A new build folder is configured for the server and the client alone; scripts/setup.sh
  # (the test command's) turns the tests and benchmarks on in the same folder later.
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${NETDISK_BUILD_TYPE:-RelWithDebInfo}" \
    -DNETDISK_BUILD_TESTS=OFF -DNETDISK_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" --target netdiskd netdisk

# Where to go next, for the default addresses (arguments given here may change them).
cat >&2 <<TXT

NetDisk is starting (data in $data).
  Web page:    http://127.0.0.1:7080/  (register there, then log in)
  Client:      $build_dir/bin/netdisk register NAME   (then: netdisk login NAME, netdisk ls)
  First admin: $build_dir/bin/netdiskd admin --data $data user add NAME --admin
               (works while the server runs; an admin sees the user list in the web page)
  Options:     $build_dir/bin/netdiskd --help; administration: docs/ADMIN.md
TXT
exec "$build_dir/bin/netdiskd" --data "$data" "$@"
