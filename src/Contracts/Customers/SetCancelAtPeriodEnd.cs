namespace Credits.Contracts.Customers;

/// <summary>Step command for Stripe: the subscription's <c>cancel_at_period_end</c> (true to cancel at the end, false to resume). Answer: <see cref="CancelAtPeriodEndSet"/> or a fault.</summary>
public record SetCancelAtPeriodEnd
{
    public Guid OperationId { get; init; }
    public string SubscriptionId { get; init; } = "";
    public bool CancelAtPeriodEnd { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
