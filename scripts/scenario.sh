# Sourced by scripts/profile.sh and scripts/queue-depths.sh: where a run's files go, and the benchmark scenario
# started in the background from the Release build.

# scenario_out NAME: makes and prints .data/profiles/<UTC time>-NAME.
scenario_out() {
  local out
  out=".data/profiles/$(date -u +%Y%m%dT%H%M%S)-$1"
  mkdir -p "$out"
  echo "$out"
}

# scenario_start OUT SCENARIO [ARGS...]: runs the scenario with its output in OUT/scenario.txt; sets scenario_pid.
scenario_start() {
  local out=$1; shift
  local dll=benchmarks/Credits.Benchmarks/bin/Release/net10.0/Credits.Benchmarks.dll
  [[ -f $dll ]] || { echo "$(basename "$0"): build first: dotnet build -c Release Credits.sln" >&2; exit 2; }
  dotnet "$dll" "$@" > "$out/scenario.txt" 2>&1 &
  scenario_pid=$!
}
