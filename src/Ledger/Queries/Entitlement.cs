namespace Credits.Ledger.Queries;

/// <summary>
/// "May this customer spend N now?": allowed when N credits are available, or when the plan bills
/// overage and the spend cap leaves room for the rest (docs/spend-caps.md). Read without a lock: a reservation is the way to make sure the credits stay there.
/// </summary>
public sealed record Entitlement
{
    public required string CustomerId { get; init; }
    public required long Requested { get; init; }
    public required bool Allowed { get; init; }
    public required long Available { get; init; }
    /// <summary>True when allowed only because the plan bills overage.</summary>
    public required bool WouldUseOverage { get; init; }
    /// <summary>Overage credits this period may still bill (0: none, the spend cap reached or no overage); null = no limit.</summary>
    public long? OverageRoom { get; init; }
    public string? Reason { get; init; }
    /// <summary>For a member of a shared balance: who asked, and what its own limit leaves this period (null: no limit).</summary>
    public string? MemberId { get; init; }
    public long? MemberRemaining { get; init; }
}
