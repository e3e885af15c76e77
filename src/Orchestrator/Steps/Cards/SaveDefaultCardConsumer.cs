using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using Credits.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace Credits.Orchestrator.Steps.Cards;

/// <summary>
/// The one home of "this card is the customer's default" (card setup, an upgrade that collected a card, a top-up whose
/// buyer ticked "save"). Stripe does not make a card saved by Checkout the default
/// (https://docs.stripe.com/payments/checkout/subscriptions/update-payment-details, docs/lifecycle/cards.md): Credits sets the customer's
/// invoice_settings.default_payment_method and every live subscription's default_payment_method, each write under its own
/// idempotency key, then records the card (saved_cards) and publishes CardSaved in the same transaction. Repeating the
/// step repeats the same writes: the same card ends as the default and CardSaved says so again, which its consumers take
/// as a repeat.
/// </summary>
public sealed class SaveDefaultCardConsumer(StripeCalls stripe, CreditsDbContext db, TimeProvider clock, ILogger<SaveDefaultCardConsumer> logger)
    : IConsumer<SaveDefaultCard>
{
    static readonly string[] EndedSubscriptionStatuses = ["canceled", "incomplete_expired"];

    public async Task Consume(ConsumeContext<SaveDefaultCard> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var paymentMethodId = await PaymentMethodOfAsync(m, ct);
        if (paymentMethodId is null)
        {
            logger.LogInformation("No card to save for {Source} {OperationId}", m.Source, m.OperationId);
            return;
        }
        var card = (await stripe.ReadAsync("get payment method", (c, o, t) => c.V1.PaymentMethods.GetAsync(paymentMethodId, null, o, t), ct)).GetValueOrThrow();
        // A top-up's card is attached to the customer only when the buyer ticked "save my payment information"
        // (https://docs.stripe.com/payments/save-during-payment?payment-ui=checkout, docs/stripe-emulator.md): a card that is not attached was not saved.
        if (card.CustomerId != m.StripeCustomerId)
        {
            logger.LogInformation("The card of {Source} {OperationId} was not saved to the customer: not made the default", m.Source, m.OperationId);
            return;
        }

        (await stripe.WriteAsync("set customer default card", m.IdempotencyKey + ":customer",
            (c, o, t) => c.V1.Customers.UpdateAsync(m.StripeCustomerId,
                new CustomerUpdateOptions { InvoiceSettings = new() { DefaultPaymentMethod = paymentMethodId } }, o, t), ct)).GetValueOrThrow();
        var subscriptions = (await stripe.ReadAsync("list subscriptions",
            (c, o, t) => c.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = m.StripeCustomerId, Status = "all" }, o, t), ct)).GetValueOrThrow();
        foreach (var subscription in subscriptions.Data.Where(s => !EndedSubscriptionStatuses.Contains(s.Status)))
        {
            (await stripe.WriteAsync("set subscription default card", $"{m.IdempotencyKey}:{subscription.Id}",
                (c, o, t) => c.V1.Subscriptions.UpdateAsync(subscription.Id,
                    new SubscriptionUpdateOptions { DefaultPaymentMethod = paymentMethodId }, o, t), ct)).GetValueOrThrow();
        }

        var savedAt = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO saved_cards (customer_id, stripe_customer_id, payment_method_id, brand, last4, exp_month, exp_year, operation_id, source, saved_at)
            VALUES ({m.CustomerId}, {m.StripeCustomerId}, {paymentMethodId}, {card.Card?.Brand}, {card.Card?.Last4}, {card.Card?.ExpMonth},
                    {card.Card?.ExpYear}, {m.OperationId}, {m.Source}, {savedAt})
            ON CONFLICT (customer_id) DO UPDATE SET stripe_customer_id = excluded.stripe_customer_id, payment_method_id = excluded.payment_method_id,
              brand = excluded.brand, last4 = excluded.last4, exp_month = excluded.exp_month, exp_year = excluded.exp_year,
              operation_id = excluded.operation_id, source = excluded.source, saved_at = excluded.saved_at
            """, ct);
        await context.Publish(new CardSaved
        {
            CustomerId = m.CustomerId, StripeCustomerId = m.StripeCustomerId, PaymentMethodId = paymentMethodId,
            OperationId = m.OperationId, Source = m.Source, SavedAt = savedAt,
        }, ct);
    }

    async Task<string?> PaymentMethodOfAsync(SaveDefaultCard m, CancellationToken ct)
    {
        if (m.SetupIntentId is { Length: > 0 } setupIntentId)
            return (await stripe.ReadAsync("get setup intent", (c, o, t) => c.V1.SetupIntents.GetAsync(setupIntentId, null, o, t), ct))
                .GetValueOrThrow().PaymentMethodId;
        if (m.PaymentIntentId is { Length: > 0 } paymentIntentId)
            return (await stripe.ReadAsync("get payment intent", (c, o, t) => c.V1.PaymentIntents.GetAsync(paymentIntentId, null, o, t), ct))
                .GetValueOrThrow().PaymentMethodId;
        return null;
    }
}
