namespace Credits.Contracts.TopUps;

/// <summary>Step command: an off-session PaymentIntent on the customer's saved card, confirmed at once, metadata <c>purchase_id</c>. Answer: <see cref="SavedCardCharged"/> (the outcome then arrives as a Stripe payment event) or <see cref="PaymentDeclined"/>.</summary>
public record ChargeSavedCard
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
}
