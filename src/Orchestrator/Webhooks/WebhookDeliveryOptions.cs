using System.ComponentModel.DataAnnotations;

namespace Credits.Orchestrator.Webhooks;

/// <summary>Section "Webhooks:Delivery" of the Orchestrator: how the delivery worker posts and retries (docs/webhooks.md).</summary>
public sealed class WebhookDeliveryOptions
{
    public const string Section = "Webhooks:Delivery";

    /// <summary>How often due deliveries are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00", ErrorMessage = "Webhooks:Delivery:PollInterval must be between 50 ms and 10 minutes.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after the first failed attempt; it doubles with each further failure up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Webhooks:Delivery:InitialBackoff must be between 100 ms and 1 hour.")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Webhooks:Delivery:MaxBackoff must be between 100 ms and 1 day.")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is retried (from its creation or its last replay) before it is marked failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "Webhooks:Delivery:RetryFor must be between 1 second and 30 days.")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(25);

    /// <summary>The receiver's time to answer; longer counts as a failure and is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "Webhooks:Delivery:Timeout must be between 1 second and 1 minute.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries claimed per poll.</summary>
    [Range(1, 500, ErrorMessage = "Webhooks:Delivery:BatchSize must be between 1 and 500.")]
    public int BatchSize { get; set; } = 50;

    /// <summary>Posts in flight at once per instance.</summary>
    [Range(1, 100, ErrorMessage = "Webhooks:Delivery:Concurrency must be between 1 and 100.")]
    public int Concurrency { get; set; } = 8;

    public TimeSpan BackoffAfter(int failedAttempts)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(failedAttempts - 1, 0), 30));
        var wait = InitialBackoff.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(wait, MaxBackoff.TotalMilliseconds));
    }
}
