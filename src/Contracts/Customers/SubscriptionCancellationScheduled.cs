namespace Credits.Contracts.Customers;

/// <summary>Event: the subscription will end at <see cref="EndsAt"/> (Stripe's cancel_at_period_end is set). Until then the customer may resume it.</summary>
public record SubscriptionCancellationScheduled
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string PlanId { get; init; } = "";
    public DateTimeOffset EndsAt { get; init; }
}
