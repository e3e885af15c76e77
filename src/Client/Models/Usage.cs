namespace Credits.Client;

// POST /v1/usage (src/Gateway/Usage/UsageApi.cs): keep in step with the Gateway's records.

/// <summary>
/// One usage event: in <see cref="Credits"/>, or as a <see cref="Quantity"/> of a <see cref="Unit"/> of a
/// <see cref="Feature"/> that the rate card prices. <see cref="EventId"/> is the app's own id, unique per customer:
/// the same event sent again (a retry) is a duplicate, never a second debit.
/// </summary>
public sealed record UsageEvent
{
    public required string EventId { get; init; }
    public required string CustomerId { get; init; }
    /// <summary>Credits to debit; null when the usage is given as a <see cref="Quantity"/>.</summary>
    public long? Credits { get; init; }
    /// <summary>When it happened; null: when Credits records it.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
    /// <summary>What was consumed ("api-call", "gpt-4o"); required with <see cref="Quantity"/>.</summary>
    public string? Feature { get; init; }
    /// <summary>Usage in a native unit (e.g. 1250 tokens), up to 6 decimal places.</summary>
    public decimal? Quantity { get; init; }
    /// <summary>The unit of <see cref="Quantity"/> ("input-token", "image").</summary>
    public string? Unit { get; init; }
    /// <summary>The member of a shared balance whose usage this is (the app's user id).</summary>
    public string? MemberId { get; init; }

    public static UsageEvent InCredits(string eventId, string customerId, long credits, string? feature = null) =>
        new() { EventId = eventId, CustomerId = customerId, Credits = credits, Feature = feature };

    public static UsageEvent InUnits(string eventId, string customerId, decimal quantity, string unit, string feature) =>
        new() { EventId = eventId, CustomerId = customerId, Quantity = quantity, Unit = unit, Feature = feature };
}

/// <summary>The values of <see cref="UsageEventResult.Status"/>.</summary>
public static class UsageStatuses
{
    public const string Applied = "applied";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>
/// One event's outcome. <see cref="ReasonCode"/> of a rejected event: invalid, unknown-customer,
/// idempotency-conflict or unpriced. <see cref="Charged"/>: the whole credits an applied event took.
/// </summary>
public sealed record UsageEventResult(string EventId, string Status, string? ReasonCode, string? Reason, long? Available, long? Charged = null);

/// <summary>The results in the order the events were sent.</summary>
public sealed record RecordUsageResult(int Applied, int Duplicates, int Rejected, IReadOnlyList<UsageEventResult> Results);
