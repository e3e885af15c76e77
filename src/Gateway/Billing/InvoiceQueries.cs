using Credits.Billing.StripeAdapter;
using Credits.Contracts.TopUps;
using Credits.Persistence;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace Credits.Gateway.Billing;

/// <summary>
/// Reads a customer's invoices and top-up receipts from Stripe, the one place that has their numbers, amounts and
/// hosted pages (Credits stores none of them). Both lists are read newest first, page by page (limit/starting_after),
/// until <c>limit</c> items are found or <see cref="MaxPages"/> pages were read, the two in parallel. A failed read is
/// returned as Stripe's failure, not thrown: the caller answers 503 and the rest of the portal is not affected.
/// docs/lifecycle/invoices.md.
/// </summary>
public sealed class InvoiceQueries(StripeCalls stripe, CreditsDbContext db)
{
    public const int DefaultLimit = 24;
    public const int MaxLimit = 100;

    /// <summary>
    /// Pages read at most per list. Invoices are read in pages of <c>limit</c> (only drafts are skipped, rarely more than
    /// one); receipts in pages of 100, since they are found among all the customer's PaymentIntents (each paid invoice
    /// has one too): a long-lived customer's top-ups older than 500 payments are not shown.
    /// </summary>
    public const int MaxPages = 5;

    const int PaymentPageSize = 100;

    /// <summary>How long a person waits for Stripe (retries included) before the section says Stripe is unreachable.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    public async Task<StripeResult<CustomerInvoices>> ListAsync(string customerId, string? stripeCustomerId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (stripeCustomerId is null) return StripeResult<CustomerInvoices>.Ok(new(customerId, [], [], false, false)); // nothing billed yet

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReadTimeout);
        try
        {
            var invoicesRead = InvoicesAsync(stripeCustomerId, limit, timeout.Token);
            var paymentsRead = PurchasePaymentsAsync(stripeCustomerId, limit, timeout.Token);
            await Task.WhenAll(invoicesRead, paymentsRead);
            var (invoices, payments) = (invoicesRead.Result, paymentsRead.Result);
            if (invoices.Failure is { } f1) return StripeResult<CustomerInvoices>.Failed(f1);
            if (payments.Failure is { } f2) return StripeResult<CustomerInvoices>.Failed(f2);

            var receipts = await ReceiptsAsync(customerId, payments.Value!.Items, ct);
            return StripeResult<CustomerInvoices>.Ok(new(customerId,
                invoices.Value!.Items.Select(View).ToList(), receipts, invoices.Value.More, payments.Value.More));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return StripeResult<CustomerInvoices>.Failed(new StripeFailure(true, null, "timeout", null, null,
                $"Stripe did not answer within {ReadTimeout.TotalSeconds:0} s.", null));
        }
    }

    sealed record Found<T>(List<T> Items, bool More);

    /// <summary>The newest finalized invoices: Stripe's list has no "not draft" filter, so drafts are skipped here.</summary>
    Task<StripeResult<Found<Invoice>>> InvoicesAsync(string stripeCustomerId, int limit, CancellationToken ct) =>
        stripe.ReadAsync("list invoices", (c, o, t) => CollectAsync(limit, i => i.Status != "draft", i => i.Id,
            after => c.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = stripeCustomerId, Limit = limit, StartingAfter = after }, o, t)), ct);

    /// <summary>
    /// The newest succeeded PaymentIntents that pay a purchase (metadata purchase_id, set by the top-up saga on the
    /// Checkout session's and the saved-card charge's intent), with their charge expanded for its receipt_url.
    /// </summary>
    Task<StripeResult<Found<PaymentIntent>>> PurchasePaymentsAsync(string stripeCustomerId, int limit, CancellationToken ct) =>
        stripe.ReadAsync("list payment intents", (c, o, t) => CollectAsync(limit,
            p => p.Status == "succeeded" && PurchaseKeys.PurchaseOf(p.Metadata) is not null, p => p.Id,
            after => c.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions
            {
                Customer = stripeCustomerId, Limit = PaymentPageSize, StartingAfter = after, Expand = ["data.latest_charge"],
            }, o, t)), ct);

    static async Task<Found<T>> CollectAsync<T>(int limit, Func<T, bool> wanted, Func<T, string> id, Func<string?, Task<StripeList<T>>> page)
        where T : IStripeEntity
    {
        var found = new List<T>();
        string? after = null;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var list = await page(after);
            foreach (var item in list.Data.Where(wanted))
            {
                if (found.Count == limit) return new(found, true);
                found.Add(item);
            }
            if (!list.HasMore || list.Data.Count == 0) return new(found, false);
            after = id(list.Data[^1]);
        }
        return new(found, true); // the cap was reached: Stripe may hold older ones
    }

    /// <summary>The receipts, with the credits each purchase bought as its saga recorded them (this customer's only).</summary>
    async Task<List<ReceiptView>> ReceiptsAsync(string customerId, List<PaymentIntent> payments, CancellationToken ct)
    {
        var purchaseIds = payments.Select(p => PurchaseKeys.PurchaseOf(p.Metadata)!.Value).ToList();
        var credits = await db.Set<TopUpState>().AsNoTracking()
            .Where(t => purchaseIds.Contains(t.CorrelationId) && t.CustomerId == customerId)
            .ToDictionaryAsync(t => t.CorrelationId, t => t.Credits, ct);
        return payments.Select(p =>
        {
            var purchaseId = PurchaseKeys.PurchaseOf(p.Metadata)!.Value;
            var charge = p.LatestCharge;
            return new ReceiptView(purchaseId, p.Id, StripeTime.Utc(p.Created), credits.TryGetValue(purchaseId, out var c) ? c : null,
                p.AmountReceived, charge?.AmountRefunded ?? 0, p.Currency, p.LatestChargeId, charge?.ReceiptUrl);
        }).ToList();
    }

    /// <summary>
    /// Stripe's invoice.period_start/end look back one period on a subscription invoice ("Use the line item period to
    /// get the service period for each price", https://docs.stripe.com/api/invoices/object#invoice_object-period_start):
    /// the period shown is the span of the lines' periods, the invoice's own when it has no lines.
    /// </summary>
    static InvoiceView View(Invoice i)
    {
        var periods = i.Lines?.Data.Where(l => l.Period is not null).Select(l => l.Period).ToList() ?? [];
        var start = periods.Count > 0 ? periods.Min(p => p.Start) : i.PeriodStart;
        var end = periods.Count > 0 ? periods.Max(p => p.End) : i.PeriodEnd;
        return new InvoiceView(i.Id, i.Number, StripeTime.Utc(i.Created), StripeTime.Utc(start), StripeTime.Utc(end), i.Status, i.BillingReason, i.Total, i.AmountDue,
            i.AmountPaid, i.AmountRemaining, i.Currency, i.HostedInvoiceUrl, i.InvoicePdf);
    }
}
