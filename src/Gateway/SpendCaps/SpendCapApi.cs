using Credits.Gateway.Authentication;
using Credits.Gateway.Customers;
using Credits.Gateway.RateLimits;

namespace Credits.Gateway.SpendCaps;

/// <summary>
/// The spend cap, the most overage a period may bill (docs/spend-caps.md): PUT/GET/DELETE /v1/customers/{id}/spend-cap.
/// The app sets it with the admin scope, as it sets the auto top-up; the customer sets it in the portal.
/// </summary>
public static class SpendCapApi
{
    /// <summary>Either <see cref="Credits"/> (overage credits per period) or <see cref="Amount"/> in minor units of <see cref="Currency"/>.</summary>
    public record SpendCapRequest(long? Credits = null, long? Amount = null, string? Currency = null);

    public static RouteGroupBuilder MapSpendCapApiV1(this RouteGroupBuilder v1)
    {
        var customer = v1.MapGroup("/customers/{customerId}").WithTags("Spend caps");
        customer.MapPut("/spend-cap", Set).RequireScope(ApiScopes.Admin)
            .WithSummary("Cap this period's (and every period's) overage: in credits, or as an amount converted at the plan's overage price")
            .WithDescription("Body {\"credits\": N} or {\"amount\": minor units, \"currency\": \"usd\"} (rounded down to whole credits). " +
                "Takes effect at once; once a period's overage reaches the cap, usage beyond the available credits is written off and " +
                "SpendCapReached is published. SpendCapAlert at 50, 80 and 100 %.")
            .Produces<SpendCapView>().ProducesRefusals(conflict: false).LimitedPerCustomer();
        customer.MapGet("/spend-cap", Get).RequireScope(ApiScopes.Read)
            .WithSummary("The spend cap in credits and money, this period's overage against it, and whether it is reached")
            .Produces<SpendCapView>().ProducesProblem(StatusCodes.Status404NotFound);
        customer.MapDelete("/spend-cap", Remove).RequireScope(ApiScopes.Admin)
            .WithSummary("Remove the spend cap: overage is billed without a limit again, at once")
            .Produces<SpendCapView>().ProducesProblem(StatusCodes.Status404NotFound).LimitedPerCustomer();
        return v1;
    }

    static async Task<IResult> Set(string customerId, SpendCapRequest request, SpendCapCommands commands, CancellationToken ct) =>
        Answer(await commands.SetAsync(customerId, request.Credits, request.Amount, request.Currency, ct));

    static async Task<IResult> Get(string customerId, SpendCapCommands commands, CancellationToken ct) =>
        Answer(await commands.GetAsync(customerId, ct));

    static async Task<IResult> Remove(string customerId, SpendCapCommands commands, CancellationToken ct) =>
        Answer(await commands.RemoveAsync(customerId, ct));

    static IResult Answer(CommandResult<SpendCapView> result) =>
        result.Value is { } view ? TypedResults.Ok(view) : RefusalResults.Problem(result.Refusal!);
}
