namespace Credits.Billing.Metering;

/// <summary>Counters of the metering loop, for benchmarks and diagnostics.</summary>
public sealed class MeteringStatistics
{
    long _flushes, _calls, _events, _failedCalls, _sessions;

    public long Flushes => Interlocked.Read(ref _flushes);
    /// <summary>HTTP calls that carried meter events to Stripe (not counting session creation).</summary>
    public long MeterCalls => Interlocked.Read(ref _calls);
    public long EventsAccepted => Interlocked.Read(ref _events);
    public long FailedCalls => Interlocked.Read(ref _failedCalls);
    public long SessionsCreated => Interlocked.Read(ref _sessions);

    internal void Flushed() => Interlocked.Increment(ref _flushes);
    internal void Called(bool ok, int events)
    {
        Interlocked.Increment(ref _calls);
        if (ok) Interlocked.Add(ref _events, events);
        else Interlocked.Increment(ref _failedCalls);
    }
    internal void SessionCreated() => Interlocked.Increment(ref _sessions);
}
