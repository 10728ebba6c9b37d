# Sourced by bench/run (issue #19): 1 GiB each way over an encrypted channel, with the users'
# own tools, interleaved run by run like user_side.sh: `netdisk get`/`put` against a second
# netdiskd started WITHOUT --plaintext (TLS), OpenSSH `sftp` against an sshd of the run's own,
# and `curl --ssl-reqd` against a vsftpd with FTPS. Every result is checked byte for byte
# ($SAME_BYTES) outside the timed interval. Quick mode: the netdisk items only (no root-run
# daemons, no user of the system's own), on the quick file size.
SFTP_PORT="" VSFTPS_PORT=12122  # sshd's port is ephemeral; vsftpd's passive range is fixed below

free_port() {  # an ephemeral loopback port nothing listens on now (sshd cannot take port 0)
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_tls_netdiskd() {  # sets NDT_PID, NDT_PORT, NDT_DATA: TLS (the default), its own data folder
  NDT_DATA="$SCRATCH/nd-tls-data"
  rm -f "$SCRATCH/ndt.port"
  # The same SIGPIPE workaround and --versions-kept 0 as start_netdiskd.
  local pipe_trap=""
  [[ "${BENCH_IGNORE_SIGPIPE:-1}" == 1 ]] && pipe_trap="trap '' PIPE;"
  bash -c "$pipe_trap"' exec "$0" "$@"' "$BIN/netdiskd" --listen 127.0.0.1:0 --port-file "$SCRATCH/ndt.port" \
    --data "$NDT_DATA" --versions-kept 0 --log-level warn 2>>"$SCRATCH/netdiskd-tls.log" &
  NDT_PID=$!; PIDS+=("$NDT_PID")
  for _ in $(seq 1 100); do [ -s "$SCRATCH/ndt.port" ] && break; sleep 0.1; done
  NDT_PORT=$(cat "$SCRATCH/ndt.port")
  echo "netdiskd (TLS, no --plaintext): pid $NDT_PID port $NDT_PORT"
}

# tls_probe: records whether netdiskd's port really completed a TLS handshake (openssl
# s_client) and whether the client pinned its key (known_servers), so that a build without TLS
# yet shows as plain text in the summary instead of passing for encrypted figures.
tls_probe() {
  local out proto="" pinned=false
  out=$(timeout 10 openssl s_client -brief -connect "127.0.0.1:$NDT_PORT" </dev/null 2>&1) &&
    proto=$(sed -n 's/^Protocol version: *//p' <<<"$out" | head -1)
  [[ -s "$SCRATCH/tls-cli-config/netdisk/known_servers" ]] && pinned=true
  echo "{\"label\": \"netdisk TLS probe\", \"mode\": \"probe\", \"server_tls\": \"${proto:-none}\", \"client_pinned\": $pinned}" >> "$RAW"
  if [[ -z "$proto" || $pinned == false ]]; then
    echo "bench/run: netdiskd/netdisk spoke PLAIN TEXT in the encrypted section (server TLS: ${proto:-none}," \
      "client pinned a key: $pinned): these binaries have no TLS yet" >&2
  else
    echo "netdiskd TLS: $proto, client pinned the key"
  fi
}

tls_netdisk_up() {  # the account registered through the client over TLS, the 1 GiB file placed
  start_tls_netdiskd
  local cli=(env XDG_CONFIG_HOME="$SCRATCH/tls-cli-config" NETDISK_SERVER="127.0.0.1:$NDT_PORT"
             NETDISK_PASSWORD="$ND_PASSWORD" "$BIN/netdisk")
  # The first connection accepts and remembers the server's key (trust on first use, no
  # terminal) and says so on stderr: shown, not hidden, as the proof of which key was pinned.
  "${cli[@]}" register "$ND_USER" >/dev/null && "${cli[@]}" login "$ND_USER" >/dev/null ||
    { echo "bench/run: FAILED: netdisk register/login over TLS" >&2; FAILED=1; return 1; }
  mkdir -p "$NDT_DATA/home/$ND_USER"
  ln "$SCRATCH/www/big.bin" "$NDT_DATA/home/$ND_USER/big.bin"
  tls_probe
}

channel_note() {  # channel_note LABEL TEXT: what a peer's channel negotiated, for the summary
  echo "{\"label\": \"$1\", \"mode\": \"probe\", \"channel\": \"${2:-unknown}\"}" >> "$RAW"
  echo "$1: ${2:-unknown}"
}

start_sshd() {  # sets SSH_PID, SSH_CG, SFTP (the client command line, user $FTP_USER, key auth)
  local d="$SCRATCH/ssh"; mkdir -p "$d" /run/sshd
  SFTP_PORT=$(free_port)
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_ed25519" -C bench-host
  ssh-keygen -q -t ed25519 -N '' -f "$d/client_ed25519" -C bench-client
  cp "$d/client_ed25519.pub" "$d/authorized_keys"; chmod 644 "$d/authorized_keys"
  # StrictModes off: the key file lives under /dev/shm (mode 1777), which sshd would refuse.
  # internal-sftp: the sftp server runs inside the session's sshd process (in the cgroup).
  cat > "$d/sshd_config" <<CONF
ListenAddress 127.0.0.1:$SFTP_PORT
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $FTP_USER
Subsystem sftp internal-sftp
LogLevel ERROR
CONF
  /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>>"$d/sshd.log" & SSH_PID=$!; PIDS+=("$SSH_PID")
  wait_port "$SFTP_PORT"
  SSH_CG=$(cg_attach sshd "$SSH_PID")
  local opts=(-F /dev/null -P "$SFTP_PORT" -i "$d/client_ed25519" -o BatchMode=yes
              -o StrictHostKeyChecking=no -o UserKnownHostsFile="$d/known_hosts")
  SFTP=(sftp -q "${opts[@]}" -o LogLevel=ERROR)
  # The cipher sftp and sshd agree on by default (the users' setting, not tuned here).
  channel_note "sftp channel" "$(sftp -v "${opts[@]}" -b /dev/null "$FTP_USER@127.0.0.1" 2>&1 |
    sed -n 's/.*kex: server->client cipher: \([^ ]*\).*/\1/p' | head -1)"
  printf 'get big.bin %s\n' "$SCRATCH/sftp-dl.bin" > "$d/get.batch"
  printf 'put %s up/sftp.up\n' "$SCRATCH/www/big.bin" > "$d/put.batch"
}

start_vsftpd_tls() {  # sets VST_PID, VST_CG, FTPSURL: start_vsftpd's set-up plus explicit FTPS
  local vs="$SCRATCH/vsftpd-tls"; mkdir -p "$vs" /var/run/vsftpd/empty
  port_free $VSFTPS_PORT || exit 1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -keyout "$vs/key.pem" -out "$vs/cert.pem" 2>/dev/null
  chmod 600 "$vs/key.pem"
  sed -e "s/^listen_port=.*/listen_port=$VSFTPS_PORT/" -e 's/^pasv_min_port=.*/pasv_min_port=32000/' \
    -e 's/^pasv_max_port=.*/pasv_max_port=33999/' -e "s|^vsftpd_log_file=.*|vsftpd_log_file=$vs/vsftpd.log|" \
    "$SCRATCH/vsftpd/vsftpd.conf" > "$vs/vsftpd.conf"
  # Every login and every data connection encrypted; ssl_tlsv1 is vsftpd 3.0.3's switch for
  # TLS 1.0 and later (OpenSSL then negotiates the highest both sides speak: 1.3 with curl).
  # require_ssl_reuse=NO: curl's data connection does not resume the TLS 1.3 session of the
  # control connection, and vsftpd would refuse it.
  cat >> "$vs/vsftpd.conf" <<CONF
ssl_enable=YES
rsa_cert_file=$vs/cert.pem
rsa_private_key_file=$vs/key.pem
force_local_logins_ssl=YES
force_local_data_ssl=YES
ssl_tlsv1=YES
ssl_sslv2=NO
ssl_sslv3=NO
require_ssl_reuse=NO
ssl_ciphers=HIGH
CONF
  /usr/sbin/vsftpd "$vs/vsftpd.conf" & VST_PID=$!; PIDS+=("$VST_PID")
  wait_port $VSFTPS_PORT
  VST_CG=$(cg_attach vsftpd-tls "$VST_PID")
  FTPSURL="ftp://$FTP_USER:$FTP_PASS@127.0.0.1:$VSFTPS_PORT"
  channel_note "FTPS channel" "$(curl -sv --ssl-reqd -k -o /dev/null "$FTPSURL/" 2>&1 |
    sed -n 's/.*SSL connection using \(.*\)$/\1/p' | head -1 | tr -d '\r')"
}

checked() {  # checked LABEL PID CGROUP RESULT -- CMD...: one item (with the caller's `one` runs), its
  # RESULT file checked byte for byte, then removed
  local label="$1" pid="$2" cg="$3" result="$4"; shift 5
  peer "${one[@]}" --label "$label" --bytes "$BIG_BYTES" --server-pid "$pid" ${cg:+--server-cgroup "$cg"} \
    --before "rm -rf '$result'" --check "$SAME_BYTES '$result'" -- "$@"
  rm -rf "$result"
}

encrypted_round() {  # encrypted_round IS_WARMUP: one run of every item (a warm-up is not recorded)
  local one=(--warmup "$1" --runs $((1 - $1)))
  local home="$NDT_DATA/home/$ND_USER" dl="$SCRATCH/tls-dl" up="$SCRATCH/www/up"
  local cli=(env XDG_CONFIG_HOME="$SCRATCH/tls-cli-config" NETDISK_SERVER="127.0.0.1:$NDT_PORT" "$BIN/netdisk")
  if ((!QUICK)); then
    checked "sftp get" "$SSH_PID" "$SSH_CG" "$SCRATCH/sftp-dl.bin" -- \
      "${SFTP[@]}" -b "$SCRATCH/ssh/get.batch" "$FTP_USER@127.0.0.1"
    checked "curl FTPS RETR" "$VST_PID" "$VST_CG" "$SCRATCH/ftps-dl.bin" -- \
      curl -sS --ssl-reqd -k -o "$SCRATCH/ftps-dl.bin" "$FTPSURL/big.bin"
  fi
  mkdir -p "$dl"  # `netdisk get` into an existing folder, as a user gives one
  checked "netdisk get TLS" "$NDT_PID" "" "$dl/big.bin" -- "${cli[@]}" get --quiet big.bin "$dl/"
  if ((!QUICK)); then
    checked "sftp put" "$SSH_PID" "$SSH_CG" "$up/sftp.up" -- \
      "${SFTP[@]}" -b "$SCRATCH/ssh/put.batch" "$FTP_USER@127.0.0.1"
    checked "curl FTPS STOR" "$VST_PID" "$VST_CG" "$up/ftps.up" -- \
      curl -sS --ssl-reqd -k -T "$SCRATCH/www/big.bin" "$FTPSURL/up/ftps.up"
  fi
  checked "netdisk put TLS" "$NDT_PID" "" "$home/put.bin" -- "${cli[@]}" put --quiet "$SCRATCH/www/big.bin" put.bin
}

encrypted_items() {
  tls_netdisk_up || return 0
  if ((!QUICK)); then
    start_sshd
    start_vsftpd_tls
  fi
  local i
  for ((i = 0; i < WARMUP + RUNS; i++)); do encrypted_round $((i < WARMUP)); done
  stop_pid "$NDT_PID"
  if ((!QUICK)); then stop_pid "$SSH_PID"; stop_pid "$VST_PID"; fi
}
