using Credits.Billing.StripeAdapter;
using Credits.Contracts.TopUps;
using Credits.Sagas.StateMachines;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// An off-session payment with the customer's saved card (auto top-up, or a top-up asked to use it).
/// A decline or a card that needs the customer present is answered as PaymentDeclined with Stripe's reason.
/// Outages are retried under the same idempotency key, so the card is charged at most once; when Stripe's answer
/// is still lost (5xx, timeout) the outcome is unknown, not a decline: the purchase's PaymentIntent is looked up
/// and its real status answered, and the saga waits for Stripe's payment events when it is not final.
/// </summary>
public sealed class ChargeSavedCardConsumer(StripeCalls stripe, ILogger<ChargeSavedCardConsumer> logger) : IConsumer<ChargeSavedCard>
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
        var intent = result.Value;
        if (result.Failure is { } lost)
        {
            // Stripe may have charged the card before its answer was lost: its PaymentIntent says what happened.
            intent = await FindIntentAsync(m, ct);
            logger.LogWarning("Charging the saved card for purchase {PurchaseId} ended without an answer ({Failure}); Stripe holds {Intent} ({Status})",
                m.PurchaseId, lost, intent?.Id ?? "no payment intent yet", intent?.Status ?? SavedCardCharged.OutcomeUnknown);
        }
        await context.Publish(Outcome(m.PurchaseId, intent), ct);
    }

    /// <summary>Final failures are declines; succeeded, processing and anything not yet known are answered as they are.</summary>
    static object Outcome(Guid purchaseId, PaymentIntent? intent) => intent?.Status switch
    {
        "requires_action" => new PaymentDeclined { PurchaseId = purchaseId, Reason = "the payment needs the customer (requires_action)" },
        "requires_payment_method" => new PaymentDeclined { PurchaseId = purchaseId, Reason = intent.LastPaymentError?.Message ?? "the payment failed" },
        "canceled" => new PaymentDeclined { PurchaseId = purchaseId, Reason = "the payment was canceled" },
        _ => new SavedCardCharged { PurchaseId = purchaseId, PaymentIntentId = intent?.Id ?? "", Status = intent?.Status ?? SavedCardCharged.OutcomeUnknown },
    };

    /// <summary>
    /// The purchase's PaymentIntent by its metadata, from the customer's list (lists are consistent at once; search
    /// may lag by a minute). Null when none is found or Stripe cannot be read: the outcome stays unknown.
    /// </summary>
    async Task<PaymentIntent?> FindIntentAsync(ChargeSavedCard m, CancellationToken ct)
    {
        var list = await stripe.ReadAsync("find the purchase's payment intent",
            (c, o, t) => c.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Customer = m.StripeCustomerId, Limit = 100 }, o, t), ct);
        return list.Value?.Data.FirstOrDefault(p =>
            p.Metadata.TryGetValue(TopUpStateMachine.PurchaseIdMetadata, out var id) && id == m.PurchaseId.ToString());
    }
}
