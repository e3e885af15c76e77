using Credits.Billing.StripeAdapter;
using Credits.Contracts.Billing;
using global::Stripe;
using global::Stripe.Checkout;

namespace Credits.Billing.Webhooks;

/// <summary>Turns the Stripe events the sagas need into contracts without Stripe.net types.</summary>
public static class StripeEventTranslator
{
    public static readonly IReadOnlyList<string> HandledTypes =
    [
        EventTypes.InvoiceCreated, EventTypes.InvoicePaid, EventTypes.InvoicePaymentFailed,
        EventTypes.CustomerSubscriptionCreated, EventTypes.CustomerSubscriptionUpdated, EventTypes.CustomerSubscriptionDeleted,
        EventTypes.CheckoutSessionCompleted, EventTypes.CheckoutSessionAsyncPaymentSucceeded,
        EventTypes.CheckoutSessionExpired, EventTypes.CheckoutSessionAsyncPaymentFailed,
        EventTypes.PaymentIntentSucceeded, EventTypes.PaymentIntentPaymentFailed,
        EventTypes.ChargeRefunded,
        EventTypes.ChargeDisputeCreated, EventTypes.ChargeDisputeClosed,
    ];

    /// <summary>The customer id of the app, when the Stripe object carries it in metadata.</summary>
    public const string CustomerIdMetadataKey = "customer_id";

    public static TranslatedEvent Translate(Event stripeEvent)
    {
        var created = StripeTime.Utc(stripeEvent.Created);
        var id = stripeEvent.Id;
        object? message = stripeEvent.Data.Object switch
        {
            Invoice i when stripeEvent.Type == EventTypes.InvoicePaid => new StripeInvoicePaid
            {
                EventId = id, EventCreated = created, InvoiceId = i.Id, StripeCustomerId = i.CustomerId,
                CustomerId = CustomerId(i.Parent?.SubscriptionDetails?.Metadata ?? i.Metadata),
                SubscriptionId = i.Parent?.SubscriptionDetails?.SubscriptionId, BillingReason = i.BillingReason,
                AmountPaid = i.AmountPaid, Currency = i.Currency, PeriodStart = ServicePeriod(i).Start, PeriodEnd = ServicePeriod(i).End,
                ServicePriceId = ServiceLine(i)?.Pricing?.PriceDetails?.PriceId,
            },
            // A renewal's draft, created when the period rolls: the period it opens has begun.
            Invoice i when stripeEvent.Type == EventTypes.InvoiceCreated => new StripeInvoiceCreated
            {
                EventId = id, EventCreated = created, InvoiceId = i.Id, StripeCustomerId = i.CustomerId,
                CustomerId = CustomerId(i.Parent?.SubscriptionDetails?.Metadata ?? i.Metadata),
                SubscriptionId = i.Parent?.SubscriptionDetails?.SubscriptionId, BillingReason = i.BillingReason, Status = i.Status ?? "",
                PeriodStart = ServicePeriod(i).Start, PeriodEnd = ServicePeriod(i).End,
                ServicePriceId = ServiceLine(i)?.Pricing?.PriceDetails?.PriceId,
            },
            Invoice i when stripeEvent.Type == EventTypes.InvoicePaymentFailed => new StripeInvoicePaymentFailed
            {
                EventId = id, EventCreated = created, InvoiceId = i.Id, StripeCustomerId = i.CustomerId,
                CustomerId = CustomerId(i.Parent?.SubscriptionDetails?.Metadata ?? i.Metadata),
                SubscriptionId = i.Parent?.SubscriptionDetails?.SubscriptionId, BillingReason = i.BillingReason,
                AmountDue = i.AmountDue, Currency = i.Currency, AttemptCount = i.AttemptCount, HostedInvoiceUrl = i.HostedInvoiceUrl,
            },
            Subscription s when stripeEvent.Type.StartsWith("customer.subscription.", StringComparison.Ordinal) => new StripeSubscriptionUpdated
            {
                EventId = id, EventType = stripeEvent.Type, EventCreated = created, SubscriptionId = s.Id, StripeCustomerId = s.CustomerId,
                CustomerId = CustomerId(s.Metadata), Status = s.Status, CancelAtPeriodEnd = s.CancelAtPeriodEnd,
                CancellationReason = s.CancellationDetails?.Reason,
                Items = s.Items?.Data.Select(item => new StripeSubscriptionItemState
                {
                    ItemId = item.Id, PriceId = item.Price?.Id ?? "", PriceLookupKey = item.Price?.LookupKey,
                    UsageType = item.Price?.Recurring?.UsageType ?? "licensed",
                    CurrentPeriodStart = StripeTime.Utc(item.CurrentPeriodStart), CurrentPeriodEnd = StripeTime.Utc(item.CurrentPeriodEnd),
                }).ToList() ?? [],
            },
            Session s when stripeEvent.Type is EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded =>
                new StripeCheckoutSessionCompleted
                {
                    EventId = id, EventType = stripeEvent.Type, EventCreated = created, SessionId = s.Id, StripeCustomerId = s.CustomerId,
                    ClientReferenceId = s.ClientReferenceId, PaymentIntentId = s.PaymentIntentId, PaymentStatus = s.PaymentStatus,
                    Mode = s.Mode ?? "", SetupIntentId = s.SetupIntentId,
                    AmountTotal = s.AmountTotal ?? 0, Currency = s.Currency ?? "", Metadata = Copy(s.Metadata),
                },
            Session s when stripeEvent.Type is EventTypes.CheckoutSessionExpired or EventTypes.CheckoutSessionAsyncPaymentFailed =>
                new StripeCheckoutSessionExpired
                {
                    EventId = id, EventType = stripeEvent.Type, EventCreated = created, SessionId = s.Id, StripeCustomerId = s.CustomerId,
                    ClientReferenceId = s.ClientReferenceId, Metadata = Copy(s.Metadata),
                },
            PaymentIntent p when stripeEvent.Type == EventTypes.PaymentIntentSucceeded => new StripePaymentSucceeded
            {
                EventId = id, EventCreated = created, PaymentIntentId = p.Id, StripeCustomerId = p.CustomerId,
                Amount = p.Amount, Currency = p.Currency, Metadata = Copy(p.Metadata),
            },
            PaymentIntent p when stripeEvent.Type == EventTypes.PaymentIntentPaymentFailed => new StripePaymentFailed
            {
                EventId = id, EventCreated = created, PaymentIntentId = p.Id, StripeCustomerId = p.CustomerId,
                Amount = p.Amount, Currency = p.Currency, FailureCode = p.LastPaymentError?.DeclineCode ?? p.LastPaymentError?.Code,
                FailureMessage = p.LastPaymentError?.Message, Metadata = Copy(p.Metadata),
            },
            Charge c when stripeEvent.Type == EventTypes.ChargeRefunded => new StripeChargeRefunded
            {
                EventId = id, EventCreated = created, ChargeId = c.Id, PaymentIntentId = c.PaymentIntentId, StripeCustomerId = c.CustomerId,
                Amount = c.Amount, AmountRefunded = c.AmountRefunded, Currency = c.Currency, Metadata = Copy(c.Metadata),
            },
            Dispute d when stripeEvent.Type == EventTypes.ChargeDisputeCreated => new StripeDisputeCreated
            {
                EventId = id, EventCreated = created, DisputeId = d.Id, ChargeId = d.ChargeId, PaymentIntentId = d.PaymentIntentId,
                Amount = d.Amount, Currency = d.Currency, Reason = d.Reason ?? "", Status = d.Status,
            },
            Dispute d when stripeEvent.Type == EventTypes.ChargeDisputeClosed => new StripeDisputeClosed
            {
                EventId = id, EventCreated = created, DisputeId = d.Id, ChargeId = d.ChargeId, PaymentIntentId = d.PaymentIntentId,
                Amount = d.Amount, Currency = d.Currency, Status = d.Status,
            },
            _ => null,
        };
        var objectId = (stripeEvent.Data.Object as IHasId)?.Id;
        return new TranslatedEvent(message, objectId, created);
    }

    static string? CustomerId(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(CustomerIdMetadataKey, out var id) && id.Length > 0 ? id : null;

    static IReadOnlyDictionary<string, string> Copy(IDictionary<string, string>? metadata) =>
        metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(metadata);



    /// <summary>
    /// The billing period an invoice opens. Not the invoice's own period_start/period_end: on a renewal they
    /// look back one period (the usage billed) and on a new subscription they are one instant. The period
    /// is on the subscription's (non-proration) lines; the latest of them is the one paid in advance. The money audit
    /// finds a period's invoice by it too.
    /// </summary>
    internal static (DateTimeOffset Start, DateTimeOffset End) ServicePeriod(Invoice invoice) =>
        ServiceLine(invoice) is { } line
            ? (StripeTime.Utc(line.Period.Start), StripeTime.Utc(line.Period.End))
            : (StripeTime.Utc(invoice.PeriodStart), StripeTime.Utc(invoice.PeriodEnd));

    /// <summary>
    /// The line that bills the period paid in advance: the flat fee of the plan Stripe renews. Its price
    /// (<c>pricing.price_details.price</c>) names that plan, whatever the app believes the customer is on.
    /// </summary>
    static InvoiceLineItem? ServiceLine(Invoice invoice) =>
        invoice.Lines?.Data?
            .Where(l => l.Period is not null && l.Parent?.SubscriptionItemDetails is { Proration: false })
            .OrderByDescending(l => l.Period.End)
            .FirstOrDefault();
}
