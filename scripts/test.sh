#!/usr/bin/env bash
# Sets up, builds and runs the whole NetDisk test suite: unit tests and end-to-end tests
# against the real binaries. Exits non-zero if anything fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/setup.sh"
build_dir=${NETDISK_BUILD_DIR:-build}
ctest --test-dir "$build_dir" --output-on-failure --parallel 2 --timeout 600
