#!/usr/bin/env python3
"""Busy-thread view of a dotnet-trace thread-time profile (issue 16).

dotnet-sampled-thread-time samples every thread ~100 times a second, blocked or not, so its top lists are full
of waits. This keeps only the time a thread ran managed code (the CPU_TIME pseudo-frame of the Speedscope export)
and prints the share of that time under each frame (inclusive) and in each leaf frame (exclusive). Time in native
code (the GC, the kernel, socket I/O) is not in it; dotnet-counters' cpu.time gives the process total.
Some waits still count as busy: a thread blocked inside the runtime without leaving managed mode shows its managed
leaf frame, e.g. `Thread.<PollGC>` (stopped for a collection) or `DynamicResolver.Finalize` (the finalizer thread:
13 to 15 % of the Orchestrator's busy time in `sagas` profiles, 40 ms of CPU over a whole such run; docs/BENCHMARKS.md,
twenty-fourth session). Check such a leaf against its thread's own CPU with scripts/thread-cpu.sh.

    dotnet-trace convert --format Speedscope trace.nettrace -o trace
    scripts/profile-busy.py trace.speedscope.json [--top 40] [--match Credits.,MassTransit.,Npgsql.] [--libraries]
"""
import argparse, collections, json, sys

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--match", default="", help="comma-separated substrings: only frames containing one (inclusive list)")
    ap.add_argument("--callers", default="", help="a frame substring: the busy time under it, by the nearest Credits/MassTransit/EF frames above it")
    ap.add_argument("--libraries", action="store_true",
                    help="the busy time by the library whose code is innermost on the stack (the runtime's own frames skipped)")
    a = ap.parse_args()
    doc = json.load(open(a.file))
    frames = [f["name"] for f in doc["shared"]["frames"]]
    inclusive, exclusive, callers = collections.Counter(), collections.Counter(), collections.Counter()
    libraries, asked_by_credits = collections.Counter(), collections.Counter()
    # The converter ends each sample's stack with a pseudo-frame: CPU_TIME (running managed code) or
    # UNMANAGED_CODE_TIME (in native code: mostly blocked in the kernel).
    if "CPU_TIME" not in frames:
        sys.exit(f"{a.file}: no CPU_TIME frames; convert a dotnet-sampled-thread-time trace with dotnet-trace convert")
    # dotnet-counters' own session start (MeterListener.Start under an EventPipe callback) shows as one thread busy
    # for the whole trace: the profiler's cost, not the program's.
    probe = {i for i, f in enumerate(frames) if "EventPipeEventProvider.Callback" in f}
    def is_busy(stack):
        return len(stack) > 1 and frames[stack[-1]] == "CPU_TIME" and not probe.intersection(stack)
    busy = total = 0
    for profile in doc["profiles"]:
        # Speedscope's "evented" form: frames opened and closed at times; the time between two events belongs to
        # the stack open in between.
        stack, last = [], None
        for event in profile.get("events", []):
            if last is not None and stack and event["at"] > last:
                w = event["at"] - last
                total += w
                if is_busy(stack):
                    busy += w
                    exclusive[frames[stack[-2]]] += w
                    for name in {frames[i] for i in stack}:
                        inclusive[name] += w
                    if a.libraries:
                        library = innermost_library([frames[i] for i in stack[:-1]])
                        libraries[library] += w
                        if any(frames[i].startswith("Credits.") for i in stack):
                            asked_by_credits[library] += w
                    if a.callers:
                        at = next((k for k, i in enumerate(stack) if a.callers in frames[i]), None)
                        if at is not None:
                            own = [frames[i].split("!", 1)[-1][:90] for i in stack[:at]
                                   if frames[i].startswith(("Credits.", "MassTransit", "Microsoft.EntityFrameworkCore"))]
                            callers[" <- ".join(reversed(own[-4:]))] += w
            last = event["at"]
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    print(f"busy thread time: {busy / 1000:,.1f} s of {total / 1000:,.1f} s sampled ({100 * busy / max(total, 1):.1f} %)")
    busy = max(busy, 1)
    keep = [m for m in a.match.split(",") if m]
    print("\ninclusive (share of busy thread time)")
    shown = 0
    for name, w in inclusive.most_common():
        # The converter's grouping frames (process, thread, activity) hold every sample: no information.
        if name in ("CPU_TIME", "Threads", "(Non-Activities)") or name.startswith(("Process64 ", "Thread (")):
            continue
        if keep and not any(m in name for m in keep):
            continue
        print(f"  {100 * w / busy:5.1f} %  {name[:150]}")
        shown += 1
        if shown >= a.top:
            break
    if a.callers:
        print(f"\nunder {a.callers}, by caller")
        for chain, w in callers.most_common(a.top):
            print(f"  {100 * w / busy:5.1f} %  {chain}")
    if a.libraries:
        print("\nby library: the innermost frame outside the runtime's own assemblies (GC stops, lock waits and")
        print("allocations count against the code that caused them); second figure: the part of it with a Credits")
        print("frame further up the stack, i.e. work Credits' code asked that library for")
        for library, w in libraries.most_common(a.top):
            print(f"  {100 * w / busy:5.1f} %  {100 * asked_by_credits[library] / busy:5.1f} %  {library}")
    print("\nexclusive (leaf frames)")
    for name, w in exclusive.most_common(a.top):
        print(f"  {100 * w / busy:5.1f} %  {name[:150]}")

# The runtime's own assemblies: time in them belongs to whoever called them.
RUNTIME = ("System.Private.CoreLib", "System.Runtime", "System.Threading", "System.Collections", "System.Linq",
           "System.Memory", "System.Diagnostics.DiagnosticSource", "System.Net.Sockets", "System.Net.Primitives",
           "System.Private.Uri", "System.ComponentModel")

def innermost_library(stack):
    for name in reversed(stack):
        # "?!?": native code the converter cannot name (the GC, the JIT, the kernel), also charged to the caller.
        if name == "?!?" or name.startswith(("Process64 ", "Thread (", "Threads", "(Non-Activities)")):
            continue
        module = name.split("!", 1)[0]
        if not module.startswith(RUNTIME):
            return module
    return "(the runtime alone: thread pool, timers)"

main()
