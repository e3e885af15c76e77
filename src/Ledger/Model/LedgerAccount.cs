namespace Credits.Ledger.Model;

/// <summary>
/// A customer's account: its plan, current billing period and running totals. The totals are kept
/// in the same transaction as the entries and always equal their sums (Balance = Σ Amount,
/// Held = Σ HeldChange, OverageThisPeriod = Σ Quantity of this period's overage entries).
/// </summary>
public class LedgerAccount
{
    public string CustomerId { get; set; } = "";
    public string PlanId { get; set; } = "";
    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset PeriodEnd { get; set; }
    public long Balance { get; set; }
    public long Held { get; set; }
    public long OverageThisPeriod { get; set; }
    /// <summary>The period before the current one: usage that occurred in it may still arrive during the late-usage grace.</summary>
    public DateTimeOffset? PreviousPeriodStart { get; set; }
    /// <summary>Overage of usage after <see cref="PeriodEnd"/> recorded before the next period opened (Σ of its overage entries).</summary>
    public long OverageNextPeriod { get; set; }
    /// <summary>Usage beyond the available credits is written off even on a plan with overage (an unpaid renewal).</summary>
    public bool OverageSuspended { get; set; }
    /// <summary>Overage of usage charged to the period before the current one (Σ of its overage entries), for the spend cap.</summary>
    public long OveragePreviousPeriod { get; set; }
    /// <summary>
    /// The spend cap: the most overage credits billed per period, beyond which usage is written off (docs/spend-caps.md);
    /// null = no cap.
    /// </summary>
    public long? OverageCap { get; set; }
    /// <summary>The highest percentage of the spend cap reported this period (SpendCapAlert), so each is published once.</summary>
    public int SpendCapAlerted { get; set; }
    /// <summary>The customer's own low-balance level (its auto top-up threshold), reported like the plan's thresholds.</summary>
    public long? LowBalanceThreshold { get; set; }
    /// <summary>The fraction of a credit priced usage has not paid yet, carried to the next priced event (0 ≤ remainder &lt; 1).</summary>
    public decimal UsageRemainder { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
