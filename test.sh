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

# A job is a test project, or a part of one: the integration tests' audit classes (a quarter of their time, one class
# of them over four minutes) are a job of their own, so that the two slots end together.
run_project() {
  local name=$1 results=$2 project=$1 filter=()
  case "$name" in
    Credits.IntegrationTests) filter=(--filter "FullyQualifiedName!~Credits.IntegrationTests.Audit.") ;;
    Credits.IntegrationTests.Audit) project=Credits.IntegrationTests; filter=(--filter "FullyQualifiedName~Credits.IntegrationTests.Audit.") ;;
  esac
  dotnet test "tests/$project" --no-build -c Debug -nologo ${filter[@]+"${filter[@]}"} \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" > "$results/$name.log" 2>&1
  echo "$name: exit $?"
}
export -f run_project

# The chaos soak kills hosts and restarts its own PostgreSQL and RabbitMQ: it runs last, alone, so its load does not
# slow the other suites' hosts and their load does not skew its faults.
# The others run two at a time, longest first (about 15, 6 and 5 minutes for the integration tests, the browser tests
# and the integration tests' audits; one or two for the rest), so the short ones fill whichever slot frees first.
parallel=(); alone=()
has() { local n; for n in "${projects[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }
if has Credits.IntegrationTests; then parallel+=(Credits.IntegrationTests); fi
if has Credits.BrowserTests; then parallel+=(Credits.BrowserTests); fi
if has Credits.IntegrationTests; then parallel+=(Credits.IntegrationTests.Audit); fi
for name in "${projects[@]}"; do
  case "$name" in
    Credits.IntegrationTests|Credits.BrowserTests) ;;
    Credits.ChaosTests) alone+=("$name") ;;
    *) parallel+=("$name") ;;
  esac
done
jobs=(${parallel[@]+"${parallel[@]}"} ${alone[@]+"${alone[@]}"})
echo "== test (${#parallel[@]} jobs, two at a time${alone:+, then ${alone[*]} alone})"
# Each test class starts its own hosts, so the suites are mostly .NET start-ups of processes that live a minute or
# two: the JIT's second pass (tier-1 recompiles of methods called 30 times, with dynamic PGO's instrumented tier
# first) was a third of a class's CPU and is wasted on such processes. Both are put off here for the test processes
# and the hosts they start (inherited); the code under test is the same, only less optimised while it runs.
# TC_CallCountingDelayMs (default 100) holds call counting back "while there is startup-like activity"
# (dotnet/runtime, src/coreclr/inc/clrconfigvalues.h, a retail setting). The chaos soak keeps the runtime's
# defaults: it drives 20,000 events through hosts that run long enough to need them.
if [ ${#parallel[@]} -gt 0 ]; then
  printf '%s\n' "${parallel[@]}" | DOTNET_TieredPGO=0 DOTNET_TC_CallCountingDelayMs=5000 \
    xargs -P 2 -I{} bash -c 'run_project "$@"' _ {} "$RESULTS"
fi
for name in "${alone[@]}"; do run_project "$name" "$RESULTS"; done

passed=0; failed=0; skipped=0; status=0
for name in "${jobs[@]}"; do
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
