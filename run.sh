#!/usr/bin/env bash
# Runs Credits on this machine: PostgreSQL and RabbitMQ (profile "dev", ports 55432/55672, data in
# .data/dev), the EF Core migrations, the offline Stripe emulator when no STRIPE_SECRET_KEY is set,
# the Orchestrator and the Gateway. Ctrl-C stops everything it started. Safe to run again.
# Without STRIPE_SECRET_KEY the hosts run in Development with the repository's public development keys
# (API key credits-dev-key, emulator secrets). With STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET) they run in
# Production, where those keys are refused: the API key is CREDITS_API_KEY (or a random one, printed) and the
# portal signing key PORTAL_SIGNING_KEY (or a random one). See docs/security/production.md.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
LOGS="$ROOT/.data/dev/logs"
PIDS="$ROOT/.data/dev/pids"
GATEWAY_URL=${GATEWAY_URL:-http://127.0.0.1:5180}
ORCHESTRATOR_URL=${ORCHESTRATOR_URL:-http://127.0.0.1:5181}
EMULATOR_URL=${EMULATOR_URL:-http://127.0.0.1:12111}
API_KEY=credits-dev-key   # local development default with every scope; its hash and scopes are in src/Gateway/appsettings.Development.json
OPERATOR_KEY=$API_KEY

mkdir -p "$LOGS" "$PIDS"

stop_hosts() {
  for f in "$PIDS"/*.pid; do
    [ -f "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  sleep 1
  for f in "$PIDS"/*.pid; do
    [ -f "$f" ] || continue
    kill -9 "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

# A previous run that was killed may have left hosts behind: they are ours, end them first.
stop_hosts

cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping Credits..."
  stop_hosts
  scripts/services.sh stop dev
  echo "stopped."
  exit 0
}
trap cleanup INT TERM EXIT

scripts/prerequisites.sh
scripts/services.sh start dev
eval "$(scripts/services.sh env dev)"

echo "building (Release)..."
dotnet build Credits.sln -c Release -nologo -clp:ErrorsOnly -v:q --disable-build-servers

bin() { echo "$ROOT/src/$1/bin/Release/net10.0/Credits.$1.dll"; }

# A real Stripe key never runs in Development: Development loads appsettings.Development.json, whose keys are public.
if [ -z "${STRIPE_SECRET_KEY:-}" ]; then
  export ASPNETCORE_ENVIRONMENT=Development
else
  export ASPNETCORE_ENVIRONMENT=Production
  random() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  # Two keys, as in production: the app's (usage, reads, customer changes) and the console's (operator).
  API_KEY=${CREDITS_API_KEY:-$(random 24)}
  export ApiKeys__Keys__0__Name=${CREDITS_API_KEY_NAME:-local}
  export ApiKeys__Keys__0__Sha256=$(printf %s "$API_KEY" | sha256sum | cut -d' ' -f1)
  export ApiKeys__Keys__0__Scopes__0=usage:write ApiKeys__Keys__0__Scopes__1=read ApiKeys__Keys__0__Scopes__2=admin
  OPERATOR_KEY=${CREDITS_OPERATOR_KEY:-$(random 24)}
  export ApiKeys__Keys__1__Name=operator
  export ApiKeys__Keys__1__Sha256=$(printf %s "$OPERATOR_KEY" | sha256sum | cut -d' ' -f1)
  export ApiKeys__Keys__1__Scopes__0=operator
  export Portal__SigningKey=${PORTAL_SIGNING_KEY:-$(random 32)}
fi
export Postgres__ConnectionString="$CREDITS_POSTGRES"
export RabbitMq__Url="$CREDITS_RABBITMQ"

echo "applying migrations..."
dotnet "$(bin Orchestrator)" migrate > "$LOGS/migrate.log" 2>&1 || { cat "$LOGS/migrate.log"; exit 1; }

start_host() { # name url
  local name=$1 url=$2
  ( cd "$(dirname "$(bin "$name")")" && exec dotnet "$(bin "$name")" --urls "$url" ) > "$LOGS/$name.log" 2>&1 &
  echo $! > "$PIDS/$name.pid"
}

wait_ready() { # name url
  for _ in $(seq 1 120); do
    if curl -sf "$2/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; then
      echo "$1 exited; last lines of $LOGS/$1.log:"; tail -n 30 "$LOGS/$1.log"; exit 1
    fi
    sleep 0.5
  done
  echo "$1 did not become ready; see $LOGS/$1.log"; exit 1
}

if [ -z "${STRIPE_SECRET_KEY:-}" ]; then
  echo "no STRIPE_SECRET_KEY: starting the offline Stripe emulator; the hosts run in Development with the public development keys"
  # Its state is kept in .data/dev so the Stripe ids stored in PostgreSQL stay valid across restarts.
  StripeEmulator__Url="$EMULATOR_URL" \
  StripeEmulator__WebhookUrl="$GATEWAY_URL/webhooks/stripe" \
  StripeEmulator__WebhookSecret=whsec_emulator \
  StripeEmulator__StateFile="$ROOT/.data/dev/stripe-emulator.json" \
    start_host StripeEmulator "$EMULATOR_URL"
  wait_ready StripeEmulator "$EMULATOR_URL"
  export Stripe__SecretKey=sk_test_emulator Stripe__WebhookSecret=whsec_emulator
  export Stripe__ApiBase="$EMULATOR_URL" Stripe__MeterEventsBase="$EMULATOR_URL"
else
  export Stripe__SecretKey="$STRIPE_SECRET_KEY"
  export Stripe__WebhookSecret="${STRIPE_WEBHOOK_SECRET:?set STRIPE_WEBHOOK_SECRET with STRIPE_SECRET_KEY}"
  echo "STRIPE_SECRET_KEY set: the hosts run in Production (development keys refused)"
fi

start_host Orchestrator "$ORCHESTRATOR_URL"
start_host Gateway "$GATEWAY_URL"
wait_ready Orchestrator "$ORCHESTRATOR_URL"
wait_ready Gateway "$GATEWAY_URL"

cat <<MSG

Credits is running.
  Environment        $ASPNETCORE_ENVIRONMENT
  Gateway API        $GATEWAY_URL/v1      (Authorization: Bearer $API_KEY)
  API reference      $GATEWAY_URL/docs    OpenAPI: $GATEWAY_URL/openapi/v1.json
  Operator console   $GATEWAY_URL/console (operator key: $OPERATOR_KEY)
  Orchestrator       $ORCHESTRATOR_URL/health/ready
  Stripe             ${STRIPE_SECRET_KEY:+Stripe (STRIPE_SECRET_KEY)}${STRIPE_SECRET_KEY:-offline emulator at $EMULATOR_URL}
  RabbitMQ console   http://127.0.0.1:55673  (guest/guest)
  PostgreSQL         $CREDITS_POSTGRES
  Logs               $LOGS

Try the round trip:
  curl -s -X POST $GATEWAY_URL/v1/diagnostics/round-trips -H 'Authorization: Bearer $OPERATOR_KEY' \\
       -H 'Content-Type: application/json' -d '{"text":"hello"}'
Register a customer, then open its portal (the "url" in the answer):
  curl -s -X POST $GATEWAY_URL/v1/customers -H 'Authorization: Bearer $API_KEY' \\
       -H 'Content-Type: application/json' -d '{"customerId":"acme-42","planId":"hobby"}'
  curl -s -X POST $GATEWAY_URL/v1/customers/acme-42/portal-sessions -H 'Authorization: Bearer $API_KEY'

Ctrl-C stops everything.
MSG

# Stay in the foreground until Ctrl-C, or until a host dies.
while true; do
  for f in "$PIDS"/*.pid; do
    if ! kill -0 "$(cat "$f")" 2>/dev/null; then
      echo "$(basename "$f" .pid) exited; see $LOGS/$(basename "$f" .pid).log"; exit 1
    fi
  done
  sleep 2
done
