namespace Credits.Contracts.Customers;

/// <summary>
/// From the customer saga (which holds the one in-flight slot) to the cancellation saga: end this subscription.
/// <see cref="Mode"/>: <see cref="CancellationModes.AtPeriodEnd"/>, <see cref="CancellationModes.Now"/>, or
/// <see cref="CancellationModes.EndedByStripe"/> (Stripe ended it itself, e.g. after the last failed retry of a renewal:
/// only the ledger's part of the end is left to do).
/// </summary>
public record BeginCancellation
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string PlanId { get; init; } = "";
    /// <summary>The plan whose terms the account keeps after the end: the catalog's free plan (no allowance, no overage).</summary>
    public string FreePlanId { get; init; } = "";
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    public string Mode { get; init; } = CancellationModes.AtPeriodEnd;
    public string RequestedBy { get; init; } = "";
    /// <summary>Why Stripe ended it, for <see cref="CancellationModes.EndedByStripe"/> (cancellation_details.reason).</summary>
    public string? Reason { get; init; }
}
