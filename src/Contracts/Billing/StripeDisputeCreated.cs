namespace Credits.Contracts.Billing;

/// <summary>Stripe <c>charge.dispute.created</c>: the customer's bank disputes <see cref="Amount"/> of a charge.</summary>
public record StripeDisputeCreated
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string DisputeId { get; init; } = "";
    public string ChargeId { get; init; } = "";
    public string? PaymentIntentId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Status { get; init; } = "";
}
