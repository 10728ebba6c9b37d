#!/usr/bin/env bash
# bench/run --cluster (issue #22): aggregate download and upload through HAProxy with 1, 2 and 3
# netdiskd nodes of a scripts/cluster.sh cluster (Ceph, PostgreSQL, Redis on this machine), and
# the same transfers against one netdiskd on local disk in the same run, with the CPU each
# costs per GiB. PAR `netdisk get`/`put` clients at once, each moving one FILE_MIB file, TLS
# everywhere (the cluster's nodes speak TLS; so does the single node here). Every downloaded
# and uploaded file is checked (cksum) outside the timed interval. Median [min-max] of RUNS.
# On one machine every component shares the same cores and disk: this measures the overhead and
# the shape of cluster mode, not how it scales on real machines (docs/BENCHMARKS.md).
# Env: RUNS (3), PAR (4), FILE_MIB (64), NETDISK_BUILD_DIR (build), BENCH_OUT (build/bench-results).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB="$ROOT/bench/lib"
RUNS=${RUNS:-3} PAR=${PAR:-4} FILE_MIB=${FILE_MIB:-64}
build_dir=${NETDISK_BUILD_DIR:-build}
[[ "$build_dir" = /* ]] || build_dir="$ROOT/$build_dir"
BIN="$build_dir/bin"
OUTDIR=${BENCH_OUT:-$ROOT/build/bench-results}
mkdir -p "$OUTDIR"
RESULTS="$OUTDIR/cluster.md"
for b in netdiskd netdisk; do [[ -x "$BIN/$b" ]] || { echo "bench/run --cluster: $BIN/$b missing (build it first)" >&2; exit 1; }; done

# Client files in tmpfs (the client's disk is not what is measured); the servers' on disk, the
# single node's folder on the same file system as the Ceph OSD's block file.
SCRATCH=$(mktemp -d -p /dev/shm netdisk-cluster-bench.XXXXXX)
SERVER_DIR=$(mktemp -d /tmp/netdisk-cluster-bench.XXXXXX)
chmod 711 "$SERVER_DIR"  # PostgreSQL's user must reach the cluster's folder in it
CLUSTER_UP=0 SINGLE_PID=""
cleanup() {
  [[ -z "$SINGLE_PID" ]] || { kill "$SINGLE_PID" 2>/dev/null || true; wait "$SINGLE_PID" 2>/dev/null || true; }
  ((CLUSTER_UP == 0)) || "$ROOT/scripts/cluster.sh" down "$SERVER_DIR/cluster" >/dev/null || true
  rm -rf "$SCRATCH" "$SERVER_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "bench/run --cluster: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

FILE_BYTES=$((FILE_MIB * 1024 * 1024))
head -c "$FILE_BYTES" /dev/urandom >"$SCRATCH/file.bin"
FILE_SUM=$(cksum <"$SCRATCH/file.bin")
USER_NAME=bench USER_PASSWORD=bench-cluster-password-1

started=$SECONDS
NETDISK_BIN_DIR="$BIN" "$ROOT/scripts/cluster.sh" up "$SERVER_DIR/cluster" >/dev/null
CLUSTER_UP=1
echo "bench/run --cluster: cluster up in $((SECONDS - started)) s"
# shellcheck source=/dev/null
source "$SERVER_DIR/cluster/cluster.env"

"$BIN/netdiskd" --data "$SERVER_DIR/single" --listen 127.0.0.1:0 --port-file "$SERVER_DIR/single.port" \
  --log-level warn 2>>"$SERVER_DIR/single.log" &
SINGLE_PID=$!
for _ in $(seq 1 100); do [[ -s "$SERVER_DIR/single.port" ]] && break; sleep 0.1; done
SINGLE_TCP=127.0.0.1:$(cat "$SERVER_DIR/single.port")

client() {  # client SERVER ARGS...: the real client, its saved logins in $SCRATCH/config
  XDG_CONFIG_HOME="$SCRATCH/config" NETDISK_PASSWORD="$USER_PASSWORD" "$BIN/netdisk" --server "$1" "${@:2}"
}
for server in "$SINGLE_TCP" "$NETDISK_TCP"; do
  client "$server" register "$USER_NAME" >/dev/null 2>&1 || true
  client "$server" login "$USER_NAME" >/dev/null
  client "$server" put --quiet "$SCRATCH/file.bin" file.bin
done

# The server side of each setup, as process trees (PostgreSQL's backends are the postmaster's
# children).
CLUSTER_PIDS="$NODE1_PID $NODE2_PID $NODE3_PID $HAPROXY_PID $CEPH_MON_PID $CEPH_OSD0_PID $PG_PID $REDIS_PID"
NODE_PIDS="$NODE1_PID $NODE2_PID $NODE3_PID"
cpu_of() { python3 -c "import sys; sys.path.insert(0, '$LIB'); from proctree import cpu_seconds; print(cpu_seconds([int(p) for p in sys.argv[1:]]))" $1; }

# One timed run: PAR clients at once; prints "seconds cpu_all cpu_netdiskd".
one_run() {
  local server=$1 direction=$2 all_pids=$3 node_pids=$4 i
  rm -rf "$SCRATCH/dl" && mkdir "$SCRATCH/dl"
  local c0 n0 t0 t1
  c0=$(cpu_of "$all_pids") n0=$(cpu_of "$node_pids") t0=$(date +%s.%N)
  local pids=()
  for ((i = 0; i < PAR; i++)); do
    if [[ "$direction" == download ]]; then
      client "$server" get --quiet file.bin "$SCRATCH/dl/$i.bin" &
    else
      client "$server" put --quiet "$SCRATCH/file.bin" "up-$i.bin" &
    fi
    pids+=($!)
  done
  local failed=0
  for i in "${pids[@]}"; do wait "$i" || failed=1; done
  t1=$(date +%s.%N)
  local c1 n1
  c1=$(cpu_of "$all_pids") n1=$(cpu_of "$node_pids")
  awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v n0="$n0" -v n1="$n1" \
    'BEGIN { printf "%.4f %.4f %.4f\n", t1 - t0, c1 - c0, n1 - n0 }' 
  ((failed == 0)) || { echo "bench/run --cluster: a client failed" >&2; return 1; }
  # The check, outside the timed interval: every byte that went down, and up (read back).
  if [[ "$direction" == download ]]; then
    for ((i = 0; i < PAR; i++)); do [[ $(cksum <"$SCRATCH/dl/$i.bin") == "$FILE_SUM" ]] || { echo "bench/run --cluster: download $i differs" >&2; return 1; }; done
  else
    for ((i = 0; i < PAR; i++)); do
      client "$server" get --quiet "up-$i.bin" "$SCRATCH/dl/up-$i.bin"
      [[ $(cksum <"$SCRATCH/dl/up-$i.bin") == "$FILE_SUM" ]] || { echo "bench/run --cluster: upload $i differs" >&2; return 1; }
    done
  fi
}

# measure LABEL SERVER DIRECTION ALL_PIDS NODE_PIDS: RUNS runs after one warm-up; one table row.
measure() {
  local label=$1 r runs=()
  one_run "$2" "$3" "$4" "$5" >/dev/null
  for ((r = 0; r < RUNS; r++)); do runs+=("$(one_run "$2" "$3" "$4" "$5")"); done
  printf '%s\n' "${runs[@]}" | python3 -c '
import statistics, sys
label, total = sys.argv[1], int(sys.argv[2])
rows = [list(map(float, line.split())) for line in sys.stdin if line.strip()]
mib = [total / 1048576 / r[0] for r in rows]
gib = total / 1073741824
cpu = [r[1] / gib for r in rows]
node = [r[2] / gib for r in rows]
f = lambda v, d: f"{statistics.median(v):.{d}f} [{min(v):.{d}f}-{max(v):.{d}f}]"
print(f"| {label} | {f(mib, 0)} | {f(cpu, 2)} | {f(node, 2)} |")
' "$label" $((FILE_BYTES * PAR)) | tee -a "$RESULTS"
}

# Only the first `active` nodes take new connections through the balanced TCP frontend.
use_nodes() {
  local active=$1 n state
  for n in 1 2 3; do
    state=ready; ((n <= active)) || state=maint
    "$ROOT/scripts/cluster/haproxy.sh" cmd "$SERVER_DIR/cluster" "set server nodes_tcp/node$n state $state" >/dev/null
  done
}

{
  echo "Cluster bench $(date -u +%FT%TZ): $PAR clients at once, ${FILE_MIB} MiB each (TLS), RUNS=$RUNS, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  echo
  echo "| setup and direction | aggregate MiB/s | CPU s per GiB, all server processes | of which netdiskd |"
  echo "|---|---|---|---|"
} | tee "$RESULTS"
for direction in download upload; do
  measure "single netdiskd, local disk: $direction" "$SINGLE_TCP" "$direction" "$SINGLE_PID" "$SINGLE_PID"
  for active in 1 2 3; do
    use_nodes "$active"
    measure "cluster, $active node(s) behind HAProxy: $direction" "$NETDISK_TCP" "$direction" "$CLUSTER_PIDS" "$NODE_PIDS"
  done
done
echo "bench/run --cluster: done in $((SECONDS - started)) s; table in $RESULTS"
