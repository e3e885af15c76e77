namespace Credits.Contracts.Usage;

/// <summary>A usage event the ledger did not apply, with the reason, so that nothing is dropped silently.</summary>
public record UsageRejected
{
    public string CustomerId { get; init; } = "";
    public string EventId { get; init; } = "";
    public long Credits { get; init; }
    /// <summary>The native quantity and unit of usage given in them (<see cref="UsageRecorded.Quantity"/>).</summary>
    public decimal? Quantity { get; init; }
    public string? Unit { get; init; }
    /// <summary>Machine-readable: "invalid", "unknown-customer", "idempotency-conflict", "unpriced".</summary>
    public string ReasonCode { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset RejectedAt { get; init; }
}
