using Credits.Billing.Webhooks;
using Credits.Contracts.Billing;
using Stripe;
using Xunit;

namespace Credits.Billing.Tests.Webhooks;

/// <summary>
/// A renewal invoice's own period_start/period_end look back one period (the usage it bills); the period it opens
/// is on its subscription lines. The customer saga grants the allowance of the period it is told about.
/// </summary>
public class When_a_renewal_invoice_is_paid
{
    static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    static readonly DateTime End = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
    static readonly DateTime NextEnd = new(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    static InvoiceLineItem Line(DateTime start, DateTime end, bool proration, string? price = null) => new()
    {
        Period = new InvoiceLineItemPeriod { Start = start, End = end },
        Pricing = price is null ? null : new InvoiceLineItemPricing { Type = "price_details", PriceDetails = new InvoiceLineItemPricingPriceDetails { PriceId = price } },
        Parent = new InvoiceLineItemParent { SubscriptionItemDetails = new InvoiceLineItemParentSubscriptionItemDetails { Proration = proration } },
    };

    [Fact]
    public void Should_report_the_period_of_its_subscription_lines_not_the_invoices_look_back_period()
    {
        var invoice = new Invoice
        {
            Id = "in_cycle", BillingReason = "subscription_cycle", PeriodStart = Start, PeriodEnd = End,
            Lines = new StripeList<InvoiceLineItem>
            {
                Data = [Line(Start, End, proration: false) /* usage of the ended period */, Line(End, NextEnd, proration: false), Line(Start.AddDays(20), End, proration: true)],
            },
        };

        var paid = (StripeInvoicePaid)StripeEventTranslator.Translate(new Event
        {
            Id = "evt_1", Type = EventTypes.InvoicePaid, Created = End, Data = new EventData { Object = invoice },
        }).Message!;

        Assert.Equal((new DateTimeOffset(End), new DateTimeOffset(NextEnd)), (paid.PeriodStart, paid.PeriodEnd));
    }

    [Fact]
    public void Should_name_the_price_billed_in_advance_for_the_period_it_opens()
    {
        // The usage line bills the old plan's overage; the flat fee of the period it opens is the plan Stripe renews.
        var invoice = new Invoice
        {
            Id = "in_cycle", BillingReason = "subscription_cycle", PeriodStart = Start, PeriodEnd = End,
            Lines = new StripeList<InvoiceLineItem>
            {
                Data = [Line(Start, End, proration: false, "price_hobby_overage"), Line(End, NextEnd, proration: false, "price_pro")],
            },
        };

        var created = (StripeInvoiceCreated)StripeEventTranslator.Translate(new Event
        {
            Id = "evt_2", Type = EventTypes.InvoiceCreated, Created = End, Data = new EventData { Object = invoice },
        }).Message!;
        var paid = (StripeInvoicePaid)StripeEventTranslator.Translate(new Event
        {
            Id = "evt_3", Type = EventTypes.InvoicePaid, Created = End, Data = new EventData { Object = invoice },
        }).Message!;

        Assert.Equal(("price_pro", "price_pro"), (created.ServicePriceId, paid.ServicePriceId));
    }
}
