using Credits.Gateway.Authentication;
using Credits.Gateway.Customers;

namespace Credits.Gateway.Billing;

/// <summary>GET /v1/customers/{id}/invoices: the customer's invoices and top-up receipts, read from Stripe.</summary>
public static class InvoicesApi
{
    public static RouteGroupBuilder MapInvoicesApiV1(this RouteGroupBuilder v1)
    {
        v1.MapGroup("/customers/{customerId}").WithTags("Invoices").MapGet("/invoices", List).RequireScope(ApiScopes.Read)
            .WithSummary("The customer's invoices and top-up receipts with Stripe's hosted links, newest first (?limit=, default 24, at most 100)")
            .WithDescription("Read from Stripe at each request: finalized subscription invoices (paid, open, void, uncollectible; drafts are " +
                "not shown) and the receipts of paid credit purchases. 503 with Retry-After when Stripe cannot be reached.")
            .ProducesInvoiceList();
        return v1;
    }

    static Task<IResult> List(string customerId, int? limit, CustomerQueries customers, InvoiceQueries invoices,
        ILoggerFactory logs, CancellationToken ct) =>
        InvoiceLists.AnswerAsync(customerId, limit, customers, invoices, logs.CreateLogger(typeof(InvoicesApi)), ct);
}
