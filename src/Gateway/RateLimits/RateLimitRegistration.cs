using System.Threading.RateLimiting;
using Credits.Gateway.Portal;
using Credits.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.RateLimits;

/// <summary>
/// ASP.NET Core's rate limiter with one policy, <see cref="CustomerCommands"/>: a fixed window per customer, the customer
/// named by the route (/v1/customers/{customerId}/...) or by the portal token (/portal/api/...), so both doors share one
/// budget. It runs after authentication and authorization: an unauthenticated request is refused before it counts.
/// In memory, per instance (docs/security/abuse.md); the limit on new purchases is counted in PostgreSQL instead
/// (CustomerCommands.PurchaseLimit.cs).
/// </summary>
public static class RateLimitRegistration
{
    public const string CustomerCommands = "customer-commands";

    public static WebApplicationBuilder AddCreditsRateLimits(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(CustomerCommands, http =>
            {
                var limit = Limit(http);
                return RateLimitPartition.GetFixedWindowLimiter(CustomerOf(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0, AutoReplenishment = true,
                });
            });
            o.OnRejected = (context, _) =>
            {
                var limit = Limit(context.HttpContext);
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limit.Window;
                return new ValueTask(LimitProblems.TooManyRequests("Too many requests",
                    $"At most {limit.PermitLimit} plan changes, purchases, auto top-up changes and promotion codes per customer every {limit.Window:c}; " +
                    $"nothing was done. Try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s.", retryAfter).ExecuteAsync(context.HttpContext));
            };
        });
        return builder;
    }

    /// <summary>Counts the endpoint against its customer's command budget (429 beyond it).</summary>
    public static RouteHandlerBuilder LimitedPerCustomer(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(CustomerCommands).ProducesProblem(StatusCodes.Status429TooManyRequests);

    static RateLimitOptions.WindowLimit Limit(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitOptions>>().CurrentValue.CustomerCommands;

    static string CustomerOf(HttpContext http) =>
        http.Request.RouteValues.TryGetValue("customerId", out var id) && id is string fromRoute ? fromRoute
        : http.User.FindFirst(PortalTokenAuthenticationHandler.CustomerClaim)?.Value ?? "";
}
