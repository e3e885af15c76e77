using Credits.Contracts.Usage;
using Credits.Ledger.Usage;
using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// A producer's own batch (up to 1,000 events) in one ledger transaction. Rejected events are
/// dead-lettered one by one as <see cref="UsageRecorded"/> with their reasons; the rest apply.
/// </summary>
public sealed class UsageBatchRecordedConsumer(UsageIngestion ingestion) : IConsumer<UsageBatchRecorded>
{
    public const int MaxEvents = 1000;

    public async Task Consume(ConsumeContext<UsageBatchRecorded> context)
    {
        var events = context.Message.Events;
        if (events.Count > MaxEvents)
        {
            await DeadLetters.SendAsync(context, context.Message, $"invalid: a batch holds at most {MaxEvents} events, this one {events.Count}");
            return;
        }

        var outcomes = await ingestion.DebitAsync(events, context.CancellationToken);
        await ingestion.PublishAsync(context, outcomes, context.CancellationToken);
        foreach (var outcome in outcomes)
            if (outcome.Rejection is { } rejection)
                await DeadLetters.SendAsync(context, outcome.Usage, $"{rejection.ReasonCode}: {rejection.Reason}");
    }
}
