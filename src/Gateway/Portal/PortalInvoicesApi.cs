using System.Security.Claims;
using Credits.Gateway.Billing;
using Credits.Gateway.Customers;

namespace Credits.Gateway.Portal;

/// <summary>/portal/api/invoices: the invoices and receipts of the customer the token names (never another's).</summary>
public static class PortalInvoicesApi
{
    public static RouteGroupBuilder MapPortalInvoicesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/invoices", List)
            .WithSummary("Invoices and top-up receipts with Stripe's hosted links, newest first (?limit=, default 24, at most 100)")
            .ProducesInvoiceList();
        return api;
    }

    static Task<IResult> List(int? limit, ClaimsPrincipal user, CustomerQueries customers, InvoiceQueries invoices,
        ILoggerFactory logs, CancellationToken ct) =>
        InvoiceLists.AnswerAsync(PortalTokenAuthenticationHandler.Customer(user), limit, customers, invoices,
            logs.CreateLogger(typeof(PortalInvoicesApi)), ct);
}
