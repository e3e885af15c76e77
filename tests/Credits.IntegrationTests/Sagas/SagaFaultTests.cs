using Credits.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Sagas;

/// <summary>
/// The bad things, on the real system: Stripe failing mid-step (5xx before and after it executed, a refusal)
/// and the Orchestrator killed with SIGKILL while a step's Stripe call is in flight. After each, Stripe's state
/// and the ledger are checked: one proration invoice, the plan's items, credits granted once.
/// </summary>
public class SagaFaultTests(SystemUnderTest system, ITestOutputHelper output) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    async Task<Credits.Sagas.StateMachines.CustomerLifecycleState> ProCandidateAsync(string prefix)
    {
        var id = SagaFlows.NewCustomerId(prefix);
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        return customer;
    }

    async Task AssertUpgradedOnceAsync(Credits.Sagas.StateMachines.CustomerLifecycleState customer, Guid operation)
    {
        var change = await Flows.PlanChangeEndsAsync(operation, "Completed", "Failed", "CompensationFailed");
        output.WriteLine(change.Steps);
        Assert.Equal("Completed", change.CurrentState);
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        var prorations = (await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId }))
            .Data.Where(i => i.BillingReason == "subscription_update").ToList();
        Assert.Single(prorations);
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(customer.CustomerId));
        var books = await system.Accounts.BooksAsync(customer.CustomerId);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task Stripe_errors_during_the_update_are_retried_with_the_same_key_and_charge_once()
    {
        var customer = await ProCandidateAsync("5xx");
        // Five 500s before execution, then a response lost after Stripe applied the update (it is retried and replayed).
        await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 500, rate = 1, times = 5 });
        await system.Stripe.Control.AddFaultAsync(new
        {
            method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 502, rate = 1, times = 1, afterExecution = true,
        });

        await AssertUpgradedOnceAsync(customer, await Flows.ChangePlanAsync(customer.CustomerId, "pro"));
    }

    [Fact]
    public async Task A_refused_update_fails_the_change_and_leaves_the_items_alone()
    {
        var customer = await ProCandidateAsync("refused");
        await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 400, rate = 1, times = 1 });

        var change = await Flows.PlanChangeEndsAsync(await Flows.ChangePlanAsync(customer.CustomerId, "pro"), "Completed", "Failed", "CompensationFailed");

        Assert.Equal("Failed", change.CurrentState);
        Assert.Contains("Stripe refused the change", change.LastError);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer.CustomerId));
    }

    [Fact]
    public async Task The_orchestrator_killed_while_the_update_is_in_flight_completes_the_change_once_after_restart()
    {
        var customer = await ProCandidateAsync("kill");
        // Stripe takes 3 s to answer the update: the Orchestrator dies while it waits (Stripe has applied it).
        await system.Stripe.Control.AddFaultAsync(new
        {
            method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 200, latencyMs = 3000, rate = 1, times = 1,
        });
        var operation = await Flows.ChangePlanAsync(customer.CustomerId, "pro");
        await Flows.PlanChangeEndsAsync(operation, "UpgradingItems");
        await Task.Delay(1000);

        await system.KillAndRestartOrchestratorAsync();

        // The redelivered UpdateSubscriptionItems repeats the call with the same idempotency key: no second invoice.
        await AssertUpgradedOnceAsync(customer, operation);
    }

    [Fact]
    public async Task The_orchestrator_killed_while_a_downgrade_waits_carries_it_out_after_restart()
    {
        var customer = await ProCandidateAsync("kill-wait");
        Assert.Equal("Completed", (await Flows.PlanChangeEndsAsync(await Flows.ChangePlanAsync(customer.CustomerId, "pro"), "Completed", "Failed")).CurrentState);
        await Eventually.Get(() => Flows.CustomerAsync(customer.CustomerId), c => c!.PlanChangeOperationId is null);
        var downgrade = await Flows.ChangePlanAsync(customer.CustomerId, "hobby");
        var waiting = await Flows.PlanChangeEndsAsync(downgrade, "WaitingForPeriodEnd");

        // While the Orchestrator is down, the period end comes (the scheduled message falls due).
        await system.KillAndRestartOrchestratorAsync(() => Flows.FireScheduledNowAsync(waiting.PeriodEndTokenId!.Value));

        Assert.Equal("Completed", (await Flows.PlanChangeEndsAsync(downgrade, "Completed", "Failed")).CurrentState);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
    }
}
