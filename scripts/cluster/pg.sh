#!/usr/bin/env bash
# A scratch PostgreSQL 15 for cluster mode's tests and scripts/cluster.sh: every file in
# DIR/pg, listening on a unix socket in DIR/pg only (no TCP), a role and database "netdisk".
# Runs as the "postgres" system user (PostgreSQL refuses root); DIR gets o+x so that user can
# reach DIR/pg. Stopped by the PID in its postmaster.pid.
# Usage: scripts/cluster/pg.sh up DIR    (prints the libpq connection string)
#        scripts/cluster/pg.sh down DIR
set -euo pipefail
# shellcheck source=scripts/cluster/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cmd=${1:?usage: pg.sh up|down DIR}
dir=$(realpath -m "${2:?usage: pg.sh up|down DIR}")
pg=$dir/pg
bin=/usr/lib/postgresql/15/bin
as_pg() { runuser -u postgres -- "$@"; }

up() {
  [[ ! -e $pg/data/postmaster.pid ]] || { echo "pg.sh: already running in $pg" >&2; exit 1; }
  mkdir -p "$pg"
  chmod o+x "$dir"
  chown postgres: "$pg"
  chmod 700 "$pg"
  if [[ ! -d $pg/data ]]; then
    as_pg "$bin/initdb" -D "$pg/data" -A trust -U postgres -E UTF8 --no-sync >"$pg/initdb.log" 2>&1
  fi
  as_pg "$bin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 60 start \
    -o "-k $pg -c listen_addresses= -c max_connections=200" >/dev/null
  if ! as_pg "$bin/psql" -h "$pg" -U postgres -tAc \
      "SELECT 1 FROM pg_roles WHERE rolname = 'netdisk'" | grep -q 1; then
    as_pg "$bin/psql" -h "$pg" -U postgres -q -c "CREATE ROLE netdisk LOGIN" \
      -c "CREATE DATABASE netdisk OWNER netdisk"
  fi
  echo "host=$pg dbname=netdisk user=netdisk"
}

# Fast shutdown (SIGINT): ends sessions and checkpoints; PostgreSQL removes its own pid file.
down() { KEEP_PID_FILE=1 stop_pid_file "$pg/data/postmaster.pid" INT; }

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: pg.sh up|down DIR" >&2; exit 2 ;;
esac
