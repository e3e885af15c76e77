using Credits.Contracts.Usage;
using Credits.Ledger.Commands;
using Credits.Ledger.Pricing;
using Credits.Ledger.Results;
using MassTransit;

namespace Credits.Ledger.Usage;

/// <summary>
/// Debits a list of usage events in one ledger transaction (the caller's: a consumer's outbox
/// transaction or an HTTP request's) and says what must be published: balance notifications once per
/// crossing, and a rejection with its reason for every event the ledger did not apply. Nothing is
/// dropped silently. The one path for the bus consumers and POST /v1/usage alike. Usage given in a native unit is
/// priced here with the rate card in effect when it occurred.
/// </summary>
public sealed class UsageIngestion(CreditLedger ledger, RateCards rateCards, TimeProvider clock)
{
    public sealed record Outcome(UsageRecorded Usage, LedgerResult? Result, UsageRejected? Rejection);

    public async Task<IReadOnlyList<Outcome>> DebitAsync(IReadOnlyList<UsageRecorded> events, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var outcomes = new Outcome[events.Count];
        var debits = new List<DebitCredits>(events.Count);
        var positions = new List<int>(events.Count);
        RateCardSnapshot? cards = null;
        for (var i = 0; i < events.Count; i++)
        {
            var usage = events[i];
            if (UsageDebits.Malformed(usage) is { } problem)
            {
                outcomes[i] = new Outcome(usage, null, UsageDebits.Rejected(usage, UsageRejectionCodes.Invalid, problem, now));
                continue;
            }
            UsageRate? rate = null;
            if (usage.Quantity is not null)
            {
                // Read only when some usage needs a price: usage in credits never waits for the rate cards.
                cards ??= await rateCards.CurrentAsync(ct);
                var (found, unpriced) = cards.Find(usage.Feature!, usage.Unit!, usage.OccurredAt == default ? now : usage.OccurredAt);
                if (found is null)
                {
                    outcomes[i] = new Outcome(usage, null, UsageDebits.Rejected(usage, UsageRejectionCodes.Unpriced, unpriced!, now));
                    continue;
                }
                rate = found;
            }
            debits.Add(UsageDebits.ToDebit(usage, rate));
            positions.Add(i);
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
            await publish.PublishBalanceNotificationsAsync(result, now, ct);
        }
    }
}
