using System.Security.Claims;
using Credits.Gateway.Customers;
using Credits.Gateway.RateLimits;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Portal;

/// <summary>
/// /portal/api changes: plan change, credit purchase, auto top-up, spending limit (spend cap). The same CustomerCommands as /v1, for the
/// customer the token names; a refusal is the same problem details the API gives. Progress is read back from
/// /portal/api/operations.
/// </summary>
public static class PortalCommandsApi
{
    /// <summary>How long a purchase request waits for Stripe's Checkout URL before answering without it (the page then polls).</summary>
    static readonly TimeSpan CheckoutWait = TimeSpan.FromSeconds(10);

    public record PlanChangeRequest(string? PlanId);
    public record PlanChangeStarted(Guid OperationId, string PlanId, bool Repeated);
    // Named apart from /v1's requests: OpenAPI names a schema by its type's name, and the portal's take fewer fields.
    public record PortalPurchaseRequest(string? PackId);
    public record PurchaseStarted(Guid PurchaseId, string Status, string? CheckoutUrl, string? Error, bool Repeated);
    public record PortalAutoTopUpRequest(bool Enabled, long Threshold, string? PackId, long? MonthlyCap = null);
    public record PortalSpendCapRequest(long? Credits = null, long? Amount = null, string? Currency = null);

    public static RouteGroupBuilder MapPortalCommandsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/plan-changes", ChangePlan).WithSummary("Change plan (upgrade now, downgrade at the period end); Idempotency-Key recommended")
            .LimitedPerCustomer();
        api.MapPost("/top-ups", BuyCredits).WithSummary("Buy a credit pack through Stripe Checkout; answers with the checkout URL; Idempotency-Key required")
            .LimitedPerCustomer();
        api.MapPut("/auto-top-up", ConfigureAutoTopUp).WithSummary("Buy a pack on the saved card when the balance falls to a threshold")
            .LimitedPerCustomer();
        api.MapPut("/spend-cap", SetSpendCap).WithSummary("Limit this period's overage, in credits or as an amount of the plan's currency")
            .LimitedPerCustomer();
        api.MapDelete("/spend-cap", RemoveSpendCap).WithSummary("Remove the spending limit").LimitedPerCustomer();
        return api;
    }

    static async Task<IResult> ChangePlan(PlanChangeRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.ChangePlanAsync(PortalTokenAuthenticationHandler.Customer(user), request.PlanId, idempotencyKey, ct);
        return result.Value is { } accepted
            ? TypedResults.Accepted($"/portal/api/operations/{accepted.OperationId}", new PlanChangeStarted(accepted.OperationId, accepted.PlanId, accepted.Repeated))
            : RefusalResults.Problem(result.Refusal!);
    }

    static async Task<IResult> BuyCredits(PortalPurchaseRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.PurchaseCreditsAsync(PortalTokenAuthenticationHandler.Customer(user), request.PackId, useSavedCard: false,
            idempotencyKey, CheckoutWait, ct);
        return result.Value is { } p
            ? TypedResults.Accepted($"/portal/api/operations/{p.PurchaseId}", new PurchaseStarted(p.PurchaseId, p.Status, p.CheckoutUrl, p.Error, p.Repeated))
            : RefusalResults.Problem(result.Refusal!);
    }

    static async Task<IResult> ConfigureAutoTopUp(PortalAutoTopUpRequest request, ClaimsPrincipal user, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.ConfigureAutoTopUpAsync(PortalTokenAuthenticationHandler.Customer(user), request.Enabled, request.Threshold,
            request.PackId, request.MonthlyCap, ct);
        return result.Value is { } configured ? TypedResults.Ok(configured) : RefusalResults.Problem(result.Refusal!);
    }

    static async Task<IResult> SetSpendCap(PortalSpendCapRequest request, ClaimsPrincipal user, SpendCaps.SpendCapCommands caps, CancellationToken ct)
    {
        var result = await caps.SetAsync(PortalTokenAuthenticationHandler.Customer(user), request.Credits, request.Amount, request.Currency, ct);
        return result.Value is { } view ? TypedResults.Ok(view) : RefusalResults.Problem(result.Refusal!);
    }

    static async Task<IResult> RemoveSpendCap(ClaimsPrincipal user, SpendCaps.SpendCapCommands caps, CancellationToken ct)
    {
        var result = await caps.RemoveAsync(PortalTokenAuthenticationHandler.Customer(user), ct);
        return result.Value is { } view ? TypedResults.Ok(view) : RefusalResults.Problem(result.Refusal!);
    }
}
