using Credits.Billing.StripeAdapter;
using Credits.Gateway.Customers;
using Credits.Gateway.RateLimits;

namespace Credits.Gateway.Billing;

/// <summary>
/// One answer for both doors to the invoice list (/v1/customers/{id}/invoices and /portal/api/invoices): the limit
/// checked (400 problem), the customer found (404), Stripe read through <see cref="InvoiceQueries"/>, and Stripe's
/// failure told as 503 (unreachable, retry later) or 502 (Stripe refused the read), never a 500.
/// </summary>
public static class InvoiceLists
{
    public static async Task<IResult> AnswerAsync(string customerId, int? limit, CustomerQueries customers, InvoiceQueries invoices,
        ILogger logger, CancellationToken ct)
    {
        if (limit is < 1 or > InvoiceQueries.MaxLimit)
            return RefusalResults.Problem(Refusal.Invalid("limit", $"limit must be between 1 and {InvoiceQueries.MaxLimit}."));
        if (await customers.FindAsync(customerId, ct) is not { } customer) return RefusalResults.Problem(Refusal.UnknownCustomer(customerId));

        var read = await invoices.ListAsync(customer.CustomerId, customer.StripeCustomerId, limit ?? InvoiceQueries.DefaultLimit, ct);
        if (read.Value is { } found) return TypedResults.Ok(found);
        var failure = read.Failure!;
        // The failure's text is Stripe's (for operators, in the log); the caller gets a sentence of ours.
        logger.LogWarning("Invoices of {CustomerId} not read from Stripe: {Failure}", customerId, failure);
        return failure.Transient
            ? LimitProblems.Unavailable("Stripe unavailable",
                "Invoices and receipts are kept by Stripe, which cannot be reached just now. Try again shortly; the rest of the account is unaffected.",
                RetryAfter)
            : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the request",
                detail: "Stripe did not return the invoices and receipts. Operators can see why in the Gateway's log.");
    }

    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>The responses of the invoice list, for the OpenAPI document.</summary>
    public static RouteHandlerBuilder ProducesInvoiceList(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<CustomerInvoices>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
