# Sourced by bench/run: 1 GiB moved with the tools people run, against a running netdiskd
# ($ND_PID, $ND_PORT, $ND_HTTP_PORT) and, in a full run, the anchors (curl -o from nginx to a
# file, curl -T to vsftpd = "vsftpd STOR"), interleaved run by run (anchor, NetDisk, anchor,
# ...) so that both see the same load. `netdisk` runs non-interactively from a saved login (its
# own XDG_CONFIG_HOME in $SCRATCH); curl sends Basic credentials to /files. Every result is
# checked (size + CRC) by --check after the timed interval; each upload goes to a name that
# does not exist yet.
ND_USER=bench ND_PASSWORD=bench-password-1  # netdisk-load's default account
BASIC_HEADER="Authorization: Basic $(printf '%s:%s' "$ND_USER" "$ND_PASSWORD" | base64 -w0)"
# The client for these items speaks plain text, as their server does (start_netdiskd): the
# --plaintext option where this client has it (a client without TLS has none and is plain
# anyway), and NETDISK_PLAINTEXT=1 besides.
ND_PLAIN=(env NETDISK_PLAINTEXT=1 "$BIN/netdisk")
"$BIN/netdisk" --help 2>&1 | grep -q -- --plaintext && ND_PLAIN+=(--plaintext)

user_side_round() {  # user_side_round IS_WARMUP: one run of every item (a warm-up is not recorded)
  local one=(--warmup "$1" --runs $((1 - $1)))
  local home="$SCRATCH/nd-data/home/$ND_USER" dl="$SCRATCH/dl" files="http://127.0.0.1:$ND_HTTP_PORT/files"
  local cli=(env XDG_CONFIG_HOME="$SCRATCH/cli-config" NETDISK_SERVER="127.0.0.1:$ND_PORT" "${ND_PLAIN[@]}")
  local nd=("${one[@]}" --bytes "$BIG_BYTES" --server-pid "$ND_PID") sf port
  if ((!QUICK)); then
    for sf in on off; do
      port=$NGINX_PORT_SF; [[ $sf == off ]] && port=$NGINX_PORT_NOSF
      peer "${one[@]}" --label "curl -o file from nginx sendfile $sf" --bytes "$BIG_BYTES" --server-pid "$NG_PID" \
        --server-cgroup "$NG_CG" --before "rm -f '$SCRATCH/dl.bin'" --check "$SAME_BYTES '$SCRATCH/dl.bin'" \
        -- curl -sSf -o "$SCRATCH/dl.bin" "http://127.0.0.1:$port/big.bin"
    done
    rm -f "$SCRATCH/dl.bin"
  fi
  if [[ -n "${AP_PID:-}" ]]; then  # WebDAV's GET anchor (issue #18): Apache mod_dav, Basic
    peer "${one[@]}" --label "curl -o file from Apache mod_dav" --bytes "$BIG_BYTES" --server-pid "$AP_PID" \
      ${AP_CG:+--server-cgroup "$AP_CG"} --before "rm -f '$SCRATCH/dl.bin'" --check "$SAME_BYTES '$SCRATCH/dl.bin'" \
      -- curl -sSf -u "$ND_USER:$ND_PASSWORD" -o "$SCRATCH/dl.bin" "http://127.0.0.1:$APACHE_PORT/dav/big.bin"
    rm -f "$SCRATCH/dl.bin"
  fi
  peer "${nd[@]}" --label "netdisk get to file" --before "rm -rf '$dl' && mkdir '$dl'" \
    --check "$SAME_BYTES '$dl/big.bin'" -- "${cli[@]}" get --quiet big.bin "$dl/"
  peer "${nd[@]}" --label "curl -o file from /files" --before "rm -f '$dl/curl.bin'" \
    --check "$SAME_BYTES '$dl/curl.bin'" -- curl -sSf -u "$ND_USER:$ND_PASSWORD" -o "$dl/curl.bin" "$files/big.bin"
  rm -rf "$dl"
  if ((!QUICK)); then
    peer "${one[@]}" --label "vsftpd STOR" --bytes "$BIG_BYTES" --server-pid "$VS_PID" --server-cgroup "$VS_CG" \
      --before "rm -f '$SCRATCH/www/up/big.up'" --check "$SAME_BYTES '$SCRATCH/www/up/big.up'" \
      -- curl -sS -T "$SCRATCH/www/big.bin" "$FTPURL/up/big.up"
    rm -f "$SCRATCH/www/up/big.up"
  fi
  if [[ -n "${AP_PID:-}" ]]; then  # WebDAV's PUT anchor (issue #18): a new name each run, as /files gets
    peer "${one[@]}" --label "curl -T to Apache mod_dav" --bytes "$BIG_BYTES" --server-pid "$AP_PID" \
      ${AP_CG:+--server-cgroup "$AP_CG"} --before "rm -f '$AP_DAV/up.bin'" --check "$SAME_BYTES '$AP_DAV/up.bin'" \
      -- curl -sSf -u "$ND_USER:$ND_PASSWORD" -T "$SCRATCH/www/big.bin" "http://127.0.0.1:$APACHE_PORT/dav/up.bin"
    rm -f "$AP_DAV/up.bin"
  fi
  peer "${nd[@]}" --label "netdisk put" --before "rm -f '$home/put.bin'" \
    --check "$SAME_BYTES '$home/put.bin'" -- "${cli[@]}" put --quiet "$SCRATCH/www/big.bin" put.bin
  peer "${nd[@]}" --label "curl -T to /files" --before "rm -f '$home/curl-put.bin'" \
    --check "$SAME_BYTES '$home/curl-put.bin'" \
    -- curl -sSf -u "$ND_USER:$ND_PASSWORD" -T "$SCRATCH/www/big.bin" "$files/curl-put.bin"
  rm -f "$home/put.bin" "$home/curl-put.bin"
}

user_side_items() {
  NETDISK_PASSWORD="$ND_PASSWORD" env XDG_CONFIG_HOME="$SCRATCH/cli-config" NETDISK_SERVER="127.0.0.1:$ND_PORT" \
    "${ND_PLAIN[@]}" login "$ND_USER" >/dev/null || { echo "bench/run: FAILED: netdisk login" >&2; FAILED=1; return 0; }
  local i
  for ((i = 0; i < WARMUP + RUNS; i++)); do user_side_round $((i < WARMUP)); done
}
