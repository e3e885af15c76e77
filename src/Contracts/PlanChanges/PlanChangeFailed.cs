using Credits.Contracts.Customers;

namespace Credits.Contracts.PlanChanges;

/// <summary>The change did not happen; the subscription is on <see cref="FromPlanId"/> with <see cref="Items"/>. <see cref="Reason"/> is for people.</summary>
public record PlanChangeFailed
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string FromPlanId { get; init; } = "";
    public string ToPlanId { get; init; } = "";
    public IReadOnlyList<SubscriptionItem> Items { get; init; } = [];
    public string Reason { get; init; } = "";
}
