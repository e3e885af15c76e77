namespace Credits.Ledger.Commands;

/// <summary>
/// Holds credits for work that must not start without them: applied only if that many are
/// available now, refused without any side effect otherwise. The hold lapses after the time-to-live.
/// </summary>
public sealed record ReserveCredits : LedgerCommand
{
    public required long Credits { get; init; }
    public required TimeSpan TimeToLive { get; init; }

    internal override string Fingerprint() => $"reserve|{CustomerId}|{Credits}|{TimeToLive.Ticks}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? LedgerLimits.CheckCredits(Credits)
        ?? (TimeToLive <= TimeSpan.Zero ? "time-to-live must be positive" : null);
}
