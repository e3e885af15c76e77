namespace Credits.Ledger.Commands;

/// <summary>
/// Stops (or, with <see cref="Suspended"/> false, resumes) billing usage beyond the available credits as
/// overage: while suspended, a plan with overage is treated like a plan without (the excess is written
/// off). For a renewal that stays unpaid past its grace. Writes no entry: setting the same state again
/// changes nothing.
/// </summary>
public sealed record SuspendOverage : LedgerCommand
{
    public required bool Suspended { get; init; }

    internal override string Fingerprint() => $"suspend-overage|{CustomerId}|{Suspended}";
}
