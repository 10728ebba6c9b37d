# Shared helpers of the package tests (sourced, not run). Each test is a bash script that CTest
# runs with NETDISK_SOURCE_DIR, NETDISK_BUILD_DIR and NETDISK_BIN_DIR set (CMakeLists.txt);
# exit 0 passes, 77 skips (with a line saying why), anything else fails.

source_dir=${NETDISK_SOURCE_DIR:?set by CTest}
build_dir=${NETDISK_BUILD_DIR:?set by CTest}
bin_dir=${NETDISK_BIN_DIR:-$build_dir/bin}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

skip() {
  echo "SKIP: $*" >&2
  exit 77
}

# wait_for CONDITION...: runs the condition every 0.1 s until it succeeds, for at most 60 s:
# waits on the event itself (a file appearing), never a fixed time.
wait_for() {
  local deadline=$((SECONDS + 60))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

nonempty_file() { [[ -s $1 ]]; }

# alive PID: the process still runs (and is not a zombie).
alive() { [[ -d /proc/$1 ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# start_server LOG PORT_DIR COMMAND...: starts COMMAND (a netdiskd with --port-file PORT_DIR/tcp
# and --http-port-file PORT_DIR/http among its arguments) in the background, sets server_pid,
# and waits for both port files; fails with the server's log when it exits first.
start_server() {
  local log=$1 port_dir=$2
  shift 2
  server_log=$log
  "$@" >"$log" 2>&1 &
  server_pid=$!
  server_ready() { ! alive "$server_pid" || { nonempty_file "$port_dir/tcp" && nonempty_file "$port_dir/http"; }; }
  wait_for server_ready || fail "the server wrote no port files within 60 s: $(cat "$log")"
  alive "$server_pid" || fail "the server exited at start: $(cat "$log")"
}

# stop_server: SIGTERM to the server started by start_server, by its PID, and waits for it
# (for traps: it never fails).
stop_server() {
  if [[ -n ${server_pid:-} ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    server_status=0
    wait "$server_pid" 2>/dev/null || server_status=$?
    server_pid=""
  fi
}

# stop_server_checked: stop_server, then fails unless the server exited 0 and its log holds no
# sanitizer report (the suite also runs under ASan+UBSan).
stop_server_checked() {
  stop_server
  ((server_status == 0)) ||
    fail "the server exited with status $server_status after SIGTERM: $(tail -n 20 "$server_log")"
  if grep -qE 'SUMMARY: [A-Za-z]+Sanitizer|: runtime error: ' "$server_log"; then
    fail "a sanitizer report in the server's log: $(cat "$server_log")"
  fi
}

# no_sanitizer_report FILE...: fails when a client's output holds a sanitizer report.
no_sanitizer_report() {
  if grep -qE 'SUMMARY: [A-Za-z]+Sanitizer|: runtime error: ' "$@"; then
    fail "a sanitizer report in $*: $(cat "$@")"
  fi
}
