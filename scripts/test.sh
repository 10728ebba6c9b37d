#!/usr/bin/env bash
# Sets up, builds and runs the whole NetDisk test suite: unit tests and end-to-end tests
# against the real binaries, the browser test, the benchmark smoke test, 30 s per fuzz harness,
# the whole suite under ASan+UBSan and the concurrency tests under TSan. Exits non-zero if
# anything fails.
# Env (for quicker local runs; CI sets neither): NETDISK_TEST_SANITIZERS=0 skips the sanitizer
# stages, NETDISK_TEST_FUZZ=0 skips the fuzz runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# stage_took NAME: how long the stage that just ended took, so a slow stage shows in CI's log.
stage_start=$SECONDS
stage_took() { echo "time: $1 took $((SECONDS - stage_start)) s"; stage_start=$SECONDS; }

"$root/scripts/setup.sh" cluster  # the cluster tests start PostgreSQL, Redis, Ceph, HAProxy
stage_took "set-up and build"
build_dir=${NETDISK_BUILD_DIR:-build}
# No retries: a test that fails once fails the run, and a flaky test is a bug to fix.
ctest --test-dir "$build_dir" --output-on-failure --parallel 2 --timeout 600 |
  tee "$build_dir/ctest.log"
ctest_status=${PIPESTATUS[0]}
((ctest_status == 0)) || exit "$ctest_status"
stage_took "CTest"

# The web page in headless Chromium (installs chromium and playwright-core when missing).
"$root/scripts/test-browser.sh" | tee "$build_dir/browser.log"
browser_status=${PIPESTATUS[0]}
((browser_status == 0)) || exit "$browser_status"
browser_passed=$(sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p' "$build_dir/browser.log" | tail -1)
browser_passed=${browser_passed:-0}
stage_took "browser test"

# The benchmarks still run (a smoke test: NetDisk only, small sizes, no speed asserted).
BENCH_SKIP_BUILD=1 NETDISK_BUILD_DIR="$build_dir" "$root/bench/run" --quick > "$build_dir/bench-quick.log" 2>&1 ||
  { tail -40 "$build_dir/bench-quick.log"; echo "bench/run --quick failed" >&2; exit 1; }
echo "bench/run --quick: ok"
stage_took "bench/run --quick"

# Each libFuzzer harness for 30 s, two at a time, from the committed seeds (tests/fuzz/).
# Longer campaigns: scripts/fuzz.sh SECONDS. Set NETDISK_TEST_FUZZ=0 to skip locally.
if [[ "${NETDISK_TEST_FUZZ:-1}" != 0 ]]; then
  "$root/scripts/fuzz.sh" --ci -j 2 > "$build_dir/fuzz-ci.log" 2>&1 ||
    { tail -80 "$build_dir/fuzz-ci.log"; echo "scripts/fuzz.sh --ci found something" >&2; exit 1; }
  sed -n '/=== fuzz summary/,$p' "$build_dir/fuzz-ci.log"
  stage_took "fuzz runs (build included)"
fi

# The sanitizer stages (scripts/test-sanitizers.sh): the whole suite under ASan+UBSan, the
# concurrency tests under TSan, each in its own build folder (docs/SECURITY.md, "Sanitizers").
# Their builds are the longest part of a cold run; NETDISK_TEST_SANITIZERS=0 skips them locally.
if [[ "${NETDISK_TEST_SANITIZERS:-1}" != 0 ]]; then
  "$root/scripts/test-sanitizers.sh"
  stage_took "sanitizer stages (builds included)"
else
  echo "sanitizers: skipped (NETDISK_TEST_SANITIZERS=0)"
fi

# One closing line for the whole run: every CTest test plus the browser checks passed.
ctest_total=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$build_dir/ctest.log")
echo "all: $((ctest_total + browser_passed)) passed, 0 failed"
