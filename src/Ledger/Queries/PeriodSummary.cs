namespace Credits.Ledger.Queries;

/// <summary>What happened on an account in one billing period, summed from its entries.</summary>
public sealed record PeriodSummary
{
    public required string CustomerId { get; init; }
    public required string PlanId { get; init; }
    public required DateTimeOffset PeriodStart { get; init; }
    public required DateTimeOffset PeriodEnd { get; init; }
    public required long Granted { get; init; }
    public required long Debited { get; init; }
    public required long Overage { get; init; }
    public required long WrittenOff { get; init; }
    public required long Expired { get; init; }
    public required long Reversed { get; init; }
}
