using System.Net.Http.Json;
using System.Text.Json;
using Credits.IntegrationTests.Sagas;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Stalls;

/// <summary>The system with a short step redelivery schedule (three redeliveries, 3 s apart), so a test can outlast it.</summary>
public class ShortRedeliverySystem : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Sagas__StepRedelivery__Intervals__0"] = "00:00:03";
        environment["Sagas__StepRedelivery__Intervals__1"] = "00:00:03";
        environment["Sagas__StepRedelivery__Intervals__2"] = "00:00:03";
        // A Stripe call in doubt gives up sooner (each step attempt otherwise retries a 500 for about ten seconds).
        environment["Stripe__TransientRetries"] = "1";
        environment["Stripe__MaxNetworkRetries"] = "0";
        environment["Stripe__RetryBackoff"] = "00:00:00.100";
    }
}

/// <summary>
/// A saga step that keeps failing (the ledger refuses the upgrade's grant) and a Stripe write that keeps answering 500
/// after Stripe applied it, on the real system. After each: the plan change's end, the ledger, Stripe's objects and
/// the customer's plan-change slot.
/// </summary>
public class StalledStepTests(ShortRedeliverySystem system, ITestOutputHelper output) : IClassFixture<ShortRedeliverySystem>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    async Task<CustomerLifecycleState> HobbyWithCardAsync(string prefix, string card = "pm_card_visa")
    {
        var id = SagaFlows.NewCustomerId(prefix);
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!, card);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        return customer;
    }

    /// <summary>Longer than the usual step timeout: these changes go through retries, redeliveries and reads of Stripe.</summary>
    async Task<PlanChangeState> ChangeEndsAsync(Guid operation) =>
        (await Eventually.Get(() => Flows.PlanChangeAsync(operation),
            p => p is not null && p.CurrentState is "Completed" or "Failed" or "GrantFailed" or "CompensationFailed",
            TimeSpan.FromSeconds(150), $"plan change {operation} ends"))!;

    async Task<List<Stripe.Invoice>> ProrationsAsync(CustomerLifecycleState customer) =>
        (await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId }))
            .Data.Where(i => i.BillingReason == "subscription_update").ToList();

    async Task AssertBooksBalanceAsync(string customerId)
    {
        var books = await system.Accounts.BooksAsync(customerId);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task A_grant_that_fails_through_its_retries_is_redelivered_later_and_the_paid_upgrade_completes()
    {
        var customer = await HobbyWithCardAsync("redeliver");
        await StallFaults.BlockPlanChangeLedgerWritesAsync(system, customer.CustomerId);

        var operation = await Flows.ChangePlanAsync(customer.CustomerId, "pro");
        // The first delivery and its three immediate retries (100 ms, 500 ms, 2 s) all fail.
        await Eventually.Get(() => StallFaults.BlockedAttemptsAsync(system, customer.CustomerId), n => n >= 4, SagaFlows.StepTimeout,
            "the grant is tried four times");
        await Task.Delay(500);
        await StallFaults.UnblockLedgerAsync(system, customer.CustomerId);

        var change = await ChangeEndsAsync(operation);
        output.WriteLine(change.Steps);
        Assert.Equal("Completed", change.CurrentState);
        Assert.InRange(change.CreditsGranted, 4_990, 5_000);
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(customer.CustomerId));
        await AssertBooksBalanceAsync(customer.CustomerId);
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        Assert.Equal("paid", Assert.Single(await ProrationsAsync(customer)).Status);
        await Eventually.Get(() => Flows.CustomerAsync(customer.CustomerId), c => c!.PlanId == "pro" && c.PlanChangeOperationId is null,
            because: "PlanChanged frees the slot");
    }

    [Fact]
    public async Task A_grant_that_never_succeeds_ends_the_change_for_an_operator_shows_it_on_the_console_and_frees_the_slot()
    {
        var customer = await HobbyWithCardAsync("grant-fails");
        await StallFaults.BlockPlanChangeLedgerWritesAsync(system, customer.CustomerId);

        var operation = await Flows.ChangePlanAsync(customer.CustomerId, "pro");
        var change = await ChangeEndsAsync(operation);
        output.WriteLine(change.Steps);

        Assert.Equal("GrantFailed", change.CurrentState);
        Assert.Contains("could not be granted", change.LastError);
        // First delivery + 3 immediate retries, then 3 redeliveries each with their 3 retries.
        Assert.Equal(16, await StallFaults.BlockedAttemptsAsync(system, customer.CustomerId));
        // The books: Stripe holds the paid Pro plan, the ledger granted nothing (the operator's case), the slot is free.
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        Assert.Equal("paid", Assert.Single(await ProrationsAsync(customer)).Status);
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer.CustomerId));
        await AssertBooksBalanceAsync(customer.CustomerId);
        await Eventually.Get(() => Flows.CustomerAsync(customer.CustomerId), c => c!.PlanChangeOperationId is null, because: "PlanChangeFailed frees the slot");

        // The console lists the change as failed, with its error, and the faulted command in the step's error queue.
        using var http = system.Client();
        var sagas = await http.GetFromJsonAsync<JsonElement>("/console/api/sagas");
        var shown = sagas.EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == operation);
        Assert.Equal("failed", shown.GetProperty("status").GetString());
        Assert.Equal("GrantFailed", shown.GetProperty("state").GetString());
        Assert.Contains("could not be granted", shown.GetProperty("error").GetString());
        var deadLetters = await http.GetFromJsonAsync<JsonElement>("/console/api/dead-letters");
        var queue = deadLetters.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == "grant-plan-change-credits_error");
        Assert.Contains(queue.GetProperty("messages").EnumerateArray(), m => m.GetProperty("body").GetString()!.Contains(operation.ToString())
            && m.GetProperty("reason").GetString()!.Contains("injected fault"));
    }

    [Fact]
    public async Task An_upgrade_stripe_applied_and_charged_but_answered_500_every_time_is_granted_not_failed()
    {
        var customer = await HobbyWithCardAsync("applied-500");
        // Every attempt executes, then answers 500: Stripe applied the update and charged the card on the first.
        await system.Stripe.Control.AddFaultAsync(new
        {
            method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 500, rate = 1, afterExecution = true,
        });

        var change = await ChangeEndsAsync(await Flows.ChangePlanAsync(customer.CustomerId, "pro"));
        output.WriteLine(change.Steps);

        Assert.Equal("Completed", change.CurrentState);
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        var invoice = Assert.Single(await ProrationsAsync(customer));
        Assert.Equal("paid", invoice.Status);
        Assert.InRange(change.CreditsGranted, 4_990, 5_000);
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(customer.CustomerId));
        await AssertBooksBalanceAsync(customer.CustomerId);
        await Eventually.Get(() => Flows.CustomerAsync(customer.CustomerId), c => c!.PlanId == "pro" && c.PlanChangeOperationId is null,
            because: "PlanChanged frees the slot");
    }

    [Fact]
    public async Task An_upgrade_applied_with_a_declined_card_and_answered_500_is_restored_and_its_invoice_voided()
    {
        var customer = await HobbyWithCardAsync("declined-500", "pm_card_chargeCustomerFail");
        // The update and the restore both execute and answer 500, every time: only Stripe's state tells what happened.
        await system.Stripe.Control.AddFaultAsync(new
        {
            method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 500, rate = 1, afterExecution = true,
        });

        var change = await ChangeEndsAsync(await Flows.ChangePlanAsync(customer.CustomerId, "pro"));
        output.WriteLine(change.Steps);

        Assert.Equal("Failed", change.CurrentState);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        Assert.Equal("void", Assert.Single(await ProrationsAsync(customer)).Status);
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer.CustomerId));
        await AssertBooksBalanceAsync(customer.CustomerId);
        await Eventually.Get(() => Flows.CustomerAsync(customer.CustomerId), c => c!.PlanId == "hobby" && c.PlanChangeOperationId is null,
            because: "PlanChangeFailed frees the slot");
    }
}
