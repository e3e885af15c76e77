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
}
