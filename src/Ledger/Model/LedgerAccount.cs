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
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
