using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.Cancellations;

/// <summary>
/// An operator's immediate cancel: DELETE /v1/subscriptions/{id} with invoice_now (a final invoice now, for the metered
/// usage not yet invoiced) and prorate (a credit for the unused time of the flat fee). A negative final invoice is not
/// paid out: Stripe keeps it as the customer's credit balance, applied to later invoices
/// (https://docs.stripe.com/api/subscriptions/cancel, https://docs.stripe.com/billing/customer/balance).
/// </summary>
public sealed class CancelSubscriptionNowConsumer(StripeCalls stripe) : IConsumer<CancelSubscriptionNow>
{
    public async Task Consume(ConsumeContext<CancelSubscriptionNow> context)
    {
        var m = context.Message;
        var options = new SubscriptionCancelOptions { InvoiceNow = true, Prorate = true };
        var subscription = (await stripe.WriteAsync("cancel subscription now", m.IdempotencyKey,
            (c, o, t) => c.V1.Subscriptions.CancelAsync(m.SubscriptionId, options, o, t), context.CancellationToken)).GetValueOrThrow();
        await context.Publish(new SubscriptionCanceledNow
        {
            OperationId = m.OperationId, Status = subscription.Status, FinalInvoiceId = subscription.LatestInvoiceId,
        });
    }
}
