#!/usr/bin/env bash
# Where messages wait during a benchmark scenario (issue 16): runs the scenario from the Release build and asks
# RabbitMQ's management API for every queue's depth (ready + unacknowledged) about once a second while it runs, then
# prints each queue's largest depth and the timeline of the deepest ones.
#
#   scripts/queue-depths.sh sagas --customers 200
#
# Needs the test services (scripts/services.sh start test, with its env exported) and a Release build. Writes
# .data/profiles/<time>-queues-<scenario>/ (named by scripts/scenario.sh): depths.jsonl and the scenario's own output.
# The management API refreshes its figures every 5 s and answers slowly under load, so samples move in steps and can
# be seconds apart; the time column says when each was taken.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/queue-depths.sh SCENARIO [ARGS...]" >&2; exit 2; }
if [ -z "${CREDITS_RABBITMQ_MANAGEMENT:-}" ]; then
  echo 'export the test services'"'"' env first: eval "$(scripts/services.sh env test)"' >&2; exit 2
fi
management=${CREDITS_RABBITMQ_MANAGEMENT%/}
source scripts/scenario.sh
out=$(scenario_out "queues-$1")
scenario_start "$out" "$@"
while kill -0 "$scenario_pid" 2>/dev/null; do
  body=$(curl -s --max-time 5 "$management/api/queues?columns=name,vhost,messages_ready,messages_unacknowledged" || true)
  [ -n "$body" ] && printf '{"t":%s,"queues":%s}\n' "$(date +%s.%N)" "$body" >> "$out/depths.jsonl"
  sleep 1
done
wait "$scenario_pid" || echo "the scenario exited with $?; see $out/scenario.txt" >&2

python3 - "$out/depths.jsonl" <<'EOF'
import json, sys
samples = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
if not samples: sys.exit("no samples: was the management API reachable?")
depth = lambda q: (q.get("messages_ready") or 0) + (q.get("messages_unacknowledged") or 0)
deepest = {}
for s in samples:
    for q in s["queues"]:
        deepest[q["name"]] = max(deepest.get(q["name"], 0), depth(q))
top = [name for name, d in sorted(deepest.items(), key=lambda x: -x[1]) if d > 0][:8]
print("largest depth per queue:", ", ".join(f"{n} {deepest[n]}" for n in top) or "none")
print("   s " + " ".join(f"{n[:18]:>18}" for n in top))
t0 = samples[0]["t"]
for s in samples:
    by_name = {q["name"]: depth(q) for q in s["queues"]}
    print(f"{s['t'] - t0:5.1f} " + " ".join(f"{by_name.get(n, 0):>18}" for n in top))
EOF
echo "samples and the scenario's output: $out"
