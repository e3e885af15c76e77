using Credits.Ledger.Model;

namespace Credits.Ledger.Queries;

/// <summary>A customer's balance as of <see cref="AsOf"/> (GET /v1/customers/{id}/balance).</summary>
public sealed record CreditBalance
{
    public required string CustomerId { get; init; }
    public required string PlanId { get; init; }
    /// <summary>Usage beyond the available credits is billed now: the plan bills overage, not suspended, the spend cap not reached.</summary>
    public required bool OverageAllowed { get; init; }
    /// <summary>The spend cap: the most overage credits billed per period (docs/spend-caps.md); null = none.</summary>
    public long? OverageCap { get; init; }
    /// <summary>Overage credits this period may still bill: 0 without overage or with the cap reached, null = no limit.</summary>
    public long? OverageRoom { get; init; }
    /// <summary>Spendable now: effective, unexpired grants minus holds (never below 0).</summary>
    public required long Available { get; init; }
    public required long Held { get; init; }
    /// <summary>Unspent credits in effective, unexpired grants, by where they came from (before holds).</summary>
    public required IReadOnlyDictionary<GrantSource, long> BySource { get; init; }
    /// <summary>Credits in grants that take effect later.</summary>
    public required long Upcoming { get; init; }
    public required long OverageThisPeriod { get; init; }
    public required DateTimeOffset PeriodStart { get; init; }
    public required DateTimeOffset PeriodEnd { get; init; }
    /// <summary>
    /// The fraction of a credit that priced usage has used but not yet paid (0 ≤ it &lt; 1): it is added to the next
    /// priced event's price, which debits the whole credits of the sum (docs/rate-cards.md).
    /// </summary>
    public decimal UsageRemainder { get; init; }
    public required DateTimeOffset AsOf { get; init; }
}
