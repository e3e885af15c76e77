namespace Credits.Messaging.Outbox;

/// <summary>
/// A message that a consumer has consumed: the row commits in the same transaction as the consumer's
/// work, so its presence means "done" and a redelivery (same MessageId, same consumer) is a no-op.
/// </summary>
public sealed class InboxState
{
    public Guid MessageId { get; set; }

    /// <summary>MassTransit's id for the consumer on its endpoint (endpoint name + consumer + message type).</summary>
    public Guid ConsumerId { get; set; }

    public DateTime Received { get; set; }

    /// <summary>1 after the first consumption, incremented by each duplicate delivery.</summary>
    public int ReceiveCount { get; set; }
}
