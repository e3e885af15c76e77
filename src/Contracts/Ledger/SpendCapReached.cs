namespace Credits.Contracts.Ledger;

/// <summary>
/// This period's overage reached the customer's spend cap: from now on usage beyond the available credits is written
/// off, as on a plan without overage, until the cap is raised or removed or <see cref="PeriodEnd"/> starts a new period
/// (docs/spend-caps.md). The app should stop the customer's paid usage. Published once per period, in the transaction
/// that reached the cap (a cap set at or below the overage already billed reaches it at once); raising the cap re-arms it.
/// </summary>
public record SpendCapReached
{
    public string CustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    /// <summary>The cap, overage credits per period.</summary>
    public long OverageCap { get; init; }
    public long OverageThisPeriod { get; init; }
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
