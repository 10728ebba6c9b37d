#!/usr/bin/env bash
# A scratch Redis 7 for cluster mode's tests and scripts/cluster.sh: on a unix socket in
# DIR/redis only (no TCP port), no persistence. Stopped by the PID in its pid file.
# Usage: scripts/cluster/redis.sh up DIR    (prints the address: unix:DIR/redis/redis.sock)
#        scripts/cluster/redis.sh down DIR
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cmd=${1:?usage: redis.sh up|down DIR}
dir=$(realpath -m "${2:?usage: redis.sh up|down DIR}")
rd=$dir/redis

up() {
  [[ ! -e $rd/redis.pid ]] || { echo "redis.sh: already running in $rd" >&2; exit 1; }
  mkdir -p "$rd"
  redis-server --port 0 --unixsocket "$rd/redis.sock" --unixsocketperm 700 \
    --save '' --appendonly no --daemonize yes --pidfile "$rd/redis.pid" \
    --logfile "$rd/redis.log" --dir "$rd"
  for _ in $(seq 300); do
    if [[ $(redis-cli -s "$rd/redis.sock" ping 2>/dev/null) == PONG ]]; then
      echo "unix:$rd/redis.sock"
      return 0
    fi
    sleep 0.1
  done
  echo "redis.sh: Redis did not answer within 30 s (see $rd/redis.log)" >&2
  exit 1
}

down() { stop_pid_file "$rd/redis.pid" TERM; }

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: redis.sh up|down DIR" >&2; exit 2 ;;
esac
