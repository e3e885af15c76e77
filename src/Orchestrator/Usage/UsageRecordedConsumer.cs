using Credits.Contracts.Usage;
using Credits.Ledger.Usage;
using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// Single usage events, consumed in batches: one ledger transaction (two round trips) for up to
/// hundreds of events is what makes thousands of events a second possible on a small machine.
/// Each event is still applied, acknowledged as a duplicate, or rejected (dead-lettered with its
/// reason) on its own.
/// </summary>
public sealed class UsageRecordedConsumer(UsageIngestion ingestion) : IConsumer<Batch<UsageRecorded>>
{
    public async Task Consume(ConsumeContext<Batch<UsageRecorded>> context)
    {
        var events = new UsageRecorded[context.Message.Length];
        for (var i = 0; i < events.Length; i++) events[i] = context.Message[i].Message;

        await UsageConsumption.ApplyAsync(ingestion, context, events);
    }
}
