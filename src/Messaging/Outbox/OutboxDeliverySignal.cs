namespace Credits.Messaging.Outbox;

/// <summary>
/// Wakes a background loop of this process right after work for it appeared: the relay after a commit that wrote
/// outbox rows for it, the after-commit delivery's cleanup after a send, so neither waits out its poll interval.
/// Losing a signal costs at most one <see cref="PostgresOutboxOptions.QueryDelay"/>.
/// </summary>
public sealed class OutboxDeliverySignal
{
    readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_pending.CurrentCount == 0) _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled by a concurrent commit.
        }
    }

    /// <summary>Returns when signalled or after the timeout, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}
