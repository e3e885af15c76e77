namespace Credits.Contracts.TopUps;

/// <summary>Step command for the ledger: grant <see cref="Credits"/> with GrantSource.Purchase, keyed by <see cref="PurchaseId"/> so it happens once. Answer: <see cref="PurchasedCreditsGranted"/>.</summary>
public record GrantPurchasedCredits
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public long Credits { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
