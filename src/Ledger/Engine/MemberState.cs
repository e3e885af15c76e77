namespace Credits.Ledger.Engine;

/// <summary>A member of the locked account, changed in memory and written back with it (its limit is never written here).</summary>
sealed class MemberState
{
    public required int Id { get; init; }
    public required string MemberId { get; init; }
    public long? PeriodLimit { get; init; }
    public DateTimeOffset? PeriodStart { get; set; }
    public long UsedThisPeriod { get; set; }
    public bool Changed { get; set; }
}
