using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Sagas;

/// <summary>
/// Registration and plan changes end to end on the real Orchestrator: commands on RabbitMQ, sagas in PostgreSQL,
/// Stripe.net against the emulator, Stripe's webhooks through the real Gateway.
/// </summary>
public class PlanChangeFlowTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_hobby_customer_gets_one_stripe_customer_one_flat_item_and_200_credits_however_often_registered()
    {
        var id = SagaFlows.NewCustomerId("reg");
        var customer = await Flows.RegisterAsync(id);
        await Flows.RegisterAsync(id); // the same registration again, later

        Assert.Equal((long?)200, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200, because: "Hobby's allowance at once"));
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        var found = await Flows.Stripe.V1.Customers.SearchAsync(new() { Query = $"metadata['customer_id']:'{id}'" });
        Assert.Single(found.Data);
        Assert.Single((await Flows.Stripe.V1.Subscriptions.ListAsync(new() { Customer = customer.StripeCustomerId })).Data);
    }

    [Fact]
    public async Task An_upgrade_changes_both_items_in_one_update_charges_the_proration_and_grants_pro_credits_at_once()
    {
        var id = SagaFlows.NewCustomerId("up");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);

        var operation = await Flows.ChangePlanAsync(id, "pro");
        var change = await Flows.PlanChangeEndsAsync(operation, "Completed", "Failed", "CompensationFailed");

        Assert.Equal("Completed", change.CurrentState);
        Assert.InRange(change.CreditsGranted, 4_990, 5_000); // the period has just begun: (almost) all of Pro's 5,000
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(id));
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == "pro" && c.PlanChangeOperationId is null, because: "the slot is freed");
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        var prorations = (await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId }))
            .Data.Where(i => i.BillingReason == "subscription_update").ToList();
        var invoice = Assert.Single(prorations);
        Assert.Equal("paid", invoice.Status);
        Assert.InRange(invoice.AmountPaid, 1_990, 2_000); // Pro's $20 flat fee for (almost) the whole period, up front
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task A_declined_upgrade_restores_hobby_voids_the_invoice_and_grants_nothing()
    {
        var id = SagaFlows.NewCustomerId("declined");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!, "pm_card_chargeCustomerFail");

        var change = await Flows.PlanChangeEndsAsync(await Flows.ChangePlanAsync(id, "pro"), "Completed", "Failed", "CompensationFailed");

        Assert.True(change.CurrentState == "Failed", change.Steps);
        Assert.Contains("declined", change.LastError);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        var proration = Assert.Single((await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId })).Data,
            i => i.BillingReason == "subscription_update");
        Assert.Equal("void", proration.Status);
        Assert.Equal(200, await system.Accounts.AvailableAsync(id));
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == "hobby" && c.PlanChangeOperationId is null, because: "the slot is freed");
    }

    [Fact]
    public async Task A_downgrade_waits_for_the_period_end_a_second_change_meanwhile_is_rejected()
    {
        var id = SagaFlows.NewCustomerId("down");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        Assert.Equal("Completed", (await Flows.PlanChangeEndsAsync(await Flows.ChangePlanAsync(id, "pro"), "Completed", "Failed")).CurrentState);
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanChangeOperationId is null, because: "the upgrade freed the slot");

        var downgrade = await Flows.ChangePlanAsync(id, "hobby");
        var waiting = await Flows.PlanChangeEndsAsync(downgrade, "WaitingForPeriodEnd");
        var second = await Flows.ChangePlanAsync(id, "pro");
        var rejected = await Flows.PlanChangeEndsAsync(second, "Rejected");
        Assert.Equal($"another plan change is in flight for this customer (operation {downgrade})", rejected.LastError);
        await Task.Delay(1000);
        Assert.Equal("WaitingForPeriodEnd", (await Flows.PlanChangeAsync(downgrade))!.CurrentState);
        await Flows.AssertItemsMatchPlanAsync(customer, "pro"); // nothing changes before the period end

        await Flows.FireScheduledNowAsync(waiting.PeriodEndTokenId!.Value);
        var done = await Flows.PlanChangeEndsAsync(downgrade, "Completed", "Failed");

        Assert.Equal("Completed", done.CurrentState);
        Assert.Contains("report-final-overage", done.Steps);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanId == "hobby", because: "PlanChanged reaches the customer saga");
    }
}
