namespace Credits.Ledger.Commands;

/// <summary>
/// The spend cap: the most overage credits billed per billing period (null = no cap, 0 = no overage at all). Once a
/// period's overage reaches it, further usage is written off as on a plan without overage, until the cap is raised or
/// removed or the next period starts (docs/spend-caps.md). Takes effect at once, for usage already past it too. Writes no
/// entry: setting it again changes nothing.
/// </summary>
public sealed record SetSpendCap : LedgerCommand
{
    /// <summary>Overage credits per period; null removes the cap.</summary>
    public long? OverageCap { get; init; }

    internal override string Fingerprint() => $"spend-cap|{CustomerId}|{OverageCap}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? (OverageCap < 0 ? "the spend cap must not be negative" : null)
        ?? (OverageCap > LedgerLimits.MaxSpendCap ? $"the spend cap must be at most {LedgerLimits.MaxSpendCap:N0} credits" : null);
}
