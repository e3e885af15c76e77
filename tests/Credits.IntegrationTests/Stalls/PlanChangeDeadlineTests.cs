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
/// A plan change whose command is lost (the Orchestrator dies while the update call is in flight, and the redelivered
/// command is purged from its queue) would hold the customer's plan-change slot for ever. Its deadline reads Stripe's
/// state and ends it on what Stripe holds.
/// </summary>
public class PlanChangeDeadlineTests(ShortDeadlineSystem system, ITestOutputHelper output) : IClassFixture<ShortDeadlineSystem>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task An_upgrade_whose_command_was_lost_ends_at_its_deadline_on_stripes_state_and_frees_the_slot()
    {
        var id = SagaFlows.NewCustomerId("lost");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        // Stripe takes 3 s to answer the update: the Orchestrator dies while it waits, and the emulator drops the
        // aborted request (nothing applied).
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

        var change = (await Eventually.Get(() => Flows.PlanChangeAsync(operation),
            p => p is not null && p.CurrentState is "Completed" or "Failed" or "GrantFailed" or "CompensationFailed",
            TimeSpan.FromSeconds(150), $"plan change {operation} ends"))!;
        output.WriteLine(change.Steps);
        Assert.Contains("deadline", change.Steps);
        // Whatever Stripe holds decides, and the books agree with it.
        var subscription = await Flows.SubscriptionAsync(customer.SubscriptionId!);
        var prorations = (await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId }))
            .Data.Where(i => i.BillingReason == "subscription_update").ToList();
        if (change.CurrentState == "Completed")
        {
            await Flows.AssertItemsMatchPlanAsync(customer, "pro");
            Assert.Equal("paid", Assert.Single(prorations).Status);
            Assert.True(change.CreditsGranted > 4_900, $"{change.CreditsGranted} credits");
        }
        else
        {
            Assert.Equal("Failed", change.CurrentState);
            Assert.Contains("did not apply", change.LastError);
            await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
            Assert.Empty(prorations);
            Assert.Equal(0, change.CreditsGranted);
        }
        Assert.NotNull(subscription);
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(id));
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
        var expectedPlan = change.CurrentState == "Completed" ? "pro" : "hobby";
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == expectedPlan && c.PlanChangeOperationId is null, because: "the slot is freed");

        // And the customer can change plan again.
        var next = await Flows.ChangePlanAsync(id, expectedPlan == "pro" ? "hobby" : "pro");
        Assert.NotEqual("Rejected", (await Flows.PlanChangeEndsAsync(next, "WaitingForPeriodEnd", "UpgradingItems", "Completed", "Failed", "Rejected")).CurrentState);
    }
}
