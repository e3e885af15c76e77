namespace Credits.Contracts.Ledger;

/// <summary>
/// The customer's available credits fell to or below one of the plan's low-balance thresholds.
/// Published once per downward crossing; a grant that lifts the balance above it re-arms it.
/// </summary>
public record CreditBalanceLow
{
    public string CustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public long Threshold { get; init; }
    public long Available { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
