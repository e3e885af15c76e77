namespace Credits.Persistence.Promotions;

/// <summary>
/// A customer's redemption of a code (table promotion_redemptions): one per code and customer (the key), written in the
/// transaction that grants its credits, so a repeated redemption finds it and answers with it instead of granting again.
/// </summary>
public sealed class PromotionRedemption
{
    public string Code { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public DateTimeOffset RedeemedAt { get; set; }
    public long Credits { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public Guid GrantId { get; set; }
    /// <summary>The ledger key of the grant (<c>CustomerScopedKey.Of("promotion", customer, code)</c>).</summary>
    public string LedgerKey { get; set; } = "";
    /// <summary>portal or api.</summary>
    public string Channel { get; set; } = "";
}
