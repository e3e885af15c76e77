using System.Security.Claims;
using Credits.Gateway.Customers;
using Credits.Gateway.RateLimits;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Portal;

/// <summary>/portal/api/card: the portal's "Add card" / "Replace card" button. The same command as POST /v1/customers/{id}/card.</summary>
public static class PortalCardsApi
{
    static readonly TimeSpan CheckoutWait = TimeSpan.FromSeconds(10);

    public record CardSetupStarted(Guid SetupId, string Status, string? CheckoutUrl, string? Error, bool Repeated);

    public static RouteGroupBuilder MapPortalCardsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/card", SetUpCard).WithSummary("Add or replace the card through Stripe Checkout (setup mode); answers with the page's URL")
            .LimitedPerCustomer();
        return api;
    }

    static async Task<IResult> SetUpCard([FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user,
        CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.SetUpCardAsync(PortalTokenAuthenticationHandler.Customer(user), idempotencyKey, CheckoutWait, ct);
        return result.Value is { } s
            ? TypedResults.Accepted($"/portal/api/operations/{s.SetupId}", new CardSetupStarted(s.SetupId, s.Status, s.CheckoutUrl, s.Error, s.Repeated))
            : RefusalResults.Problem(result.Refusal!);
    }
}
