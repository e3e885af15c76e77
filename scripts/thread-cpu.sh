#!/usr/bin/env bash
# The CPU of each host's threads of one name against the whole process, sampled every 5 s while a scenario runs
# (issue 16). A thread-time profile counts a thread blocked inside the runtime as busy (scripts/profile-busy.py);
# this says whether such a thread used CPU. Ticks are the kernel's (utime + stime of /proc/<pid>[/task/<tid>]/stat).
#
#   scripts/thread-cpu.sh ".NET Finalizer" sagas --customers 200
#
# Needs the test services (scripts/services.sh start test, with its env exported) and a Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
thread=${1:?usage: scripts/thread-cpu.sh THREAD-NAME SCENARIO [scenario options...]}
shift
source scripts/scenario.sh
out=$(scenario_out "$1-threads")
scenario_start "$out" "$@"
declare -A pids
for host in Orchestrator Gateway; do
  pids[$host]=$(scenario_host "Credits.$host.dll" 3) || true
done
ticks() { awk '{print $14 + $15}' "$1/stat" 2>/dev/null; }
while kill -0 "$scenario_pid" 2>/dev/null; do
  for host in "${!pids[@]}"; do
    pid=${pids[$host]}
    total=$(ticks /proc/"$pid") || continue   # the host has exited
    named=0
    for task in /proc/"$pid"/task/*; do
      # Summed: several threads can share a name (".NET TP Worker").
      [[ $(cat "$task/comm" 2>/dev/null) == "$thread" ]] && named=$((named + $(ticks "$task" || echo 0)))
    done
    echo "$(date +%T) $host: process $total ticks, \"$thread\" $named ticks"
  done
  sleep 5
done | tee "$out/thread-cpu.txt"
wait "$scenario_pid" || echo "thread-cpu: the scenario exited with $?" >&2
echo "thread-cpu: written to $out"
