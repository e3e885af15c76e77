using Credits.Ledger.Model;

namespace Credits.Ledger.Commands;

/// <summary>Adds credits to an account (a purchase, a promotion, a manual adjustment...).</summary>
public sealed record GrantCredits : LedgerCommand
{
    public required long Credits { get; init; }
    public required GrantSource Source { get; init; }
    /// <summary>Burn-down priority (lower first); null takes <see cref="GrantPriorities.DefaultFor"/>.</summary>
    public int? Priority { get; init; }
    /// <summary>When the credits become spendable; null = now.</summary>
    public DateTimeOffset? EffectiveAt { get; init; }
    /// <summary>When unspent credits lapse; null = never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? Note { get; init; }

    internal override string Fingerprint() =>
        $"grant|{CustomerId}|{Credits}|{Source}|{Priority}|{Stamp(EffectiveAt)}|{Stamp(ExpiresAt)}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? LedgerLimits.CheckCredits(Credits)
        // Not checked against the clock: a retry of a grant must still be recognised after it expired.
        ?? (ExpiresAt <= EffectiveAt ? "expiry must be after the grant takes effect" : null);
}
