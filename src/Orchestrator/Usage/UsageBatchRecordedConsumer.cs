using Credits.Contracts.Usage;
using Credits.Ledger.Usage;
using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// A producer's own batch (1 to 1,000 events, checked by AppMessageCheck before it gets here) in one ledger
/// transaction. Each event is applied or rejected on its own: a rejected event is dead-lettered as
/// <see cref="UsageRecorded"/> with its reason, a null in the list as a batch of that one null with its position;
/// the rest apply.
/// </summary>
public sealed class UsageBatchRecordedConsumer(UsageIngestion ingestion) : IConsumer<UsageBatchRecorded>
{
    public const int MaxEvents = 1000;

    public async Task Consume(ConsumeContext<UsageBatchRecorded> context)
    {
        var events = new List<UsageRecorded>(context.Message.Events.Count);
        for (var i = 0; i < context.Message.Events.Count; i++)
        {
            if (context.Message.Events[i] is { } usage) events.Add(usage);
            else await DeadLetters.SendAsync(context, new UsageBatchRecorded { BatchId = context.Message.BatchId, Events = [null!] },
                $"{UsageRejectionCodes.Invalid}: events[{i}] of batch {context.Message.BatchId} is null, not a usage event");
        }

        var outcomes = await ingestion.DebitAsync(events, context.CancellationToken);
        await ingestion.PublishAsync(context, outcomes, context.CancellationToken);
        foreach (var outcome in outcomes)
            if (outcome.Rejection is { } rejection)
                await DeadLetters.SendAsync(context, outcome.Usage, $"{rejection.ReasonCode}: {rejection.Reason}");
    }
}
