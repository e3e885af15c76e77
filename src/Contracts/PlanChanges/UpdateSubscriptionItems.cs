namespace Credits.Contracts.PlanChanges;

/// <summary>Step command: one Stripe subscription update with all <see cref="Changes"/> (flat price swap and metered item added or removed together), <c>proration_behavior</c> = <see cref="ProrationBehavior"/>, and <see cref="IdempotencyKey"/> (operation id + step). Answer: <see cref="SubscriptionItemsUpdated"/>, <see cref="SubscriptionItemsUpdateFailed"/> (permanent) or a fault.</summary>
public record UpdateSubscriptionItems
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public IReadOnlyList<SubscriptionItemChange> Changes { get; init; } = [];
/// <summary><c>always_invoice</c> (upgrade: charge the proration now) or <c>none</c> (period-end downgrade).</summary>
    public string ProrationBehavior { get; init; } = "none";
    public string Step { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
}
