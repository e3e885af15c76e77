#!/usr/bin/env bash
# Starts and stops the project's own PostgreSQL and RabbitMQ as plain processes
# (no system services, no Docker), each profile on its own ports and data folder:
#   dev  - used by ./run.sh
#   test - used by ./test.sh (throw-away: tuned for speed, never touches dev)
#   chaos - used by the chaos soak (scripts/chaos.sh), which restarts its services on purpose
#
#   scripts/services.sh start dev|test     install what is missing, start, wait until ready
#   scripts/services.sh stop  dev|test     stop what the profile started
#   scripts/services.sh status dev|test    exit 0 when both are running
#   scripts/services.sh env   dev|test     print the connection settings as shell exports
#   scripts/services.sh reset test         stop and delete the profile's data
#   scripts/services.sh restart-postgres chaos   PostgreSQL fast shutdown (-m fast) and start again
#   scripts/services.sh restart-rabbitmq chaos   RabbitMQ stopped and started again
#   scripts/services.sh logs chaos         the warnings and errors of both servers' logs (the last of them)
#   scripts/services.sh quorum-leaders chaos VHOST   the quorum queues of VHOST whose Raft group answers without a leader
#   scripts/services.sh stop-quorum-queue chaos VHOST QUEUE   stops one quorum queue's Raft server (a wedged queue, for the soak)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACTION="${1:-}"
PROFILE="${2:-dev}"

# Ports can be moved (CREDITS_PG_PORT, CREDITS_AMQP_PORT) to run a second checkout beside this one.
case "$PROFILE" in
  dev)  PG_PORT=${CREDITS_PG_PORT:-55432}; AMQP_PORT=${CREDITS_AMQP_PORT:-55672} ;;
  test) PG_PORT=${CREDITS_PG_PORT:-56432}; AMQP_PORT=${CREDITS_AMQP_PORT:-56672} ;;
  chaos) PG_PORT=${CREDITS_PG_PORT:-57432}; AMQP_PORT=${CREDITS_AMQP_PORT:-57672} ;;
  *) echo "unknown profile '$PROFILE' (dev, test or chaos)" >&2; exit 2 ;;
esac
MGMT_PORT=$((AMQP_PORT + 1))
DIST_PORT=$((AMQP_PORT + 2))

DATA="$ROOT/.data/$PROFILE"
PG_USER=credits
PG_PASSWORD=credits          # local development default only; production takes it from the environment
RABBIT_NODE="credits-$PROFILE-$(echo "$ROOT" | md5sum | cut -c1-6)@localhost"
RABBIT_DIR="$DATA/rabbitmq"

log() { echo "[services:$PROFILE] $*" >&2; }

apt_install() {
  log "installing $* with apt-get"
  if [ ! -f /tmp/.credits-apt-updated ]; then
    run_as_root apt-get update -qq && touch /tmp/.credits-apt-updated || true
  fi
  DEBIAN_FRONTEND=noninteractive run_as_root apt-get install -y -qq "$@" >/dev/null
}

run_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$d" ]; then apt_install postgresql; d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); fi
  echo "$d"
}

rabbit_bin() {
  if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then apt_install rabbitmq-server; fi
  # Debian's package may start its own node on the default ports; it is not ours and we leave it alone.
  echo /usr/lib/rabbitmq/bin
}

# PostgreSQL refuses to run as root: when we are root it runs as the 'postgres' system user,
# and its data moves out of the checkout if that user cannot reach it (e.g. a clone under /root).
PG_RUNAS=()
if [ "$(id -u)" = 0 ]; then PG_RUNAS=(runuser -u postgres --); fi
pg_data_dir() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
    mkdir -p "$DATA"
    if "${PG_RUNAS[@]}" test -x "$DATA" 2>/dev/null; then
      echo "$DATA/postgres"
    else
      echo "/var/tmp/credits-$(echo "$ROOT" | md5sum | cut -c1-8)-$PROFILE/postgres"
    fi
  else
    echo "$DATA/postgres"
  fi
}

start_postgres() {
  local bin pgdata
  bin=$(pg_bin)
  pgdata=$(pg_data_dir)
  mkdir -p "$pgdata"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$(dirname "$pgdata")"; fi
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    log "initialising PostgreSQL in $pgdata"
    local pw; pw=$(mktemp); echo "$PG_PASSWORD" > "$pw"; chmod 644 "$pw"
    "${PG_RUNAS[@]}" "$bin/initdb" -D "$pgdata" -U "$PG_USER" --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
    rm -f "$pw"
  fi
  if "${PG_RUNAS[@]}" "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    log "PostgreSQL already running on $PG_PORT"
    return
  fi
  local opts="-p $PG_PORT -c listen_addresses=127.0.0.1 -k $pgdata -c max_connections=400"
  if [ "$PROFILE" = test ]; then
    # Throw-away instance: durability of the server itself is not under test here.
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  if ! "${PG_RUNAS[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -o "$opts" -w -t 60 start >/dev/null; then
    log "PostgreSQL did not start; the end of $pgdata/server.log:"
    tail -n 20 "$pgdata/server.log" >&2 || true
    exit 1
  fi
}

stop_postgres() {
  local bin pgdata
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$bin" ] || return 0
  pgdata=$(pg_data_dir)
  [ -f "$pgdata/PG_VERSION" ] || return 0
  if "${PG_RUNAS[@]}" "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    log "stopping PostgreSQL"
    "${PG_RUNAS[@]}" "$bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true
  fi
}

rabbit_env() {
  export HOME="$RABBIT_DIR/home"   # keeps this node's Erlang cookie apart from any other node
  export RABBITMQ_NODENAME="$RABBIT_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$AMQP_PORT"
  export RABBITMQ_DIST_PORT="$DIST_PORT"
  export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia"
  export RABBITMQ_LOG_BASE="$RABBIT_DIR/log"
  export RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins"
  export RABBITMQ_PID_FILE="$RABBIT_DIR/rabbitmq.pid"
  export RABBITMQ_CONF_ENV_FILE="$RABBIT_DIR/rabbitmq-env.conf"
}

rabbit_ready() { curl -sf --max-time 5 -u guest:guest "http://127.0.0.1:$MGMT_PORT/api/overview" >/dev/null 2>&1; }

start_rabbitmq() {
  local bin; bin=$(rabbit_bin)
  if rabbit_ready; then log "RabbitMQ already running on $AMQP_PORT"; return; fi
  mkdir -p "$RABBIT_DIR/home" "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
  touch "$RABBIT_DIR/rabbitmq-env.conf"
  echo "[rabbitmq_management]." > "$RABBIT_DIR/enabled_plugins"
  cat > "$RABBIT_DIR/rabbitmq.conf" <<EOF
listeners.tcp.default = $AMQP_PORT
management.tcp.port = $MGMT_PORT
management.tcp.ip = 127.0.0.1
log.console = false
log.file.level = warning
EOF
  log "starting RabbitMQ on 127.0.0.1:$AMQP_PORT (management $MGMT_PORT)"
  (
    rabbit_env
    nohup setsid "$bin/rabbitmq-server" > "$RABBIT_DIR/log/stdout.log" 2>&1 &
    echo $! > "$RABBIT_DIR/launcher.pid"
  )
  for _ in $(seq 1 120); do
    rabbit_ready && return 0
    sleep 0.5
  done
  log "RabbitMQ did not become ready; see $RABBIT_DIR/log"
  tail -n 30 "$RABBIT_DIR/log/stdout.log" >&2 || true
  exit 1
}

stop_rabbitmq() {
  [ -d "$RABBIT_DIR" ] || return 0
  if rabbit_ready || [ -f "$RABBIT_DIR/rabbitmq.pid" ]; then
    log "stopping RabbitMQ"
    ( rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" stop >/dev/null 2>&1 ) || true
  fi
  # Whatever is left of this node (the launcher, beam) is ours: end it.
  for f in "$RABBIT_DIR/rabbitmq.pid" "$RABBIT_DIR/launcher.pid"; do
    if [ -f "$f" ]; then kill -9 "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; fi
  done
  pkill -9 -f "beam.*-sname $RABBIT_NODE" 2>/dev/null || true
  pkill -9 -f "beam.*$RABBIT_DIR" 2>/dev/null || true
  # Erlang's port mapper is started by the first node on the machine; end it when no node is left.
  if command -v epmd >/dev/null 2>&1 && ! epmd -names 2>/dev/null | grep -q "^name "; then
    epmd -kill >/dev/null 2>&1 || true
  fi
}

print_env() {
  cat <<EOF
export CREDITS_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Password=$PG_PASSWORD;Database=credits'
export CREDITS_POSTGRES_ADMIN='Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Password=$PG_PASSWORD;Database=postgres'
export CREDITS_RABBITMQ='amqp://guest:guest@127.0.0.1:$AMQP_PORT/'
export CREDITS_RABBITMQ_MANAGEMENT='http://guest:guest@127.0.0.1:$MGMT_PORT/'
EOF
}

case "$ACTION" in
  start) start_postgres; start_rabbitmq; log "ready" ;;
  stop) stop_rabbitmq; stop_postgres ;;
  env) print_env ;;
  status)
    pg_ok=1; rabbit_ok=1
    PGDATA_DIR=$(pg_data_dir)
    "${PG_RUNAS[@]}" "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1 || pg_ok=0
    rabbit_ready || rabbit_ok=0
    echo "postgres: $([ $pg_ok = 1 ] && echo running || echo stopped); rabbitmq: $([ $rabbit_ok = 1 ] && echo running || echo stopped)"
    [ $pg_ok = 1 ] && [ $rabbit_ok = 1 ] ;;
  reset) stop_rabbitmq; stop_postgres; rm -rf "$DATA" "$(dirname "$(pg_data_dir)")" ;;
  # The chaos soak's faults: what an operator's restart or a crash-free failover looks like to the hosts.
  restart-postgres) stop_postgres; start_postgres ;;
  restart-rabbitmq) stop_rabbitmq; start_rabbitmq ;;
  quorum-leaders)
    # The management API's list can show such a queue as running for a while (its figures lag): ask the Raft group.
    # A queue listed here refuses publishes (or never confirms them), and a consumer cannot declare it.
    ( rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" eval "
      All = [Q || Q <- rabbit_amqqueue:list(<<\"${3:?vhost}\">>), amqqueue:get_type(Q) =:= rabbit_quorum_queue],
      {quorum_queues, length(All), without_leader,
       [{element(4, amqqueue:get_name(Q)), R} || Q <- All, R <- [catch ra:members(amqqueue:get_pid(Q), 2000)], element(1, R) =/= ok]}." ) ;;
  stop-quorum-queue)
    ( rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" eval "
      {ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(<<\"${3:?vhost}\">>, queue, <<\"${4:?queue}\">>)),
      ra:stop_server(quorum_queues, amqqueue:get_pid(Q))." ) ;;
  logs)
    # What a failed run left behind, for its report: RabbitMQ's warnings and errors (a crash report spans lines,
    # so the lines after each are kept) and PostgreSQL's log lines above INFO.
    for f in "$RABBIT_DIR"/log/*.log; do
      [ -s "$f" ] || continue
      echo "--- $f"
      # A client that went away (every killed host) is routine here and would crowd out the rest.
      grep -v "^\s*$" "$f" | grep -v "client unexpectedly closed TCP connection\|closing AMQP connection" \
        | grep -A 4 "\[error\]\|\[warning\]\|\[critical\]" | tail -n "${3:-60}"
    done
    pglog="$(pg_data_dir)/server.log"
    if [ -s "$pglog" ]; then
      echo "--- $pglog"
      grep "WARNING\|ERROR\|FATAL\|PANIC\|LOG:  database system" "$pglog" | tail -n "${3:-60}"
    fi ;;
  *) echo "usage: $0 start|stop|status|env|reset|restart-postgres|restart-rabbitmq|logs|quorum-leaders|stop-quorum-queue dev|test|chaos" >&2; exit 2 ;;
esac
