namespace Credits.Ledger.Commands;

/// <summary>
/// Lapses the account's grants and reservations that are past their expiry. Every operation does
/// this first for its account; this command does only that, for the expiry sweep. Its entries carry
/// keys derived from the grant or reservation, so it is safe to run any number of times.
/// </summary>
sealed record ExpireDue : LedgerCommand
{
    internal override string Fingerprint() => "";

    internal override string? Invalid(DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(CustomerId) ? "customer id is required" : null;
}
