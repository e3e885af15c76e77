using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using Stripe;
using Stripe.TestHelpers;

namespace Credits.StripeEmulator.Tests.Emulator;

/// <summary>The knobs of the time-driven billing (EmulatorOptions), set otherwise than Stripe's defaults.</summary>
public sealed class BillingSettingsTests
{
    [Fact]
    public async Task Configured_retries_end_unpaid_with_an_uncollectible_invoice_and_later_renewals_stay_drafts()
    {
        await using var emulator = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AggregationDelay = TimeSpan.Zero;
            o.PaymentRetries = 2;
            o.PaymentRetryWindow = TimeSpan.FromDays(2);
            o.SubscriptionStatusAfterRetries = "unpaid";
            o.InvoiceStatusAfterRetries = "uncollectible";
        });
        var stripe = emulator.CreateClient();
        var start = DateTime.UtcNow.Date.AddDays(-1);
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = start });
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            TestClock = clock.Id, PaymentMethod = "pm_card_visa", InvoiceSettings = new() { DefaultPaymentMethod = "pm_card_visa" },
        });
        var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Pro" });
        var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "usd", UnitAmount = 2000, Recurring = new() { Interval = "month" },
        });
        var subscription = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customer.Id, Items = [new() { Price = price.Id }] });
        Assert.Equal("active", subscription.Status);
        var failing = await stripe.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = customer.Id });
        await stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { InvoiceSettings = new() { DefaultPaymentMethod = failing.Id } });
        var periodEnd = subscription.Items.Data[0].CurrentPeriodEnd;

        await AdvanceAsync(stripe, clock.Id, periodEnd.AddDays(3));

        var unpaid = await stripe.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal("unpaid", unpaid.Status);
        var invoice = await stripe.V1.Invoices.GetAsync(unpaid.LatestInvoiceId);
        Assert.Equal(("uncollectible", 3L), (invoice.Status, invoice.AttemptCount));
        Assert.NotNull(invoice.StatusTransitions.MarkedUncollectibleAt);

        await AdvanceAsync(stripe, clock.Id, unpaid.Items.Data[0].CurrentPeriodEnd.AddHours(3));
        var next = await stripe.V1.Subscriptions.GetAsync(subscription.Id);
        var draft = await stripe.V1.Invoices.GetAsync(next.LatestInvoiceId);
        Assert.Equal(("draft", false), (draft.Status, draft.AutoAdvance));
        Assert.Equal("unpaid", next.Status);
    }

    [Fact]
    public async Task A_zero_finalize_delay_finalizes_and_charges_the_renewal_at_the_period_end()
    {
        await using var emulator = await StripeEmulatorApp.StartAsync(o => o.RenewalFinalizeDelay = TimeSpan.Zero);
        var stripe = emulator.CreateClient();
        var start = DateTime.UtcNow.Date.AddDays(-1);
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = start });
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            TestClock = clock.Id, PaymentMethod = "pm_card_visa", InvoiceSettings = new() { DefaultPaymentMethod = "pm_card_visa" },
        });
        var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Pro" });
        var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "usd", UnitAmount = 2000, Recurring = new() { Interval = "month" },
        });
        var subscription = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customer.Id, Items = [new() { Price = price.Id }] });
        var periodEnd = subscription.Items.Data[0].CurrentPeriodEnd;

        await AdvanceAsync(stripe, clock.Id, periodEnd);

        var renewed = await stripe.V1.Subscriptions.GetAsync(subscription.Id);
        var invoice = await stripe.V1.Invoices.GetAsync(renewed.LatestInvoiceId);
        Assert.Equal(("subscription_cycle", "paid", periodEnd), (invoice.BillingReason, invoice.Status, invoice.StatusTransitions.PaidAt));
    }

    private static async Task AdvanceAsync(StripeClient stripe, string clock, DateTime to)
    {
        await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(clock, new TestClockAdvanceOptions { FrozenTime = to });
        await Eventually.True(async () => (await stripe.V1.TestHelpers.TestClocks.GetAsync(clock)).Status == "ready", TimeSpan.FromSeconds(15));
    }
}
