# shellcheck shell=bash
# Shared by the scripts of scripts/cluster/ (sourced): stopping what they started, by PID.

# stop_pid_file FILE [SIGNAL]: sends SIGNAL (default TERM) to the process whose PID is on the
# first line of FILE, waits until it has exited (SIGKILL after 30 s), and removes FILE unless
# KEEP_PID_FILE=1 (PostgreSQL removes its own). Nothing to do when FILE is missing.
stop_pid_file() {
  local file=$1 signal=${2:-TERM} pid
  [[ -f "$file" ]] || return 0
  pid=$(head -n1 "$file")
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        echo "$(basename "$0"): process $pid did not stop in 30 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
      sleep 0.05
    done
  fi
  [[ ${KEEP_PID_FILE:-0} == 1 ]] || rm -f "$file"
}
