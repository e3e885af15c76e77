namespace Credits.Ledger.Expiry;

/// <summary>
/// A CreditsExpiring warning sent for one grant: the row is the "once" (its key is the grant), written in the same
/// transaction as the outbox message, so a warning is published exactly when its row commits.
/// </summary>
public class ExpiryWarning
{
    public Guid GrantId { get; set; }
    public string CustomerId { get; set; } = "";
    public string Source { get; set; } = "";
    public string GrantKey { get; set; } = "";
    /// <summary>Unspent when the warning was sent.</summary>
    public long Credits { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset SentAt { get; set; }
}
