using global::Stripe;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.StripeAdapter;

/// <summary>
/// The one way Credits calls Stripe: a configured <see cref="StripeClient"/> (never the static key),
/// an idempotency key on every write, transient errors retried with backoff under the same key, and
/// failures returned as values. Stripe.net retries network errors, 409 and 5xx itself; this adds
/// 429 and a few slower attempts after Stripe.net gives up.
/// </summary>
public sealed class StripeCalls(StripeClient client, IOptions<StripeOptions> options, ILogger<StripeCalls> logger)
{
    public StripeClient Client { get; } = client;

    /// <summary>A write: <paramref name="idempotencyKey"/> comes from <see cref="IdempotencyKeys.For(string,string,string)"/>.</summary>
    public Task<StripeResult<T>> WriteAsync<T>(string operation, string idempotencyKey,
        Func<StripeClient, RequestOptions, CancellationToken, Task<T>> call, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        return RunAsync(operation, new RequestOptions { IdempotencyKey = idempotencyKey }, call, ct);
    }

    /// <summary>
    /// A write made idempotent by an identifier in its body (meter events), or harmless to repeat (a
    /// meter event session). No fixed idempotency key: Stripe replays a stored 500 for a reused key for
    /// 24 hours, which would stall a resend that the identifier makes safe anyway.
    /// </summary>
    public Task<StripeResult<T>> SendAsync<T>(string operation,
        Func<StripeClient, RequestOptions, CancellationToken, Task<T>> call, CancellationToken ct = default) =>
        RunAsync(operation, new RequestOptions(), call, ct);

    /// <summary>A read (no idempotency key needed).</summary>
    public Task<StripeResult<T>> ReadAsync<T>(string operation,
        Func<StripeClient, RequestOptions, CancellationToken, Task<T>> call, CancellationToken ct = default) =>
        RunAsync(operation, new RequestOptions(), call, ct);

    /// <summary>A whole list read page by page (Stripe.net's auto-paging); a transient failure reads it again from the start.</summary>
    public Task<StripeResult<List<T>>> ReadAllAsync<T>(string operation,
        Func<StripeClient, RequestOptions, CancellationToken, IAsyncEnumerable<T>> list, CancellationToken ct = default) =>
        ReadAsync(operation, async (c, o, t) =>
        {
            var all = new List<T>();
            await foreach (var item in list(c, o, t)) all.Add(item);
            return all;
        }, ct);

    async Task<StripeResult<T>> RunAsync<T>(string operation, RequestOptions request,
        Func<StripeClient, RequestOptions, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var settings = options.Value;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return StripeResult<T>.Ok(await call(Client, request, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var failure = StripeErrors.Classify(e);
                if (!failure.Transient || attempt >= settings.TransientRetries)
                {
                    logger.LogWarning("Stripe {Operation} failed after {Attempts} attempt(s): {Failure}", operation, attempt + 1, failure);
                    return StripeResult<T>.Failed(failure);
                }
                var delay = Backoff(settings.RetryBackoff, attempt);
                logger.LogInformation("Stripe {Operation} attempt {Attempt} failed ({Failure}); retrying in {Delay} ms",
                    operation, attempt + 1, failure, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    internal static TimeSpan Backoff(TimeSpan first, int attempt)
    {
        var ms = first.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 6));
        return TimeSpan.FromMilliseconds(Math.Min(ms, 10_000) * (0.5 + Random.Shared.NextDouble() / 2));
    }
}
