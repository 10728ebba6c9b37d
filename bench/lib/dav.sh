# Sourced by bench/run: WebDAV against Apache's mod_dav (issue #18), in the same run. Each
# folder of N small files exists twice, in netdiskd's home and in Apache's /dav/, with the
# same names and sizes; the items alternate run by run (Apache, NetDisk, ...), and each run's
# answer is checked outside the timed interval (propfind_count.py): a 207 describing the folder
# and its N members. Needs $ND_* (a running netdiskd), and in a full run $AP_* (start_apache_dav).

dav_folders() {  # dav_folders N...: dN/ with N files of 100 bytes in each server's tree
  local n
  for n in "$@"; do
    python3 - "$SCRATCH/nd-data/home/$ND_USER/d$n" ${AP_DAV:+"$AP_DAV/d$n"} "$n" <<'PY'
import os, sys
*dirs, n = sys.argv[1:]
for d in dirs:
    os.makedirs(d, exist_ok=True)
    for i in range(int(n)):
        with open(os.path.join(d, f"entry{i:05d}.txt"), "wb") as f:
            f.write(b"x" * 100)
PY
  done
  [[ -n "${AP_DAV:-}" ]] && chown -R www-data:www-data "$AP_DAV"
  return 0
}

dav_propfind() {  # dav_propfind LABEL PID CGROUP PORT PATH N: one run of wrk PROPFIND, checked
  local label=$1 pid=$2 cg=$3 port=$4 path=$5 n=$6
  # A 10,000-entry answer can take seconds under 8 connections: wrk's own 2 s timeout would
  # drop it, and a few seconds would hold too few answers to count.
  local seconds=$DURATION
  ((n >= 10000 && seconds < 10)) && seconds=10
  peer --runs 1 --warmup 0 --settle 0.5 --label "$label" --parse wrk --server-pid "$pid" \
    ${cg:+--server-cgroup "$cg"} \
    --check "python3 '$LIB/propfind_count.py' 'http://127.0.0.1:$port$path' $n '$ND_USER' '$ND_PASSWORD'" \
    -- wrk -t2 -c8 -d"${seconds}s" --timeout 60s --latency -H "$BASIC_HEADER" -s "$LIB/wrk_propfind.lua" \
    "http://127.0.0.1:$port/" -- "$path"
}

dav_items() {
  local sizes="1000 10000" n i
  ((QUICK)) && sizes="1000"
  dav_folders $sizes
  for n in $sizes; do
    for ((i = 0; i < RUNS; i++)); do
      if [[ -n "${AP_PID:-}" ]]; then
        dav_propfind "apache PROPFIND $n c8" "$AP_PID" "${AP_CG:-}" $APACHE_PORT "/dav/d$n/" "$n"
      fi
      dav_propfind "netdisk PROPFIND $n c8" "$ND_PID" "" "$ND_HTTP_PORT" "/files/d$n/" "$n"
    done
  done
}
