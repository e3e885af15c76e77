namespace Credits.Contracts.Usage;

/// <summary>A usage event the ledger did not apply, with the reason, so that nothing is dropped silently.</summary>
public record UsageRejected
{
    public string CustomerId { get; init; } = "";
    public string EventId { get; init; } = "";
    public long Credits { get; init; }
    /// <summary>Machine-readable: "invalid", "unknown-customer", "idempotency-conflict".</summary>
    public string ReasonCode { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset RejectedAt { get; init; }
}
