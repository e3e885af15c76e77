namespace Credits.Ledger.Commands;

/// <summary>
/// The customer's own low-balance level (its auto top-up threshold; null or 0 = none), reported as a
/// CreditBalanceLow crossing like the plan's thresholds. Writes no entry: setting it again changes nothing.
/// </summary>
public sealed record SetLowBalanceThreshold : LedgerCommand
{
    public long? Threshold { get; init; }

    internal override string Fingerprint() => $"threshold|{CustomerId}|{Threshold}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? (Threshold < 0 ? "the threshold must not be negative" : null)
        ?? (Threshold > LedgerLimits.MaxCredits ? $"the threshold must be at most {LedgerLimits.MaxCredits:N0}" : null);
}
