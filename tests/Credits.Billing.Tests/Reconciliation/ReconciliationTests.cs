using Credits.Billing.Customers;
using Credits.Billing.Metering;
using Credits.Billing.Reconciliation;
using Credits.Billing.Storage;
using Credits.Billing.Tests.Support;
using Credits.Contracts.Billing;
using Credits.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Billing.Tests.Reconciliation;

/// <summary>Reconciliation finds what Stripe lacks or has too much of, and where safe puts it right.</summary>
public sealed class ReconciliationTests(BillingServices billing) : IClassFixture<BillingServices>
{
    Task<IReadOnlyList<ReconciliationDifferenceFound>> ReconcileAsync() =>
        billing.InScopeAsync(sp => sp.GetRequiredService<BillingReconciliation>().RunAsync());

    Task FlushAsync() => billing.InScopeAsync(sp => sp.GetRequiredService<OverageMeter>().FlushAsync());

    [Fact]
    public async Task Overage_that_Stripe_lost_is_found_and_resent_once()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        await customer.SpendAsync(billing, 40);
        await FlushAsync();
        await customer.SpendAsync(billing, 25);
        await MarkReportedWithoutSendingAsync(customer);

        var found = (await ReconcileAsync()).Where(d => d.CustomerId == customer.Id).ToList();

        var missing = Assert.Single(found);
        Assert.Equal(("meter_missing", "55", "30", "resent"), (missing.Kind, missing.Expected, missing.Actual, missing.Correction));
        await MeterAssertions.AssertMeterMatchesLedgerAsync(billing, meterId, [customer]);
        Assert.DoesNotContain(await ReconcileAsync(), d => d.CustomerId == customer.Id);
        Assert.Equal(1, await billing.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM billing_reconciliation_differences WHERE customer_id = '{customer.Id}' AND kind = 'meter_missing'"));
    }

    [Fact]
    public async Task A_lost_report_older_than_Stripes_dedup_window_is_left_to_an_operator_never_resent()
    {
        // Stripe forgets a meter event identifier after 24 hours: a resend after that could count the
        // usage a second time if Stripe had it after all, so reconciliation must not resend it.
        var meterId = await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        await customer.SpendAsync(billing, 40);
        await FlushAsync();
        await customer.SpendAsync(billing, 25);
        await MarkReportedWithoutSendingAsync(customer, createdAt: DateTimeOffset.UtcNow.AddHours(-30));

        var missing = Assert.Single(await ReconcileAsync(), d => d.CustomerId == customer.Id);

        // The recent report is resent (Stripe still deduplicates it, so it counts once); the old one is not.
        Assert.Equal(("meter_missing", "55", "30", "resent_recent"), (missing.Kind, missing.Expected, missing.Actual, missing.Correction));
        Assert.Equal(30m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
    }

    [Fact]
    public async Task Only_the_reports_stamped_inside_the_window_read_from_Stripe_are_compared()
    {
        // A report stamped before the period's first minute is in Stripe, but not in the summary of the
        // period: counting it as reported would call the summary short and resend it.
        var meterId = await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        await customer.SpendAsync(billing, 40);
        await FlushAsync();
        await customer.SpendAsync(billing, 25);
        var periodStart = await billing.InScopeAsync(async sp =>
            (await sp.GetRequiredService<CreditLedger>().GetUnreportedOverageAsync(customer.Id)).Single().PeriodStart);
        var stamp = periodStart.AddMinutes(-5);
        await MarkReportedWithoutSendingAsync(customer, timestamp: stamp);
        var report = await billing.InScopeAsync(sp => sp.GetRequiredService<BillingTestDbContext>().Set<MeterReport>()
            .SingleAsync(r => r.CustomerId == customer.Id && r.Timestamp < periodStart));
        await billing.Stripe.V1.Billing.MeterEvents.CreateAsync(new()
        {
            EventName = "credits_overage", Identifier = report.Identifier, Timestamp = stamp.UtcDateTime,
            Payload = new() { ["stripe_customer_id"] = customer.StripeCustomerId, ["value"] = "25" },
        });

        Assert.DoesNotContain(await ReconcileAsync(), d => d.CustomerId == customer.Id);
        Assert.Equal(55m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
    }

    [Fact]
    public async Task Usage_in_Stripe_beyond_the_ledger_is_reported_for_an_operator()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        await customer.SpendAsync(billing, 20);
        await FlushAsync();
        await billing.Stripe.V1.Billing.MeterEvents.CreateAsync(new()
        {
            EventName = "credits_overage", Identifier = "stray-" + customer.Id,
            Payload = new() { ["stripe_customer_id"] = customer.StripeCustomerId, ["value"] = "4" },
        });

        var excess = Assert.Single(await ReconcileAsync(), d => d.CustomerId == customer.Id);

        Assert.Equal(("meter_excess", "10", "14", "none"), (excess.Kind, excess.Expected, excess.Actual, excess.Correction));
        Assert.Equal(14m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
    }

    [Fact]
    public async Task A_pro_subscription_without_its_metered_item_is_reported()
    {
        await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        var prices = (await billing.Stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:pro:flat", "credits:pro:overage"] })).Data
            .ToDictionary(p => p.LookupKey, p => p.Id);
        await billing.Stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new() { Customer = customer.StripeCustomerId });
        await billing.Stripe.V1.Customers.UpdateAsync(customer.StripeCustomerId, new()
        {
            InvoiceSettings = new() { DefaultPaymentMethod = "pm_card_visa" },
        });
        var flatOnly = await billing.Stripe.V1.Subscriptions.CreateAsync(new()
        {
            Customer = customer.StripeCustomerId, Items = [new() { Price = prices["credits:pro:flat"], Quantity = 1 }],
        });
        await Link(customer, flatOnly.Id);

        var metered = Assert.Single(await ReconcileAsync(), d => d.CustomerId == customer.Id);
        Assert.Equal(("metered_item", "credits:pro:overage", ""), (metered.Kind, metered.Expected, metered.Actual));

        await billing.Stripe.V1.Subscriptions.UpdateAsync(flatOnly.Id, new() { Items = [new() { Price = prices["credits:pro:overage"] }] });
        Assert.DoesNotContain(await ReconcileAsync(), d => d.CustomerId == customer.Id);
    }

    Task Link(ProCustomer customer, string subscriptionId) => billing.InScopeAsync(async sp =>
    {
        await sp.GetRequiredService<StripeCustomerLinks>().LinkAsync(customer.Id, customer.StripeCustomerId, subscriptionId);
        return 0;
    });

    /// <summary>What a Stripe-side loss looks like here: the report is recorded as accepted, but Stripe never counted it.</summary>
    Task MarkReportedWithoutSendingAsync(ProCustomer customer, DateTimeOffset? createdAt = null, DateTimeOffset? timestamp = null) =>
        billing.InScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<BillingTestDbContext>();
        var ledger = sp.GetRequiredService<CreditLedger>();
        var overage = Assert.Single(await ledger.GetUnreportedOverageAsync(customer.Id));
        db.Add(new MeterReport
        {
            Identifier = overage.ReportKey, CustomerId = customer.Id, StripeCustomerId = customer.StripeCustomerId,
            PeriodStart = overage.PeriodStart, Quantity = overage.Quantity, LastEntryId = overage.LastEntryId,
            Timestamp = timestamp ?? DateTimeOffset.UtcNow, CreatedAt = createdAt ?? DateTimeOffset.UtcNow,
            AcceptedAt = (createdAt ?? DateTimeOffset.UtcNow).AddMinutes(-1), Attempts = 1,
        });
        await db.SaveChangesAsync();
        await ledger.MarkOverageReportedAsync(overage);
        return 0;
    });
}
