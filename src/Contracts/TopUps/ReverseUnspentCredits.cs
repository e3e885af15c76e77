namespace Credits.Contracts.TopUps;

/// <summary>Step command for the ledger after a refund: take back what is still unspent of the purchase's grant, in proportion <see cref="AmountRefunded"/>/<see cref="Amount"/> (ledger ReverseGrant). Answer: <see cref="UnspentCreditsReversed"/>.</summary>
public record ReverseUnspentCredits
{
    public Guid PurchaseId { get; init; }
    public string CustomerId { get; init; } = "";
    public long Credits { get; init; }
    public long Amount { get; init; }
    public long AmountRefunded { get; init; }
    public string IdempotencyKey { get; init; } = "";
}
