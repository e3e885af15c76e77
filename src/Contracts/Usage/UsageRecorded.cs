namespace Credits.Contracts.Usage;

/// <summary>
/// One unit of consumption reported by the app. <see cref="EventId"/> is the producer's own id, unique per
/// customer: the same id for the same customer again, at any later time, is acknowledged and ignored; with
/// different content it is rejected (<see cref="UsageRejected"/>). The same id for another customer is another event.
/// Usage is given either in <see cref="Credits"/> or in a native unit (<see cref="Quantity"/> of <see cref="Unit"/> of
/// <see cref="Feature"/>), which Credits prices with the rate card in effect at <see cref="OccurredAt"/>
/// (docs/rate-cards.md).
/// </summary>
public record UsageRecorded
{
    public string CustomerId { get; init; } = "";
    public string EventId { get; init; } = "";
    /// <summary>Credits to debit; 0 when the usage is given as a <see cref="Quantity"/>.</summary>
    public long Credits { get; init; }
    /// <summary>When the usage happened; default (unset) means when Credits records it.</summary>
    public DateTimeOffset OccurredAt { get; init; }
    /// <summary>What was consumed (e.g. "api-call", or a model such as "gpt-4o"); required with <see cref="Quantity"/>.</summary>
    public string? Feature { get; init; }
    /// <summary>Usage in a native unit (e.g. 1250 tokens), up to 6 decimal places; priced by the rate card.</summary>
    public decimal? Quantity { get; init; }
    /// <summary>The unit of <see cref="Quantity"/> (e.g. "input-token", "image", "audio-second").</summary>
    public string? Unit { get; init; }
    /// <summary>
    /// The member of a shared balance whose usage this is (the app's own user id): the customer is the organization, whose
    /// balance pays; the usage is attributed to the member and counts against its own limit, if it has one.
    /// </summary>
    public string? MemberId { get; init; }
}
