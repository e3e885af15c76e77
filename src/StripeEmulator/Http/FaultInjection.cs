using System.Diagnostics;

namespace Credits.StripeEmulator.Http;

/// <summary>Applies <see cref="FaultRule"/>s after authentication and around the idempotency layer.</summary>
public sealed class FaultInjection(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, Faults faults)
    {
        var path = http.Request.Path.Value ?? "";
        var rule = path.StartsWith("/v1/") || path.StartsWith("/v2/") ? faults.Match(http.Request.Method, path) : null;
        if (rule is null)
        {
            await next(http);
            return;
        }
        if (rule.LatencyMs > 0) await AtLeastAsync(TimeSpan.FromMilliseconds(rule.LatencyMs), http.RequestAborted);
        if (rule.Hang)
        {
            Interlocked.Increment(ref rule.Failed);
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        var fails = rule.Status is not (0 or 200) && Random.Shared.NextDouble() < rule.Rate;
        if (!fails)
        {
            await next(http);
            return;
        }
        Interlocked.Increment(ref rule.Failed);
        if (rule.Stored)
        {
            StoredFault.Mark(http, rule.Error());
            await next(http);
            return;
        }
        if (rule.AfterExecution)
        {
            var original = http.Response.Body;
            http.Response.Body = Stream.Null;
            await next(http);
            http.Response.Body = original;
            http.Response.Headers.Remove("Idempotent-Replayed");
        }
        if (rule.Status >= 500) http.Response.Headers["Stripe-Should-Retry"] = "true";
        await Api.WriteErrorAsync(http, rule.Error());
    }

    // A rule's latency is a floor callers time against. .NET's timers count on Environment.TickCount64, on Linux the
    // coarse monotonic clock (4 ms a step here), so a Task.Delay can end a few milliseconds short of a Stopwatch:
    // CI saw a 400 ms rule answer in 398.5 ms. Wait out what is left by the Stopwatch.
    static async Task AtLeastAsync(TimeSpan latency, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        for (var left = latency; left > TimeSpan.Zero; left = latency - Stopwatch.GetElapsedTime(started))
            await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, cancellation);
    }
}
