namespace Credits.Ledger.Results;

/// <summary>An account's figures right after an operation.</summary>
public sealed record AccountSnapshot
{
    public required string PlanId { get; init; }
    public required bool OverageAllowed { get; init; }
    /// <summary>Spendable now: credits in effective, unexpired grants minus what reservations hold (never below 0).</summary>
    public required long Available { get; init; }
    public required long Held { get; init; }
    /// <summary>Credits in all grants (Σ entry amounts), including ones not yet effective.</summary>
    public required long Balance { get; init; }
    public required long OverageThisPeriod { get; init; }
    public required DateTimeOffset PeriodStart { get; init; }
    public required DateTimeOffset PeriodEnd { get; init; }
}
