using Credits.Gateway.Authentication;
using Credits.Ledger;
using Credits.Ledger.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Balances;

/// <summary>A customer's credits as the ledger has them now: balance, entries, entitlement, live stream.</summary>
public static class BalanceApi
{
    public static RouteGroupBuilder MapBalanceApiV1(this RouteGroupBuilder v1)
    {
        var customers = v1.MapGroup("/customers/{customerId}").WithTags("Balances").RequireScope(ApiScopes.Read);
        customers.MapGet("/balance", GetBalance)
            .WithSummary("Available credits, by source, held, overage this period and the period end");
        customers.MapGet("/ledger", GetEntries)
            .WithSummary("Ledger entries, newest first, paged with ?before=<entry id>&limit=");
        customers.MapGet("/entitlement", CheckEntitlement)
            .WithSummary("May the customer spend N credits now? ?credits=N, and &memberId= for a member of a shared balance");
        customers.MapGet("/balance/stream", BalanceStream.Stream)
            .WithSummary("Server-sent events: the balance now, then after every change");
        return v1;
    }

    static async Task<Results<Ok<CreditBalance>, ProblemHttpResult>> GetBalance(string customerId, CreditLedger ledger, CancellationToken ct) =>
        await ledger.GetBalanceAsync(customerId, ct) is { } balance ? TypedResults.Ok(balance) : UnknownCustomer(customerId);

    static async Task<Results<Ok<EntryPage>, ProblemHttpResult>> GetEntries(string customerId, long? before, int? limit,
        CreditLedger ledger, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
            return TypedResults.Problem(statusCode: 400, title: "Invalid limit", detail: "limit must be between 1 and 1000.");
        if (await ledger.GetBalanceAsync(customerId, ct) is null) return UnknownCustomer(customerId);
        return TypedResults.Ok(await ledger.GetEntriesAsync(customerId, before, limit ?? 100, ct));
    }

    static async Task<Results<Ok<Entitlement>, ProblemHttpResult>> CheckEntitlement(string customerId, long credits, string? memberId,
        CreditLedger ledger, CancellationToken ct)
    {
        if (credits is <= 0 or > LedgerLimits.MaxCredits)
            return TypedResults.Problem(statusCode: 400, title: "Invalid credits", detail: $"credits must be between 1 and {LedgerLimits.MaxCredits}.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["credits"] = ["credits out of range"] } });
        if (LedgerLimits.CheckMemberId(memberId) is { } memberProblem)
            return TypedResults.Problem(statusCode: 400, title: "Invalid memberId", detail: memberProblem + ".");
        var check = memberId is null ? ledger.CheckEntitlementAsync(customerId, credits, ct) : ledger.CheckMemberEntitlementAsync(customerId, credits, memberId, ct);
        return await check is { } entitlement
            ? TypedResults.Ok(entitlement)
            : UnknownCustomer(customerId);
    }

    public static ProblemHttpResult UnknownCustomer(string customerId) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown customer", detail: $"Customer '{customerId}' has no credit account.");
}
