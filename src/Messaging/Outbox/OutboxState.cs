namespace Credits.Messaging.Outbox;

/// <summary>
/// One committed unit of outgoing messages (a consumed message, or one SaveChanges of a bus-outbox scope).
/// The relay locks this row with SKIP LOCKED, so a unit is relayed by one instance, in sequence order.
/// </summary>
public sealed class OutboxState
{
    public Guid OutboxId { get; set; }

    public DateTime Created { get; set; }
}
