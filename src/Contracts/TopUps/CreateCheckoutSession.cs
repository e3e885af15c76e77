namespace Credits.Contracts.TopUps;

/// <summary>Step command: a Stripe Checkout session in payment mode with metadata <c>purchase_id</c>. Answer: <see cref="CheckoutSessionCreated"/> or a fault.</summary>
public record CreateCheckoutSession
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public long Credits { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
    /// <summary>The session's own expiry, set before the purchase's abandon time (Stripe accepts 30 minutes to 24 hours ahead).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
