namespace Credits.Contracts.TopUps;

/// <summary>The purchase ended without payment: declined, expired or abandoned. <see cref="Reason"/> is for people.</summary>
public record PurchaseCancelled
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public string Reason { get; init; } = "";
    /// <inheritdoc cref="CreditsPurchased.SavedCard"/>
    public bool? SavedCard { get; init; }
}
