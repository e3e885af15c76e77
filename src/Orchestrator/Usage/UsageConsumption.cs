using Credits.Contracts.Usage;
using Credits.Ledger.Usage;
using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// What both usage consumers do with the events they took: debit them in the consumer's transaction, publish what the
/// outcomes call for, and dead-letter each rejected event with its reason. All of it leaves with the outbox.
/// </summary>
static class UsageConsumption
{
    public static async Task ApplyAsync(UsageIngestion ingestion, ConsumeContext context, IReadOnlyList<UsageRecorded> events)
    {
        var outcomes = await ingestion.DebitAsync(events, context.CancellationToken);
        await ingestion.PublishAsync(context, outcomes, context.CancellationToken);
        foreach (var outcome in outcomes)
            if (outcome.Rejection is { } rejection)
                await DeadLetters.SendAsync(context, outcome.Usage, $"{rejection.ReasonCode}: {rejection.Reason}");
    }
}
