using Credits.Billing.Catalog;
using Credits.Billing.Metering;
using Credits.Billing.Storage;
using Credits.Billing.StripeAdapter;
using Credits.Contracts.Billing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Reconciliation;

/// <summary>
/// Compares, for each customer linked to Stripe, the ledger with Stripe: the overage reported for the
/// current period against the meter's event summary, and the subscription's items against the plan
/// the ledger has (one flat item; one metered item on plans with overage, none otherwise). Each
/// difference is stored (billing_reconciliation_differences), logged and published; a missing meter
/// report is resent under its identifier while Stripe still deduplicates it (24 hours), and left to an
/// operator after that. Excess usage in Stripe is not cancelled automatically:
/// without the identifier of the extra event there is nothing safe to cancel; an operator decides.
/// </summary>
public sealed class BillingReconciliation(DbContext db, StripeCalls stripe, BillingCatalog catalog, MeterEventSender sender,
    IOptions<StripeOptions> stripeOptions, IOptions<ReconciliationOptions> options, TimeProvider clock,
    ILogger<BillingReconciliation> logger, IPublishEndpoint? publish = null)
{
    /// <summary>Advisory lock key of a reconciliation run ("CrdRecon"): one instance at a time, the others skip.</summary>
    const long RunLock = 0x4372645265636F6E;

    /// <summary>Runs once; returns the differences found (empty when another instance is running).</summary>
    public async Task<IReadOnlyList<ReconciliationDifferenceFound>> RunAsync(CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({RunLock}) AS \"Value\"").SingleAsync(ct))
            {
                logger.LogInformation("Reconciliation skipped: another instance is running it");
                return [];
            }
            try
            {
                return await RunLockedAsync(ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({RunLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    async Task<IReadOnlyList<ReconciliationDifferenceFound>> RunLockedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var meterId = await FindMeterIdAsync(ct);
        var accounts = await db.Database.SqlQuery<LinkedAccount>($"""
            SELECT a.customer_id AS "CustomerId", a.plan_id AS "PlanId", a.period_start AS "PeriodStart", a.period_end AS "PeriodEnd",
                   s.stripe_customer_id AS "StripeCustomerId", s.subscription_id AS "SubscriptionId"
            FROM ledger_accounts a JOIN stripe_customers s ON s.customer_id = a.customer_id
            ORDER BY a.customer_id
            """).ToListAsync(ct);
        var found = new List<ReconciliationDifferenceFound>();
        foreach (var account in accounts)
        {
            if (meterId is not null) found.AddRange(await CheckMeterAsync(account, meterId, now, ct));
            if (account.SubscriptionId is not null) found.AddRange(await CheckSubscriptionAsync(account, now, ct));
        }
        if (found.Count > 0) await RecordAsync(found, ct);
        logger.LogInformation("Reconciliation checked {Accounts} accounts: {Differences} differences", accounts.Count, found.Count);
        return found;
    }

    async Task<string?> FindMeterIdAsync(CancellationToken ct)
    {
        var eventName = stripeOptions.Value.MeterEventName;
        var meter = await stripe.ReadAsync("list meters", async (c, o, t) =>
        {
            await foreach (var m in c.V1.Billing.Meters.ListAutoPagingAsync(new() { Status = "active", Limit = 100 }, o, t))
                if (m.EventName == eventName) return m.Id;
            return null;
        }, ct);
        if (meter.Value is null) logger.LogWarning("Reconciliation: no active Stripe meter for {EventName}; meter usage not checked", eventName);
        return meter.Value;
    }

    async Task<List<ReconciliationDifferenceFound>> CheckMeterAsync(LinkedAccount account, string meterId, DateTimeOffset now, CancellationToken ct)
    {
        // Summaries take whole minutes; overage is stamped inside the period, so widening to minutes adds nothing.
        var start = FloorMinute(account.PeriodStart);
        var end = FloorMinute(now < account.PeriodEnd ? now : account.PeriodEnd).AddMinutes(1);
        // Only reports stamped inside the window read from Stripe can be compared with it: one stamped
        // outside (a late report pulled into Stripe's timestamp limits) is in Stripe but not in this summary.
        var reports = await db.Set<MeterReport>().AsNoTracking()
            .Where(r => r.CustomerId == account.CustomerId && r.PeriodStart == account.PeriodStart && r.AcceptedAt != null
                        && r.Timestamp >= start && r.Timestamp < end)
            .ToListAsync(ct);
        var reported = reports.Sum(r => r.Quantity);
        var settled = reports.Where(r => r.AcceptedAt <= now - options.Value.SettleTime).Sum(r => r.Quantity);
        var summary = await stripe.ReadAsync("meter event summary", async (c, o, t) =>
        {
            decimal total = 0;
            await foreach (var s in c.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meterId,
                               new() { Customer = account.StripeCustomerId, StartTime = start.UtcDateTime, EndTime = end.UtcDateTime }, o, t))
                total += (decimal)s.AggregatedValue;
            return total;
        }, ct);
        if (!summary.Succeeded) return [];
        var inStripe = summary.Value;
        if (inStripe < settled)
            return [Difference(account, "meter_missing", settled.ToString(), inStripe.ToString("0.##"), await ResendAsync(reports, now, ct), now)];
        if (inStripe > reported)
            return [Difference(account, "meter_excess", reported.ToString(), inStripe.ToString("0.##"), "none", now)];
        return [];
    }

    /// <summary>
    /// Resends what Stripe still deduplicates by identifier (first sent within <see cref="ReconciliationOptions.ResendWithin"/>):
    /// Stripe counts those at most once. Older reports are never resent: "operator" when none could be,
    /// "resent_recent" when the older ones are left for an operator.
    /// </summary>
    async Task<string> ResendAsync(List<MeterReport> reports, DateTimeOffset now, CancellationToken ct)
    {
        if (!options.Value.ResendMissingReports) return "none";
        var resendable = reports.Where(r => r.CreatedAt > now - options.Value.ResendWithin).ToList();
        if (resendable.Count == 0) return "operator";
        var resent = await sender.SendAsync(resendable, ct);
        return resent.Count < resendable.Count ? "resend_failed"
            : resendable.Count < reports.Count ? "resent_recent"
            : "resent";
    }

    async Task<List<ReconciliationDifferenceFound>> CheckSubscriptionAsync(LinkedAccount account, DateTimeOffset now, CancellationToken ct)
    {
        var plan = catalog.Plan(account.PlanId);
        if (plan is null) return [];
        var subscription = await stripe.ReadAsync("get subscription", (c, o, t) =>
            c.V1.Subscriptions.GetAsync(account.SubscriptionId, new() { Expand = ["items.data.price"] }, o, t), ct);
        if (!subscription.Succeeded)
            return subscription.Failure!.Status == System.Net.HttpStatusCode.NotFound
                ? [Difference(account, "subscription_missing", account.SubscriptionId!, "not found", "none", now)]
                : [];
        var items = subscription.Value!.Items.Data;
        var flat = items.Where(i => i.Price?.Recurring?.UsageType != "metered").Select(i => i.Price?.LookupKey ?? i.Price?.Id ?? "?").ToList();
        var metered = items.Where(i => i.Price?.Recurring?.UsageType == "metered").Select(i => i.Price?.LookupKey ?? i.Price?.Id ?? "?").ToList();
        var expectedMetered = plan.OverageAllowed ? new List<string> { plan.OverageLookupKey } : [];
        var differences = new List<ReconciliationDifferenceFound>();
        if (flat.Count != 1 || flat[0] != plan.FlatLookupKey)
            differences.Add(Difference(account, "flat_item", plan.FlatLookupKey, string.Join(',', flat), "none", now));
        if (!metered.SequenceEqual(expectedMetered))
            differences.Add(Difference(account, "metered_item", string.Join(',', expectedMetered), string.Join(',', metered), "none", now));
        return differences;
    }

    async Task RecordAsync(List<ReconciliationDifferenceFound> found, CancellationToken ct)
    {
        foreach (var d in found)
        {
            logger.LogWarning("Reconciliation: customer {CustomerId} {Kind}: expected {Expected}, Stripe has {Actual}; correction {Correction}",
                d.CustomerId, d.Kind, d.Expected, d.Actual, d.Correction);
            db.Add(new ReconciliationDifference
            {
                Id = d.DifferenceId, CustomerId = d.CustomerId, StripeCustomerId = d.StripeCustomerId, Kind = d.Kind,
                Expected = d.Expected, Actual = d.Actual, Correction = d.Correction, FoundAt = d.FoundAt,
            });
            if (publish is not null) await publish.Publish(d, ct);
        }
        await db.SaveChangesAsync(ct);
    }

    static ReconciliationDifferenceFound Difference(LinkedAccount a, string kind, string expected, string actual, string correction,
        DateTimeOffset now) => new()
    {
        DifferenceId = NewId.NextGuid(), CustomerId = a.CustomerId, StripeCustomerId = a.StripeCustomerId, Kind = kind,
        Expected = expected, Actual = actual, Correction = correction, FoundAt = now,
    };

    static DateTimeOffset FloorMinute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    sealed class LinkedAccount
    {
        public string CustomerId { get; set; } = "";
        public string PlanId { get; set; } = "";
        public DateTimeOffset PeriodStart { get; set; }
        public DateTimeOffset PeriodEnd { get; set; }
        public string StripeCustomerId { get; set; } = "";
        public string? SubscriptionId { get; set; }
    }
}
