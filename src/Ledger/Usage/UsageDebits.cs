using Credits.Contracts.Customers;
using Credits.Contracts.Usage;
using Credits.Ledger.Commands;
using Credits.Ledger.Pricing;
using Credits.Ledger.Results;

namespace Credits.Ledger.Usage;

/// <summary>
/// How a usage event becomes a ledger debit, and what is said back when the ledger will not apply
/// it. One place for the bus consumers and the HTTP API, so both treat an event the same way.
/// </summary>
public static class UsageDebits
{
    /// <summary>
    /// The producer's event id, scoped to the customer, is the idempotency key, for ever: the same id for the same
    /// customer again is a duplicate, with other content (amount, time, feature) a conflict. The same id for another
    /// customer is another event, debited from that customer: dedupe per customer, so that no customer's usage is
    /// dropped because another's producer chose the same id (docs/security/scopes.md).
    /// </summary>
    /// <remarks>Usage given in a native unit comes with the <paramref name="rate"/> it is priced at.</remarks>
    public static DebitCredits ToDebit(UsageRecorded usage, UsageRate? rate = null) => new()
    {
        CustomerId = usage.CustomerId,
        IdempotencyKey = CustomerScopedKey.Of("usage", usage.CustomerId, usage.EventId),
        // Events recorded before keys were scoped to the customer: their retries stay duplicates.
        FormerIdempotencyKey = "usage:" + usage.EventId,
        Credits = usage.Credits,
        OccurredAt = usage.OccurredAt == default ? null : usage.OccurredAt,
        Note = usage.Feature,
        MemberId = usage.MemberId,
        Priced = usage.Quantity is { } quantity && rate is not null ? new PricedUsage(quantity, usage.Unit!, rate) : null,
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
        Quantity = usage.Quantity,
        Unit = usage.Unit,
        ReasonCode = reasonCode,
        Reason = reason,
        RejectedAt = now,
    };

    /// <summary>Checks that need no database: an empty event id can not even be deduplicated.</summary>
    public static string? Malformed(UsageRecorded usage) =>
        string.IsNullOrWhiteSpace(usage.EventId) ? "eventId is required"
        : string.IsNullOrWhiteSpace(usage.CustomerId) ? "customerId is required"
        : (usage.Quantity is null ? (usage.Credits <= 0 ? "credits must be positive" : null) : Unpriceable(usage)?.Problem)
          ?? Unstorable(usage.EventId, usage.CustomerId, usage.Credits, usage.Feature, usage.MemberId)?.Problem;

    /// <summary>
    /// What is wrong with usage given in a native unit, before any rate is looked up: it names its feature and unit,
    /// a quantity the ledger can price exactly, and no credits of its own. The one rule for the bus and HTTP.
    /// </summary>
    public static (string Field, string Problem)? Unpriceable(UsageRecorded usage) =>
        usage.Quantity is not { } quantity ? null
        : usage.Credits != 0 ? ("credits", "give credits or a quantity, not both")
        : UsagePricing.CheckQuantity(quantity) is { } problem ? ("quantity", problem)
        : string.IsNullOrWhiteSpace(usage.Unit) ? ("unit", "unit is required with a quantity")
        : usage.Unit.Length > LedgerLimits.MaxFeatureLength || LedgerLimits.HasControlCharacters(usage.Unit)
            ? ("unit", $"unit must be at most {LedgerLimits.MaxFeatureLength} characters, without control characters")
        : string.IsNullOrWhiteSpace(usage.Feature) ? ("feature", "feature is required with a quantity: the rate card prices by feature")
        : null;

    /// <summary>
    /// What of an event can never be stored, whatever the account: text too long for its column or with control
    /// characters (PostgreSQL's text cannot hold NUL), credits above <see cref="LedgerLimits.MaxCredits"/>. The one
    /// rule for the bus (a rejection) and POST /v1/usage (a 400 naming the field).
    /// </summary>
    public static (string Field, string Problem)? Unstorable(string? eventId, string? customerId, long credits, string? feature,
        string? memberId = null) =>
        eventId?.Length > MaxEventIdLength || LedgerLimits.HasControlCharacters(eventId)
            ? ("eventId", $"eventId must be at most {MaxEventIdLength} characters, without control characters")
        : customerId?.Length > LedgerLimits.MaxCustomerIdLength || LedgerLimits.HasControlCharacters(customerId)
            ? ("customerId", $"customerId must be at most {LedgerLimits.MaxCustomerIdLength} characters, without control characters")
        : credits > LedgerLimits.MaxCredits ? ("credits", $"credits must be at most {LedgerLimits.MaxCredits:N0} per event")
        : feature?.Length > LedgerLimits.MaxFeatureLength || LedgerLimits.HasControlCharacters(feature)
            ? ("feature", $"feature must be at most {LedgerLimits.MaxFeatureLength} characters, without control characters")
        : LedgerLimits.CheckMemberId(memberId) is { } member ? ("memberId", member)
        : null;

    /// <summary>The event id becomes part of the ledger key "usage:&lt;n&gt;:&lt;customer&gt;:&lt;id&gt;", of at most <see cref="LedgerCommand.MaxIdempotencyKeyLength"/> characters.</summary>
    public const int MaxEventIdLength = 190;
}
