namespace Credits.Messaging.Outbox;

/// <summary>
/// One committed unit of outgoing messages (a consumed message, or one SaveChanges of a bus-outbox scope).
/// The relay locks this row with SKIP LOCKED, so a unit is relayed by one instance, in sequence order.
/// </summary>
public sealed class OutboxState
{
    public Guid OutboxId { get; set; }

    public DateTime Created { get; set; }

    /// <summary>
    /// When the relay may take the unit. At once for a unit nobody else will send; a grace later for a unit its
    /// writer sends itself right after the commit (<see cref="OutboxAfterCommitDelivery{TDbContext}"/>), so the relay
    /// only picks up what a crash or a failed send left behind.
    /// </summary>
    public DateTime RelayAfter { get; set; }
}
