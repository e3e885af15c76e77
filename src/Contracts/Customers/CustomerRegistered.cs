namespace Credits.Contracts.Customers;

/// <summary>The customer has a Stripe customer and a subscription. Published again for a repeated <see cref="RegisterCustomer"/>.</summary>
public record CustomerRegistered
{
    public Guid CorrelationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public string SubscriptionStatus { get; init; } = "";
}
