namespace Credits.Contracts.Billing;

/// <summary>Stripe <c>payment_intent.payment_failed</c>, with Stripe's decline code when there is one.</summary>
public record StripePaymentFailed
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string PaymentIntentId { get; init; } = "";
    public string? StripeCustomerId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
