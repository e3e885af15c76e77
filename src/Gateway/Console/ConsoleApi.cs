using Credits.Gateway.Authentication;
using Credits.Gateway.Promotions;
using Credits.Gateway.WebhookEndpoints;
using Credits.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Console;

/// <summary>/console/api (an API key with the operator scope, never the app's): the operator console's reads.</summary>
public static class ConsoleApi
{
    public static RouteGroupBuilder MapConsoleApi(this RouteGroupBuilder api)
    {
        api.RequireScope(ApiScopes.Operator);
        api.MapGet("/customers", GetCustomers).WithSummary("Customers with balance, plan and subscription state; ?search=<id prefix>");
        api.MapGet("/sagas", GetSagas).WithSummary("Plan changes, top-ups and registrations in flight or failed, with steps and errors");
        api.MapGet("/dead-letters", GetDeadLetters).WithSummary("Usage messages in the error queues, with reasons (read without consuming)");
        api.MapOperatorActions();
        api.MapRedriveApi();
        api.MapPromotionCodesConsoleApi();
        api.MapWebhookDeliveriesConsoleApi();
        return api;
    }

    static async Task<Results<Ok<List<ConsoleCustomer>>, ProblemHttpResult>> GetCustomers(string? search, int? limit, ConsoleQueries queries,
        CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return TypedResults.Problem(statusCode: 400, title: "Invalid limit", detail: "limit must be between 1 and 1000.");
        // A prefix of a customer id: no longer than one, and nothing PostgreSQL's text cannot hold.
        if (search is { Length: > LedgerLimits.MaxCustomerIdLength } || LedgerLimits.HasControlCharacters(search))
            return TypedResults.Problem(statusCode: 400, title: "Invalid search",
                detail: $"search must be at most {LedgerLimits.MaxCustomerIdLength} characters, without control characters.");
        return TypedResults.Ok(await queries.CustomersAsync(search, limit ?? 200, ct));
    }

    static async Task<Ok<List<ConsoleSaga>>> GetSagas(ConsoleQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.SagasAsync(200, ct));

    static async Task<Ok<DeadLetterReport>> GetDeadLetters(DeadLetterQueues queues, CancellationToken ct) =>
        TypedResults.Ok(await queues.PeekAsync(ct));
}
