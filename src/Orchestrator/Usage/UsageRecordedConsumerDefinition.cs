namespace Credits.Orchestrator.Usage;

/// <summary>Single usage events: a batch closes at 500 events or after 20 ms, two batches at once.</summary>
public sealed class UsageRecordedConsumerDefinition()
    : BatchConsumerDefinition<UsageRecordedConsumer>(MessageLimit, TimeLimit, concurrencyLimit: 2)
{
    public const int MessageLimit = 500;
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(20);
}
