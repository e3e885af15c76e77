namespace Credits.Contracts.Billing;

/// <summary>
/// Overage credits of one customer and period were accepted by the Stripe meter, under
/// <see cref="Identifier"/> (the meter event's dedup key, derived from the ledger entry range).
/// </summary>
public record OverageReported
{
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public long Quantity { get; init; }
    public long LastEntryId { get; init; }
    public string Identifier { get; init; } = "";
    public DateTimeOffset ReportedAt { get; init; }
}
