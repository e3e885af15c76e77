namespace Credits.Contracts.Usage;

/// <summary>
/// One unit of consumption reported by the app. <see cref="EventId"/> is the producer's own id: the
/// same id again, at any later time, is acknowledged and ignored; the same id with different content
/// is rejected (<see cref="UsageRejected"/>).
/// </summary>
public record UsageRecorded
{
    public string CustomerId { get; init; } = "";
    public string EventId { get; init; } = "";
    public long Credits { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    /// <summary>What was consumed (e.g. "api-call"), for the customer's statement; optional.</summary>
    public string? Feature { get; init; }
}
