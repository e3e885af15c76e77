using Credits.Ledger.Model;

namespace Credits.Ledger.Engine;

/// <summary>An entry already written under a key that a command now reuses.</summary>
sealed record PriorEntry(
    string IdempotencyKey,
    int Sequence,
    string CustomerId,
    EntryKind Kind,
    long Quantity,
    Guid? GrantId,
    Guid? ReservationId,
    long? Fingerprint);
