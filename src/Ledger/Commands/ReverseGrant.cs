namespace Credits.Ledger.Commands;

/// <summary>
/// Takes back what is still unspent of a grant (e.g. a refunded purchase), at most
/// <see cref="Credits"/> (null = everything unspent). Spent credits stay spent.
/// </summary>
public sealed record ReverseGrant : LedgerCommand
{
    /// <summary>The idempotency key the grant was made with.</summary>
    public required string GrantKey { get; init; }
    public long? Credits { get; init; }
    public string? Note { get; init; }

    internal override string Fingerprint() => $"reverse|{CustomerId}|{GrantKey}|{Credits}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now) ?? (Credits is { } credits ? LedgerLimits.CheckCredits(credits) : null);
}
