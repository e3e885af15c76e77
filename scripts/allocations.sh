#!/usr/bin/env bash
# What the host allocates, by type and by stack (issue 16): runs a benchmark scenario from the Release build, attaches
# dotnet-trace to the host that does the work with the runtime's AllocationTick events (one sample per ~100 KB
# allocated, with its stack) and sums them with benchmarks/allocations (built on first use).
#
#   scripts/allocations.sh ingestion --events 120000 --only batch [--seconds 12] [--after 12] [--stacks System.String]
#
# --after: seconds to wait once the host is up before tracing (the load must be running: ingestion --only batch warms
# for about 10 s). Same needs as scripts/profile.sh (test services with their env exported, a Release build,
# dotnet-trace). Writes .data/profiles/<time>-allocations/: allocations.nettrace, report.txt, scenario.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"

scenario=${1:?usage: scripts/allocations.sh SCENARIO [--seconds N] [--after N] [--stacks T1,T2] [scenario options...]}
shift
seconds=12 after=12 stacks="System.String,System.Byte[]"
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --stacks) stacks=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
command -v dotnet-trace >/dev/null || { echo "allocations: dotnet-trace is missing: dotnet tool install -g dotnet-trace" >&2; exit 2; }
tool=benchmarks/allocations/bin/Release/net10.0/AllocationReport.dll
[[ -f $tool ]] || dotnet build -c Release benchmarks/allocations -nologo -v:q -clp:ErrorsOnly >&2

source scripts/scenario.sh
out=$(scenario_out allocations)
scenario_start "$out" "$scenario" "${args[@]}"
bench=$scenario_pid

target=$(scenario_host "Credits.${PROFILE_HOST:-Orchestrator}.dll" "$after") || { wait "$bench"; exit 1; }

echo "allocations: $scenario, target pid $target, tracing ${seconds}s, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/about.txt"
dotnet-trace collect -p "$target" --providers "Microsoft-Windows-DotNETRuntime:0x1:5" -o "$out/allocations.nettrace" \
  --duration "$(trace_duration "$seconds")" > "$out/trace.log" 2>&1 \
  || echo "allocations: dotnet-trace failed, see $out/trace.log" >&2
wait "$bench" || echo "allocations: the scenario exited with $?" >&2
dotnet "$tool" "$out/allocations.nettrace" --top 40 --stacks "$stacks" > "$out/report.txt"
head -45 "$out/report.txt"
echo "allocations: written to $out"
