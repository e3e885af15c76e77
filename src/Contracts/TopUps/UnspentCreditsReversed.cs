namespace Credits.Contracts.TopUps;

/// <summary>
/// Answer to <see cref="ReverseUnspentCredits"/>, and the event that a refund has been applied: <see cref="CustomerId"/>,
/// <see cref="AmountRefunded"/> (Stripe's cumulative refund) and <see cref="Amount"/> are for subscribers such as the
/// outgoing webhooks (purchase.refunded); empty on messages from before they were added.
/// </summary>
public record UnspentCreditsReversed
{
    public Guid PurchaseId { get; init; }
    public long CreditsReversed { get; init; }
    public string CustomerId { get; init; } = "";
    public long Amount { get; init; }
    public long AmountRefunded { get; init; }
}
