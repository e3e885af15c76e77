using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Credits.Billing.Webhooks;

/// <summary>
/// Refused webhook requests. Anyone on the internet can post to the endpoint, so a refusal is not news: each one is
/// counted (metric <c>credits.stripe.webhooks.rejected</c>, tag <c>reason</c>) and logged at Debug with its reason.
/// One warning a minute at most says how many there were, because a run of refusals can also mean Stripe's own
/// deliveries fail (a rotated Stripe:WebhookSecret), which an operator must hear about.
/// </summary>
public sealed class WebhookRejections
{
    public const string MeterName = "Credits.Billing";
    static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    readonly ILogger<WebhookRejections> _logger;
    readonly TimeProvider _clock;
    readonly Counter<long> _rejected;
    readonly Lock _lock = new();
    DateTimeOffset _lastWarning = DateTimeOffset.MinValue;
    long _sinceLastWarning;

    public WebhookRejections(ILogger<WebhookRejections> logger, TimeProvider clock, IMeterFactory meters)
    {
        _logger = logger;
        _clock = clock;
        _rejected = meters.Create(MeterName).CreateCounter<long>("credits.stripe.webhooks.rejected", "{request}",
            "Requests to the Stripe webhook endpoint refused before anything was recorded");
    }

    /// <summary>Counts and logs a refusal; <paramref name="reason"/> is a short tag (oversize, signature, malformed).</summary>
    public void Record(string reason, string detail)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        _logger.LogDebug("Rejected a Stripe webhook ({Reason}): {Detail}", reason, detail);
        long count;
        lock (_lock)
        {
            _sinceLastWarning++;
            var now = _clock.GetUtcNow();
            if (now - _lastWarning < WarningInterval) return;
            count = _sinceLastWarning;
            _sinceLastWarning = 0;
            _lastWarning = now;
        }
        _logger.LogWarning("{Count} Stripe webhook request(s) rejected since the last such warning (at most one a minute); the latest ({Reason}): {Detail}. " +
            "Expected now and then from strangers; if Stripe's own deliveries fail, check Stripe:WebhookSecret.", count, reason, detail);
    }
}
