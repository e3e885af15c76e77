using Credits.Contracts.Usage;
using Credits.Ledger.Usage;
using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// Producers' own batches (1 to 1,000 events each, checked by AppMessageCheck before they get here), the ones waiting
/// together taken as one ledger transaction (<see cref="UsageBatchRecordedConsumerDefinition"/>). Each event is applied
/// or rejected on its own: a rejected event is dead-lettered as <see cref="UsageRecorded"/> with its reason, a null in a
/// list as a batch of that one null with its position; the rest apply.
/// </summary>
/// <remarks>
/// Why several messages in one transaction: a transaction locks every account it touches until it commits, so two
/// producer batches over the same customers run one after the other anyway. Taken together they lock, update and
/// notify each account once, and pay the transaction's round trips, the locks' hand-over and the commit once
/// (docs/BENCHMARKS.md, "Issue 16, nineteenth session"). A redelivered message among new ones is recognised by the
/// ledger's keys, as for single events (<c>InboxKey</c>).
/// </remarks>
public sealed class UsageBatchRecordedConsumer(UsageIngestion ingestion) : IConsumer<Batch<UsageBatchRecorded>>
{
    public const int MaxEvents = 1000;

    public async Task Consume(ConsumeContext<Batch<UsageBatchRecorded>> context)
    {
        var count = 0;
        for (var m = 0; m < context.Message.Length; m++) count += context.Message[m].Message.Events.Count;
        var events = new List<UsageRecorded>(count);
        for (var m = 0; m < context.Message.Length; m++)
        {
            var batch = context.Message[m].Message;
            for (var i = 0; i < batch.Events.Count; i++)
            {
                if (batch.Events[i] is { } usage) events.Add(usage);
                else await DeadLetters.SendAsync(context, new UsageBatchRecorded { BatchId = batch.BatchId, Events = [null!] },
                    $"{UsageRejectionCodes.Invalid}: events[{i}] of batch {batch.BatchId} is null, not a usage event");
            }
        }

        await UsageConsumption.ApplyAsync(ingestion, context, events);
    }
}
