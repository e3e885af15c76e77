namespace Credits.Contracts.Customers;

/// <summary>Step command: create the subscription on <see cref="FlatPriceId"/> (plus <see cref="MeteredPriceId"/> when the plan has overage) with <see cref="IdempotencyKey"/>. Answer: <see cref="SubscriptionCreated"/> or a fault.</summary>
public record CreateSubscription
{
    public Guid CorrelationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public string FlatPriceId { get; init; } = "";
    public string? MeteredPriceId { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
