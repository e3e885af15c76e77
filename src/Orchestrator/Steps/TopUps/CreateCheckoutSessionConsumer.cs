using Credits.Billing.StripeAdapter;
using Credits.Contracts.TopUps;
using Credits.Sagas.StateMachines;
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
            SuccessUrl = checkout.Value.SuccessUrl,
            CancelUrl = checkout.Value.CancelUrl,
            // Below the saga's abandon time, so Stripe ends an unpaid page first (checkout.session.expired).
            ExpiresAt = WithinStripeBounds(m.ExpiresAt)?.UtcDateTime,
        };
        var session = (await stripe.WriteAsync("create checkout session", m.IdempotencyKey,
            (c, o, t) => c.V1.Checkout.Sessions.CreateAsync(options, o, t), context.CancellationToken)).GetValueOrThrow();
        await context.Publish(new CheckoutSessionCreated { PurchaseId = m.PurchaseId, SessionId = session.Id, Url = session.Url });
    }

    /// <summary>
    /// Stripe refuses an expires_at outside 30 minutes to 24 hours from the request; a command delivered late (or a
    /// short abandon time) is brought inside, with a minute's margin for clock skew.
    /// </summary>
    static DateTimeOffset? WithinStripeBounds(DateTimeOffset? expiresAt)
    {
        if (expiresAt is not { } at) return null;
        var now = DateTimeOffset.UtcNow;
        var earliest = now + TopUpOptions.MinCheckoutLifetime + TimeSpan.FromMinutes(1);
        var latest = now + TopUpOptions.MaxCheckoutLifetime - TimeSpan.FromMinutes(1);
        return at < earliest ? earliest : at > latest ? latest : at;
    }
}
