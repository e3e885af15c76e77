using Credits.Gateway.Authentication;
using Credits.Gateway.Customers;
using Credits.Gateway.RateLimits;
using Microsoft.AspNetCore.Mvc;

namespace Credits.Gateway.Cards;

/// <summary>
/// Adding or replacing a customer's card: POST /v1/customers/{id}/card (SetUpCard). The card is given on Stripe's
/// Checkout page in setup mode, never to Credits; the answer carries that page's URL.
/// </summary>
public static class CardsApi
{
    /// <summary>How long POST card waits for Stripe's Checkout URL before answering without it (then follow the operation).</summary>
    public static readonly TimeSpan CheckoutWait = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapCardsApiV1(this RouteGroupBuilder v1)
    {
        var customer = v1.MapGroup("/customers/{customerId}").WithTags("Cards");
        customer.MapPost("/card", SetUpCard).RequireScope(ApiScopes.Admin)
            .WithSummary("Add or replace the customer's card through Stripe Checkout (setup mode)")
            .WithDescription("202 with checkoutUrl once Stripe has the session (waits up to 5 s); send the customer there. Once the card is saved " +
                "it is the Stripe customer's and the subscription's default payment method (CardSaved). With an Idempotency-Key header a retry " +
                "returns the same setup and publishes nothing. Follow at /v1/operations/{setupId}. Publishes SetUpCard.")
            .Produces<CardSetupResponse>(StatusCodes.Status202Accepted).ProducesRefusals().LimitedPerCustomer();
        return v1;
    }

    public record CardSetupResponse(Guid SetupId, string Status, string? SagaState, string? CheckoutUrl, string? Error, bool Repeated);

    static async Task<IResult> SetUpCard(string customerId, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        CustomerCommands commands, CancellationToken ct)
    {
        var result = await commands.SetUpCardAsync(customerId, idempotencyKey, CheckoutWait, ct);
        if (result.Refusal is { } refusal) return RefusalResults.Problem(refusal);
        var s = result.Value!;
        return TypedResults.Accepted($"/v1/operations/{s.SetupId}", new CardSetupResponse(s.SetupId, s.Status, s.SagaState, s.CheckoutUrl, s.Error, s.Repeated));
    }
}
