#!/usr/bin/env bash
# The clusters ormsh is tested on (issue 13), built on this machine from Debian's packages, on
# loopback ports that the single servers (5432, 3306) do not use:
#
#   galera      a 3-node MariaDB Galera cluster: nodes on 3311, 3312, 3313 (rsync SST)
#   pg pair A   a PostgreSQL primary on 5461 and its hot standby on 5462;
#               pgbouncer (transaction pooling) in front of the primary, on 5464; on both
#               pairs the role ormsh_secret must give its password (scram-sha-256)
#   pg pair B   a primary on 5471 and a hot standby on 5472 behind pgpool-II on 5473
#               (streaming_replication mode; its failover_command promotes the standby).
#               Pair B is the one the failover test kills, so the others keep theirs.
#
# Usage: ci/clusters.sh install | up | down | env
#        ci/clusters.sh kill-galera N | start-galera N     (what the tests do to a node)
#        ci/clusters.sh kill-pgpool-primary
# Everything lives under $ORMSH_CLUSTERS_DIR (default /dev/shm/ormsh-clusters); `down` stops every
# process it started there and removes it. Must run as root: each server runs as its own OS user
# (postgres for PostgreSQL, pgpool and pgbouncer; mysql for mariadbd).
set -euo pipefail

# In memory where there is /dev/shm: the data is thrown away, and removing it from a busy disk
# takes longer than all the rest of the teardown.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then DEFAULT_DIR=/dev/shm/ormsh-clusters; else DEFAULT_DIR=/tmp/ormsh-clusters; fi
DIR=${ORMSH_CLUSTERS_DIR:-$DEFAULT_DIR}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
GALERA_PORTS=(3311 3312 3313)
# Galera's group communication (base_port), incremental state transfer and rsync SST, per node.
GALERA_BASE=(4711 4721 4731)
# A role that must give a password (scram-sha-256) on the PostgreSQL pairs, where everyone else
# is trusted: how the tests prove that $PGPASSWORD and ~/.pgpass are honoured.
PG_SECRET_ROLE=ormsh_secret
PG_SECRET_PASSWORD='Correct-horse-7'

log() { echo "[clusters $(date -u +%T)] $*" >&2; }
die() { log "$*"; exit 1; }
as_postgres() { runuser -u postgres -- "$@"; }
as_mysql() { runuser -u mysql -- "$@"; }

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local limit=$1; shift
  for _ in $(seq 1 $((limit * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  return 1
}

install() {
  local missing=()
  for p in galera-4 rsync pgpool2 pgbouncer mariadb-server mariadb-client postgresql; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  # The packages' own services are not ours (and would hold the default ports).
  for s in pgbouncer pgpool2; do service "$s" stop >/dev/null 2>&1 || true; done
}

# ---------------------------------------------------------------------------------------------
# Galera

galera_dir() { echo "$DIR/galera/n$1"; }

galera_config() {
  local n=$1 d; d=$(galera_dir "$n")
  local base=${GALERA_BASE[$((n - 1))]}
  local members
  members=$(printf '127.0.0.1:%s,' "${GALERA_BASE[@]}")
  cat >"$d/my.cnf" <<CNF
[mariadbd]
datadir=$d/data
socket=$d/mariadbd.sock
pid-file=$d/mariadbd.pid
log-error=$d/error.log
port=${GALERA_PORTS[$((n - 1))]}
bind-address=127.0.0.1
skip-name-resolve
performance_schema=OFF
innodb_buffer_pool_size=48M
innodb_log_file_size=8M
innodb_flush_log_at_trx_commit=0
innodb_autoinc_lock_mode=2
binlog_format=ROW
default_storage_engine=InnoDB
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=ormsh_ci
wsrep_cluster_address=gcomm://${members%,}
wsrep_node_name=n$n
wsrep_node_address=127.0.0.1
wsrep_provider_options=base_port=$base;ist.recv_addr=127.0.0.1:$((base + 1));gcache.size=8M
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((base + 2))
[client]
socket=$d/mariadbd.sock
CNF
}

galera_synced() {
  local d; d=$(galera_dir "$1")
  [ "$(mariadb --defaults-file="$d/my.cnf" -u root -N -B -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2)" = Synced ]
}

start_galera() {
  local n=$1 d; d=$(galera_dir "$n")
  shift
  as_mysql /usr/sbin/mariadbd --defaults-file="$d/my.cnf" "$@" >>"$d/stdout.log" 2>&1 &
  wait_for 60 galera_synced "$n" || { tail -n 30 "$d/error.log" >&2; die "Galera node $n did not become Synced"; }
  log "Galera node $n synced on ${GALERA_PORTS[$((n - 1))]}"
}

galera_up() {
  for n in 1 2 3; do
    local d; d=$(galera_dir "$n")
    mkdir -p "$d/data"
    galera_config "$n"
  done
  chown -R mysql:mysql "$DIR/galera"
  # Root on 127.0.0.1 without a password, as on the single server the tests use.
  as_mysql mariadb-install-db --defaults-file="$(galera_dir 1)/my.cnf" --auth-root-authentication-method=normal \
    --skip-test-db >"$(galera_dir 1)/install.log" 2>&1 || { cat "$(galera_dir 1)/install.log" >&2; die "mariadb-install-db failed"; }
  start_galera 1 --wsrep-new-cluster
  mariadb --defaults-file="$(galera_dir 1)/my.cnf" -u root -e "CREATE DATABASE IF NOT EXISTS test"
  # Joiners one at a time: each takes its state from a donor by rsync.
  start_galera 2
  start_galera 3
}

galera_pid() { cat "$(galera_dir "$1")/mariadbd.pid" 2>/dev/null; }

kill_galera() {
  local pid; pid=$(galera_pid "$1") || die "Galera node $1 is not running"
  kill -9 "$pid"
  wait_for 10 bash -c "! kill -0 $pid" || die "Galera node $1 (pid $pid) did not die"
  rm -f "$(galera_dir "$1")/mariadbd.pid"
  log "Galera node $1 killed (pid $pid)"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_start() { # DATADIR PORT
  as_postgres "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -o "-p $2" -w -t 30 start >/dev/null
}

pg_pair_up() { # NAME PRIMARY_PORT STANDBY_PORT
  local d="$DIR/pg$1"
  mkdir -p "$d"
  chown postgres:postgres "$d"
  as_postgres "$PGBIN/initdb" -N --wal-segsize=1 -D "$d/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1 \
    || { cat "$d/initdb.log" >&2; die "initdb failed"; }
  # Before initdb's trust lines, so that it is the one that applies to that role.
  { printf 'host all %s 127.0.0.1/32 scram-sha-256\nhost all %s ::1/128 scram-sha-256\n' "$PG_SECRET_ROLE" "$PG_SECRET_ROLE"
    cat "$d/primary/pg_hba.conf"; } >"$d/pg_hba.conf"
  mv "$d/pg_hba.conf" "$d/primary/pg_hba.conf"
  chown postgres:postgres "$d/primary/pg_hba.conf"
  cat >>"$d/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$d'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 4
hot_standby = on
shared_buffers = 16MB
max_connections = 60
CONF
  pg_start "$d/primary" "$2"
  as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$2" -U postgres test
  as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$2" -U postgres -d test -q \
    -c "SET password_encryption = 'scram-sha-256'" \
    -c "CREATE ROLE $PG_SECRET_ROLE LOGIN PASSWORD '$PG_SECRET_PASSWORD'"
  as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$2" -U postgres -D "$d/standby" -R -X stream --checkpoint=fast
  pg_start "$d/standby" "$3"
  wait_for 20 as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$3" -U postgres -d test -Atc "SELECT 1"
  log "PostgreSQL pair $1: primary on $2, standby on $3"
}

pgbouncer_up() { # in front of pair A's primary
  local d="$DIR/pgbouncer"
  mkdir -p "$d"
  echo '"postgres" ""' >"$d/userlist.txt"
  cat >"$d/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5461
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 5464
unix_socket_dir = $d
auth_type = trust
auth_file = $d/userlist.txt
pool_mode = transaction
; few server connections, so that sessions share them as they do in production
default_pool_size = 2
max_client_conn = 200
ignore_startup_parameters = extra_float_digits
logfile = $d/pgbouncer.log
pidfile = $d/pgbouncer.pid
INI
  chown -R postgres:postgres "$d"
  as_postgres pgbouncer -q -d "$d/pgbouncer.ini"
  wait_for 10 as_postgres "$PGBIN/psql" -h 127.0.0.1 -p 5464 -U postgres -d test -Atc "SELECT 1" \
    || { cat "$d/pgbouncer.log" >&2; die "pgbouncer did not answer"; }
  log "pgbouncer (transaction mode) on 5464"
}

pgpool_up() { # in front of pair B
  local d="$DIR/pgpool" pg="$DIR/pgB"
  mkdir -p "$d"
  cat >"$d/failover.sh" <<SH
#!/bin/sh
# pgpool's failover_command: FAILED_NODE OLD_PRIMARY. The primary is gone: promote the standby.
echo "failover: node \$1 failed (primary was \$2)" >>"$d/failover.log"
if [ "\$1" = "\$2" ]; then exec "$PGBIN/pg_ctl" promote -w -D "$pg/standby"; fi
SH
  chmod +x "$d/failover.sh"
  : >"$d/pcp.conf"
  : >"$d/pool_hba.conf"
  cat >"$d/pgpool.conf" <<CONF
backend_clustering_mode = 'streaming_replication'
listen_addresses = '127.0.0.1'
port = 5473
unix_socket_directories = '$d'
pcp_listen_addresses = ''
pcp_port = 5474
pcp_socket_dir = '$d'
pid_file_name = '$d/pgpool.pid'
logdir = '$d'
backend_hostname0 = '127.0.0.1'
backend_port0 = 5471
backend_data_directory0 = '$pg/primary'
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_hostname1 = '127.0.0.1'
backend_port1 = 5472
backend_data_directory1 = '$pg/standby'
backend_flag1 = 'ALLOW_TO_FAILOVER'
enable_pool_hba = off
num_init_children = 16
max_pool = 2
load_balance_mode = off
sr_check_period = 1
sr_check_user = 'postgres'
health_check_period = 1
health_check_timeout = 2
health_check_max_retries = 0
health_check_user = 'postgres'
failover_command = '$d/failover.sh %d %P'
failover_on_backend_error = on
search_primary_node_timeout = 20
use_watchdog = off
CONF
  chown -R postgres:postgres "$d"
  as_postgres pgpool -n -f "$d/pgpool.conf" -F "$d/pcp.conf" -a "$d/pool_hba.conf" >"$d/pgpool.log" 2>&1 &
  wait_for 20 as_postgres "$PGBIN/psql" -h 127.0.0.1 -p 5473 -U postgres -d test -Atc "SELECT 1" \
    || { tail -n 30 "$d/pgpool.log" >&2; die "pgpool did not answer"; }
  log "pgpool-II (streaming_replication) on 5473"
}

kill_pgpool_primary() {
  local pid; pid=$(head -n1 "$DIR/pgB/primary/postmaster.pid")
  kill -9 "$pid"
  log "PostgreSQL primary of pair B killed (pid $pid)"
}

# ---------------------------------------------------------------------------------------------

up() {
  [ "$(id -u)" = 0 ] || die "must run as root (each server runs as its own user)"
  [ ! -e "$DIR" ] || down
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  local t0=$SECONDS galera
  # Galera and PostgreSQL come up side by side; each is ready when its part returns.
  (galera_up && log "Galera up in $((SECONDS - t0)) s") &
  galera=$!
  pg_pair_up A 5461 5462
  pg_pair_up B 5471 5472
  pgbouncer_up
  pgpool_up
  log "PostgreSQL, pgbouncer and pgpool up in $((SECONDS - t0)) s"
  wait "$galera" || die "the Galera cluster did not come up"
  log "all up in $((SECONDS - t0)) s"
}

# The pid in a pid file (the first line; pgpool pads it with NULs).
pid_in() { [ -f "$1" ] && head -n1 "$1" | tr -d '\0'; }
none_alive() { for p; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }

# Stops what runs under $DIR (by the pid files it wrote) and removes it; quiet about what is
# already gone, so that it can run after a bring-up that failed half-way. Nothing is kept, so
# what has not stopped within five seconds is killed.
down() {
  [ -d "$DIR" ] || return 0
  local int=() term=() f p
  # PostgreSQL and pgpool shut down at once on SIGINT (SIGTERM would wait for their clients).
  for f in "$DIR"/pgpool/pgpool.pid "$DIR"/pg?/primary/postmaster.pid "$DIR"/pg?/standby/postmaster.pid; do
    p=$(pid_in "$f") && int+=("$p")
  done
  for f in "$DIR"/pgbouncer/pgbouncer.pid "$DIR"/galera/n*/mariadbd.pid; do
    p=$(pid_in "$f") && term+=("$p")
  done
  ((${#int[@]})) && kill -INT "${int[@]}" 2>/dev/null
  ((${#term[@]})) && kill -TERM "${term[@]}" 2>/dev/null
  if ! wait_for 5 none_alive "${int[@]}" "${term[@]}"; then
    kill -9 "${int[@]}" "${term[@]}" 2>/dev/null || true
  fi
  log "stopped"
  rm -rf "$DIR"
  log "clusters down"
}

env_lines() {
  cat <<ENV
export ORMSH_CLUSTERS_DIR=$DIR
export ORMSH_TEST_GALERA='mysql://root@127.0.0.1:3311/test mysql://root@127.0.0.1:3312/test mysql://root@127.0.0.1:3313/test'
export ORMSH_TEST_PG_PRIMARY=postgres://postgres@127.0.0.1:5461/test
export ORMSH_TEST_PG_STANDBY=postgres://postgres@127.0.0.1:5462/test
export ORMSH_TEST_PG_SECRET_URL=postgres://$PG_SECRET_ROLE@127.0.0.1:5461/test
export ORMSH_TEST_PG_SECRET_PASSWORD='$PG_SECRET_PASSWORD'
export ORMSH_TEST_PGBOUNCER=postgres://postgres@127.0.0.1:5464/test
export ORMSH_TEST_PGPOOL=postgres://postgres@127.0.0.1:5473/test
ENV
}

case "${1:-}" in
  install) install ;;
  up) up ;;
  down) down ;;
  env) env_lines ;;
  kill-galera) kill_galera "$2" ;;
  start-galera) start_galera "$2" ;;
  kill-pgpool-primary) kill_pgpool_primary ;;
  *) die "usage: $0 install | up | down | env | kill-galera N | start-galera N | kill-pgpool-primary" ;;
esac
