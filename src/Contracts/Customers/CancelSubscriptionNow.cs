namespace Credits.Contracts.Customers;

/// <summary>
/// Step command for Stripe: <c>DELETE /v1/subscriptions/{id}</c> with <c>invoice_now=true</c> and <c>prorate=true</c> (an operator's
/// immediate cancel). Answer: <see cref="SubscriptionCanceledNow"/> or a fault.
/// </summary>
public record CancelSubscriptionNow
{
    public Guid OperationId { get; init; }
    public string SubscriptionId { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
}
