namespace Credits.Contracts.Customers;

/// <summary>
/// Answer to <see cref="CreateSubscription"/> when Stripe could not start the subscription (its first invoice
/// was not paid: no card, a decline): the incomplete subscription was cancelled, nothing is left to expire.
/// </summary>
public record SubscriptionNotStarted
{
    public Guid CorrelationId { get; init; }
    public string SubscriptionId { get; init; } = "";
    public string Reason { get; init; } = "";
}
