namespace Credits.Contracts.Customers;

/// <summary>Answer to <see cref="CreateSubscription"/>: the subscription as Stripe created it.</summary>
public record SubscriptionCreated
{
    public Guid CorrelationId { get; init; }
    public string SubscriptionId { get; init; } = "";
    public string Status { get; init; } = "";
    public IReadOnlyList<SubscriptionItem> Items { get; init; } = [];
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
}
