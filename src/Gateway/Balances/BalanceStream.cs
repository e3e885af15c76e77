using System.Text.Json;
using Credits.Ledger;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Balances;

/// <summary>
/// GET /v1/customers/{id}/balance/stream: server-sent events. The balance now, then again after every
/// change (changes that come faster than they can be sent are coalesced), and a comment every 15 s
/// so proxies keep the connection open.
/// </summary>
public static class BalanceStream
{
    static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task Stream(string customerId, HttpContext http, BalanceChangeListener listener,
        IServiceScopeFactory scopes, IOptions<JsonOptions> json, CancellationToken ct)
    {
        using var subscription = listener.Subscribe(customerId);
        var first = await ReadAsync(scopes, customerId, ct);
        if (first is null)
        {
            await BalanceApi.UnknownCustomer(customerId).ExecuteAsync(http);
            return;
        }

        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await WriteAsync(http, first, json.Value.SerializerOptions, ct);

        while (!ct.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(KeepAlive);
            try
            {
                await subscription.Changes.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await http.Response.WriteAsync(": keep-alive\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (await ReadAsync(scopes, customerId, ct) is { } balance)
                await WriteAsync(http, balance, json.Value.SerializerOptions, ct);
        }
    }

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
