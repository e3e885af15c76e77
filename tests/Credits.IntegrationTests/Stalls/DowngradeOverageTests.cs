using Credits.Contracts.Usage;
using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Stalls;

/// <summary>
/// Usage that arrives while a downgrade is changing the subscription's items (after the final overage report) must not
/// become overage of the old plan that is reported only after Stripe removed the metered item (never billed).
/// </summary>
public class DowngradeOverageTests(SystemUnderTest system, ITestOutputHelper output) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    async Task<long> OverageThisPeriodAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Database.SqlQuery<long>($"SELECT overage_this_period AS \"Value\" FROM ledger_accounts WHERE customer_id = {customerId}").SingleAsync();
    }

    [Fact]
    public async Task Usage_during_the_downgrade_never_becomes_overage_reported_after_the_final_report()
    {
        var id = SagaFlows.NewCustomerId("window");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        Assert.Equal("Completed", (await Flows.PlanChangeEndsAsync(await Flows.ChangePlanAsync(id, "pro"), "Completed", "Failed")).CurrentState);
        await Eventually.Get(() => Flows.CustomerAsync(id), c => c!.PlanChangeOperationId is null, because: "the upgrade freed the slot");

        // Pro's credits spent, and 10 credits of overage.
        var available = await system.Accounts.AvailableAsync(id);
        await _bus!.Publisher.Publish(new UsageRecorded { CustomerId = id, EventId = $"{id}-before", Credits = available + 10, OccurredAt = DateTimeOffset.UtcNow });
        await Eventually.Get(() => OverageThisPeriodAsync(id), o => o == 10, because: "10 credits of overage on Pro");

        // The downgrade's item update takes 5 s at Stripe: usage arrives meanwhile.
        await system.Stripe.Control.AddFaultAsync(new
        {
            method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 200, latencyMs = 5000, rate = 1, times = 1,
        });
        var downgrade = await Flows.ChangePlanAsync(id, "hobby");
        var waiting = await Flows.PlanChangeEndsAsync(downgrade, "WaitingForPeriodEnd");
        await Flows.FireScheduledNowAsync(waiting.PeriodEndTokenId!.Value);
        await Flows.PlanChangeEndsAsync(downgrade, "DowngradingItems");
        await _bus.Publisher.Publish(new UsageRecorded { CustomerId = id, EventId = $"{id}-during", Credits = 7, OccurredAt = DateTimeOffset.UtcNow });

        var done = await Flows.PlanChangeEndsAsync(downgrade, "Completed", "Failed", "CompensationFailed");
        output.WriteLine(done.Steps);
        Assert.Equal("Completed", done.CurrentState);
        await Flows.AssertItemsMatchPlanAsync(customer, "hobby");
        await Task.Delay(6000); // three flushes of the overage meter

        // The final report counted every overage credit the ledger holds for the period: nothing accrued after it, so
        // nothing was reported to a meter whose item Stripe had already removed.
        Assert.Contains("overage 10 reported", done.Steps);
        Assert.Equal(10, await OverageThisPeriodAsync(id));
        await using (var db = system.Accounts.NewDbContext())
        {
            var reported = await db.Set<Credits.Billing.Storage.MeterReport>().Where(r => r.CustomerId == id).SumAsync(r => r.Quantity);
            Assert.Equal(10, reported);
        }
        // The usage of the window fell under Hobby's terms (no balance left, no overage): the ledger wrote it off, with
        // an entry of its own. Recorded, not billed, not lost silently.
        await using (var db = system.Accounts.NewDbContext())
        {
            var writtenOff = await db.Database.SqlQuery<long>(
                $"SELECT coalesce(sum(quantity), 0)::bigint AS \"Value\" FROM ledger_entries WHERE customer_id = {id} AND kind = 'WriteOff'").SingleAsync();
            Assert.Equal(7, writtenOff);
        }
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
    }
}
