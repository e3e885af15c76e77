namespace Credits.Contracts.PlanChanges;

/// <summary>Permanent failure of <see cref="UpdateSubscriptionItems"/> (e.g. a card error on the proration invoice); Stripe left the items as they were.</summary>
public record SubscriptionItemsUpdateFailed
{
    public Guid OperationId { get; init; }
    public string Step { get; init; } = "";
    public string Reason { get; init; } = "";
}
