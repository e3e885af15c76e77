using Credits.Contracts.Usage;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using MassTransit;

namespace Credits.Ledger.Usage;

/// <summary>
/// Debits a list of usage events in one ledger transaction (the caller's: a consumer's outbox
/// transaction or an HTTP request's) and says what must be published: balance notifications once per
/// crossing, and a rejection with its reason for every event the ledger did not apply. Nothing is
/// dropped silently. The one path for the bus consumers and POST /v1/usage alike.
/// </summary>
public sealed class UsageIngestion(CreditLedger ledger, TimeProvider clock)
{
    public sealed record Outcome(UsageRecorded Usage, LedgerResult? Result, UsageRejected? Rejection);

    public async Task<IReadOnlyList<Outcome>> DebitAsync(IReadOnlyList<UsageRecorded> events, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var outcomes = new Outcome[events.Count];
        var debits = new List<DebitCredits>(events.Count);
        var positions = new List<int>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (UsageDebits.Malformed(events[i]) is { } problem)
                outcomes[i] = new Outcome(events[i], null, UsageDebits.Rejected(events[i], UsageRejectionCodes.Invalid, problem, now));
            else
            {
                debits.Add(UsageDebits.ToDebit(events[i]));
                positions.Add(i);
            }
        }

        var results = await ledger.DebitBatchAsync(debits, ct);
        for (var j = 0; j < results.Count; j++)
        {
            var usage = events[positions[j]];
            outcomes[positions[j]] = new Outcome(usage, results[j], UsageDebits.Rejection(usage, results[j], now));
        }
        return outcomes;
    }

    /// <summary>
    /// Publishes what the outcomes call for: on a consume context or a request scope's bus outbox, so the
    /// messages commit with the debits.
    /// </summary>
    public async Task PublishAsync(IPublishEndpoint publish, IEnumerable<Outcome> outcomes, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        foreach (var outcome in outcomes)
        {
            if (outcome.Rejection is { } rejection) await publish.Publish(rejection, ct);
            if (outcome.Result is not { } result) continue;
            foreach (var notification in result.BalanceNotifications(now))
                await publish.Publish(notification, notification.GetType(), ct);
        }
    }
}
