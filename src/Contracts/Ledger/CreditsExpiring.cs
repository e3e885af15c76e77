namespace Credits.Contracts.Ledger;

/// <summary>
/// Unspent credits of one grant lapse at <see cref="ExpiresAt"/>: published once per grant, a configured number of
/// days ahead (Ledger:ExpiryWarning). Only grants with an expiry of their own (operator grants, promotions, purchases
/// sold with an expiry) are warned about, not the plan's monthly allowance, which renews with the period.
/// <see cref="Credits"/> is what was unspent when the warning was sent.
/// </summary>
public record CreditsExpiring
{
    public string CustomerId { get; init; } = "";
    public Guid GrantId { get; init; }
    /// <summary>The ledger key of the operation that made the grant (for a purchase: top-up:&lt;purchase&gt;:grant).</summary>
    public string GrantKey { get; init; } = "";
    /// <summary>The grant's source (Purchase, Promotion, ManualAdjustment).</summary>
    public string Source { get; init; } = "";
    public long Credits { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
