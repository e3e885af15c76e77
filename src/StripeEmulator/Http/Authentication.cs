using System.Text;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.State;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Http;

/// <summary>
/// Secret-key authentication (Bearer, or Basic with the key as user name, as Stripe accepts), before
/// faults and idempotency. The v2 meter event stream authenticates with a session token instead.
/// </summary>
public sealed class Authentication(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, IOptions<EmulatorOptions> options, EmulatorStore store, Clocks clocks)
    {
        http.Response.Headers["Request-Id"] = RequestId.Of(http);
        if (http.Request.Headers["Stripe-Version"].FirstOrDefault() is { Length: > 0 } version)
            http.Response.Headers["Stripe-Version"] = version;
        var path = http.Request.Path.Value ?? "";
        if (!path.StartsWith("/v1/", StringComparison.Ordinal) && !path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            await next(http);
            return;
        }
        var key = KeyOf(http);
        if (path == "/v2/billing/meter_event_stream")
        {
            DateTimeOffset expires;
            bool known;
            lock (store.Gate) known = key is not null && store.MeterEventSessions.TryGetValue(key, out expires);
            if (!known)
            {
                await Api.WriteErrorAsync(http, new StripeApiException(401, "authentication_error", null,
                    "Invalid meter event session token."));
                return;
            }
            lock (store.Gate) expires = store.MeterEventSessions[key!];
            if (clocks.WallTime >= expires)
            {
                await Api.WriteErrorAsync(http, new StripeApiException(401, "temporary_session_expired", null,
                    "The meter event session has expired; create a new one."));
                return;
            }
        }
        else if (key is null)
        {
            await Api.WriteErrorAsync(http, new StripeApiException(401, "invalid_request_error", null,
                "You did not provide an API key. Provide it in the Authorization header, using Bearer auth."));
            return;
        }
        else if (key != options.Value.ApiKey)
        {
            await Api.WriteErrorAsync(http, new StripeApiException(401, "invalid_request_error", null,
                $"Invalid API Key provided: {Redact(key)}"));
            return;
        }
        await next(http);
    }

    private static string? KeyOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.FirstOrDefault();
        if (header is null) return null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try { return Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':')[0]; }
            catch (FormatException) { return null; }
        }
        return null;
    }

    private static string Redact(string key) => key.Length <= 12 ? "sk_test_****" : key[..8] + new string('*', 8) + key[^4..];
}
