namespace Credits.Contracts.Promotions;

/// <summary>
/// A customer redeemed a promotion code and its credits were granted: published once per code and customer, through the
/// outbox in the transaction that wrote the grant (a repeated redemption publishes nothing). For the app, to thank the
/// customer or count a campaign. docs/promotions.md.
/// </summary>
public record PromotionRedeemed
{
    public string CustomerId { get; init; } = "";
    /// <summary>The code as stored: upper case, the form every spelling of it is redeemed under.</summary>
    public string Code { get; init; } = "";
    public long Credits { get; init; }
    /// <summary>The ledger grant that holds the credits.</summary>
    public Guid GrantId { get; init; }
    /// <summary>When unspent credits of the grant lapse; null = never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>portal or api.</summary>
    public string Channel { get; init; } = "";
    public DateTimeOffset RedeemedAt { get; init; }
}
