using System.Security.Claims;
using Credits.Gateway.Authentication;
using Credits.Gateway.Balances;
using Credits.Gateway.Console;
using Credits.Gateway.Portal;
using Credits.Gateway.RateLimits;
using Credits.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Promotions;

/// <summary>
/// Promotion codes through each door: the app redeems for a customer (/v1, admin scope), the customer redeems in the
/// portal (its token names the customer), operators create and list codes (/console/api, operator scope).
/// Redemptions count against the customer's command budget, which also slows anyone guessing codes. docs/promotions.md.
/// </summary>
public static class PromotionsApi
{
    public static RouteGroupBuilder MapPromotionsApiV1(this RouteGroupBuilder v1)
    {
        v1.MapPost("/customers/{customerId}/promotions/redeem", Redeem).WithTags("Promotions").RequireScope(ApiScopes.Admin)
            .WithSummary("Redeem a promotion code for the customer: its credits are granted once per customer and code")
            .WithDescription("201 with the redemption; the same customer and code again answers 200 with the first redemption (\"repeated\": true) " +
                "and grants nothing. Refusals carry a reason: invalid-code (400), unknown-code (404), exhausted (409), expired, " +
                "not-yet-valid, other-plan (422). Publishes PromotionRedeemed.")
            .Produces<PromotionRedemptionView>(StatusCodes.Status201Created).Produces<PromotionRedemptionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .LimitedPerCustomer();
        v1.MapGet("/customers/{customerId}/promotions", ListRedeemed).WithTags("Promotions").RequireScope(ApiScopes.Read)
            .WithSummary("The promotion codes the customer redeemed, newest first (at most 200)")
            .Produces<List<RedeemedPromotion>>().ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    public static RouteGroupBuilder MapPortalPromotionsApi(this RouteGroupBuilder portal)
    {
        portal.MapPost("/promotions/redeem", RedeemInPortal).WithSummary("Redeem a promotion code (once per code)").LimitedPerCustomer();
        portal.MapGet("/promotions", ListInPortal).WithSummary("The codes this customer redeemed, newest first");
        return portal;
    }

    public static RouteGroupBuilder MapPromotionCodesConsoleApi(this RouteGroupBuilder console)
    {
        var promotions = console.MapGroup("/promotions").RequireScope(ApiScopes.Operator);
        promotions.MapPost("/", Create)
            .WithSummary("Create a promotion code (credits, expiry of its grants, window, overall limit, plan), with the operator's name and reason")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        promotions.MapGet("/", ListCodes).WithSummary("Promotion codes, newest first, with their redemption counts; ?limit=")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        promotions.MapGet("/{code}", Get).WithSummary("One promotion code").ProducesProblem(StatusCodes.Status404NotFound);
        return console;
    }

    static Task<Results<Created<PromotionRedemptionView>, Ok<PromotionRedemptionView>, ProblemHttpResult>> Redeem(string customerId,
        RedeemPromotionRequest request, PromotionRedemptions redemptions, CancellationToken ct) =>
        redemptions.RedeemAsync(customerId, request.Code, PromotionRedemptions.Api, ct);

    static Task<Results<Created<PromotionRedemptionView>, Ok<PromotionRedemptionView>, ProblemHttpResult>> RedeemInPortal(
        RedeemPromotionRequest request, ClaimsPrincipal user, PromotionRedemptions redemptions, CancellationToken ct) =>
        redemptions.RedeemAsync(PortalTokenAuthenticationHandler.Customer(user), request.Code, PromotionRedemptions.Portal, ct);

    static async Task<Results<Ok<List<RedeemedPromotion>>, ProblemHttpResult>> ListRedeemed(string customerId, CreditLedger ledger,
        PromotionRedemptions redemptions, CancellationToken ct) =>
        await ledger.GetBalanceAsync(customerId, ct) is null
            ? BalanceApi.UnknownCustomer(customerId)
            : TypedResults.Ok(await redemptions.ListAsync(customerId, 200, ct));

    static async Task<Ok<List<RedeemedPromotion>>> ListInPortal(ClaimsPrincipal user, PromotionRedemptions redemptions, CancellationToken ct) =>
        TypedResults.Ok(await redemptions.ListAsync(PortalTokenAuthenticationHandler.Customer(user), 50, ct));

    static async Task<Results<Created<PromotionCodeView>, ProblemHttpResult>> Create(CreatePromotionRequest request, ClaimsPrincipal user,
        PromotionCodes codes, CancellationToken ct) =>
        await codes.CreateAsync(request, user, ct);

    static async Task<Results<Ok<List<PromotionCodeView>>, ProblemHttpResult>> ListCodes(int? limit, PromotionCodes codes, CancellationToken ct) =>
        limit is < 1 or > 1000
            ? OperatorFields.Invalid("limit", "limit must be between 1 and 1000.")
            : TypedResults.Ok(await codes.ListAsync(limit ?? 200, ct));

    static async Task<Results<Ok<PromotionCodeView>, ProblemHttpResult>> Get(string code, PromotionCodes codes, CancellationToken ct) =>
        await codes.FindAsync(code, ct) is { } found
            ? TypedResults.Ok(found)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown promotion code", detail: "There is no such promotion code.");
}
