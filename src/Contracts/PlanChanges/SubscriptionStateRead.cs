using Credits.Contracts.Customers;

namespace Credits.Contracts.PlanChanges;

/// <summary>
/// Answer to <see cref="ReadSubscriptionState"/>: the subscription's items as Stripe holds them and the proration
/// invoice (the known one, or the latest invoice when Stripe made it for a subscription update) with its status
/// (<c>draft</c>, <c>open</c>, <c>paid</c>, <c>void</c>, <c>uncollectible</c>; null when there is none).
/// </summary>
public record SubscriptionStateRead
{
    public Guid OperationId { get; init; }
    public IReadOnlyList<SubscriptionItem> Items { get; init; } = [];
    public string? InvoiceId { get; init; }
    public string? InvoiceStatus { get; init; }
    /// <summary>
    /// The subscription's current period as Stripe holds it (null from an older step). An upgrade that
    /// reaches Stripe after the period rolled is charged for, and credited in, the new period.
    /// </summary>
    public DateTimeOffset? PeriodStart { get; init; }
    public DateTimeOffset? PeriodEnd { get; init; }
}
