using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.Cancellations;

/// <summary>
/// Sets (cancel) or clears (resume) the subscription's cancel_at_period_end. Both are plain updates, idempotent under the
/// step's key; Stripe keeps the subscription active either way until the period end
/// (https://docs.stripe.com/billing/subscriptions/cancel).
/// </summary>
public sealed class SetCancelAtPeriodEndConsumer(StripeCalls stripe) : IConsumer<SetCancelAtPeriodEnd>
{
    public async Task Consume(ConsumeContext<SetCancelAtPeriodEnd> context)
    {
        var m = context.Message;
        var options = new SubscriptionUpdateOptions { CancelAtPeriodEnd = m.CancelAtPeriodEnd };
        var subscription = (await stripe.WriteAsync(m.CancelAtPeriodEnd ? "cancel subscription at period end" : "resume subscription", m.IdempotencyKey,
            (c, o, t) => c.V1.Subscriptions.UpdateAsync(m.SubscriptionId, options, o, t), context.CancellationToken)).GetValueOrThrow();
        await context.Publish(new CancelAtPeriodEndSet
        {
            OperationId = m.OperationId,
            CancelAtPeriodEnd = subscription.CancelAtPeriodEnd,
            Status = subscription.Status,
            CancelAt = subscription.CancelAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null,
        });
    }
}
