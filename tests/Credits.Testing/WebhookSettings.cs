namespace Credits.Testing;

/// <summary>
/// Outgoing webhooks as the tests need them: http receivers on 127.0.0.1 allowed, the worker polling often and backing
/// off in seconds instead of minutes, and optionally a retry window of seconds instead of 25 hours (to see a delivery
/// give up).
/// </summary>
public static class WebhookSettings
{
    public static Dictionary<string, string> WithQuickWebhooks(this Dictionary<string, string> environment, TimeSpan? retryFor = null)
    {
        environment["Webhooks__Endpoints__AllowHttp"] = "true";
        environment["Webhooks__Delivery__PollInterval"] = "00:00:00.200";
        environment["Webhooks__Delivery__InitialBackoff"] = "00:00:00.500";
        environment["Webhooks__Delivery__MaxBackoff"] = retryFor is null ? "00:00:02" : "00:00:01";
        environment["Webhooks__Delivery__Timeout"] = retryFor is null ? "00:00:05" : "00:00:02";
        if (retryFor is { } window) environment["Webhooks__Delivery__RetryFor"] = window.ToString("c");
        return environment;
    }
}
