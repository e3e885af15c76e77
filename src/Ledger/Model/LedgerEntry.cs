namespace Credits.Ledger.Model;

/// <summary>
/// One append-only line of the ledger: never updated, never deleted. An operation writes one or
/// more entries under its idempotency key, numbered by <see cref="Sequence"/>; (key, sequence) is
/// unique for ever.
/// </summary>
public class LedgerEntry
{
    public long Id { get; set; }
    public string CustomerId { get; set; } = "";
    public EntryKind Kind { get; set; }
    public long Amount { get; set; }
    public long HeldChange { get; set; }
    public long Quantity { get; set; }
    public Guid? GrantId { get; set; }
    public Guid? ReservationId { get; set; }
    public string IdempotencyKey { get; set; } = "";
    /// <summary>The key's hash, computed by PostgreSQL (<see cref="EntryHashes.KeyHashSql"/>): what the once-only index holds.</summary>
    public Guid KeyHash { get; set; }
    public int Sequence { get; set; }
    /// <summary>A hash of the operation's content (on sequence 0) to tell a duplicate from a conflicting reuse of the key (<see cref="EntryHashes.Fingerprint"/>).</summary>
    public long? Fingerprint { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string? Note { get; set; }
    /// <summary>Priced usage (on its first entry): the rate it was priced at (<see cref="Pricing.UsageRate"/>: version, feature, unit, price).</summary>
    public int? RateId { get; set; }
    /// <summary>Priced usage (on its first entry): the quantity reported, in the rate's unit.</summary>
    public decimal? NativeQuantity { get; set; }
    /// <summary>Usage of a member of a shared balance (on every entry of the operation): <see cref="LedgerMember.Id"/>.</summary>
    public int? MemberRef { get; set; }
}
