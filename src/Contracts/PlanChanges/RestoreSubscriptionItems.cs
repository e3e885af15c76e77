namespace Credits.Contracts.PlanChanges;

/// <summary>Compensation: put the subscription back on the previous plan's items (<see cref="Changes"/>, <c>proration_behavior</c> none) with <see cref="IdempotencyKey"/>. Answer: <see cref="SubscriptionItemsRestored"/> or a fault.</summary>
public record RestoreSubscriptionItems
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public IReadOnlyList<SubscriptionItemChange> Changes { get; init; } = [];
/// <summary>The open proration invoice to void, if any, so the customer is not charged for a change that was undone.</summary>
    public string? VoidInvoiceId { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
