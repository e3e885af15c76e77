using System.Diagnostics;
using Npgsql;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// Throughput over the run: every 2 s, the events acknowledged so far and the ledger's highest entry id (committed
/// entries, cheap to read on a table of millions), so the rate while a fault was on can be set against the rate
/// between faults.
/// </summary>
public sealed class ChaosProgress(ChaosSystem system, UsageBook book, Stopwatch clock)
{
    readonly List<(TimeSpan At, long Acknowledged, long Entries)> _samples = [];
    long _lastAcknowledged = -1;
    TimeSpan _acknowledgedAt;

    /// <summary>How long the producers have gone without a new acknowledgement (as of the last sample).</summary>
    public TimeSpan SinceAcknowledgement => clock.Elapsed - _acknowledgedAt;

    public async Task RunAsync(CancellationToken ct)
    {
        var next = TimeSpan.FromSeconds(10);
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(2000, ct);
            long entries = -1;
            try
            {
                await using var connection = new NpgsqlConnection(system.ConnectionString);
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM ledger_entries", connection);
                entries = (long)(await command.ExecuteScalarAsync(ct))!;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException) { } // PostgreSQL restarting: no sample
            var acknowledged = book.AcknowledgedCount;
            if (acknowledged != _lastAcknowledged) (_lastAcknowledged, _acknowledgedAt) = (acknowledged, clock.Elapsed);
            if (entries >= 0) _samples.Add((clock.Elapsed, acknowledged, entries));
            if (clock.Elapsed >= next)
            {
                ChaosScenario.Say($"{clock.Elapsed.TotalSeconds,5:N0} s: {acknowledged:N0} of {book.Total:N0} acknowledged, ledger entry id {entries:N0}, load {ChaosScenario.LoadAverage()}");
                next += TimeSpan.FromSeconds(10);
            }
        }
    }

    /// <summary>Ledger entries per second in the sample intervals that overlap a fault, and in the others.</summary>
    public (double During, double Between) Throughput(IReadOnlyList<ChaosFaults.Fault> faults)
    {
        double duringEntries = 0, duringSeconds = 0, betweenEntries = 0, betweenSeconds = 0;
        for (var i = 1; i < _samples.Count; i++)
        {
            var (from, to) = (_samples[i - 1].At, _samples[i].At);
            var entries = _samples[i].Entries - _samples[i - 1].Entries;
            var seconds = (to - from).TotalSeconds;
            if (faults.Any(f => f.At < to && f.At + f.Recovery > from)) { duringEntries += entries; duringSeconds += seconds; }
            else { betweenEntries += entries; betweenSeconds += seconds; }
        }
        return (duringSeconds > 0 ? duringEntries / duringSeconds : double.NaN, betweenSeconds > 0 ? betweenEntries / betweenSeconds : double.NaN);
    }
}
