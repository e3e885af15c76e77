using System.Diagnostics;
using Credits.ServiceDefaults;

namespace Credits.Benchmarks;

/// <summary>What a scenario gets: its arguments and a place to report figures as Markdown rows.</summary>
public sealed class BenchmarkContext(string scenario, IReadOnlyDictionary<string, string> options)
{
    public string Scenario { get; } = scenario;
    public IReadOnlyDictionary<string, string> Options { get; } = options;

    readonly HashSet<string> _read = [];

    public int Int(string name, int fallback) => Read(name, out var v) ? int.Parse(v) : fallback;
    public string String(string name, string fallback) => Read(name, out var v) ? v : fallback;

    bool Read(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        lock (_read) _read.Add(name);
        return Options.TryGetValue(name, out value);
    }

    /// <summary>
    /// The options given that the run never read: a misspelt one (<c>--keep-month</c>) would otherwise measure the default
    /// in silence. Known once the run is over, since a scenario reads some options only in the phases it runs.
    /// </summary>
    public IReadOnlyList<string> UnreadOptions
    {
        get { lock (_read) return [.. Options.Keys.Where(k => !_read.Contains(k)).Order()]; }
    }

    /// <summary>
    /// The connection string of an in-process scenario's DbContext: prepared and planned per execution as the hosts'
    /// data source does (Credits.ServiceDefaults.PreparedStatements), unless <c>--statements unprepared</c> asks for
    /// Npgsql's defaults.
    /// </summary>
    public string Statements(string connectionString) => String("statements", "prepared") switch
    {
        "prepared" => PreparedStatements.WithDefaults(connectionString),
        "unprepared" => connectionString,
        var other => throw new ArgumentException($"--statements {other}: expected prepared or unprepared"),
    };

    /// <summary>
    /// <c>--queues quorum|classic</c>: whether the hosts' queues (RabbitMq:QuorumQueues) and the scenario's own endpoints
    /// are quorum queues. A misspelt value stops the run rather than measuring the other type.
    /// </summary>
    public bool QuorumQueues(bool fallback) => String("queues", fallback ? "quorum" : "classic") switch
    {
        "quorum" => true,
        "classic" => false,
        var other => throw new ArgumentException($"--queues {other}: expected quorum or classic"),
    };

    /// <summary>Why the run failed (a scenario's checks found violations), or null: the process then exits 1 after printing its figures.</summary>
    public string? Failure { get; private set; }

    public void Fail(string reason) => Failure = reason;

    readonly List<(string Metric, string Value, string Unit, string Note)> _rows = [];

    public void Report(string metric, double value, string unit, string note = "")
    {
        var formatted = value >= 100 ? value.ToString("N0") : value.ToString("N2");
        _rows.Add((metric, formatted, unit, note));
        Console.WriteLine($"  {metric}: {formatted} {unit} {note}");
    }

    public void PrintMarkdown()
    {
        Console.WriteLine();
        Console.WriteLine($"| {Scenario} | value | unit | note |");
        Console.WriteLine("|---|---:|---|---|");
        foreach (var r in _rows) Console.WriteLine($"| {r.Metric} | {r.Value} | {r.Unit} | {r.Note} |");
        Console.WriteLine();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    }

    /// <summary>Peak resident set size of a process, in MB, read from /proc (Linux).</summary>
    public static double PeakRssMb(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            if (line.StartsWith("VmHWM:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }

    public static double PeakRssMb() => PeakRssMb(Environment.ProcessId);

    /// <summary>
    /// CPU time the process has used so far (user and system, from <c>/proc/&lt;pid&gt;/stat</c>), in seconds. Per event,
    /// a steadier figure than a rate on a shared two-core machine: it does not count the time spent waiting for a core.
    /// </summary>
    public static double CpuSeconds(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 14th and 15th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / (double)ClockTicksPerSecond;
    }

    // USER_HZ, the unit of /proc's CPU times: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
    const int ClockTicksPerSecond = 100;

    public static Stopwatch Start() => Stopwatch.StartNew();
}
