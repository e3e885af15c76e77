namespace Credits.Orchestrator.Usage;

/// <summary>
/// Up to <see cref="MessageLimit"/> producer batches in one ledger transaction, two transactions at a time: one is
/// written while the next is read.
/// </summary>
/// <remarks>
/// A transaction locks all its accounts until it commits, so transactions over the same customers run one after another
/// whatever the limit. With the prefetch (32) as the limit, up to 32 of them queued on the same row locks, each holding
/// a connection, and every commit woke them all on two cores: at 2 the batch phase of the ingestion benchmark ran at
/// 10,110 to 12,658 events/s instead of 5,728 and 5,814 (docs/BENCHMARKS.md, sixth pass). Taking the batches that
/// wait together as one transaction then pays each account's lock, update and notification, and the transaction's
/// round trips, once for all of them (nineteenth session). A batch that arrives alone waits at most
/// <see cref="TimeLimit"/> for company.
/// </remarks>
public sealed class UsageBatchRecordedConsumerDefinition()
    : BatchConsumerDefinition<UsageBatchRecordedConsumer>(MessageLimit, TimeLimit, concurrencyLimit: 2)
{
    /// <summary>Producer batches per transaction: at most 4,000 events.</summary>
    public const int MessageLimit = 4;
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(10);
}
