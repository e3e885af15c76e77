using Credits.Ledger.Model;

namespace Credits.Ledger.Engine;

/// <summary>An entry to append at the end of the transaction.</summary>
sealed record NewEntry(
    string CustomerId,
    EntryKind Kind,
    long Amount,
    long HeldChange,
    long Quantity,
    Guid? GrantId,
    Guid? ReservationId,
    string IdempotencyKey,
    int Sequence,
    long? Fingerprint,
    DateTimeOffset PeriodStart,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? Note,
    int? RateId = null,
    decimal? NativeQuantity = null,
    int? MemberRef = null);
