using Credits.Billing.Audit;
using Credits.Billing.Storage;
using Credits.Contracts.Customers;
using Credits.IntegrationTests.Sagas;
using Credits.Ledger.Commands;
using Credits.Ledger.Periods;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Audit;

/// <summary>The system for the period audits: no scheduled audit or metering tick of its own, so a test's run and resend are the only ones.</summary>
public sealed class PeriodAuditSystem : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Audit__Interval"] = "00:00:00";
        // The metering loop would report the overage a test "loses" before the test can lose it.
        environment["Metering__FlushInterval"] = "01:00:00";
        // These audits are about a paid plan's first period opened by its own paid subscription_create invoice. Since issue 14 a
        // registration on a paid plan starts on the free default plan and upgrades (docs/lifecycle/cards.md); a catalog whose
        // default plan is paid still subscribes it directly, as every customer registered on Pro before issue 14 was.
        environment["Catalog__DefaultPlan"] = "pro";
    }
}

/// <summary>
/// The money audit's period checks on the real system (docs/audit/periods.md): each test does the bad thing behind
/// Credits' back (an allowance deleted from the ledger, an allowance granted for a period nobody paid, a meter report
/// lost, an item added in Stripe) and runs <c>Credits.Orchestrator audit</c> as an operator would. Each difference is
/// stored once with its evidence; the lost meter report, the one safe repair, is resent once; a second run finds
/// nothing new; a clean customer gives nothing.
/// </summary>
public class PeriodAuditTests(PeriodAuditSystem system, ITestOutputHelper output) : IClassFixture<PeriodAuditSystem>, IAsyncLifetime
{
    static readonly Dictionary<string, string> Settled = new() { ["Audit__SettleTime"] = "00:00:00" };

    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);
    StripeClient Stripe => Flows.Stripe;

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task An_allowance_deleted_from_the_ledger_is_found_once_with_its_invoice_and_left_to_an_operator()
    {
        var customer = await RegisterProAsync("no-allowance");
        var clean = await RegisterProAsync("clean");
        var invoice = Assert.Single((await Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId })).Data);
        Assert.Equal(("subscription_create", "paid"), (invoice.BillingReason, invoice.Status));
        var key = AllowanceKeys.Period(customer.CustomerId, customer.AllowancePeriodStart!.Value);
        // Behind Credits' back, in this test's own database: the period's allowance grant and its entry are gone.
        Assert.Equal(1, await system.Infrastructure.Database.ScalarAsync<long>($"SELECT count(*) FROM ledger_grants WHERE idempotency_key = '{key}'"));
        await system.Infrastructure.Database.ExecuteAsync(
            $"DELETE FROM ledger_entries WHERE idempotency_key = '{key}'; DELETE FROM ledger_grants WHERE idempotency_key = '{key}'");

        await AuditAsync();

        var missing = Assert.Single(await DifferencesAsync(customer.CustomerId));
        Assert.Equal((AuditKinds.InvoiceWithoutAllowance, invoice.Id, "none", AuditDifferenceStatus.Open, null),
            (missing.Kind, missing.Subject, missing.Actual, missing.Status, missing.Repair));
        Assert.Equal(customer.StripeCustomerId, missing.StripeCustomerId);
        Assert.Contains(invoice.Id, missing.Evidence);
        Assert.Contains(key, missing.Evidence);
        Assert.Empty(await DifferencesAsync(clean.CustomerId));

        // Found again, still one difference, still waiting for an operator: no allowance was granted behind their back.
        await AuditAsync();
        var again = Assert.Single(await DifferencesAsync(customer.CustomerId));
        Assert.Equal((missing.Id, AuditDifferenceStatus.Open), (again.Id, again.Status));
        Assert.True(again.LastSeenAt > missing.LastSeenAt);
        Assert.Equal(0, await system.Infrastructure.Database.ScalarAsync<long>($"SELECT count(*) FROM ledger_grants WHERE idempotency_key = '{key}'"));
        Assert.Empty(await DifferencesAsync(clean.CustomerId));
    }

    [Fact]
    public async Task An_allowance_granted_for_a_period_nobody_paid_is_found_and_left_to_an_operator()
    {
        var customer = await RegisterProAsync("unpaid-allowance");
        // Behind the saga's back: the ledger opens the next period with Pro's allowance, with no invoice for it at Stripe.
        var next = customer.PeriodEnd!.Value;
        var key = AllowanceKeys.Period(customer.CustomerId, next);
        var granted = await system.Accounts.ApplyAsync(new StartPeriod
        {
            CustomerId = customer.CustomerId, IdempotencyKey = key, PlanId = "pro", PeriodStart = next, PeriodEnd = next.AddMonths(1),
        });
        Assert.True(granted.Succeeded, granted.Reason);

        await AuditAsync();

        var unpaid = Assert.Single(await DifferencesAsync(customer.CustomerId));
        Assert.Equal((AuditKinds.AllowanceWithoutInvoice, key, "no invoice", AuditDifferenceStatus.Open, null),
            (unpaid.Kind, unpaid.Subject, unpaid.Actual, unpaid.Status, unpaid.Repair));
        Assert.Contains(granted.GrantId!.Value.ToString(), unpaid.Evidence);

        await AuditAsync();
        Assert.Equal(unpaid.Id, Assert.Single(await DifferencesAsync(customer.CustomerId)).Id);
    }

    [Fact]
    public async Task An_allowance_granted_twice_for_one_period_is_found()
    {
        var customer = await RegisterProAsync("twice");
        // Behind the saga's back: the current period's allowance granted again under another key.
        var again = await system.Accounts.ApplyAsync(new StartPeriod
        {
            CustomerId = customer.CustomerId, IdempotencyKey = $"duplicate:{customer.CustomerId}", PlanId = "pro",
            PeriodStart = customer.AllowancePeriodStart!.Value, PeriodEnd = customer.PeriodEnd!.Value,
        });
        Assert.True(again.Succeeded, again.Reason);

        await AuditAsync();

        var twice = Assert.Single(await DifferencesAsync(customer.CustomerId));
        Assert.Equal((AuditKinds.AllowanceGrantedTwice, "2 grants, 10000 credits", AuditDifferenceStatus.Open),
            (twice.Kind, twice.Actual, twice.Status));
        Assert.Contains(AllowanceKeys.Period(customer.CustomerId, customer.AllowancePeriodStart!.Value), twice.Evidence);
        Assert.Contains($"duplicate:{customer.CustomerId}", twice.Evidence);
    }

    [Fact]
    public async Task A_lost_meter_report_is_resent_once_and_Stripe_then_bills_what_the_ledger_holds()
    {
        var customer = await RegisterProAsync("lost-report");
        var clean = await RegisterProAsync("metered-clean");
        // 40 credits beyond Pro's 5000: overage. Its report is then recorded as accepted by Stripe, which never got it.
        var debit = await system.Accounts.ApplyAsync(new DebitCredits { CustomerId = customer.CustomerId, IdempotencyKey = $"{customer.CustomerId}-use", Credits = 5040 });
        Assert.True(debit.Succeeded, debit.Reason);
        await MarkReportedWithoutSendingAsync(customer);
        var meterId = await MeterIdAsync();
        Assert.Equal(0m, await MeterTotalAsync(meterId, customer));

        await AuditAsync();

        var missing = Assert.Single(await DifferencesAsync(customer.CustomerId));
        Assert.Equal((AuditKinds.MeterMissing, "40", "0", AuditDifferenceStatus.Repaired),
            (missing.Kind, missing.Expected, missing.Actual, missing.Status));
        Assert.StartsWith("resent 1 report(s), 40 credits", missing.Repair);
        Assert.Contains(meterId, missing.Evidence);
        Assert.Equal(40m, await MeterTotalAsync(meterId, customer));
        Assert.Empty(await DifferencesAsync(clean.CustomerId));

        // The second run finds nothing for the customer: the difference is not seen again, and nothing is resent.
        await AuditAsync();
        var after = Assert.Single(await DifferencesAsync(customer.CustomerId));
        Assert.Equal((AuditDifferenceStatus.Repaired, missing.LastSeenAt, missing.Repair), (after.Status, after.LastSeenAt, after.Repair));
        Assert.Equal(40m, await MeterTotalAsync(meterId, customer));
        Assert.Empty(await DifferencesAsync(clean.CustomerId));
    }

    [Fact]
    public async Task Subscription_items_changed_in_Stripe_and_a_ledger_on_another_plan_are_found()
    {
        var customer = await RegisterProAsync("items");
        var hobby = await Flows.RegisterAsync(SagaFlows.NewCustomerId("plan-mismatch"), "hobby");
        // The ledger account opens with the first period's allowance, on the invoice's webhook, a moment after the saga is
        // Active: moved before then, the UPDATE below would change no row (a clean-clone run found no mismatch that way).
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(hobby.CustomerId), a => a == 200, SagaFlows.StepTimeout, "Hobby's allowance");
        var prices = (await Stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:pro:overage", "credits:hobby:flat"] })).Data
            .ToDictionary(p => p.LookupKey, p => p.Id);
        var subscription = await Flows.SubscriptionAsync(customer.SubscriptionId!);
        var metered = subscription.Items.Data.Single(i => i.Price.Recurring?.UsageType == "metered");
        // Behind Credits' back, in Stripe: the metered item is removed and another plan's flat price added; in the
        // ledger, the Hobby customer's account is moved to Pro.
        await Stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new()
        {
            Items = [new() { Id = metered.Id, Deleted = true }, new() { Price = prices["credits:hobby:flat"], Quantity = 1 }],
            ProrationBehavior = "none",
        });
        await system.Infrastructure.Database.ExecuteAsync($"UPDATE ledger_accounts SET plan_id = 'pro' WHERE customer_id = '{hobby.CustomerId}'");

        await AuditAsync();

        var found = (await DifferencesAsync(customer.CustomerId)).OrderBy(d => d.Kind).ToList();
        Assert.Equal([AuditKinds.FlatItem, AuditKinds.MeteredItem], found.Select(d => d.Kind));
        Assert.Equal(("credits:pro:flat", "credits:pro:flat,credits:hobby:flat"), (found[0].Expected, found[0].Actual));
        Assert.Equal(("credits:pro:overage", ""), (found[1].Expected, found[1].Actual));
        Assert.All(found, d => Assert.Equal((AuditDifferenceStatus.Open, null), (d.Status, d.Repair)));
        var mismatch = Assert.Single(await DifferencesAsync(hobby.CustomerId));
        Assert.Equal((AuditKinds.PlanMismatch, "hobby", "pro"), (mismatch.Kind, mismatch.Expected, mismatch.Actual));

        // Put right in Stripe by an operator: the next run clears the item differences and still finds the plan mismatch.
        var added = (await Flows.SubscriptionAsync(subscription.Id)).Items.Data.Single(i => i.Price.Id == prices["credits:hobby:flat"]);
        await Stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new()
        {
            Items = [new() { Id = added.Id, Deleted = true }, new() { Price = prices["credits:pro:overage"] }], ProrationBehavior = "none",
        });

        await AuditAsync();

        Assert.All(await DifferencesAsync(customer.CustomerId), d => Assert.Equal(AuditDifferenceStatus.Cleared, d.Status));
        var stillThere = Assert.Single(await DifferencesAsync(hobby.CustomerId));
        Assert.Equal((mismatch.Id, AuditDifferenceStatus.Open), (stillThere.Id, stillThere.Status));
    }

    async Task AuditAsync()
    {
        var (exit, log) = await system.RunAuditAsync(Settled);
        output.WriteLine(log.Length > 4000 ? log[^4000..] : log);
        // 2: differences wait for an operator (this fixture's tests leave some); 1 would be a failed run or check.
        Assert.True(exit is 0 or 2, $"audit exited {exit}:\n{log}");
    }

    async Task<List<AuditDifference>> DifferencesAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<AuditDifference>().AsNoTracking().Where(d => d.CustomerId == customerId).OrderBy(d => d.FoundAt).ToListAsync();
    }

    /// <summary>
    /// A customer registered on Pro through the system: Stripe takes a few seconds to create the subscription, time to
    /// save a card, so the first invoice is paid and the first period opens with Pro's allowance.
    /// </summary>
    async Task<CustomerLifecycleState> RegisterProAsync(string prefix)
    {
        var id = SagaFlows.NewCustomerId(prefix);
        await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = "/v1/subscriptions", status = 500, afterExecution = true, latencyMs = 4000, rate = 1, times = 1 });
        try
        {
            await _bus!.Publisher.Publish(new RegisterCustomer { CustomerId = id, Email = $"{id}@example.com", PlanId = "pro" });
            var creating = await Eventually.Get(() => Flows.CustomerAsync(id), c => c?.StripeCustomerId is not null, SagaFlows.StepTimeout, "the Stripe customer");
            await Flows.SaveCardAsync(creating!.StripeCustomerId!);
            await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 5000, SagaFlows.StepTimeout, "Pro's allowance");
            return await Flows.CustomerInStateAsync(id, "Active");
        }
        finally
        {
            await system.Stripe.Control.ClearFaultsAsync();
        }
    }

    /// <summary>What a Stripe-side loss looks like: the report is recorded as accepted, but Stripe never counted it.</summary>
    async Task MarkReportedWithoutSendingAsync(CustomerLifecycleState customer)
    {
        await using var db = system.Accounts.NewDbContext();
        var ledger = Accounts.Ledger(db);
        var overage = Assert.Single(await ledger.GetUnreportedOverageAsync(customer.CustomerId));
        var now = DateTimeOffset.UtcNow;
        db.Add(new MeterReport
        {
            Identifier = overage.ReportKey, CustomerId = customer.CustomerId, StripeCustomerId = customer.StripeCustomerId!,
            PeriodStart = overage.PeriodStart, Quantity = overage.Quantity, LastEntryId = overage.LastEntryId,
            Timestamp = now, CreatedAt = now, AcceptedAt = now, Attempts = 1,
        });
        await db.SaveChangesAsync();
        await ledger.MarkOverageReportedAsync(overage);
    }

    async Task<string> MeterIdAsync() =>
        (await Stripe.V1.Billing.Meters.ListAsync(new() { Status = "active" })).Data.Single(m => m.EventName == "credits_overage").Id;

    async Task<decimal> MeterTotalAsync(string meterId, CustomerLifecycleState customer)
    {
        var today = DateTime.UtcNow.Date;
        decimal total = 0;
        await foreach (var s in Stripe.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meterId,
                           new() { Customer = customer.StripeCustomerId, StartTime = today.AddDays(-40), EndTime = today.AddDays(2) }))
            total += (decimal)s.AggregatedValue;
        return total;
    }
}
