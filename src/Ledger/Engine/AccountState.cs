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
    /// <summary>Overage of usage charged to the previous period (late usage during its grace counts against the spend cap).</summary>
    public long OveragePreviousPeriod { get; set; }
    /// <summary>The most overage credits billed per period (the spend cap); null = no cap.</summary>
    public long? OverageCap { get; set; }
    /// <summary>The highest percentage of the spend cap already reported this period (0 = none).</summary>
    public int SpendCapAlerted { get; set; }
    public long? LowBalanceThreshold { get; set; }
    /// <summary>The fraction of a credit priced usage has not paid yet (0 ≤ remainder &lt; 1; <see cref="Pricing.UsagePricing"/>).</summary>
    public decimal UsageRemainder { get; set; }
    public bool Changed { get; set; }
}
