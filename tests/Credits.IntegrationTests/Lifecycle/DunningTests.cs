using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.Customers;
using Credits.IntegrationTests.Story;
using Credits.Testing;
using Stripe;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Lifecycle;

/// <summary>
/// A renewal that is not paid, on the real system with a test clock: the customer and the app are told once, overage
/// stops at once, a card saved meanwhile pays the invoice and overage is back; after Stripe's last retry the subscription
/// ends like a cancellation (docs/lifecycle/cancel-and-dunning.md).
/// </summary>
public class DunningTests(TestClockSystem system, ITestOutputHelper output) : IClassFixture<TestClockSystem>, IAsyncLifetime
{
    TestBus _bus = null!;
    StripeClient Stripe => system.Stripe.CreateClient();

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(SubscriptionPastDue), typeof(SubscriptionCanceled));
    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_declined_renewal_is_told_once_stops_overage_and_a_new_card_pays_it_and_restores_overage()
    {
        using var http = system.Client();
        var pro = await ProCustomer.CreateAsync(system, http, "dunning");
        Assert.True((await pro.BalanceAsync(http)).GetProperty("overageAllowed").GetBoolean());
        await StripeState.SaveCardAsync(Stripe, pro.StripeCustomerId, "pm_card_chargeCustomerFail");

        // The renewal is charged about an hour after the roll and declined; a day later Stripe's first retry fails too.
        await system.AdvanceClockAsync(pro.TestClock, pro.PeriodEnd.AddHours(2));
        var pastDue = await system.EventuallyAsync(http, $"/v1/customers/{pro.Id}", c => c.GetProperty("pastDue").ValueKind == JsonValueKind.Object, "the customer is past due");
        output.WriteLine(pastDue.ToString());
        var renewal = Assert.Single((await Stripe.V1.Invoices.ListAsync(new() { Subscription = pro.SubscriptionId })).Data, i => i.BillingReason == "subscription_cycle");
        var block = pastDue.GetProperty("pastDue");
        Assert.Equal((renewal.Id, renewal.AmountDue, renewal.HostedInvoiceUrl),
            (block.GetProperty("invoiceId").GetString(), block.GetProperty("amountDue").GetInt64(), block.GetProperty("hostedInvoiceUrl").GetString()));
        Assert.Equal("past_due", (await Stripe.V1.Subscriptions.GetAsync(pro.SubscriptionId)).Status);
        // Overage stops at once: the ledger refuses to bill beyond the credits.
        await system.EventuallyAsync(http, $"/v1/customers/{pro.Id}/balance", b => !b.GetProperty("overageAllowed").GetBoolean(), "overage stops");
        await system.AdvanceClockAsync(pro.TestClock, pro.PeriodEnd.AddDays(3));
        Assert.True((await Stripe.V1.Invoices.GetAsync(renewal.Id)).AttemptCount >= 2);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(_bus.Received<SubscriptionPastDue>(), e => e.CustomerId == pro.Id);
        var told = _bus.Received<SubscriptionPastDue>().Single(e => e.CustomerId == pro.Id);
        Assert.Equal((renewal.Id, renewal.AmountDue), (told.InvoiceId, told.AmountDue));

        // A new card is saved (as the card-capture slice publishes CardSaved): Credits pays the open renewal with it.
        var card = await Stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new() { Customer = pro.StripeCustomerId });
        await Stripe.V1.Customers.UpdateAsync(pro.StripeCustomerId, new() { InvoiceSettings = new() { DefaultPaymentMethod = card.Id } });
        await _bus.Publisher.Publish(new CardSaved
        {
            CustomerId = pro.Id, StripeCustomerId = pro.StripeCustomerId, PaymentMethodId = card.Id, OperationId = Guid.NewGuid(), Source = "card-setup",
            SavedAt = DateTimeOffset.UtcNow,
        });
        await Eventually.Get(() => Stripe.V1.Invoices.GetAsync(renewal.Id), i => i.Status == "paid", TestClockSystem.StepTimeout, "the renewal is paid with the new card");
        var restored = await system.EventuallyAsync(http, $"/v1/customers/{pro.Id}", c => c.GetProperty("pastDue").ValueKind == JsonValueKind.Null, "nothing is past due");
        Assert.Equal("active", (await Stripe.V1.Subscriptions.GetAsync(pro.SubscriptionId)).Status);
        await Eventually.Get(() => pro.BalanceAsync(http), b => b.GetProperty("overageAllowed").GetBoolean(), TestClockSystem.StepTimeout, "overage is allowed again");
        Assert.Equal("active", restored.GetProperty("state").GetString());
        var books = await system.Accounts.BooksAsync(pro.Id);
        Assert.Equal(books.Column, books.SumOfEntries);
    }

    [Fact]
    public async Task After_the_last_failed_retry_the_subscription_ends_like_a_cancellation()
    {
        using var http = system.Client();
        var pro = await ProCustomer.CreateAsync(system, http, "dunning-end");
        await StripeState.SaveCardAsync(Stripe, pro.StripeCustomerId, "pm_card_chargeCustomerFail");

        // Smart Retries: 8 retries over two weeks, then Stripe cancels the subscription (cancellation_details.reason = payment_failed).
        await system.AdvanceClockAsync(pro.TestClock, pro.PeriodEnd.AddHours(2));
        await system.EventuallyAsync(http, $"/v1/customers/{pro.Id}", c => c.GetProperty("pastDue").ValueKind == JsonValueKind.Object, "the customer is past due");
        await system.AdvanceClockAsync(pro.TestClock, pro.PeriodEnd.AddDays(16));
        var subscription = await Stripe.V1.Subscriptions.GetAsync(pro.SubscriptionId);
        Assert.Equal(("canceled", "payment_failed"), (subscription.Status, subscription.CancellationDetails?.Reason));

        var ended = await system.EventuallyAsync(http, $"/v1/customers/{pro.Id}", c => c.GetProperty("state").GetString() == "cancelled", "the customer is cancelled");
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("pastDue").ValueKind);
        var record = await http.GetFromJsonAsync<JsonElement>($"/v1/customers/{pro.Id}/cancellation");
        Assert.Equal(("cancelled", "ended-by-stripe", "payment_failed"),
            (record.GetProperty("status").GetString(), record.GetProperty("mode").GetString(), record.GetProperty("reason").GetString()));
        var canceled = await Eventually.Get(() => Task.FromResult(_bus.Received<SubscriptionCanceled>().Where(e => e.CustomerId == pro.Id).ToList()),
            l => l.Count > 0, TestClockSystem.StepTimeout, "SubscriptionCanceled is published");
        Assert.Equal("payment_failed", Assert.Single(canceled).Reason);
        // The period's allowance (the roll's, for the period Stripe never collected) has lapsed; no overage.
        var balance = await pro.BalanceAsync(http);
        Assert.Equal((0L, 0L, false), (balance.GetProperty("available").GetInt64(), balance.GetProperty("upcoming").GetInt64(),
            balance.GetProperty("overageAllowed").GetBoolean()));
        var books = await system.Accounts.BooksAsync(pro.Id);
        Assert.Equal(books.Column, books.SumOfEntries);
    }
}
