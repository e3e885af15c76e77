namespace Credits.Contracts.Ledger;

/// <summary>
/// The customer's available credits reached zero. On a plan without overage further usage is
/// written off (the app should stop the customer); with overage it is billed as overage.
/// Published once per crossing.
/// </summary>
public record CreditsExhausted
{
    public string CustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public bool OverageAllowed { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
