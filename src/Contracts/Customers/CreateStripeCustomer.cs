namespace Credits.Contracts.Customers;

/// <summary>Step command: create the Stripe customer (metadata <c>customer_id</c> = <see cref="CustomerId"/>) with <see cref="IdempotencyKey"/>. Answer: <see cref="StripeCustomerCreated"/> or a fault.</summary>
public record CreateStripeCustomer
{
    public Guid CorrelationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
