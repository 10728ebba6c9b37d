# Sourced by bench/run: 1 GiB moved with the tools people run, against a running netdiskd
# ($ND_PID, $ND_PORT, $ND_HTTP_PORT). `netdisk` runs non-interactively from a saved login (its
# own XDG_CONFIG_HOME in $SCRATCH); curl sends Basic credentials to /files. Every result is
# checked (size + CRC) by --check after the timed interval; each upload goes to a name that
# does not exist yet, as vsftpd STOR's does.
ND_USER=bench ND_PASSWORD=bench-password-1  # netdisk-load's default account
BASIC_HEADER="Authorization: Basic $(printf '%s:%s' "$ND_USER" "$ND_PASSWORD" | base64 -w0)"

user_side_items() {
  local home="$SCRATCH/nd-data/home/$ND_USER" dl="$SCRATCH/dl" files="http://127.0.0.1:$ND_HTTP_PORT/files"
  local cli=(env XDG_CONFIG_HOME="$SCRATCH/cli-config" NETDISK_SERVER="127.0.0.1:$ND_PORT" "$BIN/netdisk")
  NETDISK_PASSWORD="$ND_PASSWORD" "${cli[@]}" login "$ND_USER" >/dev/null ||
    { echo "bench/run: FAILED: netdisk login" >&2; FAILED=1; return 0; }
  local nd=(--bytes "$BIG_BYTES" --server-pid "$ND_PID")
  peer --label "netdisk get to file" "${nd[@]}" --before "rm -rf '$dl' && mkdir '$dl'" \
    --check "$SAME_BYTES '$dl/big.bin'" -- "${cli[@]}" get --quiet big.bin "$dl/"
  peer --label "curl -o file from /files" "${nd[@]}" --before "rm -f '$dl/curl.bin'" \
    --check "$SAME_BYTES '$dl/curl.bin'" -- curl -sSf -u "$ND_USER:$ND_PASSWORD" -o "$dl/curl.bin" "$files/big.bin"
  rm -rf "$dl"
  peer --label "netdisk put" "${nd[@]}" --before "rm -f '$home/put.bin'" \
    --check "$SAME_BYTES '$home/put.bin'" -- "${cli[@]}" put --quiet "$SCRATCH/www/big.bin" put.bin
  peer --label "curl -T to /files" "${nd[@]}" --before "rm -f '$home/curl-put.bin'" \
    --check "$SAME_BYTES '$home/curl-put.bin'" \
    -- curl -sSf -u "$ND_USER:$ND_PASSWORD" -T "$SCRATCH/www/big.bin" "$files/curl-put.bin"
  rm -f "$home/put.bin" "$home/curl-put.bin"
}
