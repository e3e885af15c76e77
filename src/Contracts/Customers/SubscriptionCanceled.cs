namespace Credits.Contracts.Customers;

/// <summary>
/// Event: the subscription has ended (at the period end, at once by an operator, or by Stripe after a failed renewal). The
/// customer is cancelled: no more allowances, the plan's remaining allowance has lapsed, overage is no longer billed
/// (the free plan's terms); credits bought or granted otherwise stay usable.
/// </summary>
public record SubscriptionCanceled
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string PlanId { get; init; } = "";
    /// <summary><see cref="CancellationModes"/>.</summary>
    public string Mode { get; init; } = "";
    /// <summary>Why: cancellation_requested, payment_failed...</summary>
    public string? Reason { get; init; }
    public long AllowanceLapsed { get; init; }
    public DateTimeOffset EndedAt { get; init; }
}
