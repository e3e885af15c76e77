using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using MassTransit;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Credits.Orchestrator.Steps.Cancellations;

/// <summary>
/// Pays a past-due renewal with the card just saved (POST /v1/invoices/{id}/pay with payment_method,
/// https://docs.stripe.com/api/invoices/pay). Stripe's answer is not needed: invoice.paid (or invoice.payment_failed)
/// follows as a webhook and the customer saga acts on it. A refusal (declined card, invoice already paid or voided)
/// is the end of this step, not an error to retry.
/// </summary>
public sealed class PayOpenInvoiceConsumer(StripeCalls stripe, ILogger<PayOpenInvoiceConsumer> logger) : IConsumer<PayOpenInvoice>
{
    public async Task Consume(ConsumeContext<PayOpenInvoice> context)
    {
        var m = context.Message;
        var result = await stripe.WriteAsync("pay past-due invoice", m.IdempotencyKey,
            (c, o, t) => c.V1.Invoices.PayAsync(m.InvoiceId, new InvoicePayOptions { PaymentMethod = m.PaymentMethodId }, o, t), context.CancellationToken);
        if (result.Failure is { Transient: false } refused)
        {
            logger.LogInformation("Invoice {InvoiceId} of customer {CustomerId} was not paid with the new card: {Failure}", m.InvoiceId, m.CustomerId, refused);
            return;
        }
        var invoice = result.GetValueOrThrow();
        logger.LogInformation("Invoice {InvoiceId} of customer {CustomerId} paid with the new card: {Status}", m.InvoiceId, m.CustomerId, invoice.Status);
    }
}
