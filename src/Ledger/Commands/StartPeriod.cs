namespace Credits.Ledger.Commands;

/// <summary>
/// Opens the account if needed, puts it on <see cref="PlanId"/> for the billing period
/// [<see cref="PeriodStart"/>, <see cref="PeriodEnd"/>) and grants the plan allowance, which lapses at
/// the period end. Allowances of earlier periods lapse now (with the plan's rollover). Used for the
/// first period, each renewal and a mid-period upgrade (same period, a prorated
/// <see cref="Allowance"/>).
/// </summary>
public sealed record StartPeriod : LedgerCommand
{
    public required string PlanId { get; init; }
    public required DateTimeOffset PeriodStart { get; init; }
    public required DateTimeOffset PeriodEnd { get; init; }
    /// <summary>Credits to grant; null = the plan's IncludedCredits.</summary>
    public long? Allowance { get; init; }

    internal override string Fingerprint() =>
        $"period|{CustomerId}|{PlanId}|{Stamp(PeriodStart)}|{Stamp(PeriodEnd)}|{Allowance}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? (string.IsNullOrWhiteSpace(PlanId) ? "plan id is required" : null)
        ?? (PeriodEnd <= PeriodStart ? "the period must end after it starts" : null)
        ?? (Allowance < 0 ? "allowance must not be negative" : null)
        ?? (Allowance > LedgerLimits.MaxCredits ? $"allowance must be at most {LedgerLimits.MaxCredits:N0}" : null);
}
