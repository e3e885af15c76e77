namespace Credits.Contracts.TopUps;

/// <summary>Buys <see cref="Credits"/> for <see cref="Amount"/> (minor units). <see cref="PurchaseId"/> is derived from the customer and the client's Idempotency-Key, so a repeated request names the same purchase. <see cref="UseSavedCard"/>: charge the saved card off-session instead of a Checkout session.</summary>
public record PurchaseCredits
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public long Credits { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "usd";
    public bool UseSavedCard { get; init; }
}
