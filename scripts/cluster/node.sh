#!/usr/bin/env bash
# One netdiskd node of a cluster that scripts/cluster.sh brings up: starts it in the background
# with the cluster's options (docs/SCALING.md), kills it, or says whether it runs. Reads the
# cluster's settings from DIR/settings.env (cluster.sh writes it before the first node starts).
# Usage: scripts/cluster/node.sh start|kill|stop|status DIR N
#   start:  starts node N (--data DIR/nodeN, its log in DIR/nodeN/netdiskd.log, its PID in
#           DIR/nodeN/netdiskd.pid) and returns once both port files are written. A node that
#           ran before gets the ports it had.
#   kill:   SIGKILL (a crash), then waits until it has exited. stop: SIGTERM (a clean stop),
#           SIGKILL after 30 s.
#   status: "nodeN: running (pid P, tcp PORT, http PORT)" or "nodeN: not running" (exit 1).
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

die() { echo "node.sh: $*" >&2; exit 1; }
(($# == 3)) || die "usage: node.sh start|kill|stop|status DIR N"
action=$1
dir=$(cd "$2" && pwd)
n=$3
[[ "$n" =~ ^[1-9]$ ]] || die "node number must be 1-9"
node_dir="$dir/node$n"
pid_file="$node_dir/netdiskd.pid"
[[ -f "$dir/settings.env" ]] || die "$dir/settings.env is missing: not a cluster folder"
# shellcheck source=/dev/null
source "$dir/settings.env"

running() { [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }


# The options of the contract (docs/SCALING.md): loopback listeners, the cluster's one TLS key,
# the shared PostgreSQL, RADOS and Redis, and the PROXY protocol header from HAProxy.
node_args() {
  local tcp_port=$1 http_port=$2
  args=(--data "$node_dir" --listen "127.0.0.1:$tcp_port" --http "127.0.0.1:$http_port"
    --port-file "$node_dir/tcp.port" --http-port-file "$node_dir/http.port"
    --tls-cert "$TLS_CERT" --tls-key "$TLS_KEY"
    --storage cluster --pg "$PG_CONNINFO" --rados-conf "$CEPH_CONF" --redis "$REDIS"
    --node-name "node$n")
  [[ "$PROXY_PROTOCOL" != 1 ]] || args+=(--proxy-protocol)
  # Extra options for every node (NETDISK_CLUSTER_NODE_ARGS at `up`), split on spaces.
  # shellcheck disable=SC2206
  [[ -z "$NODE_ARGS" ]] || args+=($NODE_ARGS)
}

start() {
  ! running || die "node$n is already running (pid $(cat "$pid_file"))"
  mkdir -p "$node_dir"
  # The first start takes ephemeral ports; later ones take the same again (DIR/nodeN/ports),
  # so HAProxy's backends stay right.
  local tcp_port=0 http_port=0
  [[ ! -s "$node_dir/ports" ]] || read -r tcp_port http_port <"$node_dir/ports"
  rm -f "$node_dir/tcp.port" "$node_dir/http.port"
  node_args "$tcp_port" "$http_port"
  # Its own session, so a Ctrl-C at the terminal that ran `up` does not reach it.
  setsid "$BIN_DIR/netdiskd" "${args[@]}" >>"$node_dir/netdiskd.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  local deadline=$((SECONDS + 30))
  until [[ -s "$node_dir/tcp.port" && -s "$node_dir/http.port" ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      tail -20 "$node_dir/netdiskd.log" >&2
      die "node$n exited at start (log: $node_dir/netdiskd.log)"
    fi
    ((SECONDS < deadline)) || { stop_pid_file "$pid_file" KILL; die "node$n wrote no port file in 30 s"; }
    sleep 0.05
  done
  echo "$(cat "$node_dir/tcp.port") $(cat "$node_dir/http.port")" >"$node_dir/ports"
}

case "$action" in
  start) start ;;
  kill) stop_pid_file "$pid_file" KILL ;;
  stop) stop_pid_file "$pid_file" TERM ;;
  status)
    if running; then
      echo "node$n: running (pid $(cat "$pid_file"), tcp $(cat "$node_dir/tcp.port" 2>/dev/null)," \
        "http $(cat "$node_dir/http.port" 2>/dev/null))"
    else
      echo "node$n: not running"
      exit 1
    fi
    ;;
  *) die "unknown action '$action'" ;;
esac
