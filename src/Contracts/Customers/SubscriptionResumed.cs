namespace Credits.Contracts.Customers;

/// <summary>Event: a cancellation scheduled for the period end was undone; the subscription renews as before.</summary>
public record SubscriptionResumed
{
    /// <summary>The cancellation that was undone.</summary>
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
}
