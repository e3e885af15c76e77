using System.Collections.Concurrent;
using Credits.Contracts.Billing;
using MassTransit;

namespace Credits.Billing.Tests.Webhooks;

/// <summary>Every billing message that came over RabbitMQ, by Stripe event id.</summary>
public sealed class ReceivedMessages
{
    public ConcurrentQueue<(string EventId, object Message)> All { get; } = new();

    public int Count(string eventId) => All.Count(m => m.EventId == eventId);

    public IEnumerable<T> Of<T>() => All.Select(m => m.Message).OfType<T>();
}

/// <summary>Records what the webhook endpoint published through the outbox and the broker.</summary>
public sealed class RecordingConsumer(ReceivedMessages received) :
    IConsumer<StripeSubscriptionUpdated>, IConsumer<StripeInvoicePaid>, IConsumer<StripeCheckoutSessionCompleted>,
    IConsumer<StripePaymentSucceeded>
{
    public Task Consume(ConsumeContext<StripeSubscriptionUpdated> context) => Record(context.Message.EventId, context.Message);
    public Task Consume(ConsumeContext<StripeInvoicePaid> context) => Record(context.Message.EventId, context.Message);
    public Task Consume(ConsumeContext<StripeCheckoutSessionCompleted> context) => Record(context.Message.EventId, context.Message);
    public Task Consume(ConsumeContext<StripePaymentSucceeded> context) => Record(context.Message.EventId, context.Message);

    Task Record(string eventId, object message)
    {
        received.All.Enqueue((eventId, message));
        return Task.CompletedTask;
    }
}
