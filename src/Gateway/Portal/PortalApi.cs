using Credits.Billing.Catalog;
using Credits.Gateway.Balances;
using Credits.Ledger;
using Credits.Ledger.Plans;
using Credits.Persistence;
using Credits.Sagas.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Security.Claims;

namespace Credits.Gateway.Portal;

/// <summary>
/// /portal/api: what the customer portal page reads, for the one customer its token names. The customer id
/// comes from the token only, so a token for one customer can never read another's account.
/// </summary>
public static class PortalApi
{
    public static RouteGroupBuilder MapPortalApi(this RouteGroupBuilder api)
    {
        api.MapGet("/account", GetAccount).WithSummary("Balance, credits by source with expiry, plans, packs and auto top-up");
        api.MapGet("/usage", GetUsage).WithSummary("Usage per day and by feature of the current period");
        api.MapGet("/ledger/export", (ClaimsPrincipal user, CreditLedger ledger, CancellationToken ct) =>
                UsageInsightApi.Export(PortalTokenAuthenticationHandler.Customer(user), null, null, ledger, ct))
            .WithSummary("The current period's ledger entries as CSV");
        api.MapGet("/operations", GetOperations).WithSummary("The latest plan changes and purchases with their progress");
        api.MapGet("/operations/{operationId:guid}", GetOperation).WithSummary("One plan change or purchase and its progress");
        api.MapGet("/plan-changes/preview", PreviewPlanChange).WithSummary("What changing to ?planId= charges now and at the period end");
        api.MapGet("/balance/stream", StreamBalance).WithSummary("Server-sent events: the balance now, then after every change (token may be ?access_token=)");
        return api;
    }

    static async Task<Results<Ok<PortalAccount>, ProblemHttpResult>> GetAccount(ClaimsPrincipal user, PortalQueries queries, CancellationToken ct)
    {
        var customerId = PortalTokenAuthenticationHandler.Customer(user);
        return await queries.AccountAsync(customerId, ct) is { } account ? TypedResults.Ok(account) : BalanceApi.UnknownCustomer(customerId);
    }

    static async Task<Results<Ok<PortalUsage>, ProblemHttpResult>> GetUsage(ClaimsPrincipal user, PortalQueries queries, CancellationToken ct)
    {
        var customerId = PortalTokenAuthenticationHandler.Customer(user);
        return await queries.UsageAsync(customerId, ct) is { } usage ? TypedResults.Ok(usage) : BalanceApi.UnknownCustomer(customerId);
    }

    static async Task<Ok<List<PortalOperation>>> GetOperations(ClaimsPrincipal user, PortalQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.OperationsAsync(PortalTokenAuthenticationHandler.Customer(user), 10, ct));

    static async Task<Results<Ok<PortalOperation>, ProblemHttpResult>> GetOperation(Guid operationId, ClaimsPrincipal user,
        PortalQueries queries, CancellationToken ct) =>
        await queries.OperationAsync(PortalTokenAuthenticationHandler.Customer(user), operationId, ct) is { } operation
            ? TypedResults.Ok(operation)
            : TypedResults.Problem(statusCode: 404, title: "Unknown operation", detail: $"No plan change or purchase '{operationId}' for this customer.");

    static async Task<Results<Ok<PlanChangePreview>, ProblemHttpResult>> PreviewPlanChange(string? planId, ClaimsPrincipal user,
        CreditLedger ledger, CreditsDbContext db, BillingCatalog prices, PlanCatalog plans, TimeProvider clock, CancellationToken ct)
    {
        var customerId = PortalTokenAuthenticationHandler.Customer(user);
        if (await ledger.GetBalanceAsync(customerId, ct) is not { } balance) return BalanceApi.UnknownCustomer(customerId);
        if (string.IsNullOrWhiteSpace(planId) || prices.Plan(planId) is not { } toPrice || !plans.Contains(planId))
            return TypedResults.Problem(statusCode: 400, title: "Unknown plan", detail: $"There is no plan '{planId}'.");
        if (planId == balance.PlanId)
            return TypedResults.Problem(statusCode: 400, title: "Same plan", detail: $"The customer is on '{planId}' already.");
        if (prices.Plan(balance.PlanId) is not { } fromPrice || !plans.Contains(balance.PlanId))
            return TypedResults.Problem(statusCode: 409, title: "Plan not in the catalog",
                detail: $"The current plan '{balance.PlanId}' is no longer offered; ask support to change it.");
        // The subscription's period when the customer has one (Stripe prorates over it), else the ledger's.
        var customer = await db.Set<CustomerLifecycleState>().AsNoTracking().SingleOrDefaultAsync(c => c.CustomerId == customerId, ct);
        var start = customer?.PeriodStart ?? balance.PeriodStart;
        var end = customer?.PeriodEnd ?? balance.PeriodEnd;
        return TypedResults.Ok(PlanChangePreview.Compute(fromPrice, plans.Get(balance.PlanId), toPrice, plans.Get(planId), start, end, clock.GetUtcNow()));
    }

    static Task StreamBalance(ClaimsPrincipal user, HttpContext http, BalanceChangeListener listener, IServiceScopeFactory scopes,
        IOptions<JsonOptions> json, TimeProvider clock, CancellationToken ct) =>
        BalanceStream.Stream(PortalTokenAuthenticationHandler.Customer(user), http, listener, scopes, json, clock, ct);
}
