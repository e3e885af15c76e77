namespace Credits.Contracts.TopUps;

/// <summary>Answer to <see cref="ReverseUnspentCredits"/>.</summary>
public record UnspentCreditsReversed
{
    public Guid PurchaseId { get; init; }
    public long CreditsReversed { get; init; }
}
