using Credits.Billing.StripeAdapter;
using Credits.Contracts.TopUps;
using MassTransit;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// Expires an abandoned purchase's Checkout session at Stripe (POST /v1/checkout/sessions/{id}/expire). A session that
/// is no longer open was paid or expired meanwhile: nothing to do, its own event reaches the saga.
/// </summary>
public sealed class ExpireCheckoutSessionConsumer(StripeCalls stripe, ILogger<ExpireCheckoutSessionConsumer> logger) : IConsumer<ExpireCheckoutSession>
{
    public async Task Consume(ConsumeContext<ExpireCheckoutSession> context)
    {
        var m = context.Message;
        var result = await stripe.WriteAsync("expire checkout session", m.IdempotencyKey,
            (c, o, t) => c.V1.Checkout.Sessions.ExpireAsync(m.SessionId, null, o, t), context.CancellationToken);
        if (result.Failure is { Transient: false } refused)
        {
            logger.LogInformation("Checkout session {SessionId} of purchase {PurchaseId} was not expired: {Failure}", m.SessionId, m.PurchaseId, refused);
            return;
        }
        result.GetValueOrThrow();
    }
}
