using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;
using Stripe.TestHelpers;

namespace Credits.StripeEmulator.Tests.Fidelity;

/// <summary>
/// Renewals over time, on a test clock: the draft hour (https://docs.stripe.com/billing/invoices/subscription),
/// the meter events' grace window, declined renewals and their retries, incomplete subscriptions expiring.
/// </summary>
public abstract partial class StripeFidelity
{
    private TimeSpan Patience => TimeSpan.FromMinutes(Target.IsEmulator ? 0.2 : 5);

    /// <summary>A test clock at a whole minute just past, a customer on it with <paramref name="card"/>, a flat ($20) and a metered item.</summary>
    private async Task<(TestClock Clock, Customer Customer, Subscription Subscription, Stripe.Billing.Meter Meter, DateTime PeriodEnd)>
        SubscribedOnAClockAsync(string card = "pm_card_visa")
    {
        var now = DateTime.UtcNow;
        var start = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddMinutes(-1);
        var clock = await Client.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = start, Name = Target.Unique });
        var customer = await CustomerWithCardAsync(card, clock.Id);
        var (flat, metered, meter) = await CatalogAsync(flatAmount: 2000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = flat.Id, Quantity = 1 }, new() { Price = metered.Id }],
        });
        return (clock, customer, subscription, meter, subscription.Items.Data[0].CurrentPeriodEnd);
    }

    private async Task<Invoice?> CycleInvoiceAsync(string subscription) =>
        (await Client.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscription })).Data
        .FirstOrDefault(i => i.BillingReason == "subscription_cycle");

    private async Task<bool> HasInvoiceEventAsync(string type, string invoice) =>
        (await Client.V1.Events.ListAsync(new EventListOptions { Type = type, Limit = 100 })).Data
        .Any(e => e.Data.Object is Invoice i && i.Id == invoice);

    [StripeFact]
    public async Task A_renewal_invoice_is_a_draft_for_about_an_hour_then_it_is_finalized_and_paid()
    {
        var (clock, _, subscription, _, periodEnd) = await SubscribedOnAClockAsync();

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddMinutes(30));

        var rolled = await Client.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal(periodEnd, rolled.Items.Data[0].CurrentPeriodStart);
        Assert.Equal("active", rolled.Status);
        var draft = (await Eventually.Get(() => CycleInvoiceAsync(subscription.Id), i => i is not null, Patience))!;
        AssertShapedLike(StripeFixtures.Raw(await Client.V1.Invoices.GetAsync(draft.Id)), "invoice");
        Assert.Equal("draft", draft.Status);
        Assert.True(draft.AutoAdvance);
        Assert.InRange(draft.AutomaticallyFinalizesAt!.Value, periodEnd.AddMinutes(31), periodEnd.AddHours(2));
        Assert.Equal(draft.Id, rolled.LatestInvoiceId);

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddHours(2));

        var paid = await Eventually.Get(() => Client.V1.Invoices.GetAsync(draft.Id), i => i.Status == "paid", Patience);
        Assert.Equal(2000, paid.AmountPaid);
        Assert.NotNull(paid.StatusTransitions.FinalizedAt);
        Assert.False(paid.AutoAdvance);
        foreach (var type in new[] { EventTypes.InvoiceCreated, EventTypes.InvoiceFinalized, EventTypes.InvoicePaid })
            await Eventually.True(() => HasInvoiceEventAsync(type, draft.Id), Patience, $"{type} for the renewal invoice");
    }

    [StripeFact]
    public async Task A_declined_renewal_goes_past_due_and_a_retry_after_the_card_is_replaced_pays_it()
    {
        var (clock, customer, subscription, _, periodEnd) = await SubscribedOnAClockAsync();
        await SwitchCardAsync(customer, "pm_card_chargeCustomerFail");

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddHours(2));

        var pastDue = await Eventually.Get(() => Client.V1.Subscriptions.GetAsync(subscription.Id), s => s.Status == "past_due", Patience);
        var failed = await Client.V1.Invoices.GetAsync(pastDue.LatestInvoiceId);
        Assert.Equal("subscription_cycle", failed.BillingReason);
        Assert.Equal("open", failed.Status);
        Assert.Equal(1, failed.AttemptCount);
        Assert.True(failed.NextPaymentAttempt > periodEnd.AddHours(1), "a retry is scheduled");

        await SwitchCardAsync(customer, "pm_card_visa");
        await AdvanceAndWaitAsync(clock.Id, failed.NextPaymentAttempt!.Value.AddHours(1));

        var paid = await Eventually.Get(() => Client.V1.Invoices.GetAsync(failed.Id), i => i.Status == "paid", Patience);
        Assert.Equal(2, paid.AttemptCount);
        Assert.Null(paid.NextPaymentAttempt);
        Assert.Equal("active", (await Eventually.Get(() => Client.V1.Subscriptions.GetAsync(subscription.Id), s => s.Status == "active", Patience)).Status);
    }

    [StripeFact(EmulatorOnly = true, EmulatorOnlyBecause = "What follows the last retry is the account's setting on real Stripe; the emulator applies Stripe's default.")]
    public async Task When_every_retry_fails_the_subscription_is_canceled_and_the_invoice_left_open()
    {
        var (clock, customer, subscription, _, periodEnd) = await SubscribedOnAClockAsync();
        await SwitchCardAsync(customer, "pm_card_chargeCustomerFail");

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddDays(15));

        var canceled = await Client.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal("canceled", canceled.Status);
        Assert.Equal("payment_failed", canceled.CancellationDetails.Reason);
        var invoice = await Client.V1.Invoices.GetAsync(canceled.LatestInvoiceId);
        Assert.Equal("open", invoice.Status);
        Assert.Equal(1 + 8, invoice.AttemptCount);
        Assert.Null(invoice.NextPaymentAttempt);
        Assert.InRange(canceled.EndedAt!.Value, periodEnd.AddDays(14), periodEnd.AddDays(14).AddHours(2));
    }

    [StripeFact]
    public async Task Usage_reported_in_the_drafts_hour_is_billed_on_the_renewal_and_usage_reported_after_finalization_is_not()
    {
        var (clock, customer, subscription, meter, periodEnd) = await SubscribedOnAClockAsync();
        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddMinutes(-10));
        await ReportAsync(meter, customer.Id, 30, $"grace-{Target.Unique}-1", periodEnd.AddMinutes(-20));
        await Eventually.True(async () => await SummedAsync(meter, customer.Id, periodEnd.AddHours(-1), periodEnd) == 30, Patience, "the event is processed");

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddMinutes(10));
        var draft = (await Eventually.Get(() => CycleInvoiceAsync(subscription.Id), i => i is not null, Patience))!;
        Assert.Equal("draft", draft.Status);
        Assert.Equal(2000 + 30 * 5, draft.AmountDue);
        // Late, for the ended period, within the draft's hour: billed on it.
        await ReportAsync(meter, customer.Id, 12, $"grace-{Target.Unique}-2", periodEnd.AddMinutes(-5));
        await Eventually.True(async () => await SummedAsync(meter, customer.Id, periodEnd.AddHours(-1), periodEnd) == 42, Patience, "the late event is processed");

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddHours(2));
        var paid = await Eventually.Get(() => Client.V1.Invoices.GetAsync(draft.Id), i => i.Status == "paid", Patience);
        Assert.Equal(2000 + 42 * 5, paid.AmountPaid);

        // After finalization an event for the ended period is still accepted (its timestamp is within 35 days) but not billed there.
        var tooLate = await ReportAsync(meter, customer.Id, 7, $"grace-{Target.Unique}-3", periodEnd.AddMinutes(-1));
        Assert.Equal($"grace-{Target.Unique}-3", tooLate.Identifier);
        var after = await Client.V1.Invoices.GetAsync(draft.Id);
        Assert.Equal(2000 + 42 * 5, after.AmountPaid);
        Assert.Equal(42 * 5, after.Lines.Data.Single(l => l.Amount != 2000).Amount);
    }

    [StripeFact]
    public async Task An_incomplete_subscription_refuses_item_changes_and_expires_after_23_hours_with_its_invoice_voided()
    {
        var now = DateTime.UtcNow;
        var start = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddMinutes(-1);
        var clock = await Client.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = start });
        var customer = await CustomerWithCardAsync("pm_card_chargeCustomerFail", clock.Id);
        var (hobby, _, _) = await CatalogAsync(flatAmount: 1000);
        var (pro, _, _) = await CatalogAsync(flatAmount: 5000);

        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = hobby.Id, Quantity = 1 }], Expand = ["latest_invoice"],
        });
        Assert.Equal("incomplete", subscription.Status);
        Assert.Equal("open", subscription.LatestInvoice.Status);

        var refused = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = subscription.Items.Data[0].Id, Price = pro.Id }],
        }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("invalid_request_error", refused.StripeError.Type);
        Assert.Contains("`incomplete` status", refused.StripeError.Message);
        var tagged = await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Metadata = new Dictionary<string, string> { ["note"] = "still waiting" },
        });
        Assert.Equal(hobby.Id, tagged.Items.Data.Single().Price.Id);

        await AdvanceAndWaitAsync(clock.Id, start.AddHours(22));
        Assert.Equal("incomplete", (await Client.V1.Subscriptions.GetAsync(subscription.Id)).Status);
        await AdvanceAndWaitAsync(clock.Id, start.AddHours(24));

        var expired = await Eventually.Get(() => Client.V1.Subscriptions.GetAsync(subscription.Id), s => s.Status == "incomplete_expired", Patience);
        Assert.NotNull(expired.EndedAt);
        Assert.Equal("void", (await Client.V1.Invoices.GetAsync(subscription.LatestInvoiceId)).Status);
    }
}
