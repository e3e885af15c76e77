using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// Two producer batches at a time: one is written while the next is read. A batch locks all its accounts until it
/// commits, so batches over the same customers run one after another whatever the limit. With the default (the
/// prefetch, 32) up to 32 transactions queued on the same row locks, each holding a connection; every commit woke them
/// all on two cores, and 1,000-event bodies waited in memory. At 2 the batch phase of the ingestion benchmark ran at
/// 10,110 to 12,658 events/s instead of 5,728 and 5,814 (docs/BENCHMARKS.md, sixth pass).
/// </summary>
public sealed class UsageBatchRecordedConsumerDefinition : ConsumerDefinition<UsageBatchRecordedConsumer>
{
    const int ConcurrencyLimit = 2;

    public UsageBatchRecordedConsumerDefinition()
    {
        ConcurrentMessageLimit = ConcurrencyLimit;
        Endpoint(e => e.PrefetchCount = ConcurrencyLimit);
    }
}
