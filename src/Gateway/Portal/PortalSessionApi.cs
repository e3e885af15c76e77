using Credits.Gateway.Authentication;
using Credits.Gateway.Balances;
using Credits.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Portal;

/// <summary>
/// POST /v1/customers/{id}/portal-sessions (API key): the app's back end asks for a link and redirects its
/// signed-in customer there, as with Stripe's billing portal sessions. The link carries a short-lived token
/// for that customer only.
/// </summary>
public static class PortalSessionApi
{
    public record PortalSession(string Url, DateTimeOffset ExpiresAt);

    public static RouteGroupBuilder MapPortalSessionApiV1(this RouteGroupBuilder v1)
    {
        v1.MapPost("/customers/{customerId}/portal-sessions", Create).WithTags("Portal").RequireScope(ApiScopes.Admin)
            .WithSummary("A link to the customer portal for one customer, valid for Portal:SessionLifetime (default 1 hour)");
        return v1;
    }

    static async Task<Results<Ok<PortalSession>, ProblemHttpResult>> Create(string customerId, HttpRequest request,
        CreditLedger ledger, PortalTokens tokens, IOptionsMonitor<PortalOptions> options, CancellationToken ct)
    {
        if (!options.CurrentValue.Enabled)
            return TypedResults.Problem(statusCode: 503, title: "Portal not configured",
                detail: "Set Portal:SigningKey (environment variable Portal__SigningKey) to enable the customer portal.");
        if (await ledger.GetBalanceAsync(customerId, ct) is null) return BalanceApi.UnknownCustomer(customerId);

        var minted = tokens.Mint(customerId);
        var baseUrl = options.CurrentValue.PublicUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}";
        var url = $"{baseUrl}/portal?token={Uri.EscapeDataString(minted.Token)}";
        return TypedResults.Ok(new PortalSession(url, minted.ExpiresAt));
    }
}
