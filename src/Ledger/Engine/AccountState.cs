namespace Credits.Ledger.Engine;

/// <summary>The locked account row, changed in memory and written back at the end of the transaction.</summary>
sealed class AccountState
{
    public required string CustomerId { get; init; }
    public required string PlanId { get; set; }
    public required DateTimeOffset PeriodStart { get; set; }
    public required DateTimeOffset PeriodEnd { get; set; }
    public long Balance { get; set; }
    public long Held { get; set; }
    public long OverageThisPeriod { get; set; }
    public DateTimeOffset? PreviousPeriodStart { get; set; }
    public long OverageNextPeriod { get; set; }
    public bool OverageSuspended { get; set; }
    public long? LowBalanceThreshold { get; set; }
    /// <summary>The fraction of a credit priced usage has not paid yet (0 ≤ remainder &lt; 1; <see cref="Pricing.UsagePricing"/>).</summary>
    public decimal UsageRemainder { get; set; }
    public bool Changed { get; set; }
}
