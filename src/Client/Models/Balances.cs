namespace Credits.Client;

// GET /v1/customers/{id}/balance, /ledger, /entitlement (src/Gateway/Balances/BalanceApi.cs, src/Ledger/Queries).

/// <summary>Where granted credits came from (the ledger's GrantSource, in its order).</summary>
public enum GrantSource { PlanAllowance, Purchase, Promotion, ManualAdjustment, Rollover }

/// <summary>What a ledger entry records (the ledger's EntryKind, in its order).</summary>
public enum EntryKind { Grant, Debit, Expiry, Reversal, Hold, Release, Overage, WriteOff, Remainder }

/// <summary>A customer's credits as of <see cref="AsOf"/>.</summary>
public sealed record CreditBalance
{
    public required string CustomerId { get; init; }
    public required string PlanId { get; init; }
    public bool OverageAllowed { get; init; }
    /// <summary>Spendable now: effective, unexpired grants minus holds.</summary>
    public long Available { get; init; }
    public long Held { get; init; }
    public IReadOnlyDictionary<GrantSource, long> BySource { get; init; } = new Dictionary<GrantSource, long>();
    /// <summary>Credits in grants that take effect later.</summary>
    public long Upcoming { get; init; }
    public long OverageThisPeriod { get; init; }
    public DateTimeOffset PeriodStart { get; init; }
    public DateTimeOffset PeriodEnd { get; init; }
    /// <summary>The fraction of a credit priced usage has used but not yet paid (docs/rate-cards.md).</summary>
    public decimal UsageRemainder { get; init; }
    public DateTimeOffset AsOf { get; init; }
}

/// <summary>One page of entries, newest first; pass <see cref="NextBefore"/> as before for the next (null: no more).</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerEntry> Entries, long? NextBefore);

public sealed record LedgerEntry(long Id, EntryKind Kind, long Amount, long HeldChange, long Quantity, Guid? GrantId, Guid? ReservationId,
    string IdempotencyKey, int Sequence, DateTimeOffset PeriodStart, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? Note,
    EntryPricing? Pricing = null);

/// <summary>What a priced usage event reported and was priced at.</summary>
public sealed record EntryPricing(int RateCardVersion, decimal Quantity, string Unit, decimal CreditsPerUnit);

/// <summary>"May the customer spend N now?": read without a lock; a reservation is the way to keep the credits there.</summary>
public sealed record Entitlement
{
    public required string CustomerId { get; init; }
    public long Requested { get; init; }
    public bool Allowed { get; init; }
    public long Available { get; init; }
    /// <summary>Allowed only because the plan bills overage.</summary>
    public bool WouldUseOverage { get; init; }
    public string? Reason { get; init; }
    public string? MemberId { get; init; }
    /// <summary>What the member's own limit leaves this period (null: no limit).</summary>
    public long? MemberRemaining { get; init; }
}
