using Credits.Contracts.Usage;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;

namespace Credits.Ledger.Usage;

/// <summary>
/// How a usage event becomes a ledger debit, and what is said back when the ledger will not apply
/// it. One place for the bus consumers and the HTTP API, so both treat an event the same way.
/// </summary>
public static class UsageDebits
{
    /// <summary>
    /// The producer's event id is the idempotency key, for ever: the same id again is a duplicate,
    /// the same id with other content (another customer, amount or time) is a conflict.
    /// </summary>
    public static DebitCredits ToDebit(UsageRecorded usage) => new()
    {
        CustomerId = usage.CustomerId,
        IdempotencyKey = "usage:" + usage.EventId,
        Credits = usage.Credits,
        OccurredAt = usage.OccurredAt == default ? null : usage.OccurredAt,
        Note = usage.Feature,
    };

    /// <summary>Why an event was not applied, or null when it was applied now or before.</summary>
    public static UsageRejected? Rejection(UsageRecorded usage, LedgerResult result, DateTimeOffset now)
    {
        var code = result.Outcome switch
        {
            LedgerOutcome.Applied or LedgerOutcome.Duplicate => null,
            LedgerOutcome.UnknownCustomer => UsageRejectionCodes.UnknownCustomer,
            LedgerOutcome.Conflict => UsageRejectionCodes.IdempotencyConflict,
            _ => UsageRejectionCodes.Invalid,
        };
        if (code is null) return null;
        return Rejected(usage, code, result.Reason ?? code switch
        {
            UsageRejectionCodes.UnknownCustomer => $"customer '{usage.CustomerId}' has no credit account",
            UsageRejectionCodes.IdempotencyConflict => $"event id '{usage.EventId}' was used before with different content",
            _ => "the usage event is invalid",
        }, now);
    }

    public static UsageRejected Rejected(UsageRecorded usage, string reasonCode, string reason, DateTimeOffset now) => new()
    {
        CustomerId = usage.CustomerId,
        EventId = usage.EventId,
        Credits = usage.Credits,
        ReasonCode = reasonCode,
        Reason = reason,
        RejectedAt = now,
    };

    /// <summary>Checks that need no database: an empty event id can not even be deduplicated.</summary>
    public static string? Malformed(UsageRecorded usage) =>
        string.IsNullOrWhiteSpace(usage.EventId) ? "eventId is required"
        : usage.EventId.Length > MaxEventIdLength ? $"eventId is longer than {MaxEventIdLength} characters"
        : LedgerLimits.HasControlCharacters(usage.EventId) ? "eventId must not contain control characters"
        : string.IsNullOrWhiteSpace(usage.CustomerId) ? "customerId is required"
        : usage.CustomerId.Length > LedgerLimits.MaxCustomerIdLength ? $"customerId is longer than {LedgerLimits.MaxCustomerIdLength} characters"
        : LedgerLimits.HasControlCharacters(usage.CustomerId) ? "customerId must not contain control characters"
        : usage.Credits <= 0 ? "credits must be positive"
        : usage.Credits > LedgerLimits.MaxCredits ? $"credits must be at most {LedgerLimits.MaxCredits:N0} per event"
        : usage.Feature?.Length > LedgerLimits.MaxFeatureLength ? $"feature is longer than {LedgerLimits.MaxFeatureLength} characters"
        : LedgerLimits.HasControlCharacters(usage.Feature) ? "feature must not contain control characters"
        : null;

    /// <summary>The event id becomes the ledger key "usage:&lt;id&gt;", of at most 200 characters.</summary>
    public const int MaxEventIdLength = 190;
}
