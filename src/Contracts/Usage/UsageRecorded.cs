namespace Credits.Contracts.Usage;

/// <summary>
/// One unit of consumption reported by the app. <see cref="EventId"/> is the producer's own id, unique per
/// customer: the same id for the same customer again, at any later time, is acknowledged and ignored; with
/// different content it is rejected (<see cref="UsageRejected"/>). The same id for another customer is another event.
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
