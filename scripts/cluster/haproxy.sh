#!/usr/bin/env bash
# HAProxy in front of the nodes of a cluster that scripts/cluster.sh brings up: one balanced
# frontend pair (the NetDisk protocol in TCP mode, the web side in HTTP mode) and one pair per
# node that reaches that node alone (how a test talks to "node 2"). Every frontend is on
# loopback at a free ephemeral port; every connection to a node starts with a PROXY protocol v2
# header (send-proxy-v2) unless DIR/settings.env says PROXY_PROTOCOL=0.
# Usage: scripts/cluster/haproxy.sh up|down|status DIR
#        scripts/cluster/haproxy.sh cmd DIR 'RUNTIME API COMMAND'   (e.g. 'show stat')
#   up:     reads the nodes' ports (DIR/nodeN/ports), writes DIR/haproxy/haproxy.cfg, starts
#           HAProxy (its PID in DIR/haproxy/haproxy.pid) and prints the frontends as
#           cluster.env lines. A port taken between the pick and the bind: new ports, again.
#   status: each backend server as HAProxy's health checks see it (UP, DOWN, MAINT).
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

die() { echo "haproxy.sh: $*" >&2; exit 1; }
(($# >= 2)) || die "usage: haproxy.sh up|down|status|cmd DIR [COMMAND]"
action=$1
dir=$(cd "$2" && pwd)
hdir="$dir/haproxy"
pid_file="$hdir/haproxy.pid"
socket="$hdir/admin.sock"
[[ -f "$dir/settings.env" ]] || die "$dir/settings.env is missing: not a cluster folder"
# shellcheck source=/dev/null
source "$dir/settings.env"

# `count` distinct loopback ports nothing listens on now (all held open until all are picked).
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}

# One command on HAProxy's runtime API (its unix socket); prints the answer.
runtime() {
  python3 - "$socket" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode())
PY
}

# The server line of node `n` in a backend; $1: the port that backend forwards to.
server_line() {
  local n=$1 port=$2 http_port=$3 proxy=""
  [[ "$PROXY_PROTOCOL" != 1 ]] || proxy="send-proxy-v2"
  # The TCP backends are checked on the node's HTTP port (GET /healthz there): a bare connect to
  # the NetDisk port would log a refused handshake every second. check-send-proxy: the node wants
  # the PROXY header on that port too.
  local check="check inter 1s fall 2 rise 1"
  if [[ "$port" != "$http_port" ]]; then
    check+=" port $http_port"
    [[ "$PROXY_PROTOCOL" != 1 ]] || check+=" check-send-proxy"
  fi
  echo "  server node$n 127.0.0.1:$port $proxy $check"
}

# backend NAME MODE NODES...: a backend over the given node numbers.
backend() {
  local name=$1 mode=$2 n tcp http
  shift 2
  echo "backend $name"
  echo "  mode $mode"
  # The NetDisk protocol's connections are long (a session, a chat member, a big transfer):
  # leastconn spreads them by what each node carries now. HTTP requests are short: roundrobin.
  if [[ "$mode" == tcp ]]; then echo "  balance leastconn"; else echo "  balance roundrobin"; fi
  echo "  option httpchk GET /healthz"
  echo "  http-check expect status 200"
  for n in "$@"; do
    read -r tcp http <"$dir/node$n/ports"
    if [[ "$mode" == tcp ]]; then server_line "$n" "$tcp" "$http"; else server_line "$n" "$http" "$http"; fi
  done
}

frontend() {  # frontend NAME MODE PORT BACKEND
  printf 'frontend %s\n  mode %s\n  bind 127.0.0.1:%s\n  default_backend %s\n' "$1" "$2" "$3" "$4"
}

write_config() {
  local -a ports
  read -r -a ports <<<"$1"
  local nodes=() n i=2
  for ((n = 1; n <= NODES; n++)); do nodes+=("$n"); done
  {
    cat <<CFG
global
  daemon
  pidfile $pid_file
  maxconn 4096
  stats socket $socket mode 600 level admin

defaults
  timeout connect 5s
  # Transfers of many GiB and idle chat members: the nodes' own deadlines (--idle-timeout,
  # --min-stream-rate) end dead connections; HAProxy's only catch what they cannot see.
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h
  timeout http-request 30s
  timeout http-keep-alive 60s
  timeout queue 30s
  timeout check 5s
  # A connection refused by a node that just died goes to another (the balanced frontends).
  retries 2
  option redispatch

CFG
    frontend netdisk_tcp tcp "${ports[0]}" nodes_tcp
    frontend netdisk_http http "${ports[1]}" nodes_http
    backend nodes_tcp tcp "${nodes[@]}"
    backend nodes_http http "${nodes[@]}"
    for n in "${nodes[@]}"; do
      frontend "node${n}_tcp" tcp "${ports[i]}" "node${n}_tcp"
      frontend "node${n}_http" http "${ports[i + 1]}" "node${n}_http"
      backend "node${n}_tcp" tcp "$n"
      backend "node${n}_http" http "$n"
      i=$((i + 2))
    done
  } >"$hdir/haproxy.cfg"
}

# Prints the cluster.env lines for the frontends of the port list $1.
env_lines() {
  local -a ports
  read -r -a ports <<<"$1"
  local n i=2
  echo "NETDISK_TCP=127.0.0.1:${ports[0]}"
  echo "NETDISK_HTTP=127.0.0.1:${ports[1]}"
  for ((n = 1; n <= NODES; n++)); do
    echo "NODE${n}_TCP=127.0.0.1:${ports[i]}"
    echo "NODE${n}_HTTP=127.0.0.1:${ports[i + 1]}"
    i=$((i + 2))
  done
}

up() {
  [[ ! -f "$pid_file" ]] || die "HAProxy already runs for $dir"
  mkdir -p "$hdir"
  local attempt ports
  for attempt in 1 2 3 4 5; do
    ports=$(free_ports $((2 + 2 * NODES)))
    write_config "$ports"
    # Start errors (a port taken) come on stderr before it forks into the background.
    if haproxy -f "$hdir/haproxy.cfg" >"$hdir/start.log" 2>&1; then
      env_lines "$ports" | tee "$hdir/frontends.env"
      return 0
    fi
    grep -q "cannot bind" "$hdir/start.log" || { cat "$hdir/start.log" >&2; die "HAProxy did not start"; }
    echo "haproxy.sh: a picked port was taken (attempt $attempt); picking again" >&2
  done
  die "HAProxy could not bind its ports in 5 attempts"
}

down() { stop_pid_file "$pid_file" TERM; }

status() {
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "haproxy: running (pid $(cat "$pid_file"))"
    # "show stat" is CSV: proxy name, server name, ..., status in column 18.
    runtime "show stat" | awk -F, '$2 ~ /^node/ {printf "  %s/%s: %s\n", $1, $2, $18}'
  else
    echo "haproxy: not running"
    return 1
  fi
}

case "$action" in
  up) up ;;
  down) down ;;
  status) status ;;
  cmd) (($# == 3)) || die "usage: haproxy.sh cmd DIR 'COMMAND'"; runtime "$3" ;;
  *) die "unknown action '$action'" ;;
esac
