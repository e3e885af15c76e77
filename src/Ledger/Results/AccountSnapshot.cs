namespace Credits.Ledger.Results;

/// <summary>An account's figures right after an operation.</summary>
public sealed record AccountSnapshot
{
    public required string PlanId { get; init; }
    /// <summary>Usage beyond the available credits would be billed now: the plan bills overage, it is not suspended and the spend cap is not reached.</summary>
    public required bool OverageAllowed { get; init; }
    /// <summary>The spend cap, overage credits per period; null = none.</summary>
    public long? OverageCap { get; init; }
    /// <summary>Spendable now: credits in effective, unexpired grants minus what reservations hold (never below 0).</summary>
    public required long Available { get; init; }
    public required long Held { get; init; }
    /// <summary>Credits in all grants (Σ entry amounts), including ones not yet effective.</summary>
    public required long Balance { get; init; }
    public required long OverageThisPeriod { get; init; }
    public required DateTimeOffset PeriodStart { get; init; }
    public required DateTimeOffset PeriodEnd { get; init; }
}
