namespace Credits.Contracts.TopUps;

/// <summary>The purchase was paid and its credits granted (once).</summary>
public record CreditsPurchased
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public long Credits { get; init; }
}
