using Credits.Contracts.Ledger;
using MassTransit;

namespace Credits.Ledger.Results;

public static class LedgerNotifications
{
    /// <summary>
    /// The events to publish (in the same transaction, through the outbox) for this result:
    /// one CreditBalanceLow per threshold crossed and CreditsExhausted when it reached zero; one SpendCapAlert per
    /// percentage of the spend cap reached and SpendCapReached when the cap was.
    /// Empty for duplicates, so a redelivered message publishes nothing twice.
    /// </summary>
    public static IReadOnlyList<object> BalanceNotifications(this LedgerResult result, DateTimeOffset at)
    {
        if (result.Outcome != LedgerOutcome.Applied || result.Account is not { } account) return [];
        // Made on the first event only: most applied usage crosses nothing, and this runs once per event on the usage path.
        List<object>? events = null;
        foreach (var threshold in result.ThresholdsCrossed)
            (events ??= []).Add(new CreditBalanceLow
            {
                CustomerId = result.CustomerId, PlanId = account.PlanId, Threshold = threshold,
                Available = account.Available, OccurredAt = at,
            });
        if (result.Exhausted)
            (events ??= []).Add(new CreditsExhausted
            {
                CustomerId = result.CustomerId, PlanId = account.PlanId,
                OverageAllowed = account.OverageAllowed, OccurredAt = at,
            });
        foreach (var percent in result.SpendCapAlerts)
            (events ??= []).Add(new SpendCapAlert
            {
                CustomerId = result.CustomerId, PlanId = account.PlanId, Percent = percent, OverageCap = account.OverageCap ?? 0,
                OverageThisPeriod = account.OverageThisPeriod, PeriodStart = account.PeriodStart, OccurredAt = at,
            });
        if (result.SpendCapReached)
            (events ??= []).Add(new SpendCapReached
            {
                CustomerId = result.CustomerId, PlanId = account.PlanId, OverageCap = account.OverageCap ?? 0,
                OverageThisPeriod = account.OverageThisPeriod, PeriodStart = account.PeriodStart, PeriodEnd = account.PeriodEnd,
                OccurredAt = at,
            });
        return events ?? (IReadOnlyList<object>)[];
    }

    /// <summary>
    /// Publishes <see cref="BalanceNotifications"/> on the caller's publish endpoint: a consume context's or a request
    /// scope's bus outbox, so they commit with the ledger change that caused them.
    /// </summary>
    public static async Task PublishBalanceNotificationsAsync(this IPublishEndpoint publish, LedgerResult result, DateTimeOffset at,
        CancellationToken ct = default)
    {
        foreach (var notification in result.BalanceNotifications(at))
            await publish.Publish(notification, notification.GetType(), ct);
    }
}
