using Credits.Ledger.Model;

namespace Credits.Ledger.Queries;

public sealed record LedgerEntryView(
    long Id,
    EntryKind Kind,
    long Amount,
    long HeldChange,
    long Quantity,
    Guid? GrantId,
    Guid? ReservationId,
    string IdempotencyKey,
    int Sequence,
    DateTimeOffset PeriodStart,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? Note);
