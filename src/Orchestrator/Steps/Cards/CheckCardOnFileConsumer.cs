using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using MassTransit;

namespace Credits.Orchestrator.Steps.Cards;

/// <summary>
/// Reads the card Stripe would charge for the subscription's invoices: the subscription's default_payment_method, else
/// the customer's invoice_settings.default_payment_method (https://docs.stripe.com/api/subscriptions/object#subscription_object-default_payment_method).
/// An upgrade asks first, so one without a card collects it through Checkout instead of failing on the proration invoice.
/// </summary>
public sealed class CheckCardOnFileConsumer(StripeCalls stripe) : IConsumer<CheckCardOnFile>
{
    public async Task Consume(ConsumeContext<CheckCardOnFile> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        string? card = null;
        if (m.SubscriptionId is { Length: > 0 } subscriptionId)
            card = (await stripe.ReadAsync("get subscription", (c, o, t) => c.V1.Subscriptions.GetAsync(subscriptionId, null, o, t), ct))
                .GetValueOrThrow().DefaultPaymentMethodId;
        card ??= (await stripe.ReadAsync("get customer", (c, o, t) => c.V1.Customers.GetAsync(m.StripeCustomerId, null, o, t), ct))
            .GetValueOrThrow().InvoiceSettings?.DefaultPaymentMethodId;
        await context.Publish(new CardOnFileChecked { OperationId = m.OperationId, PaymentMethodId = card }, ct);
    }
}
