namespace Credits.Ledger.Commands;

/// <summary>
/// Usage to burn from the account's grants (priority, then soonest expiry, then oldest). What the
/// available credits cannot cover becomes overage (plans with overage) or is written off.
/// </summary>
public sealed record DebitCredits : LedgerCommand
{
    /// <summary>How far in the future a usage timestamp may lie (clock skew) before it is refused.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    public required long Credits { get; init; }
    /// <summary>When the usage happened at the producer; null = when recorded.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
    /// <summary>What was consumed, kept on the entry for the customer's statement.</summary>
    public string? Note { get; init; }

    internal override string Fingerprint() => $"debit|{CustomerId}|{Credits}|{Stamp(OccurredAt)}|{Note}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? LedgerLimits.CheckCredits(Credits)
        ?? (OccurredAt > now + MaxFutureSkew ? "the usage timestamp is in the future" : null);
}
