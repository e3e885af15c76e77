namespace Credits.Contracts.TopUps;

/// <summary>
/// Step command for the ledger when a dispute is won: grant back the <see cref="Credits"/> the dispute froze (a purchase
/// grant of its own, keyed by the dispute, so it happens once). No answer: nothing waits for it.
/// </summary>
public record RestoreDisputedCredits
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public string DisputeId { get; init; } = "";
    public long Credits { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
