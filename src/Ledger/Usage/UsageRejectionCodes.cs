namespace Credits.Ledger.Usage;

/// <summary>The machine-readable reasons of <c>UsageRejected.ReasonCode</c>.</summary>
public static class UsageRejectionCodes
{
    public const string Invalid = "invalid";
    public const string UnknownCustomer = "unknown-customer";
    public const string IdempotencyConflict = "idempotency-conflict";
    /// <summary>Usage in a native unit that no rate card in effect at its time prices (docs/rate-cards.md).</summary>
    public const string Unpriced = "unpriced";
}
