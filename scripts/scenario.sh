# Sourced by scripts/profile.sh, scripts/allocations.sh and scripts/queue-depths.sh: where a run's files go, the
# benchmark scenario started in the background from the Release build, and the host it starts that a tool attaches to.

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

# scenario_host PATTERN SETTLE: waits for the host process whose command line matches PATTERN (the migration run, which
# exits, is skipped), then SETTLE seconds for it to be under load; prints its pid. Fails when the scenario ends first.
scenario_host() {
  local pattern=$1 settle=$2 target=''
  for _ in $(seq 1 600); do
    target=$( (pgrep -f "$pattern" || true) | while read -r pid; do
      [[ $(ps -o args= -p "$pid") == *migrate* ]] || echo "$pid"; done | head -1 || true)
    [[ -n $target ]] && sleep "$settle" && kill -0 "$target" 2>/dev/null && { echo "$target"; return 0; }
    kill -0 "$scenario_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "$(basename "$0"): no $pattern process appeared" >&2
  return 1
}

# trace_duration SECONDS: the dd:hh:mm:ss form dotnet-trace and dotnet-counters take.
trace_duration() { printf '00:00:%02d:%02d' $(($1 / 60)) $(($1 % 60)); }
