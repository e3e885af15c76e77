using Credits.Billing.Catalog;
using Credits.Billing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Billing.Tests.Support;

/// <summary>What Stripe's meter shows against what the ledger holds.</summary>
public static class MeterAssertions
{
    public static async Task<string> EnsureMeterAsync(BillingServices billing)
    {
        var report = await billing.Services.GetRequiredService<CatalogSync>().RunAsync();
        Assert.True(report.Succeeded, string.Join("; ", report.Failures));
        return report.MeterId!;
    }

    public static async Task<decimal> StripeUsageAsync(BillingServices billing, string meterId, string stripeCustomerId)
    {
        var now = DateTime.UtcNow;
        decimal total = 0;
        await foreach (var s in billing.Stripe.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meterId, new()
                       {
                           Customer = stripeCustomerId,
                           StartTime = new DateTime(now.Year, now.Month, now.Day, 0, 0, 0, DateTimeKind.Utc).AddDays(-3),
                           EndTime = new DateTime(now.Year, now.Month, now.Day, 0, 0, 0, DateTimeKind.Utc).AddDays(2),
                       }))
            total += (decimal)s.AggregatedValue;
        return total;
    }

    public static Task<long> LedgerOverageAsync(BillingServices billing, string customerId) =>
        billing.Database.ScalarAsync<long>($"SELECT coalesce(sum(quantity), 0) FROM ledger_entries WHERE kind = 'Overage' AND customer_id = '{customerId}'");

    public static Task<long> PendingReportsAsync(BillingServices billing) =>
        billing.InScopeAsync(sp => sp.GetRequiredService<BillingTestDbContext>().Set<MeterReport>().LongCountAsync(r => r.AcceptedAt == null));

    /// <summary>Every customer's overage in the ledger equals its usage in Stripe, exactly; nothing is pending or unreported.</summary>
    public static async Task AssertMeterMatchesLedgerAsync(BillingServices billing, string meterId, IEnumerable<ProCustomer> customers)
    {
        Assert.Equal(0, await PendingReportsAsync(billing));
        foreach (var customer in customers)
        {
            var ledger = await LedgerOverageAsync(billing, customer.Id);
            Assert.True(ledger > 0, "the test must produce overage");
            Assert.Equal((decimal)ledger, await StripeUsageAsync(billing, meterId, customer.StripeCustomerId));
        }
        Assert.Equal(0, await billing.Database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_entries e WHERE e.kind = 'Overage' AND e.id > coalesce(
              (SELECT max(r.last_entry_id) FROM ledger_overage_reports r WHERE r.customer_id = e.customer_id AND r.period_start = e.period_start), 0)
            """));
    }
}
