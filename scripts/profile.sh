#!/usr/bin/env bash
# Profiles one benchmark scenario (issue 16): runs it from the Release build and attaches dotnet-trace
# (thread-time samples, ~100 Hz) and dotnet-counters (GC, allocations, thread pool) to the process that
# does the work: the Orchestrator for `ingestion` and `sagas`, the benchmark process itself otherwise
# (`saga` and `outbox` run their consumers in-process). PROFILE_HOST=Gateway traces the Gateway instead.
#
#   scripts/profile.sh ingestion --events 30000 [--only batch]
#   scripts/profile.sh saga --messages 2000 --rounds 1
#   scripts/profile.sh outbox --messages 3000 --rounds 1
#   PROFILE_HOST=Gateway scripts/profile.sh ingestion --only reservation --reservations 8000 --seconds 20
#
# Needs the test services (scripts/services.sh start test, with its env exported), a Release build
# (dotnet build -c Release Credits.sln) and the tools (dotnet tool install -g dotnet-trace dotnet-counters).
# Writes .data/profiles/<time>-<scenario>/: trace.nettrace, counters.csv, busy.txt (the managed CPU time by frame,
# from scripts/profile-busy.py) and the scenario's own output. Traces for --seconds (default 40) once the target runs.
# Keep --seconds inside the run: a trace still open when its process exits has no rundown, so no method names
# (for `ingestion --only batch`, e.g. --events 120000 --seconds 16).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"

scenario=${1:?usage: scripts/profile.sh SCENARIO [--seconds N] [scenario options...]}
shift
seconds=40
args=()
while [[ $# -gt 0 ]]; do
  if [[ $1 == --seconds ]]; then seconds=$2; shift 2; else args+=("$1"); shift; fi
done

for tool in dotnet-trace dotnet-counters; do
  command -v "$tool" >/dev/null || { echo "profile: $tool is missing: dotnet tool install -g $tool" >&2; exit 2; }
done

source scripts/scenario.sh
out=$(scenario_out "$scenario")
scenario_start "$out" "$scenario" "${args[@]}"
bench=$scenario_pid

case $scenario in
  ingestion|sagas) target_pattern="Credits.${PROFILE_HOST:-Orchestrator}.dll" ;;
  *) target_pattern='' ;;
esac
target=$bench
if [[ -n $target_pattern ]]; then
  target=$(scenario_host "$target_pattern" 5) || { wait "$bench"; exit 1; }
fi

echo "profile: $scenario, target pid $target, tracing ${seconds}s, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/about.txt"
duration=$(trace_duration "$seconds")
dotnet-counters collect -p "$target" --format csv -o "$out/counters.csv" \
  --counters System.Runtime --duration "$duration" > "$out/counters.log" 2>&1 &
dotnet-trace collect -p "$target" --profile dotnet-sampled-thread-time -o "$out/trace.nettrace" \
  --duration "$duration" > "$out/trace.log" 2>&1 || echo "profile: dotnet-trace failed, see $out/trace.log" >&2
wait "$bench" || echo "profile: the scenario exited with $?" >&2
wait || true

if [[ -f $out/trace.nettrace ]]; then
  # dotnet-trace's own top lists are all waits in a thread-time trace: keep the time spent running managed code.
  dotnet-trace convert --format Speedscope "$out/trace.nettrace" -o "$out/trace" > /dev/null
  python3 scripts/profile-busy.py "$out/trace.speedscope.json" --top 60 > "$out/busy.txt"
fi
echo "profile: written to $out"
