namespace Credits.Contracts.Billing;

/// <summary>
/// Reconciliation found the ledger and Stripe disagreeing for a customer. <see cref="Kind"/>:
/// <c>meter_missing</c>, <c>meter_excess</c>, <c>subscription_missing</c>, <c>flat_item</c>, <c>metered_item</c>.
/// </summary>
public record ReconciliationDifferenceFound
{
    public Guid DifferenceId { get; init; }
    public string CustomerId { get; init; } = "";
    public string? StripeCustomerId { get; init; }
    public string Kind { get; init; } = "";
    public string Expected { get; init; } = "";
    public string Actual { get; init; } = "";
    /// <summary>What was done about it: <c>resent</c>, <c>none</c> (an operator must look).</summary>
    public string Correction { get; init; } = "";
    public DateTimeOffset FoundAt { get; init; }
}
