using Credits.Gateway.Authentication;
using Credits.Gateway.Customers;
using Credits.Gateway.RateLimits;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.TopUps;

/// <summary>
/// Buying credits: POST /v1/customers/{id}/top-ups (PurchaseCredits, Idempotency-Key required) and the auto top-up
/// policy, PUT/GET /v1/customers/{id}/auto-top-up (ConfigureAutoTopUp).
/// </summary>
public static class TopUpsApi
{
    /// <summary>How long POST top-ups waits for Stripe's Checkout URL before answering 202 without it.</summary>
    public static readonly TimeSpan CheckoutWait = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapTopUpsApiV1(this RouteGroupBuilder v1)
    {
        var customer = v1.MapGroup("/customers/{customerId}").WithTags("Top-ups");
        customer.MapPost("/top-ups", Purchase).RequireScope(ApiScopes.Admin)
            .WithSummary("Buy a credit pack through Stripe Checkout or on the saved card")
            .WithDescription("Needs an Idempotency-Key header: the same key returns the same purchase and publishes nothing. " +
                "201 with checkoutUrl once Stripe has the session (waits up to 5 s), else 202; follow at /v1/operations/{purchaseId}. " +
                "Publishes PurchaseCredits.")
            .Produces<PurchaseResponse>(StatusCodes.Status201Created).Produces<PurchaseResponse>(StatusCodes.Status202Accepted)
            .ProducesRefusals().LimitedPerCustomer();
        customer.MapPut("/auto-top-up", ConfigureAutoTopUp).RequireScope(ApiScopes.Admin)
            .WithSummary("Set the auto top-up: buy packId on the saved card when the balance falls to threshold or below")
            .WithDescription("Publishes ConfigureAutoTopUp; the last setting wins. 202: the policy applies once the saga has it (GET shows it).")
            .Produces<AutoTopUpConfigured>(StatusCodes.Status202Accepted).ProducesRefusals().LimitedPerCustomer();
        customer.MapGet("/auto-top-up", GetAutoTopUp).RequireScope(ApiScopes.Read)
            .WithSummary("The customer's auto top-up policy, the purchase it has in flight, this month's count against its cap, and whether failures stopped it")
            .Produces<AutoTopUpView>().ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    public record PurchaseRequest(string? PackId, bool UseSavedCard = false);
    public record PurchaseResponse(Guid PurchaseId, string Status, string? SagaState, string? CheckoutUrl, string? Error, bool Repeated);
    /// <summary><see cref="MonthlyCap"/>: the most auto top-up may start per calendar month (UTC), minor units of the pack's currency; null: the default.</summary>
    public record AutoTopUpRequest(bool Enabled, long Threshold, string? PackId, long? MonthlyCap = null);

    static async Task<IResult> Purchase(string customerId, PurchaseRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.PurchaseCreditsAsync(customerId, request.PackId, request.UseSavedCard, idempotencyKey, CheckoutWait, ct);
        if (result.Refusal is { } refusal) return RefusalResults.Problem(refusal);
        var p = result.Value!;
        var location = $"/v1/operations/{p.PurchaseId}";
        var body = new PurchaseResponse(p.PurchaseId, p.Status, p.SagaState, p.CheckoutUrl, p.Error, p.Repeated);
        return p.CheckoutUrl is not null ? TypedResults.Created(location, body) : TypedResults.Accepted(location, body);
    }

    static async Task<IResult> ConfigureAutoTopUp(string customerId, AutoTopUpRequest request, CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.ConfigureAutoTopUpAsync(customerId, request.Enabled, request.Threshold, request.PackId, request.MonthlyCap, ct);
        return result.Refusal is { } refusal
            ? RefusalResults.Problem(refusal)
            : TypedResults.Accepted($"/v1/customers/{Uri.EscapeDataString(customerId)}/auto-top-up", result.Value);
    }

    static async Task<IResult> GetAutoTopUp(string customerId, CustomerQueries queries, CancellationToken ct) =>
        await queries.GetAutoTopUpAsync(customerId, ct) is { } policy
            ? TypedResults.Ok(policy)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No auto top-up",
                detail: $"Customer '{customerId}' has no auto top-up policy.");
}
