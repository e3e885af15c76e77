using System.Text.Json.Nodes;
using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

// Ending a subscription, as Stripe documents it (https://docs.stripe.com/billing/subscriptions/cancel):
// cancel_at_period_end and its undo (https://docs.stripe.com/api/subscriptions/update#update_subscription-cancel_at_period_end),
// the end at the period end with the final usage billed, and DELETE with invoice_now and prorate
// (https://docs.stripe.com/api/subscriptions/cancel): "invoice_now: Will generate a final invoice that invoices for any
// un-invoiced metered usage and new/pending proration invoice items"; "prorate: Will generate a proration invoice item that
// credits remaining unused time until the subscription period end"; a negative invoice total goes to the customer's credit
// balance (https://docs.stripe.com/billing/customer/balance), which later invoices use first.
public abstract partial class StripeFidelity
{
    /// <summary>The <c>previous_attributes</c> of the subscription's <c>customer.subscription.updated</c> events, oldest first.</summary>
    private async Task<List<JsonObject>> SubscriptionChangesAsync(string subscription)
    {
        var events = await Client.V1.Events.ListAsync(new EventListOptions { Type = EventTypes.CustomerSubscriptionUpdated, Limit = 100 });
        var changes = new List<JsonObject>();
        foreach (var e in events.Data.Where(e => ((Subscription)e.Data.Object).Id == subscription).Reverse())
            changes.Add((JsonObject)StripeFixtures.Raw(await Client.V1.Events.GetAsync(e.Id))["data"]!["previous_attributes"]!);
        return changes;
    }

    [StripeFact]
    public async Task Cancel_at_period_end_and_its_undo_each_send_subscription_updated_and_the_undone_subscription_renews()
    {
        var (clock, _, subscription, _, periodEnd) = await SubscribedOnAClockAsync();

        var canceling = await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true });
        var kept = await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = false });

        Assert.Equal((true, periodEnd), (canceling.CancelAtPeriodEnd, canceling.CancelAt));
        Assert.NotNull(canceling.CanceledAt);
        Assert.Equal((false, (DateTime?)null, (DateTime?)null), (kept.CancelAtPeriodEnd, kept.CancelAt, kept.CanceledAt));
        var changes = await Eventually.Get(async () => (await SubscriptionChangesAsync(subscription.Id)).Where(c => c.ContainsKey("cancel_at_period_end")).ToList(),
            c => c.Count >= 2, Patience);
        Assert.Equal([false, true], changes.Select(c => (bool)c["cancel_at_period_end"]!));
        Assert.Equal([null, "cancellation_requested"], changes.Select(c => (string?)c["cancellation_details"]?["reason"]));

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddMinutes(30));

        var renewed = await Client.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal(("active", periodEnd), (renewed.Status, renewed.Items.Data[0].CurrentPeriodStart));
    }

    [StripeFact]
    public async Task A_subscription_set_to_cancel_ends_at_the_period_end_and_its_last_invoice_bills_the_periods_usage_only()
    {
        var (clock, customer, subscription, meter, periodEnd) = await SubscribedOnAClockAsync();
        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddDays(-1));
        await ReportAsync(meter, customer.Id, 30, $"final-{Target.Unique}", periodEnd.AddDays(-1).AddMinutes(-1));
        await Eventually.True(async () => await SummedAsync(meter, customer.Id, periodEnd.AddDays(-2), periodEnd) == 30, Patience, "the usage is processed");
        await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true });

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddHours(2));

        var ended = await Client.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal(("canceled", periodEnd, "cancellation_requested"), (ended.Status, ended.EndedAt, ended.CancellationDetails.Reason));
        await Eventually.True(async () => (await Client.V1.Events.ListAsync(new EventListOptions { Type = EventTypes.CustomerSubscriptionDeleted, Limit = 100 }))
            .Data.Any(e => ((Subscription)e.Data.Object).Id == subscription.Id), Patience, "customer.subscription.deleted");
        var last = await Eventually.Get(async () => (await Client.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = subscription.Id })).Data[0],
            i => i.Status == "paid" && i.Id != subscription.LatestInvoiceId, Patience);
        Assert.Equal(30 * 5, last.AmountPaid);
        Assert.Equal(30 * 5, last.Lines.Data.Single().Amount);
    }

    [StripeFact]
    public async Task Canceling_now_with_invoice_now_and_prorate_bills_the_usage_and_credits_the_unused_time_to_the_customers_balance()
    {
        var (clock, customer, subscription, meter, periodEnd) = await SubscribedOnAClockAsync();
        var periodStart = subscription.Items.Data[0].CurrentPeriodStart;
        var at = periodStart.AddDays(10);
        await AdvanceAndWaitAsync(clock.Id, at);
        await ReportAsync(meter, customer.Id, 30, $"now-{Target.Unique}", at.AddMinutes(-1));
        await Eventually.True(async () => await SummedAsync(meter, customer.Id, periodStart, at) == 30, Patience, "the usage is processed");
        var unused = (long)Math.Round(2000m * (decimal)((periodEnd - at) / (periodEnd - periodStart)), MidpointRounding.AwayFromZero);

        var canceled = await Client.V1.Subscriptions.CancelAsync(subscription.Id, new SubscriptionCancelOptions { InvoiceNow = true, Prorate = true });

        Assert.Equal("canceled", canceled.Status);
        var final = await Client.V1.Invoices.GetAsync(canceled.LatestInvoiceId);
        Assert.NotEqual(subscription.LatestInvoiceId, final.Id);
        Assert.Equal(30 * 5, final.Lines.Data.Single(l => l.Amount > 0).Amount);
        var credit = final.Lines.Data.Single(l => l.Amount < 0).Amount;
        Assert.InRange(credit, -unused - 1, -unused + 1); // the unused 20-odd days of the $20 month
        Assert.Equal(("paid", 0L, 150 + credit), (final.Status, final.AmountDue, final.Total));
        Assert.Equal((0L, 150 + credit), (final.StartingBalance, final.EndingBalance));
        var balance = (await Client.V1.Customers.GetAsync(customer.Id)).Balance;
        Assert.Equal(150 + credit, balance);

        // The credit pays the next invoice first: a new subscription's first invoice takes it before the card.
        var next = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = subscription.Items.Data.First(i => i.Price.Recurring.UsageType != "metered").Price.Id, Quantity = 1 }], Expand = ["latest_invoice"],
        });
        Assert.Equal((balance, 2000 + balance, "paid"), (next.LatestInvoice.StartingBalance, next.LatestInvoice.AmountDue, next.LatestInvoice.Status));
        Assert.Equal(0, (await Client.V1.Customers.GetAsync(customer.Id)).Balance);
    }
}
