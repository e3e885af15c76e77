namespace Credits.Ledger.Commands;

/// <summary>
/// Takes back up to <see cref="Credits"/> unspent credits from the account, whichever grants hold them (an operator's
/// correction; <see cref="ReverseGrant"/> takes back one named grant instead). Never more than is available now, so
/// the balance never goes below zero and credits held by reservations stay theirs; the result's <c>Reversed</c> says
/// how many were taken, possibly fewer than asked, possibly none.
/// </summary>
public sealed record RevokeCredits : LedgerCommand
{
    public required long Credits { get; init; }
    public string? Note { get; init; }

    internal override string Fingerprint() => $"revoke|{CustomerId}|{Credits}";

    internal override string? Invalid(DateTimeOffset now) => base.Invalid(now) ?? LedgerLimits.CheckCredits(Credits);
}
