using Credits.Billing.Catalog;
using Credits.Billing.Storage;
using Credits.Billing.StripeAdapter;
using Credits.Billing.Webhooks;
using Credits.Contracts.Billing;
using Credits.Ledger.Periods;
using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Audit;

/// <summary>
/// A paid plan's allowance against the invoice that pays for its period, both ways:
/// <list type="bullet">
/// <item><c>invoice_without_allowance</c>: a paid invoice of the window that opens a period (billing_reason
/// subscription_create or subscription_cycle, as the customer saga decides) and no allowance grant for that period.</item>
/// <item><c>allowance_granted_twice</c>: more than one allowance grant for one customer and period.</item>
/// <item><c>allowance_without_invoice</c>: an allowance of a paid plan granted in the window with no paid invoice for its
/// period, and no draft or open one younger than <see cref="MoneyAuditOptions.AllowanceInvoiceGrace"/> (a renewal opens
/// its period at the roll, before it is paid).</item>
/// </list>
/// No automatic repair: an allowance depends on the plan at the time, and granting or taking it back is a decision an
/// operator makes with a reason (recorded in the operator action log). A free plan has no invoice to pay and is skipped; a
/// plan change's prorated allowance belongs to the change's own invoice and is not a period's allowance.
/// </summary>
public sealed class AllowanceInvoicesCheck(AuditDatabase database, StripeCalls stripe, InvoicesCreated invoicesCreated, CatalogPrices catalogPrices, BillingCatalog catalog,
    IOptions<MoneyAuditOptions> options) : IAuditCheck
{
    DbContext Db => database.Db;

    public string Name => "allowances";

    public IReadOnlyList<string> Kinds { get; } =
        [AuditKinds.InvoiceWithoutAllowance, AuditKinds.AllowanceWithoutInvoice, AuditKinds.AllowanceGrantedTwice];

    public async Task RunAsync(AuditRunContext run, CancellationToken ct)
    {
        var settledBefore = run.Now - options.Value.SettleTime;
        var prices = await catalogPrices.ReadAsync(ct);
        var invoices = (await invoicesCreated.ForAsync(run.Window, ct))
            .Where(i => InvoiceBillingReasons.OpensPeriod(i.BillingReason) && i.CustomerId is not null).Select(i => new PeriodInvoice(i)).ToList();
        var paidInWindow = invoices.Where(i => i.Invoice.Status == "paid" && run.Window.Contains(i.Created)).ToList();

        var links = await LinksAsync(paidInWindow.Select(i => i.Invoice.CustomerId).Distinct().ToArray(), ct);
        var grants = await GrantsAsync(run.Window, links.Values.Select(l => l.CustomerId).Distinct().ToArray(), ct);
        var grantsByPeriod = grants.ToLookup(g => (g.CustomerId, Second(g.PeriodStart)));

        foreach (var paid in paidInWindow)
            CheckInvoice(run, paid, prices, links, grantsByPeriod, settledBefore);
        foreach (var twice in grants.GroupBy(g => (g.CustomerId, Second(g.PeriodStart))).Where(g => g.Count() > 1))
            ReportTwice(run, twice.OrderBy(g => g.CreatedAt).ToList());
        await CheckGrantsAsync(run, grants.Where(g => run.Window.Contains(g.CreatedAt) && g.CreatedAt <= settledBefore).ToList(), invoices, ct);
    }

    void CheckInvoice(AuditRunContext run, PeriodInvoice paid, CatalogPrices prices, Dictionary<string, StripeCustomerLink> links,
        ILookup<(string, long), AllowanceGrant> grantsByPeriod, DateTimeOffset settledBefore)
    {
        var invoice = paid.Invoice;
        var paidAt = invoice.StatusTransitions?.PaidAt is { } at ? StripeTime.Utc(at) : paid.Created;
        if (paidAt > settledBefore) return; // its webhook may still be on the way to the saga
        var plan = invoice.Lines?.Data?.Select(l => l.Pricing?.PriceDetails?.PriceId).OfType<string>()
            .Select(price => prices.Flat.GetValueOrDefault(price)).FirstOrDefault(p => p is not null);
        if (plan is { FlatMonthlyAmount: 0 }) return;
        var customerId = links.GetValueOrDefault(invoice.CustomerId)?.CustomerId
                         ?? (invoice.Parent?.SubscriptionDetails?.Metadata?.TryGetValue(StripeEventTranslator.CustomerIdMetadataKey, out var id) == true ? id : "");
        if (grantsByPeriod[(customerId, Second(paid.PeriodStart))].Any()) return;
        run.Report(new AuditFinding
        {
            Kind = AuditKinds.InvoiceWithoutAllowance, Subject = invoice.Id, CustomerId = customerId, StripeCustomerId = invoice.CustomerId,
            Expected = $"one allowance grant for the period from {paid.PeriodStart:O} ({AllowanceKeys.Period(customerId, paid.PeriodStart)})",
            Actual = "none", OccurredAt = paidAt,
            Evidence = new AuditEvidence
            {
                StripeIds = [invoice.Id, .. invoice.Parent?.SubscriptionDetails?.SubscriptionId is { } s ? new[] { s } : []],
                LedgerKeys = [AllowanceKeys.Period(customerId, paid.PeriodStart)],
                Figures = Figures(invoice, paid, plan),
            },
        });
    }

    static void ReportTwice(AuditRunContext run, List<AllowanceGrant> grants)
    {
        var first = grants[0];
        run.Report(new AuditFinding
        {
            Kind = AuditKinds.AllowanceGrantedTwice, Subject = $"{first.CustomerId}:{first.PeriodStart.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}",
            CustomerId = first.CustomerId, Expected = "1 allowance grant", Actual = $"{grants.Count} grants, {grants.Sum(g => g.Amount)} credits",
            OccurredAt = grants[^1].CreatedAt,
            Evidence = new AuditEvidence
            {
                LedgerEntryIds = [.. grants.Select(g => g.EntryId).OfType<long>()],
                LedgerKeys = [.. grants.Select(g => g.IdempotencyKey)],
                Figures = new Dictionary<string, string> { ["period_start"] = first.PeriodStart.ToString("O") },
            },
        });
    }

    /// <summary>Each paid plan's allowance of the window has its period's invoice, paid (or, within the grace, still to be).</summary>
    async Task CheckGrantsAsync(AuditRunContext run, List<AllowanceGrant> grants, List<PeriodInvoice> invoices, CancellationToken ct)
    {
        var paidGrants = grants.Where(g => catalog.Plan(g.PlanId ?? "") is not { FlatMonthlyAmount: 0 }).ToList();
        if (paidGrants.Count == 0) return;
        var links = await Db.Set<StripeCustomerLink>().AsNoTracking()
            .Where(l => paidGrants.Select(g => g.CustomerId).Distinct().Contains(l.CustomerId)).ToDictionaryAsync(l => l.CustomerId, ct);
        var byPeriod = invoices.ToLookup(i => (i.Invoice.CustomerId, Second(i.PeriodStart)));
        foreach (var grant in paidGrants)
        {
            var stripeCustomerId = links.GetValueOrDefault(grant.CustomerId)?.StripeCustomerId;
            var candidates = stripeCustomerId is null ? [] : byPeriod[(stripeCustomerId, Second(grant.PeriodStart))].ToList();
            // Its invoice may be older than the span listed (a first invoice paid days after it was created): ask for the customer's.
            if (candidates.Count == 0 && stripeCustomerId is not null)
                candidates = (await CustomerInvoicesAsync(stripeCustomerId, grant.PeriodStart, ct)).Where(i => Second(i.PeriodStart) == Second(grant.PeriodStart)).ToList();
            if (candidates.Any(i => i.Invoice.Status == "paid")) continue;
            if (candidates.Any(i => i.Invoice.Status is "draft" or "open" && i.Created > run.Now - options.Value.AllowanceInvoiceGrace)) continue;
            run.Report(new AuditFinding
            {
                Kind = AuditKinds.AllowanceWithoutInvoice, Subject = grant.IdempotencyKey, CustomerId = grant.CustomerId, StripeCustomerId = stripeCustomerId,
                Expected = $"a paid invoice for the period from {grant.PeriodStart:O}",
                Actual = candidates.Count == 0 ? "no invoice" : string.Join(", ", candidates.Select(i => $"{i.Invoice.Id} {i.Invoice.Status} since {i.Created:O}")),
                OccurredAt = grant.CreatedAt,
                Evidence = new AuditEvidence
                {
                    StripeIds = [.. candidates.Select(i => i.Invoice.Id)],
                    LedgerEntryIds = grant.EntryId is { } entry ? [entry] : [],
                    LedgerKeys = [grant.IdempotencyKey],
                    Figures = new Dictionary<string, string>
                    {
                        ["plan"] = grant.PlanId ?? "?", ["credits"] = grant.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["period_start"] = grant.PeriodStart.ToString("O"), ["grant_id"] = grant.Id.ToString(),
                        ["grace"] = options.Value.AllowanceInvoiceGrace.ToString(),
                    },
                },
            });
        }
    }

    async Task<List<PeriodInvoice>> CustomerInvoicesAsync(string stripeCustomerId, DateTimeOffset periodStart, CancellationToken ct)
    {
        var listed = await stripe.ReadAsync("list customer invoices", async (c, o, t) =>
        {
            var found = new List<PeriodInvoice>();
            var list = new InvoiceListOptions
            {
                Customer = stripeCustomerId, Limit = 100,
                Created = new DateRangeOptions { GreaterThanOrEqual = (periodStart - TimeSpan.FromDays(40)).UtcDateTime },
            };
            await foreach (var invoice in c.V1.Invoices.ListAutoPagingAsync(list, o, t))
                if (InvoiceBillingReasons.OpensPeriod(invoice.BillingReason)) found.Add(new PeriodInvoice(invoice));
            return found;
        }, ct);
        return listed.GetValueOrThrow();
    }

    async Task<Dictionary<string, StripeCustomerLink>> LinksAsync(string[] stripeCustomerIds, CancellationToken ct)
    {
        var links = await Db.Set<StripeCustomerLink>().AsNoTracking().Where(l => stripeCustomerIds.Contains(l.StripeCustomerId)).ToListAsync(ct);
        return links.GroupBy(l => l.StripeCustomerId).ToDictionary(g => g.Key, g => g.First());
    }

    /// <summary>The periods' allowance grants: those recorded in the window, and every one of the customers whose invoices are checked.</summary>
    async Task<List<AllowanceGrant>> GrantsAsync(AuditWindow window, string[] invoiceCustomers, CancellationToken ct)
    {
        var rows = await Db.Database.SqlQuery<AllowanceGrantRow>($"""
            SELECT g.id AS "Id", g.customer_id AS "CustomerId", g.period_start AS "PeriodStart", g.amount AS "Amount",
                   g.idempotency_key AS "IdempotencyKey", g.created_at AS "CreatedAt", e.id AS "EntryId", e.note AS "Note"
            FROM ledger_grants g
            LEFT JOIN ledger_entries e ON e.key_hash = md5(g.idempotency_key)::uuid AND e.idempotency_key = g.idempotency_key
                AND e.grant_id = g.id AND e.kind = 'Grant'
            WHERE g.source = 'PlanAllowance' AND g.period_start IS NOT NULL
              AND ((g.created_at >= {window.From} AND g.created_at < {window.To}) OR g.customer_id = ANY({invoiceCustomers}))
            """).ToListAsync(ct);
        // A grant of a month that has left the hot table has its entry, and the plan in its note, in the archive.
        var archived = await new PurchaseBooks(database).GrantEntriesAsync(
            [.. rows.Where(r => r.EntryId is null).Select(r => (r.CustomerId, r.IdempotencyKey, r.Id))], ct);
        foreach (var row in rows.Where(r => r.EntryId is null))
            if (archived.TryGetValue(row.Id, out var entry)) (row.EntryId, row.Note) = (entry.EntryId, entry.Note);
        return rows.Where(r => !AllowanceKeys.IsPlanChange(r.IdempotencyKey))
            .Select(r => new AllowanceGrant(r.Id, r.CustomerId, r.PeriodStart!.Value, r.Amount, r.IdempotencyKey, r.CreatedAt, r.EntryId,
                PeriodNotes.PlanOf(r.Note)))
            .ToList();
    }

    static Dictionary<string, string> Figures(Invoice invoice, PeriodInvoice paid, PlanPrice? plan) => new()
    {
        ["billing_reason"] = invoice.BillingReason ?? "", ["amount_paid"] = invoice.AmountPaid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["currency"] = invoice.Currency ?? "", ["period_start"] = paid.PeriodStart.ToString("O"), ["period_end"] = paid.PeriodEnd.ToString("O"),
        ["plan"] = plan?.Id ?? "?",
    };

    /// <summary>Stripe's times are whole seconds; the ledger keeps what it was given. Periods are matched to the second.</summary>
    static long Second(DateTimeOffset t) => t.ToUnixTimeSeconds();

    sealed class PeriodInvoice(Invoice invoice)
    {
        public Invoice Invoice { get; } = invoice;
        public DateTimeOffset Created { get; } = StripeTime.Utc(invoice.Created);
        public DateTimeOffset PeriodStart { get; } = StripeEventTranslator.ServicePeriod(invoice).Start;
        public DateTimeOffset PeriodEnd { get; } = StripeEventTranslator.ServicePeriod(invoice).End;
    }

    sealed record AllowanceGrant(Guid Id, string CustomerId, DateTimeOffset PeriodStart, long Amount, string IdempotencyKey,
        DateTimeOffset CreatedAt, long? EntryId, string? PlanId);

    sealed class AllowanceGrantRow
    {
        public Guid Id { get; set; }
        public string CustomerId { get; set; } = "";
        public DateTimeOffset? PeriodStart { get; set; }
        public long Amount { get; set; }
        public string IdempotencyKey { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public long? EntryId { get; set; }
        public string? Note { get; set; }
    }
}
