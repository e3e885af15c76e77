using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Credits.Gateway.RateLimits;
using Credits.Ledger;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Balances;

/// <summary>
/// GET /v1/customers/{id}/balance/stream (and the portal's): server-sent events. The balance now, then again after
/// every change (changes that come faster than they can be sent are coalesced), and a comment every 15 s so proxies
/// keep the connection open. A stream opened with a credential that expires (a portal token's <c>exp</c>) ends when it
/// does, with a last <c>event: expired</c>: a link that no longer opens the portal does not keep its stream either.
/// Streams are capped per customer (429) and per instance (503) by the <see cref="BalanceChangeListener"/>.
/// </summary>
public static class BalanceStream
{
    /// <summary>The claim with the credential's expiry, unix seconds (as in a JWT).</summary>
    public const string ExpiresClaim = "exp";

    static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    static readonly TimeSpan FullRetryAfter = TimeSpan.FromSeconds(30);

    public static async Task Stream(string customerId, HttpContext http, BalanceChangeListener listener,
        IServiceScopeFactory scopes, IOptions<JsonOptions> json, TimeProvider clock, CancellationToken ct)
    {
        var (subscription, refusal) = listener.TrySubscribe(customerId);
        if (subscription is null)
        {
            await Refused(customerId, refusal).ExecuteAsync(http);
            return;
        }
        using var _ = subscription;
        var first = await ReadAsync(scopes, customerId, ct);
        if (first is null)
        {
            await BalanceApi.UnknownCustomer(customerId).ExecuteAsync(http);
            return;
        }

        var expiresAt = ExpiresAt(http.User);
        using var expiry = expiresAt is { } at
            ? new CancellationTokenSource(Max(at - clock.GetUtcNow(), TimeSpan.Zero), clock)
            : new CancellationTokenSource();
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);

        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await WriteAsync(http, first, json.Value.SerializerOptions, ct);

        while (!ct.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
            wait.CancelAfter(KeepAlive);
            try
            {
                await subscription.Changes.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (expiry.IsCancellationRequested)
            {
                // A timer can fire a moment before the clock reaches its due time (it counts whole milliseconds of
                // another clock), and until then the credential is still good: the stream must not end before its link.
                if (expiresAt - clock.GetUtcNow() is { Ticks: > 0 } early) await Task.Delay(early, clock, ct);
                await http.Response.WriteAsync("event: expired\ndata: {}\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                return;
            }
            catch (OperationCanceledException)
            {
                await http.Response.WriteAsync(": keep-alive\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                continue;
            }
            if (await ReadAsync(scopes, customerId, ct) is { } balance)
                await WriteAsync(http, balance, json.Value.SerializerOptions, ct);
        }
    }

    static IResult Refused(string customerId, BalanceChangeListener.Refusal refusal) => refusal == BalanceChangeListener.Refusal.CustomerFull
        ? LimitProblems.TooManyRequests("Too many balance streams",
            $"Customer '{customerId}' has as many balance streams open as allowed; close one (another tab or page) first.", FullRetryAfter)
        : LimitProblems.Unavailable("Balance streams full",
            "This server has as many balance streams open as it allows; try again shortly, or read GET .../balance meanwhile.", FullRetryAfter);

    static DateTimeOffset? ExpiresAt(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ExpiresClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    static async Task<object?> ReadAsync(IServiceScopeFactory scopes, string customerId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetBalanceAsync(customerId, ct);
    }

    static async Task WriteAsync(HttpContext http, object balance, JsonSerializerOptions options, CancellationToken ct)
    {
        await http.Response.WriteAsync($"event: balance\ndata: {JsonSerializer.Serialize(balance, options)}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
