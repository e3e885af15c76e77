namespace Credits.Messaging.Scheduling;

/// <summary>
/// A message waiting in PostgreSQL for its due time: the serialized MassTransit envelope, its destination and the
/// scheduling token that cancels it. Delivered (then deleted) by <see cref="ScheduledMessageDelivery{TDbContext}"/>.
/// </summary>
public sealed class ScheduledMessageRecord
{
    /// <summary>The token MassTransit hands to the scheduler (a saga keeps it in its schedule's token property).</summary>
    public Guid TokenId { get; set; }
    public DateTime DueTime { get; set; }
    public string DestinationAddress { get; set; } = "";
    public Guid MessageId { get; set; }
    public string ContentType { get; set; } = "";
    public string MessageType { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
