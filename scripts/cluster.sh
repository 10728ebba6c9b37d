#!/usr/bin/env bash
# A whole NetDisk cluster on one machine, for tests and demos (docs/SCALING.md): a single-node
# Ceph, PostgreSQL, Redis, one TLS key for every node, three netdiskd nodes and HAProxy in
# front, every path in one folder, everything on loopback. Run as root (Ceph's daemons;
# PostgreSQL runs as the postgres user).
# Usage: scripts/cluster.sh up [DIR]        DIR: a new folder (default: a new one under /tmp)
#        scripts/cluster.sh down|status [DIR]          (default: the last `up`'s folder)
#        scripts/cluster.sh kill-node|start-node|restart-node N [DIR]
#        scripts/cluster.sh kill-osd|start-osd|restart-osd [DIR]    (OSD 0)
#   up writes DIR/cluster.env (shell KEY=value lines: the HAProxy frontends, each node's own
#   ports and PID, the services' addresses, TLS_FINGERPRINT, every PID it started) and prints
#   DIR. It refuses a folder that already holds a cluster, and stops everything it started if a
#   step fails. down stops every process by PID and waits for each; DIR stays, with every
#   daemon's log (remove it yourself). status prints each process and whether it answers
#   (exit status 1 when one does not).
# Env at `up`: NETDISK_BIN_DIR (default build/bin), NETDISK_CLUSTER_NODES (1-9, default 3),
#   NETDISK_CLUSTER_PROXY=0 (no PROXY protocol between HAProxy and the nodes: for a netdiskd
#   without --proxy-protocol), NETDISK_CLUSTER_NODE_ARGS (more netdiskd options for every node),
#   NETDISK_CEPH_OSDS (1-3, default 1).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scripts="$root/scripts/cluster"
pointer="${TMPDIR:-/tmp}/netdisk-cluster.last"

die() { echo "cluster.sh: $*" >&2; exit 1; }
(($# >= 1)) || die "usage: cluster.sh up|down|status|kill-node|start-node|restart-node|kill-osd|start-osd|restart-osd ..."
action=$1
shift

# The folder of a command other than up: the argument, or the last up's.
existing_dir() {
  local given=${1:-}
  if [[ -z "$given" ]]; then
    [[ -f "$pointer" ]] || die "no folder given and no cluster was brought up ($pointer)"
    given=$(cat "$pointer")
  fi
  [[ -f "$given/settings.env" ]] || die "$given holds no cluster"
  (cd "$given" && pwd)
}

# The TLS key and self-signed certificate every node serves, so a client's trust-on-first-use
# fingerprint is the cluster's whichever node answers. The fingerprint as NetDisk prints it
# (protocol/key_fingerprint.h): SHA-256 of the SubjectPublicKeyInfo, unpadded base64.
make_tls() {
  mkdir -p "$dir/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7300 \
    -subj "/CN=netdisk-cluster" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >/dev/null 2>&1
  chmod 600 "$dir/tls/key.pem"
  fingerprint="SHA256:$(openssl x509 -in "$dir/tls/cert.pem" -pubkey -noout |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64 -w0 | tr -d '=')"
}

# The value of KEY= in a file of KEY=value lines.
value_of() { sed -n "s/^$1=//p" "$2" | tail -1; }

# Ceph, PostgreSQL and Redis at once (Ceph takes the longest); their outputs in DIR/*.out.
start_services() {
  "$scripts/ceph.sh" up "$dir/ceph" >"$dir/ceph.out" 2>&1 &
  local ceph=$!
  "$scripts/pg.sh" up "$dir" >"$dir/pg.out" 2>&1 &
  local pg=$!
  "$scripts/redis.sh" up "$dir" >"$dir/redis.out" 2>&1 &
  local redis=$!
  local failed=""
  wait "$ceph" || failed+=" ceph($(tail -3 "$dir/ceph.out"))"
  wait "$pg" || failed+=" postgresql($(tail -3 "$dir/pg.out"); logs in $dir/pg)"
  wait "$redis" || failed+=" redis($(tail -3 "$dir/redis.out"))"
  [[ -z "$failed" ]] || die "a service did not start:$failed"
  ceph_conf=$(tail -1 "$dir/ceph.out")
  pg_conninfo=$(tail -1 "$dir/pg.out")
  redis_address=$(tail -1 "$dir/redis.out")
}

write_settings() {
  cat >"$dir/settings.env" <<ENV
BIN_DIR='${NETDISK_BIN_DIR:-$root/build/bin}'
NODES=${NETDISK_CLUSTER_NODES:-3}
PROXY_PROTOCOL=${NETDISK_CLUSTER_PROXY:-1}
NODE_ARGS='${NETDISK_CLUSTER_NODE_ARGS:-}'
TLS_CERT='$dir/tls/cert.pem'
TLS_KEY='$dir/tls/key.pem'
PG_CONNINFO='$pg_conninfo'
REDIS='$redis_address'
CEPH_CONF='$ceph_conf'
ENV
}

# Waits until node n answers GET /healthz through its own HAProxy frontend.
wait_node_answers() {
  local n=$1 http
  http=$(value_of "NODE${n}_HTTP" "$dir/cluster.env")
  local deadline=$((SECONDS + 30))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$http/healthz") == 200 ]]; do
    ((SECONDS < deadline)) || die "node$n does not answer /healthz through HAProxy ($http)"
    sleep 0.1
  done
}

# The PID of a pid file, or nothing.
pid_in() { [[ -s "$1" ]] && head -1 "$1" || true; }

write_env() {
  local n
  {
    echo "# NetDisk cluster in $dir ($(date -u +%FT%TZ)); scripts/cluster.sh down $dir stops it."
    echo "CLUSTER_DIR='$dir'"
    cat "$dir/haproxy/frontends.env"
    for ((n = 1; n <= NODES; n++)); do
      read -r tcp http <"$dir/node$n/ports"
      echo "NODE${n}_OWN_TCP=127.0.0.1:$tcp"
      echo "NODE${n}_OWN_HTTP=127.0.0.1:$http"
      echo "NODE${n}_PID=$(pid_in "$dir/node$n/netdiskd.pid")"
    done
    echo "NODES=$NODES"
    echo "PROXY_PROTOCOL=$PROXY_PROTOCOL"
    echo "PG_CONNINFO='$PG_CONNINFO'"
    echo "REDIS=$REDIS"
    echo "CEPH_CONF=$CEPH_CONF"
    echo "TLS_FINGERPRINT=$fingerprint"
    echo "TLS_CERT=$TLS_CERT"
    echo "HAPROXY_PID=$(pid_in "$dir/haproxy/haproxy.pid")"
    echo "HAPROXY_SOCKET=$dir/haproxy/admin.sock"
    echo "CEPH_MON_PID=$(pid_in "$dir/ceph/run/mon.a.pid")"
    local file
    for file in "$dir"/ceph/run/osd.*.pid; do
      local id=${file##*/osd.}
      echo "CEPH_OSD${id%.pid}_PID=$(pid_in "$file")"
    done
    echo "PG_PID=$(pid_in "$dir/pg/data/postmaster.pid")"
    echo "REDIS_PID=$(pid_in "$dir/redis/redis.pid")"
  } >"$dir/cluster.env.tmp"
  mv "$dir/cluster.env.tmp" "$dir/cluster.env"
}

do_down() {
  local n stops=()
  # HAProxy and the nodes first (each node may take its --shutdown-grace to let transfers
  # finish), then what they use; each group at once.
  [[ ! -d "$dir/haproxy" ]] || { "$scripts/haproxy.sh" down "$dir" & stops+=($!); }
  if [[ -f "$dir/settings.env" ]]; then
    for n in "$dir"/node*/; do
      n=${n%/}
      "$scripts/node.sh" stop "$dir" "${n##*/node}" &
      stops+=($!)
    done
  fi
  for n in "${stops[@]}"; do wait "$n" || true; done
  stops=()
  [[ ! -d "$dir/redis" ]] || { "$scripts/redis.sh" down "$dir" & stops+=($!); }
  [[ ! -d "$dir/pg" ]] || { "$scripts/pg.sh" down "$dir" & stops+=($!); }
  [[ ! -d "$dir/ceph" ]] || { "$scripts/ceph.sh" down "$dir/ceph" & stops+=($!); }
  for n in "${stops[@]}"; do wait "$n" || true; done
  rm -f "$dir/cluster.env"
}

do_up() {
  dir=${1:-}
  if [[ -z "$dir" ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/netdisk-cluster.XXXXXX")
  else
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ ! -e "$dir/up.started" ]] || die "$dir already holds a cluster: run down, or use a new folder"
  fi
  # Only one `up` may own a folder, even two started at once.
  (set -o noclobber; date -u +%FT%TZ >"$dir/up.started") 2>/dev/null ||
    die "$dir already holds a cluster: run down, or use a new folder"
  [[ -x "${NETDISK_BIN_DIR:-$root/build/bin}/netdiskd" ]] ||
    die "no netdiskd in ${NETDISK_BIN_DIR:-$root/build/bin} (build it, or set NETDISK_BIN_DIR)"
  trap 'status=$?; if ((status != 0)); then echo "cluster.sh: up failed; stopping what it started" >&2; do_down; fi' EXIT
  local started=$SECONDS n
  # PostgreSQL runs as the postgres user (pg.sh), who must be able to reach DIR.
  chmod o+x "$dir"
  runuser -u postgres -- test -x "$dir" ||
    die "the postgres user cannot reach $dir (a parent folder is closed to others)"
  make_tls
  start_services
  write_settings
  # shellcheck source=/dev/null
  source "$dir/settings.env"
  for ((n = 1; n <= NODES; n++)); do "$scripts/node.sh" start "$dir" "$n"; done
  "$scripts/haproxy.sh" up "$dir" >/dev/null
  write_env
  for ((n = 1; n <= NODES; n++)); do wait_node_answers "$n"; done
  echo "$dir" >"$pointer"
  trap - EXIT
  echo "cluster.sh: up in $((SECONDS - started)) s; addresses in $dir/cluster.env" >&2
  echo "$dir"
}

do_status() {
  local rc=0 n
  # shellcheck source=/dev/null
  source "$dir/settings.env"
  "$scripts/ceph.sh" status "$dir/ceph" || rc=1
  if pg_isready -q -d "$PG_CONNINFO"; then echo "postgresql: answers"; else echo "postgresql: no answer"; rc=1; fi
  local sock=${REDIS#unix:}
  if [[ $(redis-cli -s "$sock" ping 2>/dev/null) == PONG ]]; then echo "redis: answers"; else echo "redis: no answer"; rc=1; fi
  for ((n = 1; n <= NODES; n++)); do
    "$scripts/node.sh" status "$dir" "$n" || rc=1
    local http
    http=$(value_of "NODE${n}_HTTP" "$dir/cluster.env" 2>/dev/null || true)
    if [[ -n "$http" ]]; then
      echo "  /healthz through HAProxy: $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$http/healthz")"
    fi
  done
  "$scripts/haproxy.sh" status "$dir" || rc=1
  return $rc
}

# A node restarted by a test: the same ports, and cluster.env gets its new PID.
do_node() {
  local verb=$1 n=$2
  [[ "$verb" == kill ]] || [[ "$verb" == start ]] || die "bad node action"
  "$scripts/node.sh" "$verb" "$dir" "$n"
  # shellcheck source=/dev/null
  source "$dir/settings.env"
  fingerprint=$(value_of TLS_FINGERPRINT "$dir/cluster.env")
  write_env
  [[ "$verb" != start ]] || wait_node_answers "$n"
}

case "$action" in
  up) do_up "${1:-}" ;;
  down) dir=$(existing_dir "${1:-}"); do_down ;;
  status) dir=$(existing_dir "${1:-}"); do_status ;;
  kill-node|start-node) (($# >= 1)) || die "$action N [DIR]"; dir=$(existing_dir "${2:-}"); do_node "${action%-node}" "$1" ;;
  restart-node) (($# >= 1)) || die "$action N [DIR]"; dir=$(existing_dir "${2:-}"); do_node kill "$1"; do_node start "$1" ;;
  kill-osd|start-osd|restart-osd) dir=$(existing_dir "${1:-}"); "$scripts/ceph.sh" "$action" "$dir/ceph" 0 ;;
  *) die "unknown action '$action'" ;;
esac
