namespace Credits.Messaging.Outbox;

/// <summary>Settings of <c>AddPostgresOutbox&lt;TDbContext&gt;</c>.</summary>
public sealed class PostgresOutboxOptions
{
    /// <summary>How long the relay sleeps when the outbox is empty and nothing in this process woke it (other processes' commits are found by this poll).</summary>
    public TimeSpan QueryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Outbox units (one consumed message or one bus-outbox SaveChanges each) locked and relayed per transaction.</summary>
    public int QueryMessageLimit { get; set; } = 100;

    /// <summary>How long inbox rows are kept: a redelivery later than this is consumed again. Business idempotency needs its own durable keys.</summary>
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the cleanup service deletes inbox rows older than the window.</summary>
    public TimeSpan InboxCleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long the relay leaves a consumer's unit to the consumer, which sends it itself right after its commit.
    /// After that the unit is taken to have been left behind (a crash, a failed send) and the relay sends it, so this
    /// is the extra delay of a message in those cases. Too short, and a relay sends units their consumer is still
    /// sending: twice, which the receivers' inbox absorbs.
    /// </summary>
    public TimeSpan RelayGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one broker send may take before the sender gives the unit up and leaves it to a later relay round.</summary>
    public TimeSpan MessageDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a unit whose send failed waits before a relay tries it again. The relay takes the longest-due units first,
    /// so without the wait a batch's worth of units that keep failing would be taken again at once, for ever, and the
    /// units behind them never.
    /// </summary>
    public TimeSpan SendRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    internal bool BusOutbox { get; private set; }
    internal bool DeliveryService { get; private set; } = true;

    /// <summary>
    /// Publishes and sends made outside a consumer (an HTTP request scope's IPublishEndpoint or
    /// ISendEndpointProvider) are written to the scoped DbContext and leave only after its SaveChanges commits.
    /// </summary>
    public PostgresOutboxOptions UseBusOutbox()
    {
        BusOutbox = true;
        return this;
    }

    /// <summary>
    /// For hosts that write to the outbox but leave relaying to other instances: their consumers send nothing after
    /// their commits either, and their units are due for the relay at once.
    /// </summary>
    public PostgresOutboxOptions DisableDeliveryService()
    {
        DeliveryService = false;
        return this;
    }
}
