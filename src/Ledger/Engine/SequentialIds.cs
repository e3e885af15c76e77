namespace Credits.Ledger.Engine;

/// <summary>
/// Version 7 GUIDs that increase strictly within the process, so that grants made in the same
/// millisecond still sort oldest first ("then oldest" in the burn-down order).
/// </summary>
static class SequentialIds
{
    static long _lastMilliseconds;

    public static Guid Next(DateTimeOffset now)
    {
        long current, next;
        do
        {
            current = Interlocked.Read(ref _lastMilliseconds);
            next = Math.Max(current + 1, now.ToUnixTimeMilliseconds());
        } while (Interlocked.CompareExchange(ref _lastMilliseconds, next, current) != current);
        return Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(next));
    }
}
