using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;

namespace Credits.Messaging.Outbox;

/// <summary>
/// The consume context a consumer sees inside the outbox transaction: its publishes, sends and responses
/// become outbox rows written with the last save (<see cref="OutboxRows"/>). Delivery is always the relay's job, never this context's,
/// so MassTransit's in-line delivery members report "delivered" and do nothing.
/// </summary>
sealed class PostgresOutboxConsumeContext<TMessage>(
    ConsumeContext<TMessage> context,
    OutboxConsumeOptions options,
    IServiceProvider provider,
    OutboxRows rows,
    int receiveCount)
    : OutboxConsumeContextProxy<TMessage>(context, options, provider)
    where TMessage : class
{
    public override bool ContinueProcessing { get; set; } = true;

    /// <summary>The inbox row existed before this delivery: the message was consumed (and committed) before.</summary>
    public override bool IsMessageConsumed => receiveCount > 1;

    public override bool IsOutboxDelivered => true;
    public override int ReceiveCount => receiveCount;
    public override long? LastSequenceNumber => null;

    /// <summary>The inbox row was written when the transaction began and commits with the consumer's work.</summary>
    public override Task SetConsumed() => Task.CompletedTask;

    public override Task SetDelivered() => Task.CompletedTask;
    public override Task<List<OutboxMessageContext>> LoadOutboxMessages() => Task.FromResult(new List<OutboxMessageContext>());
    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message) => Task.CompletedTask;
    public override Task RemoveOutboxMessages() => Task.CompletedTask;

    public override Task AddSend<T>(SendContext<T> sendContext) => rows.Add(sendContext);
}
