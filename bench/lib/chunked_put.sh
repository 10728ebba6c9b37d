#!/usr/bin/env bash
# Chunked PUT against PUT with a Content-Length (issue #18; docs/BENCHMARKS.md, "Levers"):
# the same 1 GiB file sent by `curl -T` to /files, once with Transfer-Encoding: chunked and
# once with its length, alternated ROUNDS times against one netdiskd whose data folder is on
# /dev/shm (so the disk does not set the pace). Prints MB/s and the server's CPU-seconds for
# each run (utime + stime from /proc/<pid>/stat), then medians.
# Usage: bench/lib/chunked_put.sh BUILD_BIN_DIR [ROUNDS]
set -euo pipefail
BIN="$1" ROUNDS="${2:-3}"
SCRATCH=$(mktemp -d /dev/shm/netdisk-chunked.XXXXXX)
ND_PID=""
cleanup() {
  [ -n "$ND_PID" ] && kill "$ND_PID" 2>/dev/null && wait "$ND_PID" 2>/dev/null
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

head -c $((1 << 30)) /dev/urandom > "$SCRATCH/payload"
"$BIN/netdiskd" --listen 127.0.0.1:0 --port-file "$SCRATCH/port" --data "$SCRATCH/data" \
  --http 127.0.0.1:0 --http-port-file "$SCRATCH/http-port" --versions-kept 0 --log-level warn \
  2>>"$SCRATCH/netdiskd.log" &
ND_PID=$!
for _ in $(seq 1 100); do [ -s "$SCRATCH/http-port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$SCRATCH/http-port")"
curl -sS -o /dev/null -H 'Content-Type: application/json' -H 'X-NetDisk-CSRF: 1' \
  -d '{"username":"bench","password":"bench-password"}' "$URL/api/register"

cpu_seconds() {  # utime + stime of the server, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$ND_PID/stat"
}

run() {  # run MODE ROUND: one upload, prints "MODE MB/s cpu-s"
  local extra=() name="$1-$2"
  [ "$1" = chunked ] && extra=(-H 'Transfer-Encoding: chunked')
  local cpu0 cpu1 seconds
  cpu0=$(cpu_seconds)
  seconds=$(curl -sS -o /dev/null -w '%{time_total}' -u bench:bench-password "${extra[@]}" \
    -T "$SCRATCH/payload" "$URL/files/$name")
  cpu1=$(cpu_seconds)
  rm -f "$SCRATCH/data/home/bench/$name"
  awk -v m="$1" -v s="$seconds" -v c0="$cpu0" -v c1="$cpu1" \
    'BEGIN { printf "%s %.0f %.2f\n", m, 1073.741824 / s, c1 - c0 }'
}

results=()
for round in $(seq 1 "$ROUNDS"); do
  results+=("$(run length "$round")" "$(run chunked "$round")")
  printf '%s\n' "${results[@]: -2}"
done
printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
runs = [line.split() for line in sys.stdin]
for mode in ("length", "chunked"):
    mb = sorted(float(r[1]) for r in runs if r[0] == mode)
    cpu = sorted(float(r[2]) for r in runs if r[0] == mode)
    print(f"{mode}: median {statistics.median(mb):.0f} MB/s [{mb[0]:.0f}-{mb[-1]:.0f}], "
          f"median {statistics.median(cpu):.2f} server CPU-s [{cpu[0]:.2f}-{cpu[-1]:.2f}]")'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
