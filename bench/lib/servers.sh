# Sourced by bench/run. Starts the servers on 127.0.0.1 only, with configs in $SCRATCH, and
# records every PID in PIDS so the EXIT trap stops them. Peer set-ups follow
# shared/anchors-bench/lib/servers.sh (same configs), with higher fixed ports and more
# connections allowed for the 10,000-idle-connection item.
NGINX_PORT_SF=18080 NGINX_PORT_NOSF=18081 VSFTPD_PORT=12121 IPERF_PORT=15201 REDIS_PORT=16390
APACHE_PORT=18090

PIDS=()
# cg_attach NAME PID...: a cpuacct cgroup (v1) holding the server and everything it forks, so
# that per-connection processes are counted (as anchors-bench does). Prints its path, or
# nothing when cpuacct is not writable (then /proc deltas are used).
cg_attach() {
  local name="$1"; shift
  local base=/sys/fs/cgroup/cpuacct
  [ -w "$base" ] || return 0
  local cg="$base/netdisk-bench-$name-$$"
  mkdir -p "$cg"
  for p in "$@"; do echo "$p" > "$cg/cgroup.procs"; done
  echo "$cg"
}

port_free() {  # port_free PORT...: wait (at most 20 min) until none is taken, or fail loudly
  local port waited=0
  for port in "$@"; do
    while [ -n "$(ss -Hltn "sport = :$port")" ]; do
      ((waited % 60 == 0)) && echo "bench/run: port $port is in use (a peer of another run?); waiting" >&2
      ((waited >= 1200)) && { echo "bench/run: port $port still in use; not measuring a stranger" >&2; return 1; }
      sleep 2; waited=$((waited + 2))
    done
  done
}

wait_port() {  # wait_port PORT: until something listens on it (at most 10 s)
  for _ in $(seq 1 100); do
    [ -n "$(ss -Hltn "sport = :$1")" ] && return 0
    sleep 0.1
  done
  echo "port $1 never opened" >&2; return 1
}

stop_pid() {  # stop_pid PID: TERM, wait up to 5 s, then KILL
  local pid="$1"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

start_netdiskd() {  # start_netdiskd SEND_MODE: sets ND_PID, ND_PORT, ND_HTTP_PORT (both ephemeral)
  # --plaintext: netdisk-load speaks the protocol in plain text only, and these items measure
  # the unencrypted path (the encrypted one is bench/lib/encrypted.sh's, on its own server).
  rm -f "$SCRATCH/nd.port" "$SCRATCH/nd.http-port"
  # Workaround (docs/BENCHMARKS.md, "Server bugs found"): netdiskd does not ignore SIGPIPE, and
  # sendfile(2) to a client that has gone away kills it. An ignored signal survives exec, so
  # with BENCH_IGNORE_SIGPIPE=1 (the default) the server starts with SIGPIPE ignored.
  # --versions-kept 0: the peers keep no earlier contents, and the repeated 1 GiB overwrites
  # of one name would otherwise keep up to ten old copies each in /dev/shm (RAM).
  local pipe_trap=""
  [[ "${BENCH_IGNORE_SIGPIPE:-1}" == 1 ]] && pipe_trap="trap '' PIPE;"
  bash -c "$pipe_trap"' exec "$0" "$@"' "$BIN/netdiskd" --listen 127.0.0.1:0 --port-file "$SCRATCH/nd.port" --data "$SCRATCH/nd-data" \
    --plaintext --versions-kept 0 --http 127.0.0.1:0 --http-port-file "$SCRATCH/nd.http-port" \
    --max-connections 20000 --log-level warn --send-mode "$1" 2>>"$SCRATCH/netdiskd.log" &
  ND_PID=$!; PIDS+=("$ND_PID")
  for _ in $(seq 1 100); do [ -s "$SCRATCH/nd.port" ] && [ -s "$SCRATCH/nd.http-port" ] && break; sleep 0.1; done
  ND_PORT=$(cat "$SCRATCH/nd.port") ND_HTTP_PORT=$(cat "$SCRATCH/nd.http-port")
  echo "netdiskd --plaintext --send-mode $1: pid $ND_PID port $ND_PORT http $ND_HTTP_PORT"
}

stop_netdiskd() { stop_pid "$ND_PID"; }

start_nginx() {  # sets NG_PID, NG_CG; :18080 sendfile on, :18081 sendfile off; root $SCRATCH/www
  local ng="$SCRATCH/nginx"; mkdir -p "$ng/logs"
  port_free $NGINX_PORT_SF $NGINX_PORT_NOSF || exit 1
  cat > "$ng/nginx.conf" <<CONF
worker_processes auto;
pid $ng/nginx.pid;
error_log $ng/logs/error.log;
worker_rlimit_nofile 20000;
events { worker_connections 16384; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_header_timeout 300s;
  server { listen 127.0.0.1:$NGINX_PORT_SF backlog=4096; root $SCRATCH/www; autoindex on; sendfile on; }
  server { listen 127.0.0.1:$NGINX_PORT_NOSF backlog=4096; root $SCRATCH/www; autoindex on; sendfile off; }
}
CONF
  nginx -p "$ng" -e "$ng/logs/error.log" -c "$ng/nginx.conf" -g 'daemon off;' & NG_PID=$!; PIDS+=("$NG_PID")
  wait_port $NGINX_PORT_SF; wait_port $NGINX_PORT_NOSF; sleep 0.2
  NG_CG=$(cg_attach nginx "$NG_PID" $(pgrep -P "$NG_PID"))
}

start_vsftpd() {  # sets VS_PID, VS_CG, FTPURL; local user $FTP_USER, write enabled, passive
  local vs="$SCRATCH/vsftpd"; mkdir -p "$vs" /var/run/vsftpd/empty
  port_free $VSFTPD_PORT || exit 1
  cat > "$vs/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$VSFTPD_PORT
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=30000
pasv_max_port=31999
pam_service_name=vsftpd
secure_chroot_dir=/var/run/vsftpd/empty
max_clients=0
max_per_ip=0
xferlog_enable=NO
dirmessage_enable=NO
idle_session_timeout=600
vsftpd_log_file=$vs/vsftpd.log
CONF
  /usr/sbin/vsftpd "$vs/vsftpd.conf" & VS_PID=$!; PIDS+=("$VS_PID")
  wait_port $VSFTPD_PORT
  VS_CG=$(cg_attach vsftpd "$VS_PID")
  FTPURL="ftp://$FTP_USER:$FTP_PASS@127.0.0.1:$VSFTPD_PORT"
}

start_iperf3() {  # sets IP_PID, IP_CG
  port_free $IPERF_PORT || exit 1
  iperf3 -s -B 127.0.0.1 -p $IPERF_PORT >/dev/null 2>&1 & IP_PID=$!; PIDS+=("$IP_PID")
  wait_port $IPERF_PORT
  IP_CG=$(cg_attach iperf3 "$IP_PID")
}

start_redis() {  # sets RD_PID; no persistence, loopback only
  port_free $REDIS_PORT || exit 1
  redis-server --bind 127.0.0.1 --port $REDIS_PORT --save '' --appendonly no --maxclients 10100 \
    --dir "$SCRATCH" --logfile "$SCRATCH/redis.log" & RD_PID=$!; PIDS+=("$RD_PID")
  wait_port $REDIS_PORT
}

start_apache_dav() {  # sets AP_PID, AP_CG, AP_DAV (its WebDAV folder); Apache 2.4 mod_dav_fs at
  # /dav/ with Basic authentication from an htpasswd file (htpasswd's default hash), as Debian's
  # documentation sets it up. Apache will not serve as root: its folder belongs to www-data.
  local ap="$SCRATCH/apache" mods=/usr/lib/apache2/modules m
  mkdir -p "$ap/root/dav"
  port_free $APACHE_PORT || exit 1
  htpasswd -bc "$ap/htpasswd" "$ND_USER" "$ND_PASSWORD" 2>/dev/null
  {
    echo "ServerRoot $ap"
    echo "ServerName 127.0.0.1"
    echo "Listen 127.0.0.1:$APACHE_PORT"
    echo "PidFile $ap/httpd.pid"
    echo "ErrorLog $ap/error.log"
    echo "LogLevel warn"
    echo "User www-data"
    echo "Group www-data"
    for m in mpm_event authz_core authn_core authn_file auth_basic authz_user mime dav dav_fs; do
      echo "LoadModule ${m}_module $mods/mod_$m.so"
    done
    cat <<CONF
TypesConfig /etc/mime.types
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 300
DocumentRoot $ap/root
DavLockDB $ap/DavLock
<Directory $ap/root/dav>
  Dav On
  AuthType Basic
  AuthName "dav"
  AuthUserFile $ap/htpasswd
  Require valid-user
</Directory>
CONF
  } > "$ap/httpd.conf"
  chown -R www-data:www-data "$ap"
  apache2 -f "$ap/httpd.conf" -DFOREGROUND & AP_PID=$!; PIDS+=("$AP_PID")
  wait_port $APACHE_PORT
  AP_CG=$(cg_attach apache "$AP_PID" $(pgrep -P "$AP_PID"))
  AP_DAV="$ap/root/dav"
}
