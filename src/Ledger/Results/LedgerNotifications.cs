using Credits.Contracts.Ledger;

namespace Credits.Ledger.Results;

public static class LedgerNotifications
{
    /// <summary>
    /// The events to publish (in the same transaction, through the outbox) for this result:
    /// one CreditBalanceLow per threshold crossed and CreditsExhausted when it reached zero.
    /// Empty for duplicates, so a redelivered message publishes nothing twice.
    /// </summary>
    public static IReadOnlyList<object> BalanceNotifications(this LedgerResult result, DateTimeOffset at)
    {
        if (result.Outcome != LedgerOutcome.Applied || result.Account is not { } account) return [];
        var events = new List<object>();
        foreach (var threshold in result.ThresholdsCrossed)
            events.Add(new CreditBalanceLow
            {
                CustomerId = result.CustomerId, PlanId = account.PlanId, Threshold = threshold,
                Available = account.Available, OccurredAt = at,
            });
        if (result.Exhausted)
            events.Add(new CreditsExhausted
            {
                CustomerId = result.CustomerId, PlanId = account.PlanId,
                OverageAllowed = account.OverageAllowed, OccurredAt = at,
            });
        return events;
    }
}
