using Credits.Billing.StripeAdapter;
using Credits.Contracts.TopUps;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// An off-session payment with the customer's saved card (auto top-up, or a top-up asked to use it).
/// A decline or a card that needs the customer present is answered as PaymentDeclined with Stripe's reason;
/// outages are retried under the same idempotency key, so the card is charged at most once.
/// </summary>
public sealed class ChargeSavedCardConsumer(StripeCalls stripe) : IConsumer<ChargeSavedCard>
{
    public async Task Consume(ConsumeContext<ChargeSavedCard> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var customer = (await stripe.ReadAsync("get customer", (c, o, t) => c.V1.Customers.GetAsync(m.StripeCustomerId, null, o, t), ct)).GetValueOrThrow();
        var card = customer.InvoiceSettings?.DefaultPaymentMethodId;
        if (card is null)
        {
            await context.Publish(new PaymentDeclined { PurchaseId = m.PurchaseId, Reason = "there is no saved card to charge" }, ct);
            return;
        }

        var options = new PaymentIntentCreateOptions
        {
            Amount = m.Amount,
            Currency = m.Currency,
            Customer = m.StripeCustomerId,
            PaymentMethod = card,
            OffSession = true,
            Confirm = true,
            Metadata = PurchaseMetadata.For(m.PurchaseId, m.CustomerId),
        };
        var result = await stripe.WriteAsync("charge saved card", m.IdempotencyKey, (c, o, t) => c.V1.PaymentIntents.CreateAsync(options, o, t), ct);
        if (result.Failure is { Transient: false } refused)
        {
            await context.Publish(new PaymentDeclined { PurchaseId = m.PurchaseId, Reason = refused.Message }, ct);
            return;
        }
        var intent = result.GetValueOrThrow();
        if (intent.Status == "succeeded")
            await context.Publish(new SavedCardCharged { PurchaseId = m.PurchaseId, PaymentIntentId = intent.Id, Status = intent.Status }, ct);
        else
            await context.Publish(new PaymentDeclined { PurchaseId = m.PurchaseId, Reason = $"the payment needs the customer ({intent.Status})" }, ct);
    }
}
