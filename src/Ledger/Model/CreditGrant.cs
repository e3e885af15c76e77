namespace Credits.Ledger.Model;

/// <summary>
/// Credits granted to an account. <see cref="Remaining"/> is a projection of the grant's entries
/// (Amount minus its debits, expiry and reversals), kept for fast burn-down; the entries are the truth.
/// </summary>
public class CreditGrant
{
    public Guid Id { get; set; }
    public string CustomerId { get; set; } = "";
    public GrantSource Source { get; set; }
    public long Amount { get; set; }
    public long Remaining { get; set; }
    /// <summary>Lower burns first; then soonest expiry; then oldest.</summary>
    public int Priority { get; set; }
    public DateTimeOffset EffectiveAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>The billing period the grant belongs to (plan allowance and rollover), else null.</summary>
    public DateTimeOffset? PeriodStart { get; set; }
    /// <summary>The key of the operation that made the grant.</summary>
    public string IdempotencyKey { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
