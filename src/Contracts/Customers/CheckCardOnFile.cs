namespace Credits.Contracts.Customers;

/// <summary>Step command (a Stripe read): does the customer have a default card? Answer: <see cref="CardOnFileChecked"/> or a fault.</summary>
public record CheckCardOnFile
{
    public Guid OperationId { get; init; }
    public string StripeCustomerId { get; init; } = "";
    public string? SubscriptionId { get; init; }
}
