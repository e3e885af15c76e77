using MassTransit;

namespace Credits.Benchmarks;

/// <summary>
/// The outbox scenario's shape without the outbox: consume, publish one event straight to the broker, no
/// database. Separates the cost of the second hop from the cost of the transaction and the relay.
/// </summary>
public sealed class NoOpForwardingConsumer : IConsumer<NoOpForwardRequested>
{
    public Task Consume(ConsumeContext<NoOpForwardRequested> context) =>
        context.Publish(new NoOpForwarded { Id = context.Message.Id }, context.CancellationToken);
}
