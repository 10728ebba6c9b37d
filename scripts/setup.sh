#!/usr/bin/env bash
# Installs missing Debian packages, configures and builds NetDisk into build/ (binaries in
# build/bin/). Idempotent and incremental: a second run only rebuilds what changed.
# Usage: scripts/setup.sh [extra package sets for deps.sh: browser bench fuzz]
# Environment: NETDISK_BUILD_DIR (default build), NETDISK_BUILD_TYPE (default RelWithDebInfo),
#              NETDISK_CMAKE_ARGS (extra arguments for cmake, e.g. -DNETDISK_SANITIZE=thread).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/scripts/deps.sh" build "$@"

build_dir=${NETDISK_BUILD_DIR:-build}
build_type=${NETDISK_BUILD_TYPE:-RelWithDebInfo}
jobs=$(nproc)
# Boost-heavy translation units take about 1 GiB each; keep a margin on small machines.
mem_gib=$(awk '/MemTotal/ {print int($2 / 1048576)}' /proc/meminfo)
if ((mem_gib < jobs)); then jobs=$((mem_gib > 0 ? mem_gib : 1)); fi

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/netdisk-ccache}
# Tests and benchmarks on, explicitly: a build folder that scripts/serve.sh configured for the
# server alone gains them here.
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DNETDISK_BUILD_TESTS=ON \
  -DNETDISK_BUILD_BENCH=ON ${NETDISK_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" --parallel "$jobs"
