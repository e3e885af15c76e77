namespace Credits.Contracts.Billing;

/// <summary>Stripe <c>payment_intent.succeeded</c> (off-session top-ups and checkout payments).</summary>
public record StripePaymentSucceeded
{
    public string EventId { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string PaymentIntentId { get; init; } = "";
    public string? StripeCustomerId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
