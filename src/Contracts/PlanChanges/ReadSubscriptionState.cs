namespace Credits.Contracts.PlanChanges;

/// <summary>
/// Step command, read-only: what Stripe actually holds for a plan change whose write ended in doubt (a persistent
/// 5xx, which Stripe may have applied) or whose saga passed its deadline. Answer: <see cref="SubscriptionStateRead"/>.
/// </summary>
public record ReadSubscriptionState
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    /// <summary>The proration invoice the saga already knows of, if any; otherwise the subscription's latest invoice is read.</summary>
    public string? InvoiceId { get; init; }
}
