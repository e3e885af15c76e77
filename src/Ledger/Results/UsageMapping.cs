using Credits.Contracts.Usage;
using Credits.Ledger.Commands;

namespace Credits.Ledger.Results;

/// <summary>From the usage messages to ledger commands and back to rejections, the same way on the bus and over HTTP.</summary>
public static class UsageMapping
{
    /// <summary>The producer's event id is the idempotency key: the same id again is a duplicate, with other content a conflict.</summary>
    public static DebitCredits ToDebit(this UsageRecorded usage) => new()
    {
        CustomerId = usage.CustomerId,
        IdempotencyKey = usage.EventId,
        Credits = usage.Credits,
        OccurredAt = usage.OccurredAt == default ? null : usage.OccurredAt,
        Note = usage.Feature,
    };

    /// <summary>The rejection to report for a result that did not apply the event; null when it was applied or a duplicate.</summary>
    public static UsageRejected? ToRejection(this LedgerResult result, UsageRecorded usage, DateTimeOffset at)
    {
        var code = result.Outcome switch
        {
            LedgerOutcome.Applied or LedgerOutcome.Duplicate => null,
            LedgerOutcome.UnknownCustomer => "unknown-customer",
            LedgerOutcome.Conflict => "idempotency-conflict",
            _ => "invalid",
        };
        return code is null ? null : new UsageRejected
        {
            CustomerId = usage.CustomerId,
            EventId = usage.EventId,
            Credits = usage.Credits,
            ReasonCode = code,
            Reason = result.Reason ?? code,
            RejectedAt = at,
        };
    }
}
