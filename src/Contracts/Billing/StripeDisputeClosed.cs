namespace Credits.Contracts.Billing;

/// <summary>
/// Stripe <c>charge.dispute.closed</c>: <see cref="Status"/> is <c>won</c> (the money came back), <c>lost</c> (it stays
/// with the customer) or <c>warning_closed</c> (an inquiry that never became a chargeback).
/// </summary>
public record StripeDisputeClosed
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string DisputeId { get; init; } = "";
    public string ChargeId { get; init; } = "";
    public string? PaymentIntentId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string Status { get; init; } = "";
}
