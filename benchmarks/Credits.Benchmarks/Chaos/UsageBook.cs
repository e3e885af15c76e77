using System.Collections.Concurrent;
using Credits.Contracts.Usage;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// What the producers sent and what Credits acknowledged. Event n belongs to one customer and costs 1 to 7 credits,
/// both derived from n, so a re-send is the very same event (same id, customer, credits and time) and the expected
/// ledger can be computed from the acknowledged numbers alone. "Acknowledged" is what a real producer would take as
/// done: a publish confirmed by the broker, or an HTTP result of applied or duplicate.
/// </summary>
public sealed class UsageBook(string runId, IReadOnlyList<string> customers, int total, DateTimeOffset occurredAt)
{
    readonly int[] _acknowledged = new int[total];
    readonly ConcurrentQueue<int> _resendable = new();
    long _resends, _retries, _http500, _http503, _http502, _httpTimeouts, _publishFailures, _rejected;
    int _next = -1;

    public int Total => total;
    public IReadOnlyList<string> Customers => customers;

    /// <summary>The next new event number, or -1 when every event has been handed out.</summary>
    public int Take()
    {
        var n = Interlocked.Increment(ref _next);
        return n < total ? n : -1;
    }

    public string EventId(int n) => $"{runId}-e{n}";
    public string CustomerOf(int n) => customers[(int)((uint)(n * 2654435761u) % (uint)customers.Count)];
    public static long CreditsOf(int n) => 1 + n % 7;

    public UsageRecorded Event(int n) => new()
    {
        EventId = EventId(n), CustomerId = CustomerOf(n), Credits = CreditsOf(n), OccurredAt = occurredAt, Feature = "chaos",
    };

    /// <summary>The number of an event id of this run, or -1.</summary>
    public int Number(string eventId) =>
        eventId.StartsWith($"{runId}-e", StringComparison.Ordinal) && int.TryParse(eventId.AsSpan(runId.Length + 2), out var n) ? n : -1;

    /// <summary>Acknowledged: about one in twenty is offered for a deliberate re-send with the same id, on any channel.</summary>
    public void Acknowledge(int n)
    {
        if (Interlocked.Exchange(ref _acknowledged[n], 1) == 0 && Random.Shared.NextDouble() < 0.05) _resendable.Enqueue(n);
    }

    /// <summary>An acknowledged event to send again (about 5 % of all), or -1.</summary>
    public int TakeResend()
    {
        if (!_resendable.TryDequeue(out var n)) return -1;
        Interlocked.Increment(ref _resends);
        return n;
    }

    public bool IsAcknowledged(int n) => Volatile.Read(ref _acknowledged[n]) == 1;
    public int AcknowledgedCount => _acknowledged.Count(a => a == 1);

    public long Resends => Interlocked.Read(ref _resends);
    public long Retries => Interlocked.Read(ref _retries);
    public long Http500 => Interlocked.Read(ref _http500);
    public long Http503 => Interlocked.Read(ref _http503);
    public long Http502 => Interlocked.Read(ref _http502);
    public long HttpTimeouts => Interlocked.Read(ref _httpTimeouts);
    public long PublishFailures => Interlocked.Read(ref _publishFailures);
    public long Rejected => Interlocked.Read(ref _rejected);

    public void Retried(int events) => Interlocked.Add(ref _retries, events);
    public void Answered500() => Interlocked.Increment(ref _http500);
    public void Answered503() => Interlocked.Increment(ref _http503);
    public void Answered502() => Interlocked.Increment(ref _http502);
    public void TimedOut() => Interlocked.Increment(ref _httpTimeouts);
    public void PublishFailed() => Interlocked.Increment(ref _publishFailures);
    public void Reject() => Interlocked.Increment(ref _rejected);
}
