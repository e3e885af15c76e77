using System.Globalization;
using Credits.Billing.Catalog;
using Credits.Billing.Metering;
using Credits.Billing.Storage;
using Credits.Billing.StripeAdapter;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Audit;

/// <summary>
/// Overage against what Stripe bills for it, per customer and period (the usage's period, as the ledger charges it):
/// the ledger's overage against the meter's event summary for that customer and period, and, once the invoice that
/// bills the period is finalized, against its usage line. Only customers with overage in the window or on a plan with a
/// metered item are read from Stripe, one summary each, a few at a time.
/// <list type="bullet">
/// <item><c>meter_missing</c>: Stripe's total is short of the ledger's settled overage. When accepted reports explain the
/// gap, the safe repair resends those first sent within <see cref="MoneyAuditOptions.ResendWithin"/> under their
/// identifiers (Stripe counts an identifier once in 24 hours); older ones are left to an operator, since a resend after
/// Stripe forgot the identifier could bill the usage twice. Overage never reported at all is the metering loop's to send.</item>
/// <item><c>meter_excess</c>: Stripe counted more than was reported. No repair: without the identifier of the extra event
/// there is nothing safe to cancel.</item>
/// <item><c>invoice_usage_mismatch</c>: the finalized invoice billed another quantity than the ledger's overage for the
/// period. No repair: a finalized invoice cannot change; an operator credits or bills the difference.</item>
/// </list>
/// </summary>
public sealed class OverageMeterCheck(AuditDatabase database, StripeCalls stripe, InvoicesCreated invoicesCreated, CatalogPrices catalogPrices, BillingCatalog catalog, MeterEventSender sender,
    IOptions<StripeOptions> stripeOptions, IOptions<MoneyAuditOptions> options) : IAuditCheck
{
    DbContext Db => database.Db;

    public string Name => "overage";

    public IReadOnlyList<string> Kinds { get; } = [AuditKinds.MeterMissing, AuditKinds.MeterExcess, AuditKinds.InvoiceUsageMismatch];

    public async Task RunAsync(AuditRunContext run, CancellationToken ct)
    {
        var settledBefore = run.Now - options.Value.SettleTime;
        var periods = await PeriodsAsync(run.Window, settledBefore, ct);
        var meterId = await FindMeterIdAsync(ct);
        if (meterId is not null && periods.Count > 0) await CompareWithMeterAsync(run, meterId, periods, ct);
        await CompareWithInvoicesAsync(run, ct);
    }

    /// <summary>Customer periods with overage recorded in the window, and the current period of every customer on a plan with overage.</summary>
    async Task<List<LedgerPeriod>> PeriodsAsync(AuditWindow window, DateTimeOffset settledBefore, CancellationToken ct)
    {
        var overagePlans = catalog.Plans.Where(p => p.OverageAllowed).Select(p => p.Id).ToArray();
        return await Db.Database.SqlQuery<LedgerPeriod>($"""
            WITH periods AS (
              SELECT DISTINCT customer_id, period_start FROM ledger_entries
              WHERE kind = 'Overage' AND recorded_at >= {window.From} AND recorded_at < {window.To}
              UNION
              SELECT customer_id, period_start FROM ledger_accounts
              WHERE plan_id = ANY({overagePlans}) AND period_end > {window.From} AND period_start < {window.To})
            SELECT p.customer_id AS "CustomerId", s.stripe_customer_id AS "StripeCustomerId", p.period_start AS "PeriodStart",
                   coalesce(CASE WHEN a.period_start = p.period_start THEN a.period_end END,
                            (SELECT max(g.expires_at) FROM ledger_grants g
                             WHERE g.customer_id = p.customer_id AND g.period_start = p.period_start AND g.source = 'PlanAllowance'),
                            CASE WHEN a.previous_period_start = p.period_start THEN a.period_start END) AS "PeriodEnd",
                   coalesce(o.quantity, 0) AS "Overage", coalesce(o.settled, 0) AS "SettledOverage", o.last_entry_id AS "LastEntryId"
            FROM periods p
            JOIN stripe_customers s ON s.customer_id = p.customer_id
            LEFT JOIN ledger_accounts a ON a.customer_id = p.customer_id
            LEFT JOIN LATERAL (
              SELECT sum(e.quantity) AS quantity, sum(e.quantity) FILTER (WHERE e.recorded_at <= {settledBefore}) AS settled, max(e.id) AS last_entry_id
              FROM ledger_entries e WHERE e.kind = 'Overage' AND e.customer_id = p.customer_id AND e.period_start = p.period_start) o ON true
            ORDER BY p.customer_id, p.period_start
            """).ToListAsync(ct);
    }

    async Task<string?> FindMeterIdAsync(CancellationToken ct)
    {
        // No meter yet (the catalog was never synced) leaves nothing to compare; a failed read fails the check, which then
        // clears nothing.
        return (await ActiveMeter.FindAsync(stripe, stripeOptions.Value.MeterEventName, ct)).GetValueOrThrow()?.Id;
    }

    async Task CompareWithMeterAsync(AuditRunContext run, string meterId, List<LedgerPeriod> periods, CancellationToken ct)
    {
        var customers = periods.Select(p => p.CustomerId).Distinct().ToArray();
        var reports = (await Db.Set<MeterReport>().AsNoTracking()
                .Where(r => customers.Contains(r.CustomerId) && r.AcceptedAt != null).ToListAsync(ct))
            .ToLookup(r => (r.CustomerId, r.PeriodStart));
        await Parallel.ForEachAsync(periods, new ParallelOptions { MaxDegreeOfParallelism = options.Value.StripeConcurrency, CancellationToken = ct },
            async (period, token) =>
            {
                if (await CompareAsync(run, meterId, period, [.. reports[(period.CustomerId, period.PeriodStart)]], token) is { } finding)
                    run.Report(finding);
            });
    }

    async Task<AuditFinding?> CompareAsync(AuditRunContext run, string meterId, LedgerPeriod period, List<MeterReport> reports, CancellationToken ct)
    {
        // Summaries take whole minutes; overage is stamped inside its period, so widening to minutes adds nothing.
        var start = FloorMinute(period.PeriodStart);
        var end = FloorMinute(period.PeriodEnd is { } periodEnd && periodEnd < run.Now ? periodEnd : run.Now).AddMinutes(1);
        if (end <= start) return null;
        // Only reports stamped inside the span read from Stripe can be compared with it: one stamped outside (a late report
        // pulled into Stripe's timestamp limits) is in Stripe but not in this summary, so it is taken off the ledger's side.
        var inside = reports.Where(r => r.Timestamp >= start && r.Timestamp < end).ToList();
        var outside = reports.Where(r => r.Timestamp < start || r.Timestamp >= end).Sum(r => r.Quantity);
        var reported = inside.Sum(r => r.Quantity);
        var settledBefore = run.Now - options.Value.SettleTime;
        var reportedSettled = inside.Where(r => r.AcceptedAt <= settledBefore).Sum(r => r.Quantity);
        var ledgerSettled = Math.Max(0, period.SettledOverage - outside);

        var summary = await stripe.ReadAsync("meter event summary", async (c, o, t) =>
        {
            decimal total = 0;
            await foreach (var s in c.V1.Billing.Meters.EventSummaries.ListAutoPagingAsync(meterId,
                               new() { Customer = period.StripeCustomerId, StartTime = start.UtcDateTime, EndTime = end.UtcDateTime }, o, t))
                total += (decimal)s.AggregatedValue;
            return total;
        }, ct);
        var inStripe = summary.GetValueOrThrow();

        var evidence = new AuditEvidence
        {
            StripeIds = [meterId, period.StripeCustomerId],
            LedgerEntryIds = period.LastEntryId is { } last ? [last] : [],
            LedgerKeys = [.. inside.Select(r => r.Identifier)],
            Figures = new Dictionary<string, string>
            {
                ["ledger_overage"] = Number(period.Overage), ["ledger_overage_settled"] = Number(period.SettledOverage),
                ["reported_in_span"] = Number(reported), ["reported_outside_span"] = Number(outside),
                ["stripe_meter_total"] = Number(inStripe), ["span"] = $"{start:O}..{end:O}",
            },
        };
        var subject = Subject(period.CustomerId, period.PeriodStart);
        if (inStripe < ledgerSettled)
            return Finding(AuditKinds.MeterMissing, period, subject, Number(ledgerSettled), Number(inStripe), evidence,
                // Accepted reports explain the gap only if Stripe is short of them; otherwise the ledger's overage was never
                // reported, which the metering loop sends (or an operator looks at why it does not).
                inStripe < reportedSettled ? ResendRepair(inside, reportedSettled - inStripe, run.Now) : null);
        if (inStripe > reported)
            return Finding(AuditKinds.MeterExcess, period, subject, Number(reported), Number(inStripe), evidence, null);
        return null;
    }

    /// <summary>
    /// Resends what Stripe still deduplicates by identifier (first sent within <see cref="MoneyAuditOptions.ResendWithin"/>):
    /// Stripe counts those at most once. None when every report is older: an operator's, never resent. When older reports
    /// remain and the recent ones are fewer credits than the gap, the repair resends what is safe and then fails, so the
    /// difference goes to an operator at once rather than looking repaired until the next run.
    /// </summary>
    Func<CancellationToken, Task<string>>? ResendRepair(List<MeterReport> reports, decimal gap, DateTimeOffset now)
    {
        var resendable = reports.Where(r => r.CreatedAt > now - options.Value.ResendWithin).ToList();
        if (resendable.Count == 0) return null;
        var older = reports.Count - resendable.Count;
        return async ct =>
        {
            var resent = await sender.SendAsync(resendable, ct);
            if (resent.Count < resendable.Count)
                throw new InvalidOperationException(
                    $"Stripe accepted {resent.Count} of {resendable.Count} resent reports: {resendable.First(r => !resent.Contains(r)).LastError}");
            var text = $"resent {resent.Count} report(s), {Number(resent.Sum(r => r.Quantity))} credits, under their identifiers";
            if (older > 0 && resent.Sum(r => r.Quantity) < gap)
                throw new InvalidOperationException(
                    $"{text}; {older} report(s) first sent more than {options.Value.ResendWithin.TotalHours:0.#} h ago are not resent " +
                    "(Stripe may no longer deduplicate them): an operator decides");
            // The recent reports may explain the whole gap; if they did not, the next run finds it again and the
            // difference goes to an operator (repair_failed), never resent a second time.
            return older > 0 ? $"{text}; {older} older report(s) not resent" : text;
        };
    }

    /// <summary>
    /// Each finalized invoice's usage lines (the metered prices of the catalog) against the ledger's overage of the period
    /// they bill. A renewal bills the period that just ended; its usage line's period is that period.
    /// </summary>
    async Task CompareWithInvoicesAsync(AuditRunContext run, CancellationToken ct)
    {
        var prices = await catalogPrices.ReadAsync(ct);
        if (prices.Metered.Count == 0) return;
        var billed = new Dictionary<(string StripeCustomerId, DateTimeOffset PeriodStart), BilledUsage>();
        foreach (var invoice in await invoicesCreated.ForAsync(run.Window, ct))
        {
            if (invoice.Status is not ("open" or "paid" or "uncollectible") || invoice.CustomerId is null) continue;
            // Finalized is final: overage not on it by then is never billed on it, so there is nothing to wait for.
            if (invoice.StatusTransitions?.FinalizedAt is not { } finalized) continue;
            // Usage is billed in arrears: only a line for a period that had ended when the invoice was made bills usage (a
            // new subscription's first invoice may carry its metered price for the period ahead, at zero).
            var usage = invoice.Lines?.Data?.Where(l => l.Pricing?.PriceDetails?.PriceId is { } price && prices.Metered.ContainsKey(price)
                                                        && l.Period is not null && l.Period.End <= invoice.Created).ToList() ?? [];
            foreach (var line in usage)
            {
                var key = (invoice.CustomerId, StripeTime.Utc(line.Period.Start));
                var entry = billed.TryGetValue(key, out var known) ? known : billed[key] = new BilledUsage(key.CustomerId, key.Item2);
                entry.Quantity += line.QuantityDecimal ?? line.Quantity ?? 0;
                entry.InvoiceIds.Add(invoice.Id);
                entry.LineIds.Add(line.Id);
                entry.FinalizedAt = StripeTime.Utc(finalized);
            }
        }
        if (billed.Count == 0) return;

        var stripeCustomers = billed.Keys.Select(k => k.StripeCustomerId).Distinct().ToArray();
        var ledger = await Db.Database.SqlQuery<LedgerOverage>($"""
            SELECT s.stripe_customer_id AS "StripeCustomerId", s.customer_id AS "CustomerId", e.period_start AS "PeriodStart",
                   sum(e.quantity) AS "Quantity", max(e.id) AS "LastEntryId"
            FROM stripe_customers s JOIN ledger_entries e ON e.customer_id = s.customer_id AND e.kind = 'Overage'
            WHERE s.stripe_customer_id = ANY({stripeCustomers})
            GROUP BY s.stripe_customer_id, s.customer_id, e.period_start
            """).ToListAsync(ct);
        var byPeriod = ledger.ToDictionary(l => (l.StripeCustomerId, l.PeriodStart));
        var customerOf = await Db.Set<StripeCustomerLink>().AsNoTracking().Where(l => stripeCustomers.Contains(l.StripeCustomerId))
            .ToDictionaryAsync(l => l.StripeCustomerId, l => l.CustomerId, ct);
        foreach (var usage in billed.Values)
        {
            var overage = byPeriod.GetValueOrDefault((usage.StripeCustomerId, usage.PeriodStart));
            var inLedger = overage?.Quantity ?? 0;
            if (usage.Quantity == inLedger) continue;
            var customerId = overage?.CustomerId ?? customerOf.GetValueOrDefault(usage.StripeCustomerId) ?? "";
            run.Report(new AuditFinding
            {
                Kind = AuditKinds.InvoiceUsageMismatch, Subject = Subject(customerId, usage.PeriodStart), CustomerId = customerId,
                StripeCustomerId = usage.StripeCustomerId, Expected = Number(inLedger), Actual = Number(usage.Quantity), OccurredAt = usage.FinalizedAt,
                Evidence = new AuditEvidence
                {
                    StripeIds = [.. usage.InvoiceIds.Distinct(), .. usage.LineIds],
                    LedgerEntryIds = overage is null ? [] : [overage.LastEntryId],
                    Figures = new Dictionary<string, string>
                    {
                        ["ledger_overage"] = Number(inLedger), ["invoice_usage_quantity"] = Number(usage.Quantity),
                        ["period_start"] = usage.PeriodStart.ToString("O"),
                    },
                },
            });
        }
    }

    static AuditFinding Finding(string kind, LedgerPeriod period, string subject, string expected, string actual, AuditEvidence evidence,
        Func<CancellationToken, Task<string>>? repair) => new()
    {
        Kind = kind, Subject = subject, CustomerId = period.CustomerId, StripeCustomerId = period.StripeCustomerId,
        Expected = expected, Actual = actual, OccurredAt = period.PeriodStart, Evidence = evidence, Repair = repair,
    };

    static string Subject(string customerId, DateTimeOffset periodStart) => $"{customerId}:{periodStart.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";

    static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    static DateTimeOffset FloorMinute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    sealed class LedgerPeriod
    {
        public string CustomerId { get; set; } = "";
        public string StripeCustomerId { get; set; } = "";
        public DateTimeOffset PeriodStart { get; set; }
        public DateTimeOffset? PeriodEnd { get; set; }
        public long Overage { get; set; }
        public long SettledOverage { get; set; }
        public long? LastEntryId { get; set; }
    }

    sealed class LedgerOverage
    {
        public string StripeCustomerId { get; set; } = "";
        public string CustomerId { get; set; } = "";
        public DateTimeOffset PeriodStart { get; set; }
        public long Quantity { get; set; }
        public long LastEntryId { get; set; }
    }

    sealed class BilledUsage(string stripeCustomerId, DateTimeOffset periodStart)
    {
        public string StripeCustomerId { get; } = stripeCustomerId;
        public DateTimeOffset PeriodStart { get; } = periodStart;
        public decimal Quantity { get; set; }
        public DateTimeOffset FinalizedAt { get; set; }
        public List<string> InvoiceIds { get; } = [];
        public List<string> LineIds { get; } = [];
    }
}
