using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;
using Stripe.TestHelpers;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task Advancing_a_test_clock_renews_a_flat_and_metered_subscription_with_the_usage_on_a_paid_invoice()
    {
        var now = DateTime.UtcNow;
        var start = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddHours(-3);
        var clock = await Client.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = start, Name = Target.Unique });
        var customer = await CustomerWithCardAsync(testClock: clock.Id);
        var (flat, metered, meter) = await CatalogAsync(flatAmount: 2000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = flat.Id, Quantity = 1 }, new() { Price = metered.Id }],
        });
        // Usage must be in the clock's past: move it three hours on first (no period ends yet).
        await AdvanceAndWaitAsync(clock.Id, start.AddHours(3).AddMinutes(-1));
        await ReportAsync(meter, customer.Id, 30, $"clock-{Target.Unique}-1", start.AddHours(1));
        await ReportAsync(meter, customer.Id, 12, $"clock-{Target.Unique}-2", start.AddHours(2));
        var periodEnd = subscription.Items.Data[0].CurrentPeriodEnd;

        var advancing = await AdvanceAndWaitAsync(clock.Id, periodEnd.AddHours(2));

        AssertShapedLike(advancing, "test_helpers.test_clock");
        Assert.Equal("advancing", advancing.Status);
        var renewed = await Client.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal(periodEnd, renewed.Items.Data[0].CurrentPeriodStart);
        var cycle = await Eventually.Get(
            () => Client.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscription.Id }),
            list => list.Data.Any(i => i.BillingReason == "subscription_cycle" && i.Status == "paid"),
            TimeSpan.FromMinutes(Target.IsEmulator ? 0.2 : 5));
        var invoice = cycle.Data.First(i => i.BillingReason == "subscription_cycle");
        var usage = invoice.Lines.Data.Single(l => l.Pricing.PriceDetails.PriceId == metered.Id);
        Assert.Equal(42 * 5, usage.Amount);
        Assert.Equal(2000 + 42 * 5, invoice.AmountPaid);
    }

    [StripeFact]
    public async Task At_the_period_end_a_subscription_set_to_cancel_ends_and_a_declined_renewal_goes_past_due()
    {
        var start = DateTime.UtcNow.AddMinutes(-1);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));
        var clock = await Client.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = start });
        var leaving = await CustomerWithCardAsync(testClock: clock.Id);
        var declining = await CustomerWithCardAsync(testClock: clock.Id);
        var (flat, _, _) = await CatalogAsync();
        var ending = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = leaving.Id, Items = [new() { Price = flat.Id, Quantity = 1 }] });
        var renewing = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = declining.Id, Items = [new() { Price = flat.Id, Quantity = 1 }] });
        await Client.V1.Subscriptions.UpdateAsync(ending.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true });
        await SwitchCardAsync(declining, "pm_card_chargeCustomerFail");

        await AdvanceAndWaitAsync(clock.Id, ending.Items.Data[0].CurrentPeriodEnd.AddHours(2));

        var ended = await Client.V1.Subscriptions.GetAsync(ending.Id);
        Assert.Equal("canceled", ended.Status);
        Assert.Equal(ending.Items.Data[0].CurrentPeriodEnd, ended.EndedAt);
        var pastDue = await Eventually.Get(() => Client.V1.Subscriptions.GetAsync(renewing.Id), s => s.Status == "past_due",
            TimeSpan.FromMinutes(Target.IsEmulator ? 0.2 : 5));
        var failed = await Client.V1.Invoices.GetAsync(pastDue.LatestInvoiceId);
        Assert.Equal("open", failed.Status);
        Assert.Equal("subscription_cycle", failed.BillingReason);
    }

    private async Task<TestClock> AdvanceAndWaitAsync(string clock, DateTime to)
    {
        var advancing = await Client.V1.TestHelpers.TestClocks.AdvanceAsync(clock, new TestClockAdvanceOptions { FrozenTime = to });
        await Eventually.True(async () => (await Client.V1.TestHelpers.TestClocks.GetAsync(clock)).Status == "ready",
            TimeSpan.FromMinutes(Target.IsEmulator ? 0.2 : 5));
        return advancing;
    }
}
