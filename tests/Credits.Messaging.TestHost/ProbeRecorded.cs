namespace Credits.Messaging.TestHost;

/// <summary>Published through the outbox; counted downstream by MessageId.</summary>
public record ProbeRecorded
{
    public Guid ProbeId { get; init; }
}
