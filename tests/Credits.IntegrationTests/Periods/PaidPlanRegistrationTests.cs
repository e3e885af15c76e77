using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Periods;

/// <summary>
/// Registering directly on a paid plan, on the real system: the first invoice's webhook overtaking the
/// subscription's reply, and no card to pay it with (docs/boundaries/periods.md).
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

            // The books: Pro's 5000 credits (config/catalog.json) for the first period; Stripe: the subscription is
            // active, its first invoice paid.
            Assert.Equal(5000, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 5000, SagaFlows.StepTimeout, "Pro's allowance"));
            var subscription = await Flows.SubscriptionAsync(customer.SubscriptionId!);
            Assert.Equal("active", subscription.Status);
            var first = Assert.Single((await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = subscription.Id })).Data);
            Assert.Equal(("subscription_create", "paid"), (first.BillingReason, first.Status));
            var books = await system.Accounts.BooksAsync(id);
            Assert.Equal(books.Column, books.SumOfEntries);
        }
        finally
        {
            await system.Stripe.Control.ClearFaultsAsync();
        }
    }

    [Fact]
    public async Task Registering_on_a_paid_plan_without_a_card_fails_clearly_and_leaves_no_incomplete_subscription()
    {
        var id = SagaFlows.NewCustomerId("no-card");
        await _bus!.Publisher.Publish(new Contracts.Customers.RegisterCustomer { CustomerId = id, Email = $"{id}@example.com", PlanId = "pro" });

        var failed = await Flows.CustomerInStateAsync(id, "RegistrationFailed");

        Assert.Contains("could not be paid", failed.LastError);
        var subscriptions = (await Flows.Stripe.V1.Subscriptions.ListAsync(new() { Customer = failed.StripeCustomerId, Status = "all" })).Data;
        Assert.NotEmpty(subscriptions);
        Assert.All(subscriptions, s => Assert.Equal("canceled", s.Status));
        Assert.Null(await system.Accounts.AvailableOrNullAsync(id));
    }
}
