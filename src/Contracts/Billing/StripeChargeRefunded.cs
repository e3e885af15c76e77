namespace Credits.Contracts.Billing;

/// <summary>Stripe <c>charge.refunded</c>: <see cref="AmountRefunded"/> is the charge's refunded total so far.</summary>
public record StripeChargeRefunded
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string ChargeId { get; init; } = "";
    public string? PaymentIntentId { get; init; }
    public string? StripeCustomerId { get; init; }
    public long Amount { get; init; }
    public long AmountRefunded { get; init; }
    public string Currency { get; init; } = "";
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
