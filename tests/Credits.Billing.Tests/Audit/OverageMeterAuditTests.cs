using Credits.Billing.Audit;
using Credits.Billing.Metering;
using Credits.Billing.Storage;
using Credits.Billing.Tests.Support;
using Credits.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Credits.Billing.Tests.Audit;

/// <summary>
/// The money audit's overage check against the meter (what reconciliation did before it): it finds what Stripe lacks or
/// has too much of, stores it once, and resends a lost report only while Stripe still deduplicates its identifier.
/// The real PostgreSQL and the emulator; the audit in process, with only this check (the others read saga tables this
/// fixture does not have).
/// </summary>
public sealed class OverageMeterAuditTests(BillingServices billing) : IClassFixture<BillingServices>
{
    Task<AuditRun> AuditAsync() => billing.InScopeAsync(sp =>
    {
        var check = sp.GetServices<IAuditCheck>().OfType<OverageMeterCheck>().Single();
        var audit = new MoneyAudit(sp.GetRequiredService<BillingTestDbContext>(), [check], sp.GetRequiredService<IOptions<MoneyAuditOptions>>(),
            TimeProvider.System, sp.GetRequiredService<ILogger<MoneyAudit>>());
        return audit.RunAsync("test");
    });

    Task<List<AuditDifference>> DifferencesAsync(ProCustomer customer) => billing.InScopeAsync(sp =>
        sp.GetRequiredService<BillingTestDbContext>().Set<AuditDifference>().AsNoTracking().Where(d => d.CustomerId == customer.Id).ToListAsync());

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

        var run = await AuditAsync();

        Assert.Equal(AuditRunStatus.Completed, run.Status);
        var missing = Assert.Single(await DifferencesAsync(customer));
        Assert.Equal((AuditKinds.MeterMissing, "55", "30", AuditDifferenceStatus.Repaired),
            (missing.Kind, missing.Expected, missing.Actual, missing.Status));
        // Both accepted reports go again under their identifiers: Stripe counts the one it had once, and the lost one now.
        Assert.StartsWith("resent 2 report(s), 55 credits", missing.Repair);
        var evidence = System.Text.Json.JsonDocument.Parse(missing.Evidence).RootElement;
        Assert.Contains(meterId, evidence.GetProperty("stripeIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("30", evidence.GetProperty("figures").GetProperty("stripe_meter_total").GetString());
        Assert.Equal("55", evidence.GetProperty("figures").GetProperty("ledger_overage").GetString());
        await MeterAssertions.AssertMeterMatchesLedgerAsync(billing, meterId, [customer]);

        // A second run finds nothing for the customer: the stored difference is not seen again, nothing is resent.
        await AuditAsync();
        var after = Assert.Single(await DifferencesAsync(customer));
        Assert.Equal((AuditDifferenceStatus.Repaired, missing.LastSeenAt, missing.Repair), (after.Status, after.LastSeenAt, after.Repair));
        Assert.Equal(55m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
    }

    [Fact]
    public async Task A_lost_report_older_than_Stripes_dedup_window_is_left_to_an_operator_never_resent()
    {
        // Stripe forgets a meter event identifier after 24 hours: a resend after that could count the usage a second
        // time if Stripe had it after all, so the audit must not resend it.
        var meterId = await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        await customer.SpendAsync(billing, 40);
        await FlushAsync();
        await customer.SpendAsync(billing, 25);
        await MarkReportedWithoutSendingAsync(customer, createdAt: DateTimeOffset.UtcNow.AddHours(-30));

        await AuditAsync();

        // The recent report is resent (Stripe still deduplicates it, so it counts once); the old one is not.
        var missing = Assert.Single(await DifferencesAsync(customer));
        Assert.Equal((AuditKinds.MeterMissing, "55", "30"), (missing.Kind, missing.Expected, missing.Actual));
        Assert.Contains("1 older report(s) not resent", missing.Repair);
        Assert.Equal(30m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));

        // The next run still finds the gap: it goes to an operator, and the old report is still not resent.
        await AuditAsync();
        var after = Assert.Single(await DifferencesAsync(customer));
        Assert.Equal(AuditDifferenceStatus.RepairFailed, after.Status);
        Assert.Equal(30m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
    }

    [Fact]
    public async Task A_gap_only_old_reports_can_explain_is_never_resent()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        await customer.SpendAsync(billing, 40);
        await MarkReportedWithoutSendingAsync(customer, createdAt: DateTimeOffset.UtcNow.AddHours(-30));

        await AuditAsync();

        var missing = Assert.Single(await DifferencesAsync(customer));
        Assert.Equal((AuditKinds.MeterMissing, "30", "0", AuditDifferenceStatus.Open, null),
            (missing.Kind, missing.Expected, missing.Actual, missing.Status, missing.Repair));
        Assert.Equal(0m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
    }

    [Fact]
    public async Task Only_the_reports_stamped_inside_the_span_read_from_Stripe_are_compared()
    {
        // A report stamped before the period's first minute is in Stripe, but not in the summary of the period: counting
        // it as reported would call the summary short and resend it.
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

        await AuditAsync();

        Assert.Empty(await DifferencesAsync(customer));
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

        await AuditAsync();
        await AuditAsync();

        var excess = Assert.Single(await DifferencesAsync(customer));
        Assert.Equal((AuditKinds.MeterExcess, "10", "14", AuditDifferenceStatus.Open, null),
            (excess.Kind, excess.Expected, excess.Actual, excess.Status, excess.Repair));
        Assert.Equal(14m, await MeterAssertions.StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
    }

    [Fact]
    public async Task A_customer_whose_meter_matches_the_ledger_gives_nothing()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(billing);
        var customer = await ProCustomer.CreateAsync(billing);
        await customer.SpendAsync(billing, 35);
        await FlushAsync();

        await AuditAsync();

        Assert.Empty(await DifferencesAsync(customer));
        await MeterAssertions.AssertMeterMatchesLedgerAsync(billing, meterId, [customer]);
    }

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
