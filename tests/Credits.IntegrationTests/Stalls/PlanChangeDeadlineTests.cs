using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Stalls;

/// <summary>The system with a 10-second plan change deadline.</summary>
public sealed class ShortDeadlineSystem : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment) =>
        environment["Sagas__PlanChange__Deadline"] = "00:00:10";
}

/// <summary>
/// A plan change whose command is lost (the Orchestrator dies while Stripe applies the update, and the redelivered
/// command is purged from its queue) would hold the customer's plan-change slot for ever. Its deadline reads Stripe's
/// state and ends it.
/// </summary>
public class PlanChangeDeadlineTests(ShortDeadlineSystem system, ITestOutputHelper output) : IClassFixture<ShortDeadlineSystem>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task An_upgrade_whose_command_was_lost_after_stripe_applied_it_is_completed_at_its_deadline_and_frees_the_slot()
    {
        var id = SagaFlows.NewCustomerId("lost");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        // Stripe takes 3 s to answer the update: the Orchestrator dies while it waits (Stripe applies it and charges).
        await system.Stripe.Control.AddFaultAsync(new
        {
            method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 200, latencyMs = 3000, rate = 1, times = 1,
        });
        var operation = await Flows.ChangePlanAsync(id, "pro");
        await Flows.PlanChangeEndsAsync(operation, "UpgradingItems");
        await Task.Delay(1000);

        await system.KillAndRestartOrchestratorAsync(async () =>
        {
            await Task.Delay(3000);
            // The unacknowledged command went back to its queue when the process died; it is lost here.
            await StallFaults.PurgeQueueAsync(system, "update-subscription-items");
        });

        var change = await Flows.PlanChangeEndsAsync(operation, "Completed", "Failed", "GrantFailed", "CompensationFailed");
        output.WriteLine(change.Steps);
        Assert.Equal("Completed", change.CurrentState);
        Assert.Contains("deadline", change.Steps);
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        var invoice = Assert.Single((await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId })).Data,
            i => i.BillingReason == "subscription_update");
        Assert.Equal("paid", invoice.Status);
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(id));
        Assert.True(change.CreditsGranted > 4_900, $"{change.CreditsGranted} credits");
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == "pro" && c.PlanChangeOperationId is null, because: "the slot is freed");

        // And the customer can change plan again.
        Assert.Equal("WaitingForPeriodEnd", (await Flows.PlanChangeEndsAsync(await Flows.ChangePlanAsync(id, "hobby"), "WaitingForPeriodEnd", "Rejected")).CurrentState);
    }
}
