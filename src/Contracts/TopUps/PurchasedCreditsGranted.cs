namespace Credits.Contracts.TopUps;

/// <summary>Answer to <see cref="GrantPurchasedCredits"/>.</summary>
public record PurchasedCreditsGranted
{
    public Guid PurchaseId { get; init; }
}
