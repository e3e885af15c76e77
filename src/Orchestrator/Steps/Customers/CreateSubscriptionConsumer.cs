using Credits.Billing.Customers;
using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using MassTransit;
using Stripe;

namespace Credits.Orchestrator.Steps.Customers;

/// <summary>
/// Registration step 2: one subscription with the plan's items (a flat item, plus the metered overage item
/// on plans with overage). A subscription already linked to the customer is answered again, not duplicated.
/// A paid plan whose first invoice cannot be paid now (no card on file, a decline) would stay `incomplete`
/// and expire after 23 hours: it is cancelled at once and answered SubscriptionNotStarted, so registration
/// fails with a reason instead (docs/boundaries/periods.md).
/// </summary>
public sealed class CreateSubscriptionConsumer(StripeCalls stripe, StripeCustomerLinks links) : IConsumer<CreateSubscription>
{
    public async Task Consume(ConsumeContext<CreateSubscription> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var existing = (await links.FindAsync(m.CustomerId, ct))?.SubscriptionId;
        var subscription = existing is not null
            ? (await stripe.ReadAsync("get subscription", (c, o, t) => c.V1.Subscriptions.GetAsync(existing, null, o, t), ct)).GetValueOrThrow()
            : (await stripe.WriteAsync("create subscription", m.IdempotencyKey,
                (c, o, t) => c.V1.Subscriptions.CreateAsync(Options(m), o, t), ct)).GetValueOrThrow();
        if (existing is null) await links.LinkAsync(m.CustomerId, m.StripeCustomerId, subscription.Id, ct);

        if (subscription.Status is "incomplete" or "incomplete_expired" or "canceled")
        {
            if (subscription.Status == "incomplete")
                (await stripe.WriteAsync("cancel incomplete subscription", m.IdempotencyKey + ":cancel",
                    (c, o, t) => c.V1.Subscriptions.CancelAsync(subscription.Id, null, o, t), ct)).GetValueOrThrow();
            await context.Publish(new SubscriptionNotStarted
            {
                CorrelationId = m.CorrelationId,
                SubscriptionId = subscription.Id,
                Reason = $"the first invoice of plan '{m.PlanId}' could not be paid (no card on file, or it was declined), so the " +
                         "subscription was cancelled; register on the free plan, add a card, then upgrade",
            }, ct);
            return;
        }

        var (start, end) = StripeSubscriptions.Period(subscription);
        await context.Publish(new SubscriptionCreated
        {
            CorrelationId = m.CorrelationId,
            SubscriptionId = subscription.Id,
            Status = subscription.Status,
            Items = StripeSubscriptions.Items(subscription),
            PeriodStart = start,
            PeriodEnd = end,
        }, ct);
    }

    static SubscriptionCreateOptions Options(CreateSubscription m)
    {
        var items = new List<SubscriptionItemOptions> { new() { Price = m.FlatPriceId, Quantity = 1 } };
        // No quantity on a metered item: Stripe rejects it; usage comes from the overage meter.
        if (m.MeteredPriceId is not null) items.Add(new() { Price = m.MeteredPriceId });
        return new SubscriptionCreateOptions
        {
            Customer = m.StripeCustomerId,
            Items = items,
            Metadata = new() { [StripeSubscriptions.CustomerIdMetadata] = m.CustomerId },
            // The first invoice is attempted at once; a paid plan without a card stays incomplete until paid.
            PaymentBehavior = "allow_incomplete",
        };
    }
}
