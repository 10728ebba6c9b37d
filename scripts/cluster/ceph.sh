#!/usr/bin/env bash
# A single-node Ceph (pacific, Debian 12) for tests and demos: one monitor and NETDISK_CEPH_OSDS
# OSDs (default 1, at most 3) on sparse files, with every path in DIR, on loopback, as root, no
# systemd. Pool size 1: it keeps no redundancy and is not for real data (docs/SCALING.md says
# what a real deployment needs).
# Usage: scripts/cluster/ceph.sh up|down|status DIR
#        scripts/cluster/ceph.sh kill-osd|start-osd|restart-osd DIR [ID]   (ID default 0)
#   up:     makes DIR/ceph.conf, a keyring, the monitor and the OSDs, creates the pool
#           NETDISK_CEPH_POOL (default netdisk), returns once a `rados put` into it is answered,
#           and prints DIR/ceph.conf. Refuses a DIR that already holds a cluster.
#   down:   stops every daemon by the PID in DIR/run/*.pid and waits for each to exit.
#   status: one line per daemon (running or not) and `ceph health`.
#   kill-osd sends the OSD SIGKILL (a crash); start-osd starts it again on the same store and
#   waits until the monitor sees it up; restart-osd does both.
# A manager daemon is left out (rados I/O does not need one; `ceph health` then warns about it)
# unless NETDISK_CEPH_MGR=1.
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

die() { echo "ceph.sh: $*" >&2; exit 1; }
(($# >= 2)) || die "usage: ceph.sh up|down|status|kill-osd|start-osd|restart-osd DIR [ID]"
action=$1
dir=$2
osd_count=${NETDISK_CEPH_OSDS:-1}
pool=${NETDISK_CEPH_POOL:-netdisk}
[[ "$osd_count" =~ ^[1-3]$ ]] || die "NETDISK_CEPH_OSDS must be 1, 2 or 3"

conf="$dir/ceph.conf"
ceph_cmd() { timeout 60 ceph -c "$conf" --connect-timeout 30 "$@"; }

# An ephemeral loopback port nothing listens on now: the monitor cannot take port 0 (its address
# is written into the monmap before it starts).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits (up to $1 seconds) until the command in the remaining arguments succeeds.
wait_for() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }


write_conf() {
  local fsid=$1 port=$2
  cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$port
mon initial members = a
public network = 127.0.0.0/8
ms bind msgr1 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon osd full ratio = 0.97
mon osd nearfull ratio = 0.95
mon osd backfillfull ratio = 0.96
auth allow insecure global id reclaim = false
# The folder sits on a shared disk that may be more than 70% full: the default warning (30% free)
# and shutdown (5% free) thresholds would stop a test cluster that holds a few MiB.
mon data avail warn = 2
mon data avail crit = 1
[mon]
# The daemons' admin sockets; clients (every node is client.admin) keep the default, which
# carries the process id, so that they do not fight over one name.
admin socket = $dir/run/\$name.asok
err to stderr = false
mon data = $dir/mon/\$name
mon cluster log file = $dir/log/cluster.log
[osd]
admin socket = $dir/run/\$name.asok
err to stderr = false
osd data = $dir/osd/\$id
keyring = $dir/osd/\$id/keyring
osd objectstore = bluestore
bluestore block path = $dir/osd/\$id.block
bluestore block create = true
bluestore block size = ${NETDISK_CEPH_OSD_BYTES:-21474836480}
bluestore fsck on mount = false
osd memory target = 1073741824
osd max object size = 134217728
osd heartbeat grace = 10
osd op num shards = 2
osd op num threads per shard = 2
CONF
}

make_mon() {
  local fsid=$1 port=$2
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$port]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" \
    >"$dir/log/mon-mkfs.log" 2>&1
  # Daemons keep no descriptor of the caller's (a test reading this script's output waits for
  # every writer to close it).
  ceph-mon -c "$conf" -i a </dev/null >>"$dir/log/mon.a.out" 2>&1
  wait_for 30 ceph_cmd mon stat || die "the monitor does not answer (see $dir/log/mon.a.log)"
}

make_osd() {
  local id=$1 uuid secret
  uuid=$(uuidgen)
  secret=$(ceph-authtool --gen-print-key)
  mkdir -p "$dir/osd/$id"
  printf '{"cephx_secret": "%s"}\n' "$secret" >"$dir/osd/$id/new.json"
  local got
  got=$(ceph_cmd osd new "$uuid" "$id" -i "$dir/osd/$id/new.json")
  [[ "$got" == "$id" ]] || die "the monitor gave OSD id '$got', expected $id"
  rm -f "$dir/osd/$id/new.json"
  printf '[osd.%s]\n\tkey = %s\n' "$id" "$secret" >"$dir/osd/$id/keyring"
  ceph-osd -c "$conf" -i "$id" --mkfs --key "$secret" --osd-uuid "$uuid" \
    >"$dir/log/osd.$id-mkfs.log" 2>&1 || die "ceph-osd --mkfs failed (see $dir/log/osd.$id-mkfs.log)"
  start_osd "$id"
}

osd_is_up() { ceph_cmd osd dump --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(o["osd"] == int(sys.argv[1]) and o["up"] == 1 for o in d["osds"]) else 1)
' "$1"; }

start_osd() {
  local id=$1
  ! pid_alive "$dir/run/osd.$id.pid" || die "osd.$id is already running"
  ceph-osd -c "$conf" -i "$id" </dev/null >>"$dir/log/osd.$id.out" 2>&1
  wait_for 60 osd_is_up "$id" || die "osd.$id did not come up (see $dir/log/osd.$id.log)"
}

start_mgr() {
  mkdir -p "$dir/mgr/x"
  ceph_cmd auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
    -o "$dir/mgr/x/keyring"
  ceph-mgr -c "$conf" -i x --mgr-data "$dir/mgr/x" --keyring "$dir/mgr/x/keyring" \
    </dev/null >>"$dir/log/mgr.x.out" 2>&1
}

# The proof that the cluster takes writes: an object put and read back.
probe_write() {
  local probe="$dir/run/probe"
  echo "netdisk ceph probe $$" >"$probe"
  timeout 30 rados -c "$conf" -p "$pool" put netdisk-probe "$probe" &&
    timeout 30 rados -c "$conf" -p "$pool" get netdisk-probe "$probe.back" &&
    cmp -s "$probe" "$probe.back" &&
    timeout 30 rados -c "$conf" -p "$pool" rm netdisk-probe
}

do_down() {
  local file
  shopt -s nullglob
  # OSDs first, then the manager, the monitor last (the others report to it on the way out).
  local stops=() pid
  for file in "$dir"/run/osd.*.pid; do stop_pid_file "$file" & stops+=($!); done
  for pid in "${stops[@]}"; do wait "$pid" || true; done
  for file in "$dir"/run/mgr.*.pid; do stop_pid_file "$file"; done
  for file in "$dir"/run/mon.*.pid; do stop_pid_file "$file"; done
}

do_up() {
  [[ ! -e "$conf" ]] || die "$dir already holds a cluster ($conf): run down, or use a new folder"
  mkdir -p "$dir/run" "$dir/log" "$dir/mon" "$dir/osd"
  dir=$(cd "$dir" && pwd)
  conf="$dir/ceph.conf"
  # Whatever fails from here on, stop what was started.
  trap 'status=$?; if ((status != 0)); then do_down; fi' EXIT
  local fsid port
  fsid=$(uuidgen)
  port=$(free_port)
  write_conf "$fsid" "$port"
  make_mon "$fsid" "$port"
  local id
  for ((id = 0; id < osd_count; id++)); do make_osd "$id"; done
  if [[ "${NETDISK_CEPH_MGR:-0}" == 1 ]]; then
    start_mgr
  else
    # Without a manager `ceph health` turns to HEALTH_ERR after a minute (MGR_DOWN) although
    # every read and write works: muted, so that health shows what matters here.
    ceph_cmd health mute MGR_DOWN >/dev/null 2>&1 || true
  fi
  ceph_cmd osd pool create "$pool" 8 8 >/dev/null 2>&1
  ceph_cmd osd pool set "$pool" size 1 --yes-i-really-mean-it >/dev/null 2>&1
  ceph_cmd osd pool application enable "$pool" rados >/dev/null 2>&1
  wait_for 60 probe_write || die "the pool $pool takes no writes (see $dir/log)"
  trap - EXIT
  echo "$conf"
}

do_status() {
  local file name rc=0
  shopt -s nullglob
  for file in "$dir"/run/*.pid; do
    name=$(basename "$file" .pid)
    if pid_alive "$file"; then echo "$name: running (pid $(cat "$file"))"
    else echo "$name: not running"; rc=1; fi
  done
  ceph_cmd health || rc=1
  return $rc
}

case "$action" in
  up) do_up ;;
  down) [[ -d "$dir" ]] || die "no such folder $dir"; do_down ;;
  status) do_status ;;
  kill-osd) stop_pid_file "$dir/run/osd.${3:-0}.pid" KILL ;;
  start-osd) start_osd "${3:-0}" ;;
  restart-osd) stop_pid_file "$dir/run/osd.${3:-0}.pid" KILL; start_osd "${3:-0}" ;;
  *) die "unknown action '$action'" ;;
esac
