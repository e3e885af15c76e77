using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using System.Net.Http.Json;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Periods;

/// <summary>
/// Registering for a paid plan, on the real system: the customer is subscribed on the free plan and the customer saga then
/// upgrades it (docs/lifecycle/cards.md). The first invoice's webhook overtaking the subscription's reply, and no card.
/// </summary>
public class PaidPlanRegistrationTests(SystemUnderTest system, ITestOutputHelper output) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task The_first_invoice_paid_before_the_subscription_reply_still_opens_the_first_period()
    {
        var id = SagaFlows.NewCustomerId("early-paid");
        // Stripe creates the subscription after 5 s (time for the card below) and then answers 500 twice: the
        // step retries under the same key and gets the created subscription only seconds later, long after
        // Stripe's invoice.paid webhook reached the saga.
        await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = "/v1/subscriptions", status = 500, afterExecution = true, latencyMs = 5000, rate = 1, times = 2 });
        try
        {
            await _bus!.Publisher.Publish(new Contracts.Customers.RegisterCustomer { CustomerId = id, Email = $"{id}@example.com", PlanId = "pro" });
            var creating = await Eventually.Get(() => Flows.CustomerAsync(id), c => c?.StripeCustomerId is not null, SagaFlows.StepTimeout, "the Stripe customer");
            await Flows.SaveCardAsync(creating!.StripeCustomerId!);

            var customer = await Flows.CustomerInStateAsync(id, "Active");
            output.WriteLine($"{customer.SubscriptionId} {customer.SubscriptionStatus} period {customer.PeriodStart:O}");

            // The upgrade the registration started finds the card and completes: Pro's items, its proration paid.
            var upgrade = await Flows.PlanChangeEndsAsync(global::Credits.Sagas.SagaKeys.ForRegistrationUpgrade(id), "Completed", "Failed", "CompensationFailed", "GrantFailed");
            Assert.True(upgrade.CurrentState == "Completed", upgrade.Steps);
            await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == "pro" && c.PlanChangeOperationId is null, SagaFlows.StepTimeout, "on Pro");

            // The books: Hobby's 200 credits for the first period, opened once although the invoice.paid webhook overtook
            // the subscription's reply, plus Pro's prorated credits (config/catalog.json) once. Stripe: the subscription is
            // active on Pro, its first ($0) invoice and the upgrade's proration invoice paid, nothing incomplete.
            Assert.InRange(upgrade.CreditsGranted, 4_990, 5_000);
            Assert.Equal(200 + upgrade.CreditsGranted,
                await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200 + upgrade.CreditsGranted, SagaFlows.StepTimeout, "both allowances"));
            var subscription = await Flows.SubscriptionAsync(customer.SubscriptionId!);
            Assert.Equal("active", subscription.Status);
            await Flows.AssertItemsMatchPlanAsync(customer, "pro");
            var invoices = (await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = subscription.Id })).Data;
            Assert.Equal("paid", Assert.Single(invoices, i => i.BillingReason == "subscription_create").Status);
            Assert.Equal("paid", Assert.Single(invoices, i => i.BillingReason == "subscription_update").Status);
            var books = await system.Accounts.BooksAsync(id);
            Assert.Equal(books.Column, books.SumOfEntries);
        }
        finally
        {
            await system.Stripe.Control.ClearFaultsAsync();
        }
    }

    [Fact]
    public async Task Registering_on_a_paid_plan_without_a_card_is_active_on_free_with_the_upgrade_awaiting_a_card_and_no_incomplete_subscription()
    {
        var id = SagaFlows.NewCustomerId("no-card");
        await _bus!.Publisher.Publish(new Contracts.Customers.RegisterCustomer { CustomerId = id, Email = $"{id}@example.com", PlanId = "pro" });

        var customer = await Flows.CustomerInStateAsync(id, "Active");

        // Active on the free plan with its allowance; the upgrade holds the plan-change slot and waits for a card on Checkout.
        Assert.Equal("hobby", customer.PlanId);
        Assert.Equal((long?)200, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200, SagaFlows.StepTimeout, "Hobby's allowance"));
        var upgradeId = global::Credits.Sagas.SagaKeys.ForRegistrationUpgrade(id);
        var upgrade = await Eventually.Get(() => Flows.PlanChangeAsync(upgradeId), p => p?.CardCheckoutUrl is not null, SagaFlows.StepTimeout, "the upgrade asks for a card");
        Assert.Equal(("AwaitingCard", "pro"), (upgrade!.CurrentState, upgrade.ToPlanId));
        Assert.Equal(upgradeId, (await Flows.CustomerAsync(id))!.PlanChangeOperationId);
        // GET /v1/customers/{id} names the upgrade in flight; GET /v1/operations/{id} gives its card page.
        using var client = system.Client();
        var view = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/customers/{id}");
        Assert.Equal(upgradeId, view.GetProperty("planChangeInFlight").GetGuid());
        var operation = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/operations/{upgradeId}");
        Assert.Equal(upgrade.CardCheckoutUrl, operation.GetProperty("planChange").GetProperty("cardCheckoutUrl").GetString());

        // Stripe: one subscription, active on the free plan, never incomplete.
        var subscriptions = (await Flows.Stripe.V1.Subscriptions.ListAsync(new() { Customer = customer.StripeCustomerId, Status = "all" })).Data;
        var subscription = Assert.Single(subscriptions);
        Assert.Equal("active", subscription.Status);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.Column, books.SumOfEntries);
    }
}
