namespace Credits.Contracts.TopUps;

/// <summary>
/// Step command for the ledger when a purchase's payment is disputed: take back (ledger ReverseGrant on the purchase's
/// grant) what is still unspent of the disputed share <see cref="Credits"/>. Answer: <see cref="DisputedCreditsFrozen"/>
/// with what was actually taken.
/// </summary>
public record FreezeDisputedCredits
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public string DisputeId { get; init; } = "";
    public long Credits { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
