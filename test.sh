#!/usr/bin/env bash
# Runs every test project against a throw-away PostgreSQL and RabbitMQ of its own (profile "test":
# ports 56432/56672, data in .data/test), which it starts and stops. Ends with "N passed, N failed".
#   ./test.sh                      all test projects
#   ./test.sh Credits.Ledger.Tests one project (any name under tests/)
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
RESULTS="$ROOT/.data/test/results"

scripts/prerequisites.sh || exit 1

started_services=0
if ! scripts/services.sh status test >/dev/null 2>&1; then
  scripts/services.sh start test || { echo "0 passed, 1 failed"; exit 1; }
  started_services=1
fi
cleanup() { if [ "$started_services" = 1 ]; then scripts/services.sh stop test 2>&1; started_services=0; fi; }
trap cleanup EXIT
eval "$(scripts/services.sh env test)"
export CREDITS_POSTGRES_ADMIN CREDITS_RABBITMQ CREDITS_RABBITMQ_MANAGEMENT

echo "== build"
if ! dotnet build Credits.sln -c Debug -nologo -clp:ErrorsOnly -v:q --disable-build-servers; then
  echo "build failed"
  cleanup; trap - EXIT
  echo "0 passed, 1 failed"
  exit 1
fi

if [ $# -gt 0 ]; then projects=("$@"); else
  mapfile -t projects < <(ls -d tests/*Tests | xargs -n1 basename)
fi
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

run_project() {
  local name=$1 results=$2
  dotnet test "tests/$name" --no-build -c Debug -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" > "$results/$name.log" 2>&1
  echo "$name: exit $?"
}
export -f run_project

# The chaos soak kills hosts and restarts its own PostgreSQL and RabbitMQ: it runs last, alone, so its load does not
# slow the other suites' hosts and their load does not skew its faults.
# The integration tests take longest (about three quarters of the run): they start first, so the other projects fill
# the second slot beside them instead of holding it up front.
parallel=(); alone=()
for name in "${projects[@]}"; do
  case "$name" in
    Credits.ChaosTests) alone+=("$name") ;;
    Credits.IntegrationTests) parallel=("$name" ${parallel[@]+"${parallel[@]}"}) ;;
    *) parallel+=("$name") ;;
  esac
done
echo "== test (${#parallel[@]} projects, two at a time${alone:+, then ${alone[*]} alone})"
if [ ${#parallel[@]} -gt 0 ]; then
  printf '%s\n' "${parallel[@]}" | xargs -P 2 -I{} bash -c 'run_project "$@"' _ {} "$RESULTS"
fi
for name in "${alone[@]}"; do run_project "$name" "$RESULTS"; done

passed=0; failed=0; skipped=0; status=0
for name in "${projects[@]}"; do
  trx="$RESULTS/$name.trx"
  if [ ! -f "$trx" ]; then
    echo "-- $name: no results (crashed or did not build); log follows"
    tail -n 60 "$RESULTS/$name.log"
    failed=$((failed + 1)); status=1; continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed)
  s=$(( ${t:-0} - ${e:-0} ))
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + s))
  echo "-- $name: ${p:-0} passed, ${f:-0} failed, $s skipped"
  if [ "${f:-0}" != 0 ] || grep -q "Test Run Aborted\|The active test run was aborted" "$RESULTS/$name.log"; then
    status=1
    if command -v python3 >/dev/null; then scripts/trx-failures.py "$trx"
    else grep -E "^\s+Failed |Error Message|^\s+at Credits|Assert\." "$RESULTS/$name.log" | head -n 80; fi
    grep -q "aborted" "$RESULTS/$name.log" && { failed=$((failed + 1)); echo "   (test host aborted; see $RESULTS/$name.log)"; }
  fi
done

echo
echo "logs and TRX files: $RESULTS"
# Stop the services first, so the totals are the last line of the output.
cleanup; trap - EXIT
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
