using Credits.Billing.Audit;
using Credits.Billing.Customers;
using Credits.Billing.Metering;
using Credits.Billing.Tests.Support;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Credits.Billing.Tests.Audit;

/// <summary>
/// Overage that reached the ledger but not the period's invoice: a Pro subscription on a Stripe test clock, overage
/// reported for part of the period, the rest never reported, and the renewal finalized without it. The audit compares
/// the finalized invoice's usage line with the ledger's overage for the period.
/// </summary>
public sealed class InvoiceUsageAuditTests(BillingServices billing) : IClassFixture<BillingServices>
{
    [Fact]
    public async Task Overage_the_finalized_invoice_did_not_bill_is_found_with_the_invoice_and_left_to_an_operator()
    {
        await MeterAssertions.EnsureMeterAsync(billing);
        var stripe = billing.Stripe;
        var id = "c_" + Guid.NewGuid().ToString("N")[..12];
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new() { FrozenTime = DateTime.UtcNow });
        var stripeCustomer = await stripe.V1.Customers.CreateAsync(new() { Name = id, TestClock = clock.Id, Metadata = new() { ["customer_id"] = id } });
        await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new() { Customer = stripeCustomer.Id });
        await stripe.V1.Customers.UpdateAsync(stripeCustomer.Id, new() { InvoiceSettings = new() { DefaultPaymentMethod = "pm_card_visa" } });
        var prices = (await stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:pro:flat", "credits:pro:overage"] })).Data
            .ToDictionary(p => p.LookupKey, p => p.Id);
        var subscription = await stripe.V1.Subscriptions.CreateAsync(new()
        {
            Customer = stripeCustomer.Id,
            Items = [new() { Price = prices["credits:pro:flat"], Quantity = 1 }, new() { Price = prices["credits:pro:overage"] }],
        });
        var periodStart = new DateTimeOffset(DateTime.SpecifyKind(subscription.Items.Data[0].CurrentPeriodStart, DateTimeKind.Utc));
        var periodEnd = new DateTimeOffset(DateTime.SpecifyKind(subscription.Items.Data[0].CurrentPeriodEnd, DateTimeKind.Utc));

        // The ledger's period is Stripe's; 40 credits of overage are reported, then 5 more never are.
        await billing.InScopeAsync(async sp =>
        {
            var ledger = sp.GetRequiredService<CreditLedger>();
            Assert.True((await ledger.StartPeriodAsync(new StartPeriod
            {
                CustomerId = id, IdempotencyKey = $"{id}-start", PlanId = "pro", Allowance = 10, PeriodStart = periodStart, PeriodEnd = periodEnd,
            })).Succeeded);
            await sp.GetRequiredService<StripeCustomerLinks>().LinkAsync(id, stripeCustomer.Id, subscription.Id);
            Assert.True((await ledger.DebitAsync(new DebitCredits { CustomerId = id, IdempotencyKey = $"{id}-d1", Credits = 50 })).Succeeded);
            return 0;
        });
        await billing.InScopeAsync(sp => sp.GetRequiredService<OverageMeter>().FlushAsync());
        await billing.InScopeAsync(async sp =>
            (await sp.GetRequiredService<CreditLedger>().DebitAsync(new DebitCredits { CustomerId = id, IdempotencyKey = $"{id}-d2", Credits = 5 })).Succeeded);

        // The renewal: created at the roll, finalized and paid about an hour later, billing the 40 Stripe counted.
        await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(clock.Id, new() { FrozenTime = periodEnd.AddHours(3).UtcDateTime });
        await Eventually.Get(() => stripe.V1.TestHelpers.TestClocks.GetAsync(clock.Id), c => c.Status == "ready", TimeSpan.FromSeconds(60), "the clock settles");
        var renewal = Assert.Single((await stripe.V1.Invoices.ListAsync(new() { Subscription = subscription.Id })).Data, i => i.BillingReason == "subscription_cycle");
        Assert.NotEqual("draft", renewal.Status);

        // The test clock runs a month ahead of the wall clock: the window reaches it.
        var window = new AuditWindow(DateTimeOffset.UtcNow.AddDays(-1), periodEnd.AddDays(3));
        await AuditAsync(window);
        await AuditAsync(window);

        var differences = await billing.InScopeAsync(sp => sp.GetRequiredService<BillingTestDbContext>().Set<AuditDifference>().AsNoTracking()
            .Where(d => d.CustomerId == id).ToListAsync());
        var mismatch = Assert.Single(differences, d => d.Kind == AuditKinds.InvoiceUsageMismatch);
        Assert.Equal(("45", "40", AuditDifferenceStatus.Open, null), (mismatch.Expected, mismatch.Actual, mismatch.Status, mismatch.Repair));
        Assert.Contains(renewal.Id, mismatch.Evidence);
        // The meter lacks the same 5: overage never reported, which no resend can fix (no report exists): no repair.
        var missing = Assert.Single(differences, d => d.Kind == AuditKinds.MeterMissing);
        Assert.Equal(("45", "40", AuditDifferenceStatus.Open, null), (missing.Expected, missing.Actual, missing.Status, missing.Repair));
        Assert.Equal(2, differences.Count);
    }

    Task<AuditRun> AuditAsync(AuditWindow window) => billing.InScopeAsync(sp =>
    {
        var check = sp.GetServices<IAuditCheck>().OfType<OverageMeterCheck>().Single();
        var audit = new MoneyAudit(sp.GetRequiredService<BillingTestDbContext>(), [check], sp.GetRequiredService<IOptions<MoneyAuditOptions>>(),
            TimeProvider.System, sp.GetRequiredService<ILogger<MoneyAudit>>());
        return audit.RunAsync("test", window);
    });
}
