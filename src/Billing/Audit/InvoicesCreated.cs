using Credits.Billing.StripeAdapter;
using global::Stripe;

namespace Credits.Billing.Audit;

/// <summary>
/// Every invoice created in a span, in pages of 100 with Stripe's <c>created</c> range
/// (https://docs.stripe.com/api/invoices/list#list_invoices-created): a window of 10,000 customers' renewals is about a
/// hundred calls, not one per customer. Stripe includes an invoice's first lines with it; the rest (rare: a plan has two
/// items) are read for the invoices that have more. Scoped to one audit run: the allowance and overage checks share one
/// listing of the run's window (from a day before it, where the allowances need their invoices).
/// </summary>
public sealed class InvoicesCreated(StripeCalls stripe)
{
    /// <summary>A renewal opens its period at the roll; a first invoice may be paid a while after it is created.</summary>
    public static readonly TimeSpan BeforeWindow = TimeSpan.FromDays(1);

    (AuditWindow Window, List<Invoice> Invoices)? _listed;

    /// <summary>The invoices created from <see cref="BeforeWindow"/> before the window's start to its end, listed once per run.</summary>
    public async Task<List<Invoice>> ForAsync(AuditWindow window, CancellationToken ct)
    {
        if (_listed is { } listed && listed.Window == window) return listed.Invoices;
        var invoices = await ListAsync(stripe, window.From - BeforeWindow, window.To, ct);
        _listed = (window, invoices);
        return invoices;
    }

    static async Task<List<Invoice>> ListAsync(StripeCalls stripe, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var options = new InvoiceListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = from.UtcDateTime, LessThan = to.UtcDateTime }, Limit = 100,
        };
        var invoices = (await stripe.ReadAllAsync("list invoices", (c, o, t) => c.V1.Invoices.ListAutoPagingAsync(options, o, t), ct))
            .GetValueOrThrow();
        foreach (var invoice in invoices.Where(i => i.Lines?.HasMore == true))
        {
            var lines = await stripe.ReadAllAsync("list invoice lines",
                (c, o, t) => c.V1.Invoices.LineItems.ListAutoPagingAsync(invoice.Id, new() { Limit = 100 }, o, t), ct);
            invoice.Lines = new StripeList<InvoiceLineItem> { Data = lines.GetValueOrThrow(), HasMore = false };
        }
        return invoices;
    }
}
