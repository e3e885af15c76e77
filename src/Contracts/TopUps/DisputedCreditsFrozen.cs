namespace Credits.Contracts.TopUps;

/// <summary>Answer to <see cref="FreezeDisputedCredits"/>: <see cref="CreditsFrozen"/> were taken; the rest of the share was already spent.</summary>
public record DisputedCreditsFrozen
{
    public Guid PurchaseId { get; init; }
    public string DisputeId { get; init; } = "";
    public long CreditsFrozen { get; init; }
}
