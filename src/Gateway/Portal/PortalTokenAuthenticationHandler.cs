using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Credits.Gateway.Balances;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Portal;

/// <summary>
/// Authenticates /portal/api with a portal token as <c>Authorization: Bearer</c>. EventSource cannot send
/// headers, so the balance stream alone also takes <c>?access_token=</c>. The principal carries only the
/// customer id the token was minted for: portal endpoints never take a customer id from the request.
/// </summary>
public sealed class PortalTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PortalTokens tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "PortalToken";
    public const string CustomerClaim = "customer_id";
    public const string StreamPath = "/portal/api/balance/stream";
    const string RefusalItem = "portal-token-refusal";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = null;
        string? header = Request.Headers.Authorization;
        if (header is { Length: > 0 } && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = header["Bearer ".Length..].Trim();
        else if (Request.Path.Equals(StreamPath, StringComparison.OrdinalIgnoreCase))
            token = Request.Query["access_token"];
        if (string.IsNullOrEmpty(token)) return Task.FromResult(AuthenticateResult.NoResult());

        var (customerId, expiresAt, refusal) = tokens.Verify(token);
        if (customerId is null)
        {
            Context.Items[RefusalItem] = refusal;
            return Task.FromResult(AuthenticateResult.Fail($"Portal token refused: {refusal}."));
        }
        // The expiry goes with the principal: what stays open on the token (the balance stream) ends with it.
        var identity = new ClaimsIdentity([new Claim(CustomerClaim, customerId),
            new Claim(BalanceStream.ExpiresClaim, expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var refusal = Context.Items[RefusalItem] as PortalTokens.Refusal?;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = refusal == PortalTokens.Refusal.Expired ? "Portal link expired" : "Unauthorized",
                Detail = refusal switch
                {
                    PortalTokens.Refusal.Expired => "This portal link has expired. Open the billing page again from the app for a new one.",
                    PortalTokens.Refusal.Disabled => "The customer portal is not configured on this server.",
                    null => "Send the portal token as 'Authorization: Bearer <token>'.",
                    _ => "This portal link is not valid. Open the billing page again from the app.",
                },
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
                Extensions = { ["reason"] = refusal?.ToString().ToLowerInvariant() ?? "missing" },
            },
        });
    }

    /// <summary>The customer the request's portal token was minted for.</summary>
    public static string Customer(ClaimsPrincipal user) =>
        user.FindFirstValue(CustomerClaim) ?? throw new InvalidOperationException("No portal customer on an authorized portal request.");
}
