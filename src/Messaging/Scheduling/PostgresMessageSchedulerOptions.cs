namespace Credits.Messaging.Scheduling;

/// <summary>Settings of the PostgreSQL message scheduler's delivery loop.</summary>
public sealed class PostgresMessageSchedulerOptions
{
    /// <summary>How often an idle instance looks for due messages: the worst lateness of a timeout.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Due messages locked and sent per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How long a message whose send failed waits before it is tried again. Due messages are taken oldest first, so
    /// without the wait one that cannot be sent would be taken again at once, for ever, ahead of every message behind it.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>False in a host that schedules but leaves delivery to others (the rows are shared).</summary>
    public bool DeliverDueMessages { get; set; } = true;
}
