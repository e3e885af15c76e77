using Credits.Billing.StripeAdapter;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.StateMachines;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.PlanChanges;

/// <summary>
/// Both subscription items change in ONE Stripe update (flat price swapped, metered item added or deleted),
/// so Stripe never holds half a plan. Upgrades invoice the proration now (always_invoice); the answer
/// says whether that invoice was paid, is open, or its payment already failed.
/// </summary>
public sealed class UpdateSubscriptionItemsConsumer(StripeCalls stripe) : IConsumer<UpdateSubscriptionItems>
{
    public async Task Consume(ConsumeContext<UpdateSubscriptionItems> context)
    {
        var m = context.Message;
        var options = new SubscriptionUpdateOptions
        {
            Items = StripeSubscriptions.Changes(m.Changes),
            ProrationBehavior = m.ProrationBehavior,
            // The change applies even if the charge fails; the saga then restores the items and voids the invoice.
            PaymentBehavior = "allow_incomplete",
            Expand = ["latest_invoice"],
        };
        var result = await stripe.WriteAsync("update subscription items", m.IdempotencyKey,
            (c, o, t) => c.V1.Subscriptions.UpdateAsync(m.SubscriptionId, options, o, t), context.CancellationToken);
        if (result.Failure is { Transient: false } refused)
        {
            // Stripe validated the whole update and applied none of it: nothing to undo.
            await context.Publish(new SubscriptionItemsUpdateFailed { OperationId = m.OperationId, Step = m.Step, Reason = refused.Message });
            return;
        }
        var subscription = result.GetValueOrThrow();
        var invoice = subscription.LatestInvoice is { BillingReason: "subscription_update" } proration && m.ProrationBehavior == "always_invoice"
            ? proration
            : null;
        var period = StripeSubscriptions.Period(subscription);
        await context.Publish(new SubscriptionItemsUpdated
        {
            OperationId = m.OperationId,
            Step = m.Step,
            Items = StripeSubscriptions.Items(subscription),
            InvoiceId = invoice?.Id,
            // No proration invoice (nothing to charge) counts as paid.
            InvoiceStatus = invoice is null ? "paid" : Status(invoice),
            PeriodStart = period.Start,
            PeriodEnd = period.End,
        });
    }

    /// <summary>Open after an attempt = the card was declined or missing: the saga restores at once instead of waiting.</summary>
    static string Status(Invoice invoice) =>
        invoice.Status == "open" && invoice.AttemptCount > 0 ? PlanChangeStateMachine.PaymentFailedStatus : invoice.Status;
}
