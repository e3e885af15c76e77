#!/usr/bin/env bash
# The chaos soak (docs/RELIABILITY.md): two Orchestrators and two Gateways under usage, plan changes, top-ups and
# reservations while instances are killed and RabbitMQ and PostgreSQL restart; the books are checked at the end and
# any violation exits 1. It runs on the "chaos" profile of scripts/services.sh (ports 57432/57672, data in
# .data/chaos), which it starts and stops, so the services it restarts are its own.
#   scripts/chaos.sh                         full run: 1,000,000 events, quorum queues
#   scripts/chaos.sh --queues classic        the same on classic queues
#   scripts/chaos.sh --short                 about 20,000 events, one of each fault (what ./test.sh runs)
#   scripts/chaos.sh --sabotage true         does bad things behind Credits' back after the run: the checks must fail
# Other options go to the scenario (--events, --customers, --rate, --kill-every). --configuration Debug uses the
# Debug build (./test.sh's); --no-build skips the build.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration=Release; build=1; args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --short) args+=(--events 20000 --customers 40 --rate 200 --max-minutes 30); shift ;;
    --configuration) configuration=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
# A full run takes well over the scenario runner's default 15 minutes.
case " ${args[*]-} " in *" --max-minutes "*) ;; *) args+=(--max-minutes 120) ;; esac

if [ "$build" = 1 ]; then
  dotnet build Credits.sln -c "$configuration" -nologo -clp:ErrorsOnly -v:q || exit 1
fi
# The soak's services are throw-away and its own: whatever an earlier run left (data, a server still up) is removed
# first. Its ports move to free ones when taken: something listens on them, or a connection uses one as its local port
# (the profile's ports lie in Linux's ephemeral range, 32768-60999; a CI run's client socket held 57432, 2026-12-02).
scripts/services.sh reset chaos >/dev/null 2>&1 || true
taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || ss -Htan "sport = :$1" 2>/dev/null | grep -q .; }
# Ports given by the caller are used as given; chosen ones are chosen again, further up, if a server still cannot bind.
given_pg=${CREDITS_PG_PORT:-}; given_amqp=${CREDITS_AMQP_PORT:-}
choose_ports() {
  local port
  if [ -z "$given_pg" ]; then
    port=$((57432 + $1)); while taken "$port"; do port=$((port + 10)); done
    CREDITS_PG_PORT=$port
  fi
  if [ -z "$given_amqp" ]; then
    port=$((57672 + $1)); while taken "$port" || taken $((port + 1)) || taken $((port + 2)); do port=$((port + 10)); done
    CREDITS_AMQP_PORT=$port
  fi
  export CREDITS_PG_PORT CREDITS_AMQP_PORT
}
chosen=0
[ -z "$given_pg" ] || [ -z "$given_amqp" ] && chosen=1
for attempt in 1 2 3; do
  choose_ports $(((attempt - 1) * 100))
  echo "chaos services: PostgreSQL on $CREDITS_PG_PORT, RabbitMQ on $CREDITS_AMQP_PORT"
  if scripts/services.sh start chaos; then started=1; break; fi
  started=0
  scripts/services.sh reset chaos >/dev/null 2>&1 || true
  [ "$chosen" = 1 ] || break
done
[ "$started" = 1 ] || { echo "chaos services did not start (see the lines above)"; exit 1; }
trap 'scripts/services.sh stop chaos' EXIT
eval "$(scripts/services.sh env chaos)"
export CREDITS_POSTGRES_ADMIN CREDITS_RABBITMQ CREDITS_RABBITMQ_MANAGEMENT
dotnet "benchmarks/Credits.Benchmarks/bin/$configuration/net10.0/Credits.Benchmarks.dll" chaos "${args[@]}"
rc=$?
# A failed run says what the servers logged (the test that runs the short soak shows the DIAGNOSIS lines).
if [ "$rc" != 0 ]; then scripts/services.sh logs chaos 40 2>&1 | sed 's/^/  DIAGNOSIS log: /'; fi
exit "$rc"
