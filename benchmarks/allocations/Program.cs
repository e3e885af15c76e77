using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Sums a trace's AllocationTick samples (the runtime reports one about every 100 KB allocated, with the type of the
// object that crossed the mark) by type, and, for the types asked for, by the stack that allocated them.
//
//   dotnet AllocationReport.dll TRACE.nettrace [--top 40] [--stacks System.String,System.Byte[]] [--depth 6]
//
// Shares, not totals, are what to compare between builds: a sample's size depends on the run. Normalise by a type that
// counts the work (one UsageRecorded per usage event, for instance).
var file = args.Length > 0 ? args[0] : throw new ArgumentException("usage: AllocationReport TRACE.nettrace [--top N] [--stacks T1,T2] [--depth N]");
var top = int.Parse(Option("--top") ?? "40");
var stackTypes = (Option("--stacks") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
var depth = int.Parse(Option("--depth") ?? "6");

var byType = new Dictionary<string, long>();
var byStack = new Dictionary<(string Type, string Stack), long>();
long total = 0;
using (var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(file)))
    foreach (var traceEvent in log.Events)
    {
        if (traceEvent is not GCAllocationTickTraceData tick) continue;
        var type = tick.TypeName ?? "?";
        byType[type] = byType.GetValueOrDefault(type) + tick.AllocationAmount64;
        total += tick.AllocationAmount64;
        if (!stackTypes.Contains(type)) continue;
        var frames = new List<string>();
        for (var frame = traceEvent.CallStack(); frame is not null && frames.Count < depth; frame = frame.Caller)
            frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : frame.CodeAddress.ModuleName + "!?");
        var key = (type, string.Join("\n        <- ", frames));
        byStack[key] = byStack.GetValueOrDefault(key) + tick.AllocationAmount64;
    }

Console.WriteLine($"sampled {total / 1e6:N1} MB");
foreach (var (type, bytes) in byType.OrderByDescending(x => x.Value).Take(top))
    Console.WriteLine($"{100.0 * bytes / total,6:N1} %  {bytes / 1e6,8:N1} MB  {type}");
foreach (var type in stackTypes)
{
    var ofType = byType.GetValueOrDefault(type);
    if (ofType == 0) continue;
    Console.WriteLine($"\n{type}, by stack:");
    foreach (var ((_, stack), bytes) in byStack.Where(x => x.Key.Type == type).OrderByDescending(x => x.Value).Take(10))
        Console.WriteLine($"{100.0 * bytes / ofType,6:N1} %  {stack}");
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
