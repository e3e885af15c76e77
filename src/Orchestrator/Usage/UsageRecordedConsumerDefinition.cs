using MassTransit;

namespace Credits.Orchestrator.Usage;

public sealed class UsageRecordedConsumerDefinition : ConsumerDefinition<UsageRecordedConsumer>
{
    // A batch closes at this many events or after this long, whichever comes first. Two batches
    // run at once so one can be written while the next fills; the prefetch covers both.
    public const int MessageLimit = 500;
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(20);
    const int ConcurrencyLimit = 2;

    public UsageRecordedConsumerDefinition()
    {
        Endpoint(e => e.PrefetchCount = MessageLimit * ConcurrencyLimit);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<UsageRecordedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(MessageLimit)
            .SetTimeLimit(TimeLimit)
            .SetConcurrencyLimit(ConcurrencyLimit));
    }
}
