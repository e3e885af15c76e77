using Microsoft.AspNetCore.Http.HttpResults;
using Credits.Ledger.Results;

namespace Credits.Gateway.Balances;

/// <summary>How a ledger outcome that did not apply is told over HTTP: RFC 7807 problem details.</summary>
public static class LedgerResults
{
    public static ProblemHttpResult Problem(LedgerResult result) => result.Outcome switch
    {
        LedgerOutcome.UnknownCustomer => TypedResults.Problem(statusCode: 404, title: "Unknown customer",
            detail: $"Customer '{result.CustomerId}' has no credit account."),
        LedgerOutcome.NotFound => TypedResults.Problem(statusCode: 404, title: "Not found", detail: result.Reason),
        LedgerOutcome.Conflict => TypedResults.Problem(statusCode: 409, title: "Idempotency key reused",
            detail: result.Reason ?? $"The key '{result.IdempotencyKey}' was used before with different content."),
        LedgerOutcome.Refused => TypedResults.Problem(statusCode: 409, title: "Refused", detail: result.Reason),
        _ => TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: result.Reason),
    };
}
