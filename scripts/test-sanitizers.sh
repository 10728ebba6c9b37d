#!/usr/bin/env bash
# The sanitizer stages of the test command (scripts/test.sh runs this after the default suite):
#   asan  the whole CTest suite built with ASan+UBSan (-fno-sanitize-recover=all) in build-asan,
#         with LeakSanitizer on; tests labelled no-asan are skipped (tests/test_labels.cmake).
#   tsan  the tests labelled concurrency, built with TSan in build-tsan, every netdiskd running
#         $NETDISK_TEST_IO_THREADS (default 4) I/O threads so the tests cross threads.
# Any sanitizer report fails the stage: in a test binary it aborts the test, in netdiskd or
# netdisk the test harness fails the test that started it (tests/e2e/sanitizer_report.h), and
# the CTest log is scanned as well. No test is retried.
# Usage: scripts/test-sanitizers.sh [asan] [tsan]   (default: both)
# Env: NETDISK_ASAN_BUILD_DIR (build-asan), NETDISK_TSAN_BUILD_DIR (build-tsan).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/deps.sh" build
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/netdisk-ccache}

stages=("$@")
((${#stages[@]})) || stages=(asan tsan)

# halt_on_error: the first report ends the process (and so fails the test) instead of scrolling
# past. UBSan aborts anyway (-fno-sanitize-recover=all); its stack trace names the culprit.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

# configure DIR SANITIZERS: a lean build (no benchmarks; -O1 -g1 from cmake/sanitizers.cmake).
# Warnings are not errors here: the default build enforces them, and GCC 12's flow analysis
# under -fsanitize reports false maybe-uninitialized warnings inside libstdc++ (std::regex's
# std::function states), which would stop the build without saying anything about our code.
configure() {
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DNETDISK_SANITIZE=$2" \
    -DNETDISK_BUILD_BENCH=OFF -DNETDISK_WERROR=OFF >/dev/null
}

# run_ctest DIR NAME ARGS...: runs CTest, keeps its log, fails on a failed test or any report.
run_ctest() {
  local dir=$1 name=$2
  shift 2
  local status
  set +e
  ctest --test-dir "$dir" --output-on-failure --parallel 2 --timeout 900 "$@" |
    tee "$dir/ctest.log"
  status=${PIPESTATUS[0]}
  set -e
  if grep -Eq 'SUMMARY: [A-Za-z]+Sanitizer|: runtime error: ' "$dir/ctest.log"; then
    echo "$name: a sanitizer report (see $dir/ctest.log)" >&2
    return 1
  fi
  ((status == 0)) || { echo "$name: tests failed" >&2; return "$status"; }
  local passed
  passed=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$dir/ctest.log")
  echo "$name: ${passed:-0} passed, 0 failed"
}

for stage in "${stages[@]}"; do
  case "$stage" in
    asan)
      dir=${NETDISK_ASAN_BUILD_DIR:-build-asan}
      configure "$dir" "address;undefined"
      started=$SECONDS
      cmake --build "$dir" --parallel 2
      echo "time: ASan+UBSan build took $((SECONDS - started)) s"
      run_ctest "$dir" "sanitizers (ASan+UBSan, whole suite)" -LE no-asan
      ;;
    tsan)
      dir=${NETDISK_TSAN_BUILD_DIR:-build-tsan}
      configure "$dir" thread
      # Only the binaries that hold tests labelled concurrency; CTest lists the others as
      # *_NOT_BUILT, which carry no label and so are not selected.
      started=$SECONDS
      cmake --build "$dir" --parallel 2 --target netdiskd netdisk e2e_chat_test \
        e2e_accounts_test e2e_core_test e2e_files_test e2e_client_files_test \
        accounts_registry_test accounts_password_hasher_test storage_files_test server_unit_test \
        e2e_http_basic_cache_test e2e_idle_outbox_test e2e_small_download_test session_book_test \
        e2e_service_reload_test e2e_metrics_test
      echo "time: TSan build took $((SECONDS - started)) s"
      NETDISK_TEST_IO_THREADS=${NETDISK_TEST_IO_THREADS:-4} \
        run_ctest "$dir" "sanitizers (TSan, concurrency tests)" -L concurrency
      ;;
    *) echo "test-sanitizers.sh: unknown stage '$stage' (asan, tsan)" >&2; exit 2 ;;
  esac
done
