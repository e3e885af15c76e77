using Credits.Billing.StripeAdapter;
using Credits.Contracts.PlanChanges;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.PlanChanges;

/// <summary>
/// Compensation of an upgrade whose payment failed or was never confirmed. The open proration invoice is
/// voided FIRST: if it was paid meanwhile, voiding fails and the items are left on the paid plan (the step
/// faults and the saga ends CompensationFailed for an operator) rather than taking back a paid upgrade.
/// Then one update puts the previous plan's items back, without proration: the upgrade was never paid.
/// </summary>
public sealed class RestoreSubscriptionItemsConsumer(StripeCalls stripe) : IConsumer<RestoreSubscriptionItems>
{
    public async Task Consume(ConsumeContext<RestoreSubscriptionItems> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (m.VoidInvoiceId is { } invoiceId)
            (await stripe.WriteAsync("void proration invoice", m.IdempotencyKey + ":void",
                (c, o, t) => c.V1.Invoices.VoidInvoiceAsync(invoiceId, null, o, t), ct)).GetValueOrThrow();

        var subscription = m.Changes.Count == 0
            ? (await stripe.ReadAsync("get subscription", (c, o, t) => c.V1.Subscriptions.GetAsync(m.SubscriptionId, null, o, t), ct)).GetValueOrThrow()
            : (await stripe.WriteAsync("restore subscription items", m.IdempotencyKey, (c, o, t) => c.V1.Subscriptions.UpdateAsync(m.SubscriptionId,
                new SubscriptionUpdateOptions { Items = StripeSubscriptions.Changes(m.Changes), ProrationBehavior = "none" }, o, t), ct)).GetValueOrThrow();

        await context.Publish(new SubscriptionItemsRestored { OperationId = m.OperationId, Items = StripeSubscriptions.Items(subscription) }, ct);
    }
}
