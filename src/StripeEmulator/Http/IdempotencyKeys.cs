using System.Collections.Concurrent;

namespace Credits.StripeEmulator.Http;

/// <summary>Saved responses per <c>Idempotency-Key</c>, kept 24 hours as Stripe does.</summary>
public sealed class IdempotencyKeys
{
    public sealed class Entry(string fingerprint, DateTimeOffset createdAt)
    {
        public string Fingerprint { get; } = fingerprint;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        private volatile bool _completed;

        /// <summary>Set last, after the saved response, so a concurrent replay never sees half of it.</summary>
        public bool Completed { get => _completed; set => _completed = value; }
        public int Status { get; set; }
        public byte[] Body { get; set; } = [];
        public string? RequestId { get; set; }
    }

    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public ConcurrentDictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);

    public void Clear() => Entries.Clear();
}

/// <summary>
/// Stripe's idempotency layer for POSTs: once the endpoint began executing, its response (errors
/// included, 5xx too) is saved and replayed for the same key; the same key with other parameters is a
/// 400 <c>idempotency_error</c>; a key still in flight is a 409, which Stripe.net retries. A request
/// refused by parameter validation before execution (<see cref="StripeApiException.BeforeExecution"/>)
/// saves nothing, so a corrected retry under the same key executes
/// (https://docs.stripe.com/api/idempotent_requests, https://docs.stripe.com/error-low-level).
/// </summary>
public sealed class Idempotency(RequestDelegate next)
{
    private const string NotSaved = "stripe.idempotency.not_saved";

    /// <summary>Marks the response as a refusal before execution: not saved under the key.</summary>
    public static void DoNotSave(HttpContext http) => http.Items[NotSaved] = true;

    public static bool IsNotSaved(HttpContext http) => http.Items.ContainsKey(NotSaved);

    public async Task InvokeAsync(HttpContext http, IdempotencyKeys keys, TimeProvider time)
    {
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (!HttpMethods.IsPost(http.Request.Method) || string.IsNullOrEmpty(key) || !IsApi(http))
        {
            await next(http);
            return;
        }
        StripeParams parameters;
        try { parameters = await RequestParams.ReadAsync(http); }
        catch (StripeApiException e) { await Api.WriteErrorAsync(http, e); return; }

        var fingerprint = $"{http.Request.Method} {http.Request.Path} {parameters.Fingerprint()}";
        var now = time.GetUtcNow();
        var entry = new IdempotencyKeys.Entry(fingerprint, now);
        var existing = keys.Entries.AddOrUpdate(key, entry, (_, old) => now - old.CreatedAt > IdempotencyKeys.Retention ? entry : old);
        if (!ReferenceEquals(existing, entry))
        {
            await ReplayAsync(http, key, existing);
            return;
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            keys.Entries.TryRemove(key, out _);
            http.Response.Body = original;
            throw;
        }
        http.Response.Body = original;
        if (IsNotSaved(http))
        {
            keys.Entries.TryRemove(KeyValuePair.Create(key, entry));
            await original.WriteAsync(buffer.ToArray());
            return;
        }
        entry.Status = http.Response.StatusCode;
        entry.Body = buffer.ToArray();
        entry.RequestId = RequestId.Of(http);
        entry.Completed = true;
        await original.WriteAsync(entry.Body);
    }

    private static async Task ReplayAsync(HttpContext http, string key, IdempotencyKeys.Entry existing)
    {
        if (!existing.Completed)
        {
            await Api.WriteErrorAsync(http, new StripeApiException(409, "idempotency_error", "idempotency_key_in_use",
                "There is currently another in-progress request using this Stripe-Idempotency-Key. Please try again later."));
            return;
        }
        var fingerprint = $"{http.Request.Method} {http.Request.Path} {(await RequestParams.ReadAsync(http)).Fingerprint()}";
        if (fingerprint != existing.Fingerprint)
        {
            await Api.WriteErrorAsync(http, new StripeApiException(400, "idempotency_error", null,
                $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."));
            return;
        }
        http.Response.StatusCode = existing.Status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["Idempotent-Replayed"] = "true";
        http.Response.Headers["Original-Request"] = existing.RequestId;
        await http.Response.Body.WriteAsync(existing.Body);
    }

    private static bool IsApi(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/v1") || http.Request.Path.StartsWithSegments("/v2");
}
