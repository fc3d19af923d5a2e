#!/usr/bin/env bash
# pg-test-cluster.sh: a throw-away PostgreSQL 15 cluster for the tests (docs/storage.md).
#
#   pg-test-cluster.sh start DIR   create (or reuse) a cluster in DIR, print its URL on stdout:
#                                  postgresql://postgres@127.0.0.1:PORT/berichtd_test
#   pg-test-cluster.sh stop DIR    stop it (pg_ctl stop -m fast) and remove DIR
#   pg-test-cluster.sh url DIR     print the URL of a running cluster in DIR
#
# The cluster listens only on 127.0.0.1, on a free port chosen at start, with trust
# authentication for 127.0.0.1 and its unix socket inside DIR. initdb refuses to run as root, so
# when run as root the server runs as the `postgres` system user (Debian's postgresql package
# creates it) and DIR is chowned to it. Both commands are idempotent: start on a running cluster
# prints its URL again, stop on a missing DIR does nothing. Everything but the URL goes to stderr.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB_NAME=berichtd_test
PG_SUPERUSER=postgres

die() { echo "pg-test-cluster: error: $*" >&2; exit 1; }
note() { echo "pg-test-cluster: $*" >&2; }
usage() { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n $dir && $dir != / ]] || die "refusing DIR '$dir'"

for tool in initdb pg_ctl pg_isready psql; do
  [[ -x $PG_BIN/$tool ]] || die "$PG_BIN/$tool not found (install postgresql-15)"
done

# Runs a command as the cluster owner: ourselves when unprivileged, `postgres` when root.
if [[ $(id -u) -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user"
  as_owner() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  as_owner() { "$@"; }
  owner=$(id -un)
fi

data=$dir/data
sock=$dir/socket
log=$dir/server.log
port_file=$dir/port

is_running() { [[ -f $data/postmaster.pid ]] && as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() { echo "postgresql://$PG_SUPERUSER@127.0.0.1:$(cat "$port_file")/$DB_NAME"; }

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

pick_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40001))
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

start() {
  if is_running; then
    note "already running in $dir"
    url
    return 0
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  data=$dir/data sock=$dir/socket log=$dir/server.log port_file=$dir/port
  mkdir -p "$sock"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$dir"
    # The owner must be able to reach DIR through its parents (e.g. /tmp/x is fine, /root/x is not).
    runuser -u postgres -- test -x "$dir" || die "user postgres cannot enter $dir; pick a DIR under /tmp"
  fi
  chmod 700 "$dir"

  if [[ ! -f $data/PG_VERSION ]]; then
    note "initdb in $data (owner $owner)"
    as_owner "$PG_BIN/initdb" -D "$data" -U "$PG_SUPERUSER" --auth=trust --auth-local=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # Trust only for the unix socket and 127.0.0.1; nothing else may connect.
    as_owner tee "$data/pg_hba.conf" >/dev/null <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  fi

  local port started=0
  for _ in 1 2 3 4 5; do
    port=$(pick_port) || die "no free port found in 20000-60000"
    echo "$port" >"$port_file"
    # fsync off and small buffers: a test cluster trades durability for speed.
    if as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 30 start -o \
        "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null 2>&1; then
      started=1
      break
    fi
    # Most likely another process took the port between the check and the bind: try another.
    note "start on port $port failed; retrying (see $log)"
  done
  [[ $started -eq 1 ]] || { tail -n 20 "$log" >&2 || true; die "could not start the cluster"; }

  if ! as_owner "$PG_BIN/psql" -h "$sock" -p "$port" -U "$PG_SUPERUSER" -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    as_owner "$PG_BIN/psql" -h "$sock" -p "$port" -U "$PG_SUPERUSER" -d postgres -qc \
      "CREATE DATABASE $DB_NAME" >/dev/null || die "CREATE DATABASE $DB_NAME failed"
  fi
  note "running on 127.0.0.1:$port (data $data, log $log)"
  url
}

stop() {
  if [[ ! -e $dir ]]; then
    note "$dir does not exist; nothing to stop"
    return 0
  fi
  if is_running; then
    as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null || die "pg_ctl stop failed (see $log)"
    note "stopped"
  fi
  # Only remove what looks like ours, so a wrong DIR argument cannot wipe an unrelated folder.
  if [[ -f $data/PG_VERSION || -f $port_file || -z $(ls -A "$dir") ]]; then
    rm -rf -- "$dir"
  else
    die "$dir does not look like a test cluster; not removing it"
  fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  url) is_running || die "no cluster running in $dir"; url ;;
  *) usage ;;
esac
