using Credits.Contracts.Customers;

namespace Credits.Contracts.PlanChanges;

/// <summary>The customer is on <see cref="ToPlanId"/> with <see cref="Items"/>.</summary>
public record PlanChanged
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string FromPlanId { get; init; } = "";
    public string ToPlanId { get; init; } = "";
    public IReadOnlyList<SubscriptionItem> Items { get; init; } = [];
    public long CreditsGranted { get; init; }
    public DateTimeOffset EffectiveAt { get; init; }
}
