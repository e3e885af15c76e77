using System.Security.Claims;
using Credits.Billing.Audit;
using Credits.Gateway.Authentication;
using Credits.Gateway.Customers;
using Credits.Gateway.Problems;
using Credits.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Console;

/// <summary>
/// /console/api: what an operator does (grant or revoke credits, resolve an audit difference, run the audit) and what
/// they look at to decide (one customer's full page, the audit's differences and runs, the operator log). Operator
/// scope only: the app's admin key cannot move credits by hand. Every action writes one row of the append-only
/// operator log (who, when, why) in the action's own transaction; docs/audit/operators.md.
/// </summary>
public static class OperatorActionsApi
{
    public static RouteGroupBuilder MapOperatorActions(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers/{customerId}").RequireScope(ApiScopes.Operator).AddEndpointFilter<CustomerIdFilter>();
        customers.MapGet("/", GetCustomer)
            .WithSummary("One customer's full page: ledger (balance, grants, entries paged with ?before=&limit=), sagas, Stripe ids, audit differences, operator actions")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapGet("/archive/{firstEntryId:long}", GetArchivedChunk)
            .WithSummary("One archived chunk of the customer's entries as gzipped CSV (docs/ledger-archive.md); the CSV's SHA-256 in X-Content-SHA256")
            .Produces(StatusCodes.Status200OK, contentType: "application/gzip").ProducesProblem(StatusCodes.Status404NotFound);
        customers.MapPost("/grants", Grant)
            .WithSummary("Grant credits by hand (goodwill, promo or correction), with the operator's name and reason; Idempotency-Key required")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        customers.MapPost("/revocations", Revoke)
            .WithSummary("Take back up to N unspent credits (never below zero), with the operator's name and reason; Idempotency-Key required")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var audit = api.MapGroup("/audit").RequireScope(ApiScopes.Operator);
        audit.MapGet("/differences", GetDifferences)
            .WithSummary("Money audit differences, newest first; ?status=open|repaired|repair_failed|resolved|cleared&limit=")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        audit.MapPost("/differences/{id:guid}/resolve", Resolve)
            .WithSummary("Resolve an audit difference once, with what was done, the operator's name and reason")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        audit.MapPost("/runs", RunAudit)
            .WithSummary("Run the money audit now over ?from..to (default: the configured lookback); the Orchestrator runs it")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        audit.MapGet("/runs", GetRuns).WithSummary("Money audit runs, newest first, with what each found")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        audit.MapGet("/runs/{id:guid}", GetRun).WithSummary("One money audit run").ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/operator-actions", GetOperatorActions).RequireScope(ApiScopes.Operator).AddEndpointFilter<CustomerIdFilter>()
            .WithSummary("The append-only operator action log, newest first; ?customerId=&limit=")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    static async Task<Results<Ok<ConsoleCustomerPage>, ProblemHttpResult>> GetCustomer(string customerId, long? before, int? limit,
        CustomerPageQuery page, CancellationToken ct)
    {
        if (CheckLimit(limit) is { } bad) return bad;
        return await page.PageAsync(customerId, before, limit ?? 50, ct) is { } found
            ? TypedResults.Ok(found)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown customer", detail: $"Credits knows no customer '{customerId}'.");
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetArchivedChunk(string customerId, long firstEntryId,
        CustomerPageQuery page, HttpContext http, CancellationToken ct)
    {
        if (await page.ArchivedChunkAsync(customerId, firstEntryId, ct) is not { } chunk)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown archived chunk",
                detail: $"Customer '{customerId}' has no archived chunk starting at entry {firstEntryId}.");
        http.Response.Headers["X-Content-SHA256"] = Convert.ToHexStringLower(chunk.Sha256);
        return TypedResults.File(chunk.Content, "application/gzip", $"{customerId}-{chunk.Month:yyyy-MM}-{firstEntryId}.csv.gz");
    }

    static async Task<Results<Created<CreditAdjustment>, Ok<CreditAdjustment>, ProblemHttpResult>> Grant(string customerId,
        GrantCreditsRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user,
        CreditAdjustments adjustments, TimeProvider clock, CancellationToken ct)
    {
        if ((CheckKey(idempotencyKey) ?? CheckCategory(request.Category) ?? OperatorFields.Check(request.Operator, request.Reason)) is { } bad) return bad;
        if (request.ExpiresAt is { } expiresAt && expiresAt <= clock.GetUtcNow())
            return OperatorFields.Invalid("expiresAt", "expiresAt must be in the future (leave it out for credits that never lapse).");
        return await adjustments.GrantAsync(customerId, request, idempotencyKey!, OperatorFields.Actor(request.Operator!, user), ct);
    }

    static async Task<Results<Created<CreditAdjustment>, Ok<CreditAdjustment>, ProblemHttpResult>> Revoke(string customerId,
        RevokeCreditsRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user,
        CreditAdjustments adjustments, CancellationToken ct)
    {
        if ((CheckKey(idempotencyKey) ?? CheckCategory(request.Category) ?? OperatorFields.Check(request.Operator, request.Reason)) is { } bad) return bad;
        return await adjustments.RevokeAsync(customerId, request, idempotencyKey!, OperatorFields.Actor(request.Operator!, user), ct);
    }

    static async Task<Results<Ok<List<ConsoleAuditDifference>>, ProblemHttpResult>> GetDifferences(string? status, int? limit,
        AuditQueries queries, CancellationToken ct)
    {
        if (CheckLimit(limit) is { } bad) return bad;
        if (status is not null && !AuditDifferenceStatus.All.Contains(status))
            return OperatorFields.Invalid("status", $"status must be one of {string.Join(", ", AuditDifferenceStatus.All)}.");
        return TypedResults.Ok(await queries.DifferencesAsync(status, null, limit ?? 200, ct));
    }

    static async Task<Results<Ok<ConsoleAuditDifference>, ProblemHttpResult>> Resolve(Guid id, ResolveDifferenceRequest request,
        ClaimsPrincipal user, AuditActions actions, CancellationToken ct)
    {
        if ((OperatorFields.Text("resolution", request.Resolution, OperatorFields.MaxReasonLength)
             ?? OperatorFields.Check(request.Operator, request.Reason)) is { } bad) return bad;
        return await actions.ResolveAsync(id, request, OperatorFields.Actor(request.Operator!, user), ct);
    }

    static async Task<Results<Accepted<ConsoleAuditRun>, ProblemHttpResult>> RunAudit(RunAuditRequest request, ClaimsPrincipal user,
        AuditActions actions, CancellationToken ct)
    {
        if (OperatorFields.Check(request.Operator, request.Reason) is { } bad) return bad;
        return await actions.QueueRunAsync(request, OperatorFields.Actor(request.Operator!, user), ct);
    }

    static async Task<Results<Ok<List<ConsoleAuditRun>>, ProblemHttpResult>> GetRuns(int? limit, AuditQueries queries, CancellationToken ct) =>
        CheckLimit(limit) is { } bad ? bad : TypedResults.Ok(await queries.RunsAsync(limit ?? 50, ct));

    static async Task<Results<Ok<ConsoleAuditRun>, ProblemHttpResult>> GetRun(Guid id, AuditQueries queries, CancellationToken ct) =>
        await queries.RunAsync(id, ct) is { } run
            ? TypedResults.Ok(run)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown audit run", detail: $"There is no audit run '{id}'.");

    static async Task<Results<Ok<List<ConsoleOperatorAction>>, ProblemHttpResult>> GetOperatorActions(string? customerId, int? limit,
        AuditQueries queries, CancellationToken ct) =>
        CheckLimit(limit) is { } bad ? bad : TypedResults.Ok(await queries.OperatorActionsAsync(customerId, limit ?? 200, ct));

    static ProblemHttpResult? CheckLimit(int? limit) =>
        limit is < 1 or > 1000 ? OperatorFields.Invalid("limit", "limit must be between 1 and 1000.") : null;

    static ProblemHttpResult? CheckCategory(string? category) =>
        category is null || !CreditAdjustmentCategories.All.Contains(category)
            ? OperatorFields.Invalid("category", $"category must be one of {string.Join(", ", CreditAdjustmentCategories.All)}.")
            : null;

    /// <summary>Required: a retried grant or revocation must never move credits twice.</summary>
    static ProblemHttpResult? CheckKey(string? key) =>
        string.IsNullOrWhiteSpace(key) || key.Length > CustomerIds.MaxIdempotencyKeyLength || LedgerLimits.HasControlCharacters(key)
            ? OperatorFields.Invalid("Idempotency-Key",
                $"Send an Idempotency-Key header of 1 to {CustomerIds.MaxIdempotencyKeyLength} characters, so that a retry never moves credits twice.")
            : null;
}
