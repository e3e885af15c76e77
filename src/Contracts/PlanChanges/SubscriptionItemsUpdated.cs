using Credits.Contracts.Customers;

namespace Credits.Contracts.PlanChanges;

/// <summary>Answer to <see cref="UpdateSubscriptionItems"/>: the items after the update and, for <c>always_invoice</c>, the proration invoice and its status (<c>paid</c> when Stripe charged it synchronously).</summary>
public record SubscriptionItemsUpdated
{
    public Guid OperationId { get; init; }
    public string Step { get; init; } = "";
    public IReadOnlyList<SubscriptionItem> Items { get; init; } = [];
    public string? InvoiceId { get; init; }
    public string? InvoiceStatus { get; init; }
    /// <summary>
    /// The subscription's current period after the update, as Stripe answered (null from an older step). An upgrade that
    /// reaches Stripe after the period rolled is charged for, and credited in, the new period.
    /// </summary>
    public DateTimeOffset? PeriodStart { get; init; }
    public DateTimeOffset? PeriodEnd { get; init; }
}
