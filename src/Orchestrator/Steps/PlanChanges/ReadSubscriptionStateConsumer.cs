using Credits.Billing.StripeAdapter;
using Credits.Contracts.PlanChanges;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.PlanChanges;

/// <summary>
/// Reads, never writes: the subscription's items and its proration invoice as Stripe holds them, so a plan change
/// whose write ended in doubt (Stripe answers a 500 after applying a request, and replays that 500 for the same
/// idempotency key) decides on Stripe's state rather than on the error. Reads carry no idempotency key, so a stored
/// 500 of the write does not answer them.
/// </summary>
public sealed class ReadSubscriptionStateConsumer(StripeCalls stripe) : IConsumer<ReadSubscriptionState>
{
    public async Task Consume(ConsumeContext<ReadSubscriptionState> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var subscription = (await stripe.ReadAsync("get subscription", (c, o, t) => c.V1.Subscriptions.GetAsync(m.SubscriptionId,
            new SubscriptionGetOptions { Expand = ["latest_invoice"] }, o, t), ct)).GetValueOrThrow();

        // An always_invoice update makes a proration invoice at once, and it becomes the latest invoice: if the items
        // show the new plan, that invoice is this change's. An earlier invoice (a renewal) is not a proration.
        var invoice = m.InvoiceId is { } known
            ? (await stripe.ReadAsync("get invoice", (c, o, t) => c.V1.Invoices.GetAsync(known, null, o, t), ct)).GetValueOrThrow()
            : subscription.LatestInvoice is { BillingReason: "subscription_update" } latest ? latest : null;

        var period = StripeSubscriptions.Period(subscription);
        await context.Publish(new SubscriptionStateRead
        {
            OperationId = m.OperationId,
            Items = StripeSubscriptions.Items(subscription),
            InvoiceId = invoice?.Id,
            InvoiceStatus = invoice?.Status,
            PeriodStart = period.Start,
            PeriodEnd = period.End,
        }, ct);
    }
}
