namespace Credits.Contracts.TopUps;

/// <summary>The purchase ended without payment: declined, expired or abandoned. <see cref="Reason"/> is for people.</summary>
public record PurchaseCancelled
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public string Reason { get; init; } = "";
    /// <summary>
    /// True when the purchase charged the customer's saved card off-session (auto top-up buys so), false when it went
    /// through a Checkout session; null from a publisher before this was said. Only a saved-card purchase can be an auto
    /// top-up's, so the auto top-up saga drops the others before its transaction.
    /// </summary>
    public bool? SavedCard { get; init; }
}
