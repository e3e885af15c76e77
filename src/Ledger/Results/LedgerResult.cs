namespace Credits.Ledger.Results;

/// <summary>
/// What an operation did. For a Duplicate the amounts are those of the original operation and no
/// threshold crossing is reported again (it was reported, and published, the first time).
/// </summary>
public sealed record LedgerResult
{
    public required LedgerOutcome Outcome { get; init; }
    public required string CustomerId { get; init; }
    public required string IdempotencyKey { get; init; }
    /// <summary>Why the operation was not applied (Conflict, Refused, NotFound, Invalid...).</summary>
    public string? Reason { get; init; }

    public long Granted { get; init; }
    /// <summary>Credits burnt from grants.</summary>
    public long Debited { get; init; }
    /// <summary>Usage beyond the available credits, billable (plan with overage).</summary>
    public long Overage { get; init; }
    /// <summary>Usage beyond the available credits, not billed (plan without overage, overage suspended, or past the spend cap).</summary>
    public long WrittenOff { get; init; }
    /// <summary>Of <see cref="WrittenOff"/>, the credits beyond the member's own limit for the period (shared balances).</summary>
    public long MemberLimited { get; init; }
    public long Held { get; init; }
    public long Released { get; init; }
    public long Reversed { get; init; }
    /// <summary>Credits that lapsed unspent (the plan's allowance at the end of a subscription).</summary>
    public long Expired { get; init; }
    public Guid? GrantId { get; init; }
    public Guid? ReservationId { get; init; }

    /// <summary>The account after the operation; null when there is no account.</summary>
    public AccountSnapshot? Account { get; init; }

    /// <summary>Low-balance thresholds the available credits fell to or below in this operation (downwards only).</summary>
    public IReadOnlyList<long> ThresholdsCrossed { get; init; } = [];
    /// <summary>The available credits reached zero in this operation.</summary>
    public bool Exhausted { get; init; }
    /// <summary>Percentages of the spend cap this period's overage reached in this operation (SpendCapAlert), lowest first.</summary>
    public IReadOnlyList<int> SpendCapAlerts { get; init; } = [];
    /// <summary>This period's overage reached the spend cap in this operation: usage beyond is written off (SpendCapReached).</summary>
    public bool SpendCapReached { get; init; }

    public bool Succeeded => Outcome is LedgerOutcome.Applied or LedgerOutcome.Duplicate;
}
