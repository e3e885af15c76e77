namespace Credits.Contracts.TopUps;

/// <summary>The purchase was paid and its credits granted (once).</summary>
public record CreditsPurchased
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public long Credits { get; init; }
    /// <summary>
    /// True when the purchase charged the customer's saved card off-session (auto top-up buys so), false when it went
    /// through a Checkout session; null from a publisher before this was said. Only a saved-card purchase can be an auto
    /// top-up's, so the auto top-up saga drops the others before its transaction.
    /// </summary>
    public bool? SavedCard { get; init; }
}
