using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// A consumer of <see cref="Batch{T}"/>: a batch closes at its message limit or its time limit after its first message,
/// and as many batches as the concurrency limit run at once, so one is written while the next fills. The prefetch
/// covers them all: a batch holds its messages unacknowledged until it ends.
/// </summary>
public abstract class BatchConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    readonly int _messageLimit;
    readonly TimeSpan _timeLimit;
    readonly int _concurrencyLimit;

    protected BatchConsumerDefinition(int messageLimit, TimeSpan timeLimit, int concurrencyLimit)
    {
        (_messageLimit, _timeLimit, _concurrencyLimit) = (messageLimit, timeLimit, concurrencyLimit);
        Endpoint(e => e.PrefetchCount = messageLimit * concurrencyLimit);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(_messageLimit)
            .SetTimeLimit(_timeLimit)
            .SetConcurrencyLimit(_concurrencyLimit));
    }
}
