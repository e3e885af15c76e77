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
    string? Note,
    EntryPricing? Pricing = null);

/// <summary>What a priced usage event reported and was priced at (on the first entry of its operation).</summary>
public sealed record EntryPricing(int RateCardVersion, decimal Quantity, string Unit, decimal CreditsPerUnit);
