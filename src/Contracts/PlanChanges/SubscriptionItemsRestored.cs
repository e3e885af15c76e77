using Credits.Contracts.Customers;

namespace Credits.Contracts.PlanChanges;

/// <summary>Answer to <see cref="RestoreSubscriptionItems"/>.</summary>
public record SubscriptionItemsRestored
{
    public Guid OperationId { get; init; }
    public IReadOnlyList<SubscriptionItem> Items { get; init; } = [];
}
