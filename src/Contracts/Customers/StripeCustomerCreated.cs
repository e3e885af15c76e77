namespace Credits.Contracts.Customers;

/// <summary>Answer to <see cref="CreateStripeCustomer"/>.</summary>
public record StripeCustomerCreated
{
    public Guid CorrelationId { get; init; }
    public string StripeCustomerId { get; init; } = "";
}
