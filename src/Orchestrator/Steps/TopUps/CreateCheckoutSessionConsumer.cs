using Credits.Billing.StripeAdapter;
using Credits.Contracts.TopUps;
using MassTransit;
using Microsoft.Extensions.Options;
using Stripe.Checkout;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>A Checkout session in payment mode for one purchase; its URL goes back to the saga (and so to the Gateway).</summary>
public sealed class CreateCheckoutSessionConsumer(StripeCalls stripe, IOptions<CheckoutOptions> checkout) : IConsumer<CreateCheckoutSession>
{
    public async Task Consume(ConsumeContext<CreateCheckoutSession> context)
    {
        var m = context.Message;
        var metadata = PurchaseMetadata.For(m.PurchaseId, m.CustomerId);
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            Customer = m.StripeCustomerId,
            ClientReferenceId = m.PurchaseId.ToString(),
            LineItems =
            [
                new()
                {
                    Quantity = 1,
                    PriceData = new() { Currency = m.Currency, UnitAmount = m.Amount, ProductData = new() { Name = $"{m.Credits:N0} credits" } },
                },
            ],
            Metadata = metadata,
            PaymentIntentData = new() { Metadata = metadata },
            // The page offers to save the card ("Save my payment information"). Ticked, Stripe attaches it to the customer
            // and the top-up saga makes it the default (SaveDefaultCard); unticked, nothing is saved.
            SavedPaymentMethodOptions = new() { PaymentMethodSave = "enabled" },
            SuccessUrl = checkout.Value.SuccessUrl,
            CancelUrl = checkout.Value.CancelUrl,
            // Below the saga's abandon time, so Stripe ends an unpaid page first (checkout.session.expired).
            ExpiresAt = CheckoutLifetime.WithinStripeBounds(m.ExpiresAt)?.UtcDateTime,
        };
        var session = (await stripe.WriteAsync("create checkout session", m.IdempotencyKey,
            (c, o, t) => c.V1.Checkout.Sessions.CreateAsync(options, o, t), context.CancellationToken)).GetValueOrThrow();
        await context.Publish(new CheckoutSessionCreated { PurchaseId = m.PurchaseId, SessionId = session.Id, Url = session.Url });
    }
}
