namespace Credits.Contracts.Ledger;

/// <summary>
/// This period's overage reached <see cref="Percent"/> of the customer's spend cap (50, 80, then 100, when it reaches
/// the cap; docs/spend-caps.md). Published once per level per period, in the transaction that reached it; raising or
/// removing the cap re-arms the levels the overage is back under. For warning the customer before usage stops.
/// </summary>
public record SpendCapAlert
{
    public string CustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public int Percent { get; init; }
    /// <summary>The cap, overage credits per period.</summary>
    public long OverageCap { get; init; }
    public long OverageThisPeriod { get; init; }
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
