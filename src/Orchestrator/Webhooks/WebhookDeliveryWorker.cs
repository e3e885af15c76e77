using System.Net.Http.Headers;
using System.Text;
using Credits.Messaging.Jobs;
using Credits.Persistence.Webhooks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Credits.Orchestrator.Webhooks;

/// <summary>
/// Posts due webhook deliveries, signed (<see cref="WebhookSignature"/>), and retries failures with exponential backoff
/// until <see cref="WebhookDeliveryOptions.RetryFor"/> has passed, then marks them failed (listed, replayable).
/// A claim moves a row's next attempt past the post's timeout in a short transaction of its own (FOR UPDATE SKIP LOCKED),
/// so any number of instances share the work, no transaction is held open across HTTP, and a row whose instance died
/// mid-post is simply due again later. Nothing else waits for this worker: usage ingestion never sees a receiver.
/// </summary>
public sealed class WebhookDeliveryWorker(NpgsqlDataSource dataSource, IHttpClientFactory httpClients,
    IOptions<WebhookDeliveryOptions> options, JobRuns runs, TimeProvider clock, ILogger<WebhookDeliveryWorker> logger)
    : PeriodicJob(runs, clock, logger)
{
    public const string HttpClientName = "webhooks";

    sealed record Claimed(Guid Id, string EventId, string EventType, string Payload, int Attempts, DateTimeOffset RetryingSince,
        Guid EndpointId, string Url, string Secret, string? PreviousSecret, DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset LeasedUntil);

    sealed record Outcome(bool Delivered, int? StatusCode, string? Error);

    public override string Name => "webhook-delivery";

    protected override TimeSpan Interval => options.Value.PollInterval;

    /// <summary>
    /// Claims and posts one batch; a full batch means more may be due, so it goes again at once. A receiver that fails
    /// fails its delivery, not the run: only this worker's own trouble (its database) does that.
    /// </summary>
    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var claimed = await ClaimAsync(o, ct);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency, CancellationToken = ct },
            async (delivery, token) => await RecordAsync(delivery, await PostAsync(delivery, token), token));
        return claimed.Count == o.BatchSize ? JobOutcome.More : JobOutcome.Done;
    }

    async Task<List<Claimed>> ClaimAsync(WebhookDeliveryOptions o, CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        await using var command = dataSource.CreateCommand("""
            UPDATE webhook_deliveries d SET next_attempt_at = $1
            FROM webhook_endpoints e
            WHERE e.id = d.endpoint_id AND d.id IN (
                SELECT c.id FROM webhook_deliveries c JOIN webhook_endpoints ce ON ce.id = c.endpoint_id
                WHERE c.status = 'pending' AND c.next_attempt_at <= $2 AND ce.enabled
                ORDER BY c.next_attempt_at
                LIMIT $3
                FOR UPDATE OF c SKIP LOCKED)
            RETURNING d.id, d.event_id, d.event_type, d.payload, d.attempts, d.retrying_since,
                      e.id, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, d.next_attempt_at
            """);
        // The lease: a post outlives its timeout by far less than this, so no two posts of one row overlap.
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + o.Timeout + TimeSpan.FromSeconds(30) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = o.BatchSize });
        var claimed = new List<Claimed>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claimed.Add(new Claimed(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetGuid(6), reader.GetString(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11)));
        return claimed;
    }

    async Task<Outcome> PostAsync(Claimed delivery, CancellationToken ct)
    {
        var endpoint = new WebhookEndpoint
        {
            Secret = delivery.Secret, PreviousSecret = delivery.PreviousSecret, PreviousSecretExpiresAt = delivery.PreviousSecretExpiresAt,
        };
        var now = Clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("Credits-Event-Id", delivery.EventId);
        request.Headers.Add("Credits-Event-Type", delivery.EventType);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.For(delivery.Payload, now.ToUnixTimeSeconds(), endpoint.SigningSecrets(now)));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? new Outcome(true, code, null) : new Outcome(false, code, $"HTTP {code}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Any failure to get an answer is a failed attempt, retried. The message only: it names the failure
            // (refused, timeout, DNS) and never carries the secret.
            return new Outcome(false, null, e is TaskCanceledException ? "timed out" : Truncate(e.Message));
        }
    }

    async Task RecordAsync(Claimed delivery, Outcome outcome, CancellationToken ct)
    {
        var o = options.Value;
        var now = Clock.GetUtcNow();
        var attempts = delivery.Attempts + 1;
        var givingUp = !outcome.Delivered && now - delivery.RetryingSince >= o.RetryFor;
        var status = outcome.Delivered ? WebhookDeliveryStatus.Delivered : givingUp ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        await using var command = dataSource.CreateCommand("""
            UPDATE webhook_deliveries
            SET status = $2, attempts = $3, last_attempt_at = $4, last_status_code = $5, last_error = $6,
                delivered_at = CASE WHEN $2 = 'delivered' THEN $4 ELSE delivered_at END,
                next_attempt_at = $7
            WHERE id = $1 AND next_attempt_at = $8
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = delivery.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempts });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)outcome.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)outcome.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = outcome.Delivered || givingUp ? now : now + o.BackoffAfter(attempts) });
        // Still our lease: a replay during the post made the row due again, and that replay must not be overwritten.
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = delivery.LeasedUntil });
        await command.ExecuteNonQueryAsync(ct);

        if (givingUp)
            logger.LogWarning("Webhook delivery {DeliveryId} of {EventId} to endpoint {EndpointId} failed after {Attempts} attempts: {Error}",
                delivery.Id, delivery.EventId, delivery.EndpointId, attempts, outcome.Error);
        else if (!outcome.Delivered)
            logger.LogInformation("Webhook delivery {DeliveryId} of {EventId} to endpoint {EndpointId} failed ({Error}); attempt {Attempts}",
                delivery.Id, delivery.EventId, delivery.EndpointId, outcome.Error, attempts);
    }

    static string Truncate(string text) => text.Length <= 500 ? text : text[..500];
}
